/**
 * The body of a local execution environment (`lambda-pool.ts`): loads a function's handler at its
 * first invocation (its cold start in this environment) and runs the invocations the pool posts,
 * answering each with the handler's result or its error.
 */
import { parentPort } from 'node:worker_threads';

import { lambdaContext, type LambdaHandler, loadHandlerOrFailure } from './lambda';
import type { Invocation, InvocationResult } from './lambda-pool';

// As in main.ts: the handlers' log lines go to stderr with the rest of the stack's log.
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const port = parentPort;
if (!port) throw new Error('lambda-worker.ts runs as a worker thread of the local stack');

const loaded = new Map<string, Promise<LambdaHandler>>();

function handlerOf(name: string): Promise<LambdaHandler> {
  let h = loaded.get(name);
  if (!h) {
    // The main thread has loaded every handler once already and logged a failure there.
    h = loadHandlerOrFailure(name, () => undefined);
    loaded.set(name, h);
  }
  return h;
}

port.on('message', (call: Invocation) => {
  void (async (): Promise<InvocationResult> => {
    try {
      const handler = await handlerOf(call.name);
      const result = await handler(call.event, lambdaContext(call.name, call.timeoutMs, call.requestId));
      return { id: call.id, ok: true, result };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return { id: call.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
    }
  })().then((answer) => port.postMessage(answer));
});
