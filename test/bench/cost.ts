/**
 * Cost bench: the ward stream (15 months of phường Bình An: portal batches, progress steps, PayGov,
 * VNPay and VNPost notifications, with repeats, disorder and payments before their dossiers)
 * replayed through the real handlers in-process against dynalite, every DynamoDB request billed as
 * DynamoDB on demand bills it (`billing.ts`: base table and every index, UTF-8, 1 KB units, failed
 * conditions included); then the supervision report of the 15 months, its reads billed too.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { effectiveDueAt } from '../../functions/core/overdue';
import { parseCompact } from '../../functions/core/time';
import { feedbackWebhook } from '../../functions/handlers/feedback-webhook';
import { paygovConfirm } from '../../functions/handlers/paygov-confirm';
import { portalWebhook } from '../../functions/handlers/portal-webhook';
import { postalNotification } from '../../functions/handlers/postal-notification';
import { supervisionReport } from '../../functions/handlers/supervision-report';
import { vnpayIpn } from '../../functions/handlers/vnpay-ipn';
import { LOCAL_SECRETS, paygovChecksum, vnpayQuery } from '../../events/generator/load';
import { EXPECTED_AS_OF, generateWardStream, type StreamMessage } from '../../events/generator/ward-stream';
import { ensureTable, startDynamo } from '../../infra/local/emulators';
import { packMonths } from '../../functions/adapters/month-packer';
import { Bill, describeTable, meter } from './billing';

const TABLE = 'bench-cost';
const fmt = (n: number, d = 2) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The figures of the cost bench, for the README's cost model. */
export interface CostFigures {
  records: number;
  notifications: number;
  wruPerRecord: number;
  wruPerNotification: number;
  reportItemsPerDossier: number;
  reportBytesPerDossier: number;
  costPerMillionCallbacks?: number;
}

/**
 * Unit prices in ap-southeast-1 (README, "Cost model", where each comes from), and what a callback's
 * Lambda time is taken to be (not measured: dynalite is not DynamoDB).
 */
const PRICE = {
  apiPerMillion: 1.23,
  lambdaPerMillion: 0.2,
  lambdaGbSecond: 0.0000133334,
  wru: 0.715 / 1e6,
  rru: 0.1425 / 1e6,
  logIngestPerGb: 0.7,
  logStoragePerGbMonth: 0.03,
};
const CALLBACK_MEMORY_GB = 0.25;
const CALLBACK_BILLED_S = 0.05;
/** CloudWatch bills 26 bytes per log event on top of its message. */
const LOG_EVENT_OVERHEAD = 26;
/** The access log line of a callback (infra/api-stack.ts's format with a callback's values). */
const ACCESS_LOG_BYTES = Buffer.byteLength(
  JSON.stringify({
    requestId: 'Xk2pQhW4SQ0EJzA=',
    ip: '203.162.4.191',
    caller: '-',
    routeKey: 'POST /payments/paygov/confirm',
    path: '/payments/paygov/confirm',
    status: '200',
    latencyMs: '48',
    integrationError: '-',
    authorizerError: '-',
  }),
);

/** USD per million single callbacks, by item, from what one measured. */
function callbackCost(m: { wru: number; rru: number; logBytes: number; logLines: number }) {
  const logBytes = m.logBytes + m.logLines * LOG_EVENT_OVERHEAD + ACCESS_LOG_BYTES + LOG_EVENT_OVERHEAD;
  const parts = {
    'API Gateway': PRICE.apiPerMillion,
    Lambda: PRICE.lambdaPerMillion + 1e6 * CALLBACK_MEMORY_GB * CALLBACK_BILLED_S * PRICE.lambdaGbSecond,
    'DynamoDB writes': 1e6 * m.wru * PRICE.wru,
    'DynamoDB reads': 1e6 * m.rru * PRICE.rru,
    'CloudWatch Logs (ingested, and a month kept)': (1e6 * logBytes * (PRICE.logIngestPerGb + PRICE.logStoragePerGbMonth)) / 1024 ** 3,
    'X-Ray (not traced)': 0,
  };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/**
 * The bytes a callback leaves in its function's log: PayGov and VNPay callbacks of the stream
 * through the exported handlers (the deployed middy chains) in a child process, whose stdout is
 * what Lambda would keep (less the platform lines, which the functions' log level leaves out).
 */
function callbackLogBytes(endpoint: string): Promise<{ bytes: number; lines: number }> {
  const count = 300;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'callback-logs.ts'), String(count)], {
      env: {
        ...process.env,
        TABLE_NAME: TABLE,
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_REGION: 'ap-southeast-1',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'motcua',
        POWERTOOLS_METRICS_NAMESPACE: 'Motcua',
        // As on Lambda: the metrics (EMF lines) are written there only.
        AWS_LAMBDA_FUNCTION_NAME: 'paygov-confirm',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve({ bytes: bytes / count, lines: lines / count }) : reject(new Error(`callback-logs exited ${code}`)),
    );
  });
}

let n = 0;
const ctx = (id: string) => ({ awsRequestId: id }) as Context;
const post = (body: string): HttpEvent =>
  ({ body, isBase64Encoded: false, headers: {}, requestContext: { requestId: `cost-${++n}` } }) as unknown as HttpEvent;

/** Prints the cost bench; returns its figures. */
export async function benchCost(): Promise<CostFigures> {
  console.log('\n## Billed DynamoDB units (the ward stream through the handlers, billed as DynamoDB bills)');
  process.env.LOG_LEVEL ??= 'SILENT';
  const { messages } = generateWardStream();
  const dynamo = await startDynamo({ createTable: false });
  try {
    await ensureTable(dynamo.client, TABLE);
    const client = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: dynamo.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const bill = new Bill();
    meter(client, dynamo.client, TABLE, await describeTable(dynamo.client, TABLE), bill);
    // The stream at its own clock (each message at the latest time it carries), as it happened: a
    // change to a month already over bumps its pack, which only late messages do.
    let clock = 0;
    const store = new DynamoDossierStore({ client, tableName: TABLE, dueAt: (r) => effectiveDueAt(r), now: () => clock });
    const handlers = {
      portal: portalWebhook(store),
      paygov: paygovConfirm(store),
      vnpay: vnpayIpn(store),
      postal: postalNotification(store),
      feedback: feedbackWebhook({ raw: store, store: new DynamoFeedbackStore({ client, tableName: TABLE, now: () => clock }) }),
    };
    const counts = { records: 0, steps: 0, paygov: 0, vnpay: 0, postal: 0, feedback: 0 };
    let done = 0;
    for (const m of messages) {
      clock = Math.max(clock, messageTime(m));
      bill.label = m.source === 'portal' ? (m.body.service === 'DongBoHoSoMC' ? 'records' : 'steps') : m.source;
      const res = await send(handlers, m);
      if (res.statusCode !== 200) throw new Error(`${m.source}: ${res.statusCode} ${res.body}`);
      if (m.source === 'portal') counts[m.body.service === 'DongBoHoSoMC' ? 'records' : 'steps'] += m.body.data.length;
      else counts[m.source]++;
      if (++done % 3000 === 0) process.stderr.write(`  replaying the stream: ${done}/${messages.length} messages\n`);
    }

    // The daily job packs the months that are over (month-packs.ts), at the report's clock; then
    // the report of the 15 months, its reads billed.
    clock = Date.parse(EXPECTED_AS_OF);
    bill.label = 'packing';
    const packs = await packMonths({ store, client, table: TABLE, now: () => clock });
    console.log(`  month packs built: ${packs.packed} (${packs.changed} left for a changed month)`);
    bill.label = 'report';
    const report = await supervisionReport({ store, wardNames: async () => ({}) }, () => Date.parse(EXPECTED_AS_OF))({
      queryStringParameters: { from: '2023-01-01', to: '2024-03-31', asOf: EXPECTED_AS_OF },
      headers: {},
    } as unknown as HttpEvent);
    if (report.statusCode !== 200) throw new Error(`report: ${report.statusCode} ${report.body}`);
    const reads = { ...(bill.reads.get('report') ?? { units: 0, items: 0, bytes: 0, requests: 0 }) };
    // The same report through the full records (a month still open is read so): its reads, and
    // the proof that the packs change nothing in it.
    bill.label = 'report-full';
    const fullStore = new DynamoDossierStore({ client, tableName: TABLE, dueAt: (r) => effectiveDueAt(r), readPacks: false });
    const full = await supervisionReport({ store: fullStore, wardNames: async () => ({}) }, () => Date.parse(EXPECTED_AS_OF))({
      queryStringParameters: { from: '2023-01-01', to: '2024-03-31', asOf: EXPECTED_AS_OF },
      headers: {},
    } as unknown as HttpEvent);
    if (full.body !== report.body) throw new Error('the report through the month packs differs from the one through the full records');
    const fullReads = { ...(bill.reads.get('report-full') ?? { units: 0, items: 0, bytes: 0, requests: 0 }) };
    bill.label = 'other';
    const dossiers = await countDossiers(store);

    const notifications = counts.paygov + counts.vnpay + counts.postal;
    const wru = (l: string) => bill.wru(l);
    const figures: CostFigures = {
      records: counts.records,
      notifications,
      wruPerRecord: wru('records') / counts.records,
      wruPerNotification: (wru('paygov') + wru('vnpay') + wru('postal')) / notifications,
      reportItemsPerDossier: reads.items / dossiers,
      reportBytesPerDossier: reads.bytes / dossiers,
    };
    for (const label of ['records', 'steps', 'paygov', 'vnpay', 'postal']) {
      const places = Object.entries(bill.writes.get(label) ?? {})
        .map(
          ([place, u]) =>
            `${place} ${fmt(u / Math.max(1, label === 'records' || label === 'steps' ? counts[label] : counts[label as 'paygov']))}`,
        )
        .join(', ');
      console.log(`  ${label}: ${places}`);
    }
    console.log(`billed WRU per portal record: ${fmt(figures.wruPerRecord)}`);
    console.log(`billed WRU per notification: ${fmt(figures.wruPerNotification)}`);
    console.log(`report items read per dossier: ${fmt(figures.reportItemsPerDossier, 4)}`);
    console.log(`report bytes read per dossier: ${fmt(figures.reportBytesPerDossier, 0)}`);
    console.log(
      `  through ${reads.items} month packs (${reads.requests} requests); the full records instead: ` +
        `${fmt(fullReads.items / dossiers)} items and ${fmt(fullReads.bytes / dossiers, 0)} bytes per dossier, the same report`,
    );

    // What a single callback costs, all in: its DynamoDB units as billed above, and its log bytes
    // measured through the handlers as deployed (their middy chains: the handler's line, the metrics).
    const rru = ['paygov', 'vnpay', 'postal'].reduce((sum, l) => sum + (bill.reads.get(l)?.units ?? 0), 0);
    const logs = await callbackLogBytes(dynamo.endpoint);
    const usd = callbackCost({ wru: figures.wruPerNotification, rru: rru / notifications, logBytes: logs.bytes, logLines: logs.lines });
    console.log(
      `  per callback: ${fmt(logs.bytes, 0)} log bytes in ${fmt(logs.lines, 1)} lines from the function, ${ACCESS_LOG_BYTES} from API Gateway; ` +
        `${fmt(rru / notifications, 3)} RRU; not traced (PassThrough)`,
    );
    for (const [item, cost] of Object.entries(usd.parts)) console.log(`  ${item}: ${fmt(cost, 3)} USD per million`);
    console.log(`cost per million single callbacks USD: ${fmt(usd.total)}`);
    figures.costPerMillionCallbacks = usd.total;
    client.destroy();
    return figures;
  } finally {
    await dynamo.stop();
  }
}

/** The latest instant a stream message carries (its record versions, steps, payment or event time). */
function messageTime(m: StreamMessage): number {
  const compact = (v: unknown) => {
    const iso = parseCompact(String(v ?? ''));
    return iso ? Date.parse(iso) : 0;
  };
  switch (m.source) {
    case 'portal':
      return Math.max(...m.body.data.map((r) => Math.max(compact(r.NgayCapNhat), compact(r.ThoiDiemXuLy))));
    case 'feedback':
      return Math.max(...m.body.data.map((r) => compact(r.NgayCapNhat)));
    case 'paygov':
      return compact(m.body.ThoiGianGD);
    case 'vnpay':
      return compact(m.params.vnp_PayDate);
    case 'postal':
      return Date.parse(String(m.body.occurredAt));
  }
}

type Handlers = Record<'portal' | 'paygov' | 'vnpay' | 'postal' | 'feedback', (e: HttpEvent, c: Context) => Promise<HttpResult>>;

/** Sends one stream message to its handler as its platform would (signatures are checked by middleware, not here). */
function send(h: Handlers, m: StreamMessage): Promise<HttpResult> {
  switch (m.source) {
    case 'portal':
      return h.portal(post(JSON.stringify(m.body)), ctx(`cost-${n}`));
    case 'postal':
      return h.postal(post(JSON.stringify(m.body)), ctx(`cost-${n}`));
    case 'feedback':
      return h.feedback(post(JSON.stringify(m.body)), ctx(`cost-${n}`));
    case 'paygov':
      return h.paygov(post(JSON.stringify({ ...m.body, MaXacThuc: paygovChecksum(m.body, LOCAL_SECRETS.paygov) })), ctx(`cost-${n}`));
    case 'vnpay':
      return h.vnpay(
        {
          rawQueryString: vnpayQuery(m.params, LOCAL_SECRETS.vnpay),
          headers: {},
          requestContext: { requestId: `cost-${++n}` },
        } as unknown as HttpEvent,
        ctx(`cost-${n}`),
      );
  }
}

/** Dossiers received in the report's period, by the index (what "per dossier" divides by). */
async function countDossiers(store: DynamoDossierStore): Promise<number> {
  let count = 0;
  for await (const _ of store.listReceived('2023-01-01', '2024-03-31')) count++;
  return count;
}
