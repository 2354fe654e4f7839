/**
 * The local stack's wiring (CONTRACT section 2): the emulators, the handler environment, the HTTP
 * API, the queue consumer and the schedules, started in that order and stopped in reverse.
 * `main.ts` runs it as `npm start`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { BACKGROUND, ROUTES } from '../routes';
import { startConsumer } from './consumers';
import { listen, startDynamo, startSes, startSqs } from './emulators';
import { createHttpApi } from './http-api';
import { type LambdaHandler, loadHandlerOrFailure, TIMEOUT_MS } from './lambda';
import { LambdaPool } from './lambda-pool';
import { errorFields, type Log } from './log';
import { startScheduler } from './scheduler';
import { HOST, type LocalSettings, REGION, TABLE_NAME } from './settings';

/** How long a stop waits for requests in flight before cutting their connections. */
const HTTP_DRAIN_MS = 10_000;

export interface LocalStackUrls {
  api: string;
  ses: string;
  dynamodb: string;
  sqs: string;
}

export interface LocalStack {
  urls: LocalStackUrls;
  /** Stops everything; dynalite last, so LevelDB is flushed and closed. */
  stop(): Promise<void>;
}

/** Starts the whole local stack; on a failure, stops what had started and rethrows. */
export async function startLocalStack(settings: LocalSettings, log: Log): Promise<LocalStack> {
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log.warn(`stopping ${name} failed`, { error: (err as Error).message });
      }
    }
    stops.length = 0;
  };

  const t0 = Date.now();
  const ms: Record<string, number> = {};
  const lap = (phase: string) => (ms[phase] = Date.now() - t0 - Object.values(ms).reduce((a, b) => a + b, 0));
  try {
    if (settings.fresh) {
      assertSafeToWipe(settings.dataDir);
      await rm(settings.dataDir, { recursive: true, force: true });
      log.info('data directory wiped (--fresh)', { dataDir: settings.dataDir });
    }
    await mkdir(settings.dataDir, { recursive: true });
    // Before dynalite starts: it stamps the region into the ARNs it stores.
    process.env.AWS_REGION = REGION;

    // In its own process: the emulator and the handlers then each have a core of their own.
    const dynamo = await startDynamo({
      path: path.join(settings.dataDir, 'dynamodb'),
      port: settings.dynamoPort,
      tableName: TABLE_NAME,
      child: true,
    });
    stops.push({ name: 'dynamodb', stop: dynamo.stop });
    lap('dynamodb');
    // fauxqs keeps its queues in memory only: messages still queued are lost on a restart.
    const sqs = await startSqs({ port: settings.sqsPort, inProcess: true });
    stops.push({ name: 'sqs', stop: sqs.stop });
    lap('sqs');
    const ses = await startSes({ port: settings.sesPort });
    stops.push({ name: 'ses', stop: ses.stop });
    lap('ses');

    setHandlerEnvironment(settings, {
      dynamodb: dynamo.endpoint,
      sqs: sqs.endpoint,
      ses: ses.endpoint,
      alertQueueUrl: sqs.alerts.url,
      alertDlqUrl: sqs.alertsDlq.url,
    });
    if (!existsSync(settings.recipientsFile)) log.warn('recipients file not found', { file: settings.recipientsFile });

    // Imported only now: handlers read their configuration from the environment at load time.
    const handlers = new Map<string, LambdaHandler>();
    for (const name of new Set([...ROUTES.map((r) => r.handler), ...Object.values(BACKGROUND)])) {
      const onError = (err: unknown) =>
        log.error('handler failed to load: its invocations will fail', { handler: name, ...errorFields(err) });
      handlers.set(name, await loadHandlerOrFailure(name, onError));
    }
    lap('handlers');

    const consumer = startConsumer({
      client: sqs.client,
      queue: sqs.alerts,
      handler: handlers.get(BACKGROUND.notifier)!,
      name: BACKGROUND.notifier,
      log,
    });
    // The queue stops right after: no need to wait for the long poll.
    stops.push({ name: 'consumer', stop: () => consumer.stop({ abandonPoll: true }) });

    const scheduler = startScheduler({
      scanIntervalS: settings.scanIntervalS,
      scan: { name: BACKGROUND.scheduledScan, handler: handlers.get(BACKGROUND.scheduledScan)! },
      digest: settings.digest ? { name: BACKGROUND.digest, handler: handlers.get(BACKGROUND.digest)! } : null,
      log,
    });
    stops.push({ name: 'scheduler', stop: scheduler.stop });

    // The HTTP functions in execution environments of their own (lambda-pool.ts), the queue and
    // schedule ones above in this thread.
    let httpHandlers: ReadonlyMap<string, LambdaHandler> = handlers;
    if (settings.handlerThreads > 0) {
      const pool = new LambdaPool(settings.handlerThreads, log);
      stops.push({ name: 'handler threads', stop: () => pool.close() });
      httpHandlers = new Map(ROUTES.map((r) => [r.handler, pool.handler(r.handler, TIMEOUT_MS.http)]));
    }
    const server = createHttpApi({ routes: ROUTES, handlers: httpHandlers, adminToken: settings.adminToken, log });
    const apiPort = await listen(server, settings.port);
    stops.push({ name: 'http', stop: () => closeHttp(server) });
    // The dashboard's public base URL names the API's port, known only now (PORT=0 in tests); the
    // dashboard reads it at its first request, which cannot come before this line runs.
    process.env.DASHBOARD_URL = settings.dashboardUrl ?? `http://${HOST}:${apiPort}`;

    lap('api');
    log.info('local stack started', { dataDir: settings.dataDir, scanIntervalS: settings.scanIntervalS, digest: settings.digest, ms });
    return {
      urls: { api: `http://${HOST}:${apiPort}`, ses: ses.endpoint, dynamodb: dynamo.endpoint, sqs: sqs.endpoint },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `--fresh` deletes DATA_DIR recursively: refuse a directory that holds more than our data. */
function assertSafeToWipe(dir: string): void {
  const cwd = process.cwd();
  const holdsCwd = cwd === dir || cwd.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  if (dir === path.parse(dir).root || dir === os.homedir() || holdsCwd) {
    throw new Error(`refusing to wipe DATA_DIR=${dir} (--fresh): it is the root, the home directory or holds the working directory`);
  }
}

/**
 * The environment the Lambdas get from the CDK stack on AWS, pointed at the emulators. Set
 * before any handler is imported.
 */
function setHandlerEnvironment(
  s: LocalSettings,
  e: { dynamodb: string; sqs: string; ses: string; alertQueueUrl: string; alertDlqUrl: string },
): void {
  const env = process.env;
  env.AWS_REGION = REGION;
  env.AWS_DEFAULT_REGION = REGION;
  env.AWS_ACCESS_KEY_ID = 'x';
  env.AWS_SECRET_ACCESS_KEY = 'x';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  // A developer's own AWS session or secret source must not leak into the local stack.
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'SECRETS_ARN', 'RECIPIENTS_JSON']) delete env[name];
  env.AWS_ENDPOINT_URL_DYNAMODB = e.dynamodb;
  env.AWS_ENDPOINT_URL_SQS = e.sqs;
  env.AWS_ENDPOINT_URL_SES = e.ses;
  env.AWS_ENDPOINT_URL_SESV2 = e.ses;
  env.TABLE_NAME = TABLE_NAME;
  env.ALERT_QUEUE_URL = e.alertQueueUrl;
  env.ALERT_DLQ_URL = e.alertDlqUrl;
  env.ALERT_SENDER = s.alertSender;
  env.RECIPIENTS_FILE = s.recipientsFile;
  // No EMF lines off Lambda (also metrics.ts's default there); `false` writes them, to stderr (main.ts).
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  for (const [name, value] of Object.entries(s.secrets)) env[name] = value;
  // The dashboard: the admin token's sign-in form, its session key, its public base URL.
  env.DASHBOARD_AUTH = 'token';
  env.ADMIN_TOKEN = s.adminToken;
  if (s.dashboardUrl) env.DASHBOARD_URL = s.dashboardUrl;
  env.DASHBOARD_CACHE_S = String(s.dashboardCacheS);
  // One key for every execution environment (lambda-pool.ts), a new one per start when unset.
  env.SESSION_SECRET = s.sessionSecret ?? randomBytes(32).toString('base64url');
}

/** Stops accepting connections, lets requests in flight finish (bounded), then closes. */
function closeHttp(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => server.closeAllConnections(), HTTP_DRAIN_MS);
    server.close((err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
