/**
 * Province bench: 20 wards × 12 months, about 100,000 dossiers (each its final record and, for
 * most with a fee, an online payment) written through the store into dynalite, the months packed
 * as the daily job packs them; then the province report of the year and the 12-month trend of
 * every ward (what the dashboard draws), with their time, items and bytes read, every request
 * billed as DynamoDB bills it (`billing.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import type { HttpEvent } from '../../functions/adapters/http';
import { packMonths } from '../../functions/adapters/month-packer';
import { readPack } from '../../functions/adapters/month-packs';
import { effectiveDueAt } from '../../functions/core/overdue';
import type { StoredDossier } from '../../functions/core/ports';
import { reportDueAt, SupervisionTally } from '../../functions/core/report';
import { dossierKey, type DossierRecord } from '../../functions/core/types';
import { PROVINCE_ROUTE, supervisionReport } from '../../functions/handlers/supervision-report';
import { ensureTable, startDynamo } from '../../infra/local/emulators';
import { record } from '../fixtures/records';
import { Bill, describeTable, meter } from './billing';

const TABLE = 'bench-province';
const WARDS = 20;
const MONTHS = 12;
const PER_MONTH = 420; // 20 × 12 × 420 = 100,800 dossiers
const YEAR = 2024;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The figures of the province bench, for the README's extrapolation. */
export interface ProvinceFigures {
  dossiers: number;
  reportSeconds: number;
  reportItems: number;
  reportBytes: number;
  reportRequests: number;
  trendSeconds: number;
  decodeMsPerDossier: number;
  summaryMsPerDossier: number;
}

const ward = (w: number) => `000.00.${String(10 + w).padStart(2, '0')}.H57`;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Dossier `i` of ward `w`, month `m` (1–12): a year's mix of channels, fields, outcomes and fees. */
function dossier(w: number, m: number, i: number): DossierRecord {
  const day = 1 + (i % 28);
  const received = `${YEAR}-${pad(m)}-${pad(day)}T08:${pad(i % 60)}:00+07:00`;
  const due = `${YEAR}-${pad(m)}-${pad(Math.min(28, day + 3))}T17:00:00+07:00`;
  const status = ([10, 10, 10, 9, 4, 2, 7, 10] as const)[i % 8];
  const finished = status >= 9 ? `${YEAR}-${pad(m)}-${pad(Math.min(28, day + (i % 5)))}T10:00:00+07:00` : null;
  const fee = i % 2 === 0 ? 8000 : 0;
  return record({
    code: `${ward(w)}-${String(YEAR).slice(2)}${pad(m)}${pad(day)}-${pad(i, 4)}`,
    procedureCode: `1.00${100 + (i % 40)}`,
    fieldCode: ['HT', 'CT', 'DD', 'BTXH', 'NCC'][i % 5],
    fieldName: ['Hộ tịch', 'Chứng thực', 'Đất đai', 'Bảo trợ xã hội', 'Người có công'][i % 5],
    channel: i % 3 === 0 ? 'direct' : 'online',
    receivedAt: received,
    dueAt: due,
    status,
    finishedAt: finished,
    version: `${YEAR}${pad(m)}${pad(day)}080000`,
    updatedAt: received,
    fees: fee ? [{ name: 'Lệ phí', code: null, amount: fee }] : [],
    feeTotal: fee,
  });
}

/** Prints the province bench; returns its figures. */
export async function benchProvince(): Promise<ProvinceFigures> {
  console.log(`\n## A province (${WARDS} wards × ${MONTHS} months, ${fmt(WARDS * MONTHS * PER_MONTH)} dossiers in dynalite)`);
  const dynamo = await startDynamo({ createTable: false, child: true });
  try {
    await ensureTable(dynamo.client, TABLE);
    const client = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: dynamo.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const bill = new Bill();
    meter(client, dynamo.client, TABLE, await describeTable(dynamo.client, TABLE), bill);
    // Written a year later, as a province's history would be loaded; packed two hours after.
    let clock = Date.parse(`${YEAR + 1}-02-01T00:00:00+07:00`);
    const store = new DynamoDossierStore({ client, tableName: TABLE, dueAt: (r) => effectiveDueAt(r), now: () => clock });
    const t0 = performance.now();
    bill.label = 'load';
    let written = 0;
    // Four wards at once, as their desks would send; a ward's months in order.
    let nextWard = 0;
    const loadWard = async (w: number) => {
      for (let m = 1; m <= MONTHS; m++) {
        const records = Array.from({ length: PER_MONTH }, (_, i) => dossier(w, m, i));
        await store.offerRecords(records.map((r) => ({ record: r, raw: {} })));
        await Promise.all(
          records
            .filter((r, i) => r.feeTotal > 0 && i % 10 !== 0)
            .map((r) =>
              store.offerPayment({
                source: 'vnpay',
                txId: `${r.code}_1`,
                key: dossierKey(r.code),
                code: r.code,
                amount: r.feeTotal,
                success: true,
                resultCode: '00',
                at: r.receivedAt,
                bank: 'NCB',
                reference: `${r.code}_1`,
              }),
            ),
        );
        written += records.length;
      }
      process.stderr.write(`  loading the province: ${fmt(written)} dossiers (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    };
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextWard < WARDS) await loadWard(nextWard++);
      }),
    );
    clock += 2 * 3_600_000;
    bill.label = 'pack';
    const t1 = performance.now();
    const packed = await packMonths({ store, client, table: TABLE, now: () => clock });
    console.log(
      `loaded in ${fmt((performance.now() - t0) / 1000)} s; ${packed.packed} month packs built in ${fmt((performance.now() - t1) / 1000, 1)} s`,
    );

    // The province report of the year, as GET /reports/province answers it.
    bill.label = 'report';
    const t2 = performance.now();
    const res = await supervisionReport(
      { store, wardNames: async () => ({}) },
      () => clock,
    )({
      routeKey: PROVINCE_ROUTE,
      queryStringParameters: { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` },
      headers: {},
    } as unknown as HttpEvent);
    const reportSeconds = (performance.now() - t2) / 1000;
    if (res.statusCode !== 200) throw new Error(`province report: ${res.statusCode} ${res.body}`);
    const total = (JSON.parse(res.body as string) as { total: { received: { total: number } } }).total.received.total;
    const reads = { ...(bill.reads.get('report') ?? { units: 0, items: 0, bytes: 0, requests: 0 }) };

    // The 12-month trend of every ward: each ward-month's report (what the dashboard's chart draws),
    // the report's way (closed months through their packs' summaries).
    bill.label = 'trend';
    const t3 = performance.now();
    await Promise.all(
      Array.from({ length: WARDS }, async (_, w) => {
        for (let m = 1; m <= MONTHS; m++) {
          const last = new Date(Date.UTC(YEAR, m, 0)).getUTCDate();
          const tally = new SupervisionTally({
            from: `${YEAR}-${pad(m)}-01`,
            to: `${YEAR}-${pad(m)}-${last}`,
            asOf: new Date(clock).toISOString(),
            dueAt: reportDueAt,
          });
          await store.tallyReceived(tally, `${YEAR}-${pad(m)}-01`, `${YEAR}-${pad(m)}-${last}`, ward(w));
        }
      }),
    );
    const trendSeconds = (performance.now() - t3) / 1000;
    const trend = bill.reads.get('trend') ?? { units: 0, items: 0, bytes: 0, requests: 0 };

    // The CPU part alone (no I/O): unpacking a ward-month and tallying it, per dossier.
    const send = <T>(c: object) => dynamo.client.send(c as never) as Promise<T>;
    const packs: StoredDossier[][] = [];
    for (let m = 1; m <= MONTHS; m++) packs.push((await readPack(send, TABLE, ward(0), `${YEAR}-${pad(m)}`, () => undefined)) ?? []);
    const t4 = performance.now();
    let decoded = 0;
    for (let m = 1; m <= MONTHS; m++) {
      const again = (await readPack(send, TABLE, ward(0), `${YEAR}-${pad(m)}`, () => undefined)) ?? [];
      const tally = new SupervisionTally({
        from: `${YEAR}-01-01`,
        to: `${YEAR}-12-31`,
        asOf: new Date(clock).toISOString(),
        dueAt: (d: StoredDossier) => d.dueAt,
      });
      for (const d of again) tally.add(d);
      decoded += again.length;
    }
    const decodeMsPerDossier = (performance.now() - t4) / Math.max(1, decoded);
    // The report's way for the same ward-year: its 12 summaries read and added (local I/O included).
    const t5 = performance.now();
    const yearTally = new SupervisionTally({
      from: `${YEAR}-01-01`,
      to: `${YEAR}-12-31`,
      asOf: new Date(clock).toISOString(),
      dueAt: reportDueAt,
    });
    const summarised = await store.tallyReceived(yearTally, `${YEAR}-01-01`, `${YEAR}-12-31`, ward(0));
    const summaryMsPerDossier = (performance.now() - t5) / Math.max(1, summarised);

    const figures: ProvinceFigures = {
      dossiers: total,
      reportSeconds,
      reportItems: reads.items,
      reportBytes: reads.bytes,
      reportRequests: reads.requests,
      trendSeconds,
      decodeMsPerDossier,
      summaryMsPerDossier,
    };
    console.log(`province dossiers: ${total}`);
    console.log(`province report seconds: ${fmt(reportSeconds, 2)}`);
    console.log(
      `province report items read: ${fmt(reads.items)} in ${fmt(reads.requests)} requests, ${fmt(reads.bytes)} bytes (${fmt(reads.bytes / total)} per dossier)`,
    );
    console.log(
      `province 12-month trend of ${WARDS} wards seconds: ${fmt(trendSeconds, 2)} (${fmt(trend.items)} items in ${fmt(trend.requests)} requests, ${fmt(trend.bytes)} bytes)`,
    );
    console.log(
      `unpacking and tallying, ms per dossier: ${fmt(decodeMsPerDossier, 4)} (${fmt(decoded)} dossiers of one ward's ${packs.length} packs)`,
    );
    console.log(
      `through the packs' summaries instead, ms per dossier: ${fmt(summaryMsPerDossier, 4)} (the same ward-year, ${fmt(summarised)} dossiers, reads included)`,
    );
    client.destroy();
    return figures;
  } finally {
    await dynamo.stop();
  }
}
