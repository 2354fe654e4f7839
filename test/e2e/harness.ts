/**
 * End-to-end harness: spawns the real local stack (`infra/local/main.ts`, as `npm start` runs it)
 * as a child process on free ports and a temporary data directory, and talks to it over HTTP the
 * way the portal, the payment platforms, VNPost, the feedback systems and the ward's staff do.
 *
 *   const stack = await startStack();
 *   const res = await signedPost(stack.api, '/webhooks/portal', envelope, 'local-portal-secret');
 *   await stack.stop();
 *
 * Signing is written here from the contract (CONTRACT 3.1), not imported from the adapter under
 * test, so a bug in the adapter cannot sign its own way past the test.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const STDERR_KEEP_CHARS = 1024 * 1024;

/** The local defaults of CONTRACT section 2 (the stack is started with them unless overridden). */
export const LOCAL_SECRETS = {
  PORTAL_SECRET: 'local-portal-secret',
  POSTAL_SECRET: 'local-postal-secret',
  FEEDBACK_SECRET: 'local-feedback-secret',
  PAYGOV_SECRET: 'local-paygov-secret',
  VNPAY_HASH_SECRET: 'local-vnpay-secret',
} as const;
export const ADMIN_TOKEN = 'local-admin-token';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Stack {
  /** `http://127.0.0.1:<port>`: the HTTP API. */
  api: string;
  /** The SES emulator (`GET /store`, `POST /clear-store`). */
  ses: string;
  /** The DynamoDB emulator (table `motcua-local`). */
  dynamodb: string;
  /** The SQS emulator. */
  sqs: string;
  dataDir: string;
  child: ChildProcessWithoutNullStreams;
  /** Settles when the stack's process exits. */
  exited: Promise<ExitInfo>;
  /**
   * The last MiB of the stack's stderr: its JSON log and the handlers' own log lines (the stack
   * sends those to stderr too), for assertions ("no ID number in a log line") and failure messages.
   */
  logs(): string;
  /**
   * SIGTERM, waits for the exit (SIGKILL after 30 s), and removes the data directory if the
   * harness made it (for this stack or one before it on the same directory), unless `keepData`.
   */
  stop(opts?: { keepData?: boolean }): Promise<ExitInfo>;
  /** SIGKILL of the whole process group, as a power cut would; the data directory is kept. */
  kill(): Promise<ExitInfo>;
}

export interface StartOptions {
  /** Reuse a data directory (a restart); default: a fresh temporary one. */
  dataDir?: string;
  /** Extra environment (e.g. `{ SCAN_INTERVAL_S: '1' }`); wins over the harness's defaults. */
  env?: Record<string, string>;
  /** Pass `--fresh` (wipe the data directory first). */
  fresh?: boolean;
}

// The SDK clients of the tests would print the multi-line Node 20 support warning in every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const live = new Set<Stack>();
/** Temporary data directories made here, removed by the last stop() on them or at exit. */
const madeDirs = new Set<string>();
process.once('exit', () => {
  // A test that forgot stop(), or a runner exiting early, must not leave stacks or data behind.
  for (const s of live) killGroup(s.child.pid, 'SIGKILL');
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

/** Spawns the local stack and resolves once it printed `ready` (rejects after 60 s or if it dies). */
export async function startStack(opts: StartOptions = {}): Promise<Stack> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  if (opts.dataDir === undefined) madeDirs.add(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    SES_PORT: '0',
    DYNAMODB_PORT: '0',
    SQS_PORT: '0',
    SCAN_INTERVAL_S: '0',
    DIGEST: 'off',
    DATA_DIR: dataDir,
    LIFELINE: 'stdin', // the stack stops when this process goes away
    ...opts.env,
  };
  delete env.JEST_WORKER_ID;
  const args = ['--import', 'tsx', path.join('infra', 'local', 'main.ts'), ...(opts.fresh ? ['--fresh'] : [])];
  // Own process group (detached), so kill() reaches everything the stack may have spawned.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
    if (process.env.E2E_LOG) process.stderr.write(chunk);
  });
  const exited = new Promise<ExitInfo>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const urls: Record<string, string> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => reject(new Error(`local stack did not become ready: ${why}\n--- stderr ---\n${stderr}`));
      const timer = setTimeout(() => fail(`no "ready" within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
      // Reading every line keeps stdout drained for the stack's whole life.
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^(\w+) (http:\/\/\S+)/.exec(line);
        if (m) urls[m[1]] = m[2];
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((e) => {
        clearTimeout(timer);
        fail(`it exited (code ${e.code}, signal ${e.signal})`);
      });
    });
    for (const name of ['api', 'ses', 'dynamodb', 'sqs']) {
      if (!urls[name]) throw new Error(`local stack printed no "${name}" URL`);
    }
  } catch (err) {
    killGroup(child.pid, 'SIGKILL');
    await exited;
    if (opts.dataDir === undefined) removeMadeDir(dataDir);
    throw err;
  }

  const stack: Stack = {
    api: urls.api,
    ses: urls.ses,
    dynamodb: urls.dynamodb,
    sqs: urls.sqs,
    dataDir,
    child,
    exited,
    logs: () => stderr,
    stop: async ({ keepData = false } = {}) => {
      if (isRunning(child)) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      live.delete(stack);
      if (!keepData) removeMadeDir(dataDir);
      return exited;
    },
    kill: async () => {
      killGroup(child.pid, 'SIGKILL');
      live.delete(stack);
      return exited;
    },
  };
  live.add(stack);
  return stack;
}

function removeMadeDir(dir: string): void {
  if (!madeDirs.delete(dir)) return;
  rmSync(dir, { recursive: true, force: true });
}

function isRunning(child: ChildProcessWithoutNullStreams): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: T;
}

/** fetch, with the body read as text and parsed as JSON when it is JSON. */
export async function request<T = any>(url: string, init: RequestInit = {}): Promise<HttpResult<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** The `X-Motcua-Signature` value of CONTRACT 3.1: `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<raw>")>`. */
export function signature(secret: string, raw: string | Buffer, t: number): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex');
  return `t=${t},v1=${mac}`;
}

/** Current Unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * POSTs a signed webhook (portal, VNPost): `body` is JSON-encoded unless already a string or
 * bytes; `t` defaults to now.
 */
export function signedPost<T = any>(
  api: string,
  urlPath: string,
  body: unknown,
  secret: string,
  t: number = nowSeconds(),
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return request<T>(`${api}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-motcua-signature': signature(secret, raw, t), ...headers },
    body: raw,
  });
}

/** GET on a read / admin route with the bearer token. */
export function adminGet<T = any>(api: string, urlPath: string, token: string = ADMIN_TOKEN): Promise<HttpResult<T>> {
  return request<T>(`${api}${urlPath}`, { headers: { authorization: `Bearer ${token}` } });
}

/** POST on an admin route with the bearer token (`body` JSON-encoded; none when undefined). */
export function adminPost<T = any>(api: string, urlPath: string, body?: unknown, token: string = ADMIN_TOKEN): Promise<HttpResult<T>> {
  return request<T>(`${api}${urlPath}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A sent email as aws-ses-v2-local stores it. */
export interface SesEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: Array<{ content: string; contentType: string; filename?: string; size: number }>;
  headers?: Array<{ name: string; value: string }>;
  /** Unix seconds. */
  at: number;
}

/** The emails the SES emulator holds (`since`: Unix seconds). */
export async function sesStore(ses: string, since?: number): Promise<SesEmail[]> {
  const res = await request<{ emails: SesEmail[] }>(`${ses}/store${since === undefined ? '' : `?since=${since}`}`);
  if (res.status !== 200) throw new Error(`SES store answered ${res.status}: ${res.text}`);
  return res.body.emails;
}

/** Empties the SES emulator's store. */
export async function clearSes(ses: string): Promise<void> {
  const res = await request(`${ses}/clear-store`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`SES clear-store answered ${res.status}: ${res.text}`);
}

/**
 * Calls `check` until it returns something other than undefined / false, for things that happen
 * asynchronously (a queued alert becoming an email). Rejects with `what` after `timeoutMs`.
 */
export async function poll<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 15_000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
