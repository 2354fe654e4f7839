/**
 * `npm start` (`npm start -- --fresh` wipes DATA_DIR first): the local stack of CONTRACT
 * section 2 in one process. stdout gets one line per URL and then `ready`; everything else
 * (JSON lines) goes to stderr. SIGINT / SIGTERM stop it cleanly (exit 0).
 */
import { createLog, errorFields } from './log';
import { readSettings } from './settings';
import { type LocalStack, startLocalStack } from './stack';

/** Beyond this, a stop that hangs is cut short (exit 1). */
const STOP_TIMEOUT_MS = 20_000;

// The SDK's multi-line warning about Node 20 (emitted when the first client is built) would break
// the JSON-lines log on every start; set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// stdout carries only the startup lines that scripts wait for; whatever else is written there
// (the handlers' own loggers, a stray console.log) goes to stderr with the rest of the log.
const startupLines = process.stdout.write.bind(process.stdout) as (text: string) => boolean;
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

async function main(): Promise<void> {
  const log = createLog('local');
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }

  let stack: LocalStack | undefined;
  let stopping = false;
  let exitCode = 0;
  const finish = (running: LocalStack) =>
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(exitCode);
      },
      (err) => {
        log.error('stop failed', errorFields(err));
        process.exit(1);
      },
    );
  const shutdown = (reason: string, code = 0) => {
    if (stopping) {
      log.warn('second stop request: exiting now', { reason });
      process.exit(1);
    }
    stopping = true;
    exitCode = code;
    log.info('stopping', { reason });
    setTimeout(() => {
      log.error('stop timed out', { ms: STOP_TIMEOUT_MS });
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    // During startup: main() stops the stack as soon as it is up (or exits if it fails).
    if (stack) void finish(stack);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  if (settings.stdinLifeline) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.resume();
  }
  // A Lambda's stray promise must not take the whole stack down; log it loudly instead.
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', errorFields(reason)));
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception', errorFields(err));
    shutdown('uncaught exception', 1);
  });

  try {
    stack = await startLocalStack(settings, log);
  } catch (err) {
    log.error('local stack failed to start', errorFields(err));
    process.exit(1);
  }
  if (stopping) return void finish(stack);

  const { urls } = stack;
  startupLines(
    [
      `api ${urls.api}`,
      `dashboard ${urls.api}/dashboard`,
      `ses ${urls.ses} (viewer, GET /store)`,
      `dynamodb ${urls.dynamodb}`,
      `sqs ${urls.sqs}`,
      'ready',
      '',
    ].join('\n'),
  );
}

void main();
