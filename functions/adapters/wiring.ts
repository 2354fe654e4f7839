/**
 * The composition root of the Lambdas: clients and adapters made once per cold start (module
 * scope), from the environment documented in `config.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { effectiveDueAt } from '../core/overdue';
import { env } from './config';
import { DynamoDossierStore, DynamoDossierWriter } from './dynamodb-store';
import { DynamoFeedbackStore } from './dynamodb-feedback-store';
import type { PackerDeps } from './month-packer';
import type { IndexGeneration } from './table-schema';
import { DynamoForecastStore } from './dynamodb-forecast-store';
import { atRiskDossiers, overdueFeedbackItems } from '../core/due-lists';
import type { ForecastStats } from '../core/forecast';
import type { FeedbackStore } from '../core/ports';
import { SupervisionTally } from '../core/report';
import { scorecardOf } from '../core/scorecard-query';
import type { FeedbackReader, ScoreFeedback } from '../core/scorecard';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DashboardSources } from '../core/dashboard/sources';
import type { Recipients } from '../core/recipients';
import { DynamoAlertLedger } from './dynamodb-alert-ledger';
import { readRecipients, readStoredRecipients, recipientsInEnvironment } from './recipients-config';
import { logger } from './logger';
import { SesMailer } from './ses-mailer';
import { queueUrlFromArn, releaseNow, SqsAlertQueue } from './sqs-alert-queue';

/**
 * DynamoDB client settings of every handler. Without a request timeout the SDK waits for a
 * silent DynamoDB (a stalled emulator, a black-holed connection) up to its 300 s socket default,
 * far past the 29 s an API Gateway route gives its Lambda: the sender would get a gateway timeout
 * after half a minute instead of the contract's quick 503 "retry later". So each attempt gets
 * 1 s to connect and 3 s for the whole request and response (DynamoDB answers in milliseconds;
 * a 1 MB query page or a 25-item batch stays well under that), and 3 attempts: a store that
 * does not answer costs a sender about 10 s before its 503 (MaLoi / RspCode 99 for the payment
 * platforms). `throwOnRequestTimeout` is needed: without it this SDK only logs a breached
 * requestTimeout and keeps waiting. A timed-out write may still land later: every write of the
 * store can be repeated safely (README, data model), so the sender's retry converges anyway.
 */
const DYNAMO_CLIENT_CONFIG = {
  maxAttempts: 3,
  // The middleware stack resolved once per command type, not at every request: a tenth of the
  // SDK's CPU per write (no middleware is added to these clients after their first request).
  cacheMiddleware: true,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const;

let store: DynamoDossierStore | null = null;
let writer: DynamoDossierWriter | null = null;

/** The dossier store's writes and the ingest handlers' reads (their bundles carry nothing else of it). */
export function dossierWriter(): DynamoDossierWriter {
  writer ??= new DynamoDossierWriter({
    client: dynamoClient(),
    tableName: env('TABLE_NAME'),
    dueAt: (record) => effectiveDueAt(record),
    indexes: indexGeneration(),
  });
  return writer;
}

/** What the month-pack jobs need (month-packer.ts): the dossier store and its table. */
export function monthPacker(): PackerDeps {
  return { store: dossierStore(), client: dynamoClient(), table: env('TABLE_NAME') };
}

/** The indexes this deployment reads: `READ_INDEXES=v1` while a migration builds the second generation (README). */
function indexGeneration(): IndexGeneration {
  return process.env.READ_INDEXES === 'v1' ? 'v1' : 'v2';
}

/** The dossier store of this process (DynamoDB; the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB locally). */
export function dossierStore(): DynamoDossierStore {
  store ??= new DynamoDossierStore({
    client: dynamoClient(),
    tableName: env('TABLE_NAME'),
    dueAt: (record) => effectiveDueAt(record),
    indexes: indexGeneration(),
  });
  return store;
}

let forecast: DynamoForecastStore | null = null;

/** The forecast statistics (one item per ward in the dossier table). */
export function forecastStore(): DynamoForecastStore {
  forecast ??= new DynamoForecastStore(dynamoClient(), env('TABLE_NAME'));
  return forecast;
}

let feedback: DynamoFeedbackStore | null = null;

/** The feedback store of this process (the same table as the dossiers, TABLE_NAME). */
export function feedbackStore(): DynamoFeedbackStore {
  feedback ??= new DynamoFeedbackStore({ client: dynamoClient(), tableName: env('TABLE_NAME'), indexes: indexGeneration() });
  return feedback;
}

/** The feedback items the scorecard reads (MDHL.1, MDHL.2): the feedback store's, as the scorecard sees them. */
export function feedbackReader(): FeedbackReader {
  return feedbackReaderOf(feedbackStore());
}

/** A feedback store read as the scorecard's `FeedbackReader` (the item's standing fields and its deadline). */
export function feedbackReaderOf(store: Pick<FeedbackStore, 'listFeedbackReceived'>): FeedbackReader {
  return {
    async *listFeedbackReceived(from: string, to: string, ward?: string): AsyncIterable<ScoreFeedback> {
      for await (const f of store.listFeedbackReceived(from, to, ward)) {
        const { item } = f;
        yield {
          id: item.id,
          ward: item.ward,
          receivedAt: item.receivedAt,
          deadline: f.dueAt,
          status: item.status,
          answeredAt: item.answeredAt,
          rating: item.rating,
        };
      }
    },
  };
}

// ---- Overdue alerts: the queue, the ledger, the mailer, the recipients ----

let dynamo: DynamoDBClient | null = null;
let queue: SqsAlertQueue | null = null;
let ledger: DynamoAlertLedger | null = null;
let mailer: SesMailer | null = null;
let recipients: Recipients | null = null;

/** The DynamoDB client of the alert adapters (the same bounded timeouts as the store's). */
function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient(DYNAMO_CLIENT_CONFIG);
  return dynamo;
}

let sqs: SQSClient | null = null;

/** The SQS client. Locally, AWS_ENDPOINT_URL_SQS points at the emulator, whose queue URLs are not endpoints. */
function sqsClient(): SQSClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
  sqs ??= new SQSClient({ maxAttempts: 3, ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}) });
  return sqs;
}

/** The alert queue (ALERT_QUEUE_URL). */
export function alertQueue(): SqsAlertQueue {
  queue ??= new SqsAlertQueue(sqsClient(), env('ALERT_QUEUE_URL'));
  return queue;
}

/**
 * Makes received alert messages visible again at once (the notifier, for poison messages). The
 * queue is ALERT_QUEUE_URL when set (local stack), else the one the event came from.
 */
export function releaseAlertMessages(eventSourceArn: string, receiptHandles: string[]): Promise<void> {
  return releaseNow(sqsClient(), process.env.ALERT_QUEUE_URL || queueUrlFromArn(eventSourceArn), receiptHandles);
}

/** The alert ledger (in the dossier table, TABLE_NAME). */
export function alertLedger(): DynamoAlertLedger {
  ledger ??= new DynamoAlertLedger(dynamoClient(), env('TABLE_NAME'));
  return ledger;
}

/**
 * The SES mailer, From ALERT_SENDER (AWS_ENDPOINT_URL_SES locally). Bounded timeouts: a hung SES
 * must not eat the notifier's minute (`throwOnRequestTimeout`: see DYNAMO_CLIENT_CONFIG).
 */
export function alertMailer(): SesMailer {
  mailer ??= new SesMailer(
    new SESClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true } }),
    env('ALERT_SENDER'),
  );
  return mailer;
}

/** How long the table's recipients item is cached: an edit lands within minutes, without a deploy. */
const STORED_RECIPIENTS_TTL_MS = 5 * 60 * 1000;
let storedRecipients: { at: number; value: Recipients } | null = null;

/**
 * The alert recipients: RECIPIENTS_JSON or RECIPIENTS_FILE (read once per cold start), else the
 * table's configuration item (cached 5 minutes; see `RECIPIENTS_ITEM`).
 */
export async function alertRecipients(): Promise<Recipients> {
  if (recipientsInEnvironment()) {
    recipients ??= readRecipients();
    return recipients;
  }
  if (!storedRecipients || Date.now() - storedRecipients.at > STORED_RECIPIENTS_TTL_MS) {
    storedRecipients = { at: Date.now(), value: await readStoredRecipients(dynamoClient(), env('TABLE_NAME')) };
  }
  return storedRecipients.value;
}

/**
 * Ward names by agency code, from the recipients configuration (`wards.<code>.name`): the province
 * report shows them. Empty, with a warning, when there is no configuration to read.
 */
export async function wardNames(): Promise<Record<string, string>> {
  try {
    const { wards = {} } = await alertRecipients();
    return Object.fromEntries(Object.entries(wards).flatMap(([code, w]) => (w.name ? [[code, w.name]] : [])));
  } catch (err) {
    logger.warn('ward names unavailable: the province report lists agency codes only', { reason: (err as Error).message });
    return {};
  }
}

/**
 * The dashboard's optional sources (`core/dashboard/sources.ts`), wired here and nowhere else.
 * Each is one line once its branch lands, e.g. `scorecard: (q) => scorecardOf(dossierStore(), q)`;
 * until then the page shows its section with "chưa có dữ liệu".
 */
export function dashboardSources(): DashboardSources {
  const scorecardPorts = { store: dossierStore(), feedback: feedbackReader(), forecast: forecastStore() };
  return {
    scorecard: async (q) => (await scorecardOf(scorecardPorts, q)).card,
    feedback: async (q) => {
      const wards = q.ward === undefined ? await dossierStore().listWards() : [q.ward];
      const tally = new SupervisionTally({ from: q.from, to: q.to, asOf: q.asOf, dueAt: () => null });
      for (const ward of wards) for await (const f of feedbackStore().listFeedbackReceived(q.from, q.to, ward)) tally.addFeedback(f);
      return tally.report().feedback;
    },
    overdueFeedback: async (q) =>
      (await overdueFeedbackItems(feedbackStore(), q.asOf))
        .filter((f) => q.ward === undefined || f.ward === q.ward)
        .map((f) => ({
          MaPhanAnh: f.id,
          source: f.source,
          ward: f.ward,
          receivedAt: f.receivedAt,
          dueAt: f.dueAt,
          workingDaysOverdue: f.workingDaysOverdue,
          MaHoSo: f.dossierCode,
        })),
    atRisk: async (q) => {
      const wards = q.ward === undefined ? await dossierStore().listWards() : [q.ward];
      const stats = new Map<string, ForecastStats>();
      for (const ward of wards) {
        const s = await forecastStore().getStats(ward);
        if (s) stats.set(ward, s);
      }
      return (await atRiskDossiers(dossierStore(), stats, q.asOf))
        .filter((d) => q.ward === undefined || d.ward === q.ward)
        .map((d) => ({
          MaHoSo: d.code,
          TenTTHC: d.procedureName,
          MaLinhVuc: d.fieldCode,
          unit: d.unit,
          dueAt: d.dueAt,
          p90WorkingHours: d.p90WorkingHours,
          spentWorkingHours: d.spentWorkingHours,
          leftWorkingHours: d.leftWorkingHours,
          basis: d.basis,
        }));
    },
  };
}

/**
 * Builds a handler's logic on its first call rather than at import: the clients are still made
 * once per cold start, but importing a handler module (tests, tools) needs no environment.
 */
export function lazyHandler<A extends unknown[], R>(make: () => (...args: A) => R): (...args: A) => R {
  let fn: ((...args: A) => R) | null = null;
  return (...args) => {
    fn ??= make();
    return fn(...args);
  };
}
