// fauxqs (SQS emulator) on 127.0.0.1, ESM like fauxqs itself. Two ways in:
//  - `startSqsServer({ port })`, imported by emulators.ts when the caller can load ESM (tsx);
//  - run as a script (`node sqs-server.mjs`), when it cannot (jest runs test files as CommonJS
//    in a VM): it prints one JSON line {"endpoint": "..."} and exits when stdin ends (its parent
//    died or closed it) or on SIGTERM / SIGINT.
// Why not startFauxqs(): it always binds 0.0.0.0, and its queue URLs use the host
// `sqs.<region>.localhost`, which does not resolve here (an SDK client with the default
// useQueueUrlAsEndpoint would send there). With the store's host emptied, a queue URL is built
// from the request's Host header instead: http://127.0.0.1:<port>/000000000000/<name>.
import { pathToFileURL } from 'node:url';

import { buildApp } from 'fauxqs';

// SqsStore is not exported from the package root; load it by file (fauxqs is pinned to 1.9.2).
const { SqsStore } = await import(new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href);

/** Starts fauxqs on 127.0.0.1:`port` (0 = any free port); resolves `{ endpoint, port, stop }`. */
export async function startSqsServer({ port = 0, region = 'ap-southeast-1' } = {}) {
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  const app = buildApp({ logger: false, defaultRegion: region, stores: { sqsStore } });
  const address = await app.listen({ port, host: '127.0.0.1' });
  const actual = Number(new URL(address).port);
  return { endpoint: `http://127.0.0.1:${actual}`, port: actual, stop: () => app.close() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startSqsServer({ port: Number(process.env.SQS_PORT || 0), region: process.env.AWS_REGION || undefined });
  process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.stop();
    process.exit(0);
  };
  process.stdin.on('end', close);
  process.stdin.on('error', close);
  process.stdin.resume();
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}
