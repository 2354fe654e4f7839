// dynalite in a child process, so that on a two-core machine the emulator and the handlers each
// get a core (in one process they queue behind each other). Started by `startDynamo({ child: true })`.
// Binds 127.0.0.1, prints one JSON line {"endpoint": "..."}, and on SIGTERM / SIGINT or when stdin
// ends (its parent died or closed it) closes the server, which closes LevelDB, then exits.
import dynalite from 'dynalite';

const server = dynalite({ path: process.env.DYNAMO_PATH || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(Number(process.env.DYNAMODB_PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${server.address().port}` })}\n`);
});
server.on('error', (err) => {
  process.stderr.write(`dynalite: ${err.message}\n`);
  process.exit(1);
});

let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
};
process.stdin.on('end', close);
process.stdin.on('error', close);
process.stdin.resume();
process.on('SIGTERM', close);
process.on('SIGINT', close);
