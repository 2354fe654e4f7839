/**
 * `npm run bench`: the figures the README quotes, measured on this machine in one run.
 *
 *  1. Ingest: portal records per second over HTTP into the local stack (batches of 100), against
 *     the raw dynalite PutItem rate through the SDK with the same number of writes in flight;
 *     DynamoDB write requests and consumed write units per record (the real handler, in-process).
 *  2. Report: time and items read for 15 months of one ward (the seed stream: 11,701 received).
 *  3. Scan: items read per scan / flagged, with 100,000 closed or not-yet-due dossiers and 100 overdue.
 *  4. Feedback scan: items read per scan / flagged, with 10,000 answered feedback items and 20 overdue.
 *  5. Bundles: size and cold-init time of each Lambda bundle against a bare Node start.
 *  6. Scorecard: time and items read for 15 months of one ward, and the forecast's back-test.
 *  7. Dashboard: GET /dashboard for one ward's 15 months and for a 20-ward province, first and
 *     cached requests.
 *
 *  8. Cost: the ward stream through the handlers, every DynamoDB request billed as DynamoDB bills it
 *     (`billing.ts`): write units per portal record and per notification, report reads per dossier.
 *
 *  9. Province: 20 wards × 12 months, about 100,000 dossiers: the province report and the 12-month
 *     trend of every ward, their time, items and bytes.
 *
 * Sections can be picked: `npm run bench -- ingest report scan feedback cost province bundles scorecard dashboard` (default: all).
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { effectiveDueAt } from '../../functions/core/overdue';
import { portalWebhook } from '../../functions/handlers/portal-webhook';
import { ensureTable, startDynamo } from '../../infra/local/emulators';
import { signedPost, startStack } from '../e2e/harness';
import { benchBundles } from './bundles';
import { benchCost } from './cost';
import { benchProvince } from './province';
import { benchFeedbackScan } from './feedback-scan';
import { benchDashboard } from './dashboard';
import { benchReport } from './report';
import { benchScan } from './scan';
import { benchScorecard } from './scorecard';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const RECORDS = 20_000;
const BATCH = 100;
const HTTP_CONCURRENCY = 4;
/** The store writes up to 16 dossiers of a request at once: 4 requests × 16 writes in flight. */
const WRITES_IN_FLIGHT = HTTP_CONCURRENCY * 16;

/** A realistic DVCQG dossier record, unique by its sequence number. */
export function sampleRecord(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const day = 1 + (i % 28);
  const date = `2024${String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  return {
    MaHoSo: `000.00.12.H57-${date.slice(2)}-${String(i).padStart(6, '0')}`,
    MaTTHC: '1.002407',
    TenTTHC: 'Thủ tục cấp bản sao trích lục hộ tịch',
    MaLinhVuc: 'HT',
    TenLinhVuc: 'Hộ tịch',
    KenhThucHien: 2,
    ChuHoSo: 'Nguyễn Thị Hồng Nhung',
    SoGiayToChuHoSo: '074190001234',
    SoDienThoai: '0912345678',
    TrichYeuHoSo: 'Cấp bản sao trích lục khai sinh',
    NgayTiepNhan: `${date}081500`,
    NgayHenTra: `${date}170000`,
    TrangThaiHoSo: 2,
    NgayCapNhat: `${date}081500`,
    DonViXuLy: 'UBND phường Bình An - Công chức Tư pháp - Hộ tịch',
    HinhThuc: 0,
    DuocThanhToanTrucTuyen: 1,
    DanhSachLePhi: [{ TenPhiLePhi: 'Phí cấp bản sao trích lục', MaPhiLePhi: 'PHI.HT.08', Gia: 8000 }],
    ...over,
  };
}

/** Runs `fn` over `n` indexes with `limit` in flight. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function benchIngest(): Promise<void> {
  console.log(`\n## Ingest (${RECORDS} portal records, batches of ${BATCH}, ${HTTP_CONCURRENCY} requests in flight)`);
  const stack = await startStack();
  try {
    const batches = Array.from({ length: RECORDS / BATCH }, (_, b) => ({
      service: 'DongBoHoSoMC',
      isUpdating: false,
      data: Array.from({ length: BATCH }, (_, j) => sampleRecord(b * BATCH + j)),
    }));
    // Warm the stack outside the timing: as many batches at once as the timing sends, so that every
    // handler thread has loaded its modules and SDK client (the records are other dossiers').
    await Promise.all(
      Array.from({ length: HTTP_CONCURRENCY }, (_, w) =>
        signedPost(
          stack.api,
          '/webhooks/portal',
          { service: 'DongBoHoSoMC', data: Array.from({ length: BATCH }, (_, j) => sampleRecord(900_000 + w * BATCH + j)) },
          'local-portal-secret',
        ),
      ),
    );
    let t0 = performance.now();
    await pool(batches.length, HTTP_CONCURRENCY, async (b) => {
      const res = await signedPost(stack.api, '/webhooks/portal', batches[b], 'local-portal-secret');
      if (res.status !== 200 || res.body.applied !== BATCH) throw new Error(`batch ${b}: ${res.status} ${res.text}`);
    });
    const ingestRate = RECORDS / ((performance.now() - t0) / 1000);

    // The same emulator, the same item size, the same writes in flight, straight through the SDK.
    const client: DynamoDBClient = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: stack.dynamodb,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const item = JSON.stringify(sampleRecord(1));
    t0 = performance.now();
    await pool(RECORDS, WRITES_IN_FLIGHT, async (i) => {
      await client.send(
        new PutItemCommand({ TableName: 'motcua-local', Item: { pk: { S: `BENCH#${i}` }, sk: { S: 'A' }, rec: { S: item } } }),
      );
    });
    const rawRate = RECORDS / ((performance.now() - t0) / 1000);
    client.destroy();
    console.log(`portal records ingested over HTTP: ${fmt(ingestRate)} records/s`);
    console.log(`raw dynalite PutItem through the SDK (${WRITES_IN_FLIGHT} in flight): ${fmt(rawRate)} puts/s`);
    console.log(`ingest / raw ratio: ${fmt(ingestRate / rawRate, 2)}`);
  } finally {
    await stack.stop();
  }

  // Write requests and units per record: the real handler logic in-process, counted by the store.
  const dynamo = await startDynamo({ createTable: false });
  try {
    await ensureTable(dynamo.client, 'bench-writes');
    const store = new DynamoDossierStore({ client: dynamo.client, tableName: 'bench-writes', dueAt: (r) => effectiveDueAt(r) });
    const handle = portalWebhook(store);
    const n = 1000;
    for (let b = 0; b < n / BATCH; b++) {
      const body = JSON.stringify({ service: 'DongBoHoSoMC', data: Array.from({ length: BATCH }, (_, j) => sampleRecord(b * BATCH + j)) });
      await handle(
        { body, isBase64Encoded: false, headers: {}, requestContext: { requestId: `bench-${b}` } } as never,
        { awsRequestId: `bench-${b}` } as never,
      );
    }
    const w = store.writeRequests;
    const requests = w.put + w.update + w.batch;
    console.log(
      `DynamoDB write requests per record: ${fmt(requests / n, 2)} (PutItem ${w.put}, UpdateItem ${w.update}, BatchWriteItem ${w.batch} for ${n} records)`,
    );
    console.log(`consumed write units per record: ${fmt(store.consumedWriteUnits / n, 2)}`);
  } finally {
    await dynamo.stop();
  }
}

async function main(): Promise<void> {
  const picked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const want = (s: string) => picked.length === 0 || picked.includes(s);
  console.log(`# motcua bench, ${new Date().toISOString()}`);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (want('ingest')) await benchIngest();
  if (want('report')) await benchReport();
  if (want('scan')) await benchScan();
  if (want('feedback')) await benchFeedbackScan();
  if (want('cost')) await benchCost();
  if (want('province')) await benchProvince();
  if (want('bundles')) await benchBundles();
  if (want('scorecard')) await benchScorecard();
  if (want('dashboard')) await benchDashboard();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
