/**
 * The local stack's execution environments (infra/local/lambda-pool.ts), with real worker threads
 * running a fixture environment: answers and errors come back to their invocation, invocations at
 * once go to environments of their own up to the pool's size, and an environment that dies fails
 * what it had in flight and is replaced.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Context } from 'aws-lambda';

import { LambdaPool } from '../../infra/local/lambda-pool';
import type { Log } from '../../infra/local/log';

const ENTRY = pathToFileURL(path.join(__dirname, '..', 'fixtures', 'pool-environment.ts')).href;

function collectingLog(): Log & { errors: string[] } {
  const errors: string[] = [];
  const none = () => undefined;
  return { errors, debug: none, info: none, warn: none, error: (msg) => errors.push(msg) };
}

const context = (requestId: string) => ({ awsRequestId: requestId }) as Context;

describe('LambdaPool', () => {
  let pool: LambdaPool;
  let log: ReturnType<typeof collectingLog>;
  beforeEach(() => {
    log = collectingLog();
    pool = new LambdaPool(2, log, ENTRY);
  });
  afterEach(() => pool.close());

  it('answers each invocation with its own result, the request id passed through', async () => {
    const echo = pool.handler('echo', 1_000);
    const answers = (await Promise.all([1, 2, 3, 4, 5].map((n) => echo({ n }, context(`req-${n}`))))) as Array<{
      event: { n: number };
      requestId: string;
    }>;
    expect(answers.map((a) => [a.event.n, a.requestId])).toEqual([1, 2, 3, 4, 5].map((n) => [n, `req-${n}`]));
  });

  it('runs invocations at once in environments of their own, never more than its size', async () => {
    const echo = pool.handler('echo', 1_000);
    const answers = (await Promise.all(Array.from({ length: 6 }, (_, n) => echo({ n }, context(`r${n}`))))) as Array<{
      threadId: number;
    }>;
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(2);
  });

  it('reuses an idle environment rather than starting another (no needless cold start)', async () => {
    const echo = pool.handler('echo', 1_000);
    const first = (await echo({}, context('a'))) as { threadId: number };
    const second = (await echo({}, context('b'))) as { threadId: number };
    expect(second.threadId).toBe(first.threadId);
  });

  it("rejects with the handler's error, its name and message kept", async () => {
    await expect(pool.handler('fail', 1_000)({ code: 'X' }, context('f'))).rejects.toMatchObject({
      name: 'StoreRefusedError',
      message: 'refused {"code":"X"}',
    });
  });

  it('fails the invocations of an environment that dies, logs it, and replaces it', async () => {
    await expect(pool.handler('crash', 1_000)({}, context('c'))).rejects.toThrow('the environment died');
    expect(log.errors).toEqual(['an execution environment crashed: its invocations in flight fail']);
    await expect(pool.handler('echo', 1_000)({ after: true }, context('d'))).resolves.toMatchObject({ event: { after: true } });
  });

  it('fails invocations after close', async () => {
    await pool.close();
    await expect(pool.handler('echo', 1_000)({}, context('z'))).rejects.toThrow('the local stack is stopping');
  });
});
