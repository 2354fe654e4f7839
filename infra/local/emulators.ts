/**
 * The emulators of the local stack, each started in this process on 127.0.0.1: dynalite
 * (DynamoDB), fauxqs (SQS) and aws-ses-v2-local (SES). `main.ts` wires them into the stack; the
 * adapter tests (test/adapters/*) start the one they need:
 *
 *   const dynamo = await startDynamo();    // in memory, table `motcua-local` created
 *   // … point the adapter at dynamo.client / dynamo.tableName …
 *   afterAll(() => dynamo.stop());
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

import { ALERT_DLQ, ALERT_QUEUE, HOST, REGION, TABLE_NAME } from './settings';
import { ensureTable } from './table';

export { ensureTable, tableDefinition } from './table';

/** Credentials the emulators accept (they check only that a request is signed). */
export const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

const DLQ_RETENTION_S = 14 * 24 * 3600;
/** As the CDK stack: a message that failed 5 receives goes to the dead-letter queue. */
const MAX_RECEIVE_COUNT = 5;
/**
 * The notifier's timeout. The CDK stack uses 6 x timeout + batching window (AWS's advice against
 * throttled retries); locally one invocation at a time runs, so a failed message may come back
 * sooner and reach the dead-letter queue in minutes rather than half an hour.
 */
const VISIBILITY_TIMEOUT_S = 60;
const CHILD_START_TIMEOUT_MS = 15_000;
const CHILD_STOP_TIMEOUT_MS = 5_000;
/** fauxqs's wiring (ESM, as fauxqs): imported here, or run as a child process under jest. */
const SQS_SERVER = path.join(__dirname, 'sqs-server.mjs');
const DYNAMO_SERVER = path.join(__dirname, 'dynamo-server.mjs');
const LOCK_WAIT_MS = 5_000;

// dynalite ships no types: what this module uses of it.
type DynaliteFactory = (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => http.Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: DynaliteFactory = require('dynalite');

export interface DynamoEmulator {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** A client pointed at the emulator (destroyed by `stop`). */
  client: DynamoDBClient;
  /** The table created at start (unless `createTable: false`). */
  tableName: string;
  /** Closes the client and the server; with `path`, LevelDB is flushed and closed. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite: on disk under `path` (survives restarts) or in memory, with tables ACTIVE at
 * once (`createTableMs: 0`), and creates the table of `TABLE` (default name `motcua-local`).
 */
export async function startDynamo(
  opts: { path?: string; port?: number; tableName?: string; createTable?: boolean; child?: boolean } = {},
): Promise<DynamoEmulator> {
  // dynalite reads the region once, for the ARNs it writes.
  process.env.AWS_REGION ??= REGION;
  if (opts.path) {
    await mkdir(opts.path, { recursive: true });
    await assertLevelDbFree(opts.path);
  }
  let server: RunningServer;
  if (opts.child) {
    server = await startChildServer(
      DYNAMO_SERVER,
      { DYNAMO_PATH: opts.path ?? '', DYNAMODB_PORT: String(opts.port ?? 0), AWS_REGION: REGION },
      'dynalite',
    );
  } else {
    const here = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const port = await listen(here, opts.port ?? 0);
    server = {
      endpoint: `http://${HOST}:${port}`,
      port,
      stop: () => new Promise<void>((resolve, reject) => here.close((err) => (err ? reject(err) : resolve()))),
    };
  }
  const { endpoint, port } = server;
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS });
  const tableName = opts.tableName ?? TABLE_NAME;
  const stop = async () => {
    client.destroy();
    await server.stop();
  };
  if (opts.createTable !== false) {
    try {
      await ensureTable(client, tableName);
    } catch (err) {
      await stop().catch(() => undefined);
      throw err;
    }
  }
  return { endpoint, port, client, tableName, stop };
}

/**
 * Fails fast when another process holds the LevelDB at `dir` (a second local stack on the same
 * DATA_DIR): dynalite would otherwise leave every request unanswered and throw asynchronously.
 */
async function assertLevelDbFree(dir: string): Promise<void> {
  // dynalite's own `level`, resolved from dynalite's directory: the same LevelDB it opens.
  const levelPath = require.resolve('level', { paths: [path.dirname(require.resolve('dynalite'))] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Level } = require(levelPath) as { Level: new (dir: string) => { open(): Promise<void>; close(): Promise<void> } };
  // A previous stack's dynalite child may still be closing (its parent was killed a moment ago):
  // give it a few seconds to let go of the lock before calling the directory taken.
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const db = new Level(dir);
    try {
      await db.open();
      await db.close();
      return;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code !== 'LEVEL_LOCKED') throw err;
      if (Date.now() > deadline) throw new Error(`${dir} is in use by another process (another local stack on the same DATA_DIR?)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export interface QueueInfo {
  name: string;
  /** The URL fauxqs gave it; fauxqs matches a QueueUrl exactly, so use this string as is. */
  url: string;
  arn: string;
}

export interface SqsEmulator {
  endpoint: string;
  port: number;
  /** A client pointed at the emulator (explicit endpoint, `useQueueUrlAsEndpoint: false`). */
  client: SQSClient;
  /** `motcua-alerts` (redrive to the DLQ after 5 receives, visibility 60 s) and its DLQ. */
  alerts: QueueInfo;
  alertsDlq: QueueInfo;
  /** Empties both queues. */
  purge(): Promise<void>;
  stop(): Promise<void>;
}

/** An SQS client for an emulator endpoint (explicit endpoint, queue URLs not used as endpoints). */
export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: REGION, endpoint, credentials: CREDENTIALS, useQueueUrlAsEndpoint: false });
}

/**
 * Starts fauxqs on 127.0.0.1 and creates the alert queue and its DLQ. fauxqs keeps everything in
 * memory: messages still queued when the stack stops are gone after a restart (everything else
 * the pipeline keeps is in DynamoDB, on disk). Queue URLs are `http://127.0.0.1:<port>/
 * 000000000000/<name>`. In-process by default; under jest (which cannot load fauxqs's ESM in its
 * VM) it runs as a child process that ends with this one.
 */
export async function startSqs(opts: { port?: number; inProcess?: boolean } = {}): Promise<SqsEmulator> {
  const inProcess = opts.inProcess ?? process.env.JEST_WORKER_ID === undefined;
  const server = inProcess ? await startFauxqsHere(opts.port ?? 0) : await startFauxqsChild(opts.port ?? 0);
  const client = sqsClient(server.endpoint);
  try {
    const alertsDlq = await createQueue(client, ALERT_DLQ, { MessageRetentionPeriod: String(DLQ_RETENTION_S) });
    const alerts = await createQueue(client, ALERT_QUEUE, {
      VisibilityTimeout: String(VISIBILITY_TIMEOUT_S),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: alertsDlq.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
    });
    return {
      endpoint: server.endpoint,
      port: server.port,
      client,
      alerts,
      alertsDlq,
      purge: async () => {
        for (const q of [alerts, alertsDlq]) await client.send(new PurgeQueueCommand({ QueueUrl: q.url }));
      },
      stop: async () => {
        client.destroy();
        await server.stop();
      },
    };
  } catch (err) {
    client.destroy();
    await server.stop().catch(() => undefined);
    throw err;
  }
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<QueueInfo> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!QueueUrl || !arn) throw new Error(`fauxqs did not return the URL and ARN of ${name}`);
  return { name, url: QueueUrl, arn };
}

interface RunningServer {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

async function startFauxqsHere(port: number): Promise<RunningServer> {
  const mod = (await import(pathToFileURL(SQS_SERVER).href)) as {
    startSqsServer(opts: { port: number; region: string }): Promise<RunningServer>;
  };
  return mod.startSqsServer({ port, region: REGION });
}

function startFauxqsChild(port: number): Promise<RunningServer> {
  return startChildServer(SQS_SERVER, { SQS_PORT: String(port), AWS_REGION: REGION }, 'fauxqs');
}

/** Runs an emulator script as a child that prints `{"endpoint"}` when listening and ends with stdin. */
async function startChildServer(script: string, env: Record<string, string>, label: string): Promise<RunningServer> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${label} child did not start in ${CHILD_START_TIMEOUT_MS} ms`)), CHILD_START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout });
    function fail(err: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${stderr}`));
    }
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line).endpoint);
      } catch {
        fail(new Error(`unexpected first line from the ${label} child: ${line}`));
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`${label} child exited (${code ?? signal}) before it was ready`)));
  });
  child.stdout.resume();
  const actual = Number(new URL(endpoint).port);
  return {
    endpoint: `http://${HOST}:${actual}`,
    port: actual,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface SesEmulator {
  /** `http://127.0.0.1:<port>`: viewer at `/`, sent mail at `GET /store`, `POST /clear-store`. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts aws-ses-v2-local on 127.0.0.1. Its mail store is a module-level array: every SES
 * emulator started in one process shares it (clear it with `POST /clear-store` between tests).
 */
export async function startSes(opts: { port?: number } = {}): Promise<SesEmulator> {
  const wanted = opts.port ?? 0;
  // aws-ses-v2-local resolves only once listening and never reports a listen error (the server's
  // 'error' event is unhandled and would crash the process): check a fixed port is free first.
  if (wanted !== 0) await assertPortFree(wanted);
  // Loaded here, not at the top: it pulls in express, mailparser and nodemailer (about a second),
  // which the adapter tests that need only DynamoDB or SQS should not pay for.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: sesServer } = require('aws-ses-v2-local') as typeof import('aws-ses-v2-local');
  const server = await sesServer({ host: HOST, port: wanted });
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Listens on 127.0.0.1:`port` (0 = any free port) and resolves the actual port. */
export function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(portError(err, port));
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  await listen(probe, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function portError(err: Error, port: number): Error {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new Error(`port ${HOST}:${port} is already in use (set another port, or 0 for any free one)`, { cause: err });
  }
  return err;
}
