/**
 * Execution environments for the local stack's HTTP functions, as Lambda runs concurrent
 * invocations in environments of their own: worker threads, each loading the handlers it is asked
 * for and keeping its module state (caches, clients) between invocations, as a warm environment
 * does. The HTTP API then uses every core of the machine, not the one of the stack's main thread,
 * and the emulators keep theirs.
 *
 * Unlike Lambda, an environment here takes more than one invocation at a time (the one with the
 * fewest in flight gets the next), so a few threads carry the whole load. The environment is shared
 * with the main thread (`SHARE_ENV`), so variables set after the start (DASHBOARD_URL) reach them.
 * An environment that dies (an uncaught exception) fails what it had in flight, as a crashed
 * Lambda environment does, and is replaced at the next invocation.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';

import type { LambdaHandler } from './lambda';
import type { Log } from './log';

/** An invocation posted to an environment. */
export interface Invocation {
  id: number;
  name: string;
  event: unknown;
  requestId: string;
  timeoutMs: number;
}

/** An environment's answer. */
export type InvocationResult =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

const BOOT = path.join(__dirname, 'lambda-worker.mjs');
const ENTRY = pathToFileURL(path.join(__dirname, 'lambda-worker.ts')).href;

interface Environment {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
}

export class LambdaPool {
  private readonly envs: Array<Environment | null>;
  private nextId = 1;
  private closed = false;

  /**
   * `entry`: the module an environment runs (default `lambda-worker.ts`; the tests give their own
   * to exercise the pool without the handlers).
   */
  constructor(
    readonly size: number,
    private readonly log: Log,
    private readonly entry: string = ENTRY,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a pool needs at least one environment, got ${size}`);
    this.envs = Array.from({ length: size }, () => null);
  }

  /** A handler that runs function `name` in the least busy environment. */
  handler(name: string, timeoutMs: number): LambdaHandler {
    return (event, context) => this.invoke({ id: 0, name, event, requestId: context.awsRequestId, timeoutMs });
  }

  /** Ends every environment; invocations still in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.envs.map((e, i) => (e ? this.retire(i, new Error('the local stack is stopping')) : undefined)));
  }

  private invoke(call: Invocation): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the local stack is stopping'));
    const env = this.leastBusy();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      env.pending.set(id, { resolve, reject });
      env.worker.postMessage({ ...call, id });
    });
  }

  private leastBusy(): Environment {
    const live = this.envs.filter((e): e is Environment => e !== null);
    // A new environment while one is idle would only add a cold start.
    const idle = live.find((e) => e.pending.size === 0);
    if (idle) return idle;
    const free = this.envs.indexOf(null);
    if (free >= 0) return this.start(free);
    return live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(slot: number): Environment {
    const worker = new Worker(BOOT, { workerData: { entry: this.entry }, env: SHARE_ENV });
    const env: Environment = { worker, pending: new Map() };
    worker.on('message', (answer: InvocationResult) => {
      const waiting = env.pending.get(answer.id);
      if (!waiting) return;
      env.pending.delete(answer.id);
      if (answer.ok) waiting.resolve(answer.result);
      else waiting.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name, stack: answer.error.stack }));
    });
    worker.on('error', (err) => {
      this.log.error('an execution environment crashed: its invocations in flight fail', { slot, error: err.message });
      void this.retire(slot, err);
    });
    worker.on('exit', (code) => {
      if (this.envs[slot] === env) void this.retire(slot, new Error(`execution environment exited (${code})`));
    });
    this.envs[slot] = env;
    return env;
  }

  private async retire(slot: number, why: Error): Promise<void> {
    const env = this.envs[slot];
    if (!env) return;
    this.envs[slot] = null;
    for (const { reject } of env.pending.values()) reject(why);
    env.pending.clear();
    await env.worker.terminate();
  }
}
