/**
 * The shared stack's process (see `seeded-stack.ts`): starts the local stack as `npm start` would,
 * loads the ward stream through its HTTP API as the portal, PayGov, VNPay and VNPost send it, writes
 * the state file, and stops the stack when its stdin closes or on SIGTERM.
 *
 *   node --import tsx test/e2e/seeded-stack-main.ts <state file>
 */
import { renameSync, writeFileSync } from 'node:fs';
import { loadStream } from '../../events/generator/load';
import { generateWardStream } from '../../events/generator/ward-stream';
import { type Stack, startStack } from './harness';
import type { SeededState } from './seeded-stack';

const file = process.argv[2];

function write(state: SeededState): void {
  // Whole or not at all: the readers poll this file.
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

async function main(): Promise<void> {
  let stack: Stack | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();

  const started = Date.now();
  try {
    stack = await startStack();
    const { messages } = generateWardStream();
    let shown = 0;
    await loadStream(stack.api, messages, {
      concurrency: 8,
      onProgress: (done, total) => {
        if (done * 5 >= (shown + 1) * total) {
          shown++;
          process.stderr.write(`seeded stack: ${done}/${total} messages loaded\n`);
        }
      },
    });
    write({
      ready: true,
      api: stack.api,
      ses: stack.ses,
      dynamodb: stack.dynamodb,
      sqs: stack.sqs,
      loaded: messages.length,
      ms: Date.now() - started,
    });
  } catch (err) {
    write({ ready: false, error: (err as Error).message });
    await stop();
  }
}

void main();
