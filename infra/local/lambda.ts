/**
 * What the Lambda runtime gives a handler, reproduced for the local stack: the handler module
 * loaded by name (`functions/handlers/<name>.ts`, export `handler`) and a context object.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Context } from 'aws-lambda';

import { REGION } from './settings';

/** A handler as the stack calls it: `handler(event, context)`, async (middy or plain). */
export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** Timeouts of the deployed functions, reported by `getRemainingTimeInMillis` (not enforced). */
export const TIMEOUT_MS = { http: 29_000, queue: 60_000, schedule: 300_000 } as const;

const HANDLERS_DIR = path.resolve(__dirname, '../../functions/handlers');

/**
 * Imports `functions/handlers/<name>.ts` and returns its `handler`. Call it only after the
 * environment is set: handlers read their configuration once, at module load (cold start).
 */
export async function loadHandler(name: string): Promise<LambdaHandler> {
  const file = path.join(HANDLERS_DIR, `${name}.ts`);
  const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown; default?: { handler?: unknown } };
  // Loaded as CommonJS through tsx, the exports may sit under `default`.
  const handler = mod.handler ?? mod.default?.handler;
  if (typeof handler !== 'function') throw new Error(`${path.relative(process.cwd(), file)} does not export a function named handler`);
  return handler as LambdaHandler;
}

/**
 * `loadHandler`, but a module that fails to load does not stop the stack: as a Lambda whose init
 * fails, that one function answers every invocation with the load error (logged here once and by
 * the caller per invocation) while the other functions work.
 */
export async function loadHandlerOrFailure(name: string, onError: (err: unknown) => void): Promise<LambdaHandler> {
  try {
    return await loadHandler(name);
  } catch (err) {
    onError(err);
    const failure = new Error(`handler ${name} failed to load: ${(err as Error).message}`, { cause: err });
    failure.name = 'Runtime.ImportModuleError';
    return async () => {
      throw failure;
    };
  }
}

/** A Lambda context for one invocation of function `name` (`motcua-local-<name>`). */
export function lambdaContext(name: string, timeoutMs: number, requestId: string = randomUUID()): Context {
  const functionName = `motcua-local-${name}`;
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style completion (done/succeed/fail) is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
