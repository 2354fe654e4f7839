/**
 * Month packs against dynalite (functions/adapters/month-packs.ts): a report read through the packs
 * equals the report read from the full records, whatever arrives after a month was packed (record
 * versions in any order and repeated, late payments, postal events, feedback links), at any clock.
 */
import fc from 'fast-check';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { packMonths } from '../../functions/adapters/month-packer';
import { monthIsOver } from '../../functions/adapters/month-packs';
import type { StoredDossier } from '../../functions/core/ports';
import { buildSupervisionReport, reportDueAt, SupervisionTally } from '../../functions/core/report';
import { ScorecardTally } from '../../functions/core/scorecard';
import { dossierKey, type DossierRecord, type Payment } from '../../functions/core/types';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { record } from '../fixtures/records';

let dynamo: DynamoEmulator;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
});
afterAll(async () => {
  await dynamo.stop();
});

const WARDS = ['000.00.12.H57', '000.00.12.H58'];
const MONTHS = ['2024-01', '2024-02', '2024-03'];
const DAY = 86_400_000;

/** A dossier of the stream: its ward, receipt month and day, and how it goes. */
interface Plan {
  ward: number;
  month: number;
  day: number;
  seq: number;
  statuses: number[];
  fee: number;
  payments: { late: number; ok: boolean; amountOff: boolean }[];
  postal: boolean;
  feedback: boolean;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  ward: fc.integer({ min: 0, max: 1 }),
  month: fc.integer({ min: 0, max: 2 }),
  day: fc.integer({ min: 1, max: 28 }),
  seq: fc.integer({ min: 1, max: 9999 }),
  statuses: fc.array(fc.constantFrom(1, 2, 4, 5, 7, 9, 10), { minLength: 1, maxLength: 4 }),
  fee: fc.constantFrom(0, 16000),
  payments: fc.array(fc.record({ late: fc.integer({ min: 0, max: 60 }), ok: fc.boolean(), amountOff: fc.boolean() }), { maxLength: 2 }),
  postal: fc.boolean(),
  feedback: fc.boolean(),
});

/** An event of the stream, at the instant it arrives. */
type Event = { at: number; run: (s: Stores) => Promise<unknown> };
interface Stores {
  store: DynamoDossierStore;
  feedback: DynamoFeedbackStore;
}

/** The events of a plan: its record versions (some repeated), payments, a postal event, a feedback item. */
function eventsOf(p: Plan, i: number): Event[] {
  const ward = WARDS[p.ward];
  const month = MONTHS[p.month];
  const day = String(p.day).padStart(2, '0');
  const code = `${ward}-${month.slice(2, 4)}${month.slice(5)}${day}-${String(p.seq).padStart(4, '0')}${i}`;
  const received = Date.parse(`${month}-${day}T08:00:00+07:00`);
  const iso = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().replace('.000Z', '+07:00');
  const compact = (ms: number) => iso(ms).slice(0, 19).replace(/[-T:]/g, '');
  const out: Event[] = [];
  p.statuses.forEach((status, v) => {
    const at = received + v * 3 * DAY;
    const rec: DossierRecord = record({
      code,
      receivedAt: iso(received),
      dueAt: iso(received + 5 * DAY),
      status: status as DossierRecord['status'],
      version: compact(at),
      updatedAt: iso(at),
      finishedAt: status >= 9 ? iso(at) : null,
      fees: p.fee ? [{ name: 'Lệ phí', code: null, amount: p.fee }] : [],
      feeTotal: p.fee,
      channel: v % 2 ? 'online' : 'direct',
    });
    out.push({ at, run: (s) => s.store.offerRecords([{ record: rec, raw: {} }]) });
    if (v % 2 === 0) out.push({ at: at + 40 * DAY, run: (s) => s.store.offerRecords([{ record: rec, raw: {} }]) }); // a late repeat
  });
  p.payments.forEach((pay, k) => {
    const at = received + pay.late * DAY;
    const payment: Payment = {
      source: 'paygov',
      txId: `T${i}-${k}`,
      key: dossierKey(code),
      code: null,
      amount: pay.amountOff ? p.fee + 1 : p.fee,
      success: pay.ok,
      resultCode: pay.ok ? '00' : '24',
      at: iso(at),
      bank: null,
      reference: `dvc${dossierKey(code)}`,
    };
    out.push({ at, run: (s) => s.store.offerPayment(payment) });
  });
  if (p.postal) {
    const at = received + 9 * DAY;
    out.push({
      at,
      run: (s) =>
        s.store.offerPostalEvent({
          eventId: `E${i}`,
          trackingNumber: 'EB123456785VN',
          code,
          type: 'RESULT_DELIVERED',
          occurredAt: iso(at),
          postOffice: null,
          note: null,
        }),
    });
  }
  if (p.feedback) {
    const at = received + 20 * DAY;
    out.push({
      at,
      run: (s) =>
        s.feedback.offerFeedback([
          {
            item: {
              id: `PAKN.${i}`,
              source: 'DVCQG',
              ward,
              channel: 3,
              receivedAt: iso(at),
              title: 't',
              content: 'c',
              category: 1,
              status: 3,
              version: compact(at),
              updatedAt: iso(at),
              deadline: null,
              answeredAt: null,
              answer: null,
              rating: null,
              dossierCode: code,
              field: null,
              citizen: { name: null, phone: null, email: null, address: null },
            },
            raw: {},
          },
        ]),
    });
  }
  return out;
}

async function collect(source: AsyncIterable<StoredDossier>): Promise<StoredDossier[]> {
  const out: StoredDossier[] = [];
  for await (const d of source) out.push(d);
  return out;
}

describe('month packs', () => {
  it('give the report and the scorecard the full records give, whatever came after the packing, at any clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(planArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 130 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 60, max: 200 }),
        async (plans, packDays, asOfDays) => {
          // Prepare: the stream at its own clock, the packer run at some of its days.
          const tableName = `packs-${++tables}`;
          await ensureTable(dynamo.client, tableName);
          let clock = Date.parse('2024-01-01T00:00:00+07:00');
          const now = () => clock;
          const stores: Stores = {
            store: new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt, now }),
            feedback: new DynamoFeedbackStore({ client: dynamo.client, tableName, now }),
          };
          const start = clock;
          const events: Event[] = plans.flatMap((p, i) => eventsOf(p, i));
          for (const d of packDays)
            events.push({
              at: start + d * DAY,
              run: (s) => packMonths({ store: s.store, client: dynamo.client, table: tableName, now: () => clock }),
            });
          events.sort((a, b) => a.at - b.at);
          for (const e of events) {
            clock = e.at;
            await e.run(stores);
          }
          clock = start + asOfDays * DAY;
          await packMonths({ store: stores.store, client: dynamo.client, table: tableName, now: now }); // and once more at the end, for the months over by then
          const full = new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt, readPacks: false });
          const asOf = new Date(clock).toISOString();
          const options = { from: '2024-01-01', to: '2024-03-31', asOf, dueAt: reportDueAt };

          // Act
          const viaPacks = await collect(stores.store.listReceived(options.from, options.to));
          const viaRecords = await collect(full.listReceived(options.from, options.to));
          const card = (ds: StoredDossier[]) => {
            const t = new ScorecardTally(options);
            for (const d of ds) t.add(d);
            return t.scorecard(null);
          };

          // The supervision report's way: closed months through their packs' summaries (day states),
          // over the whole quarter and over a period that cuts months in the middle.
          const bySummaries = async (period: { from: string; to: string }) => {
            const tally = new SupervisionTally({ ...options, ...period });
            for (const ward of await stores.store.listWards()) await stores.store.tallyReceived(tally, period.from, period.to, ward);
            return tally.report();
          };
          const partial = { from: '2024-01-10', to: '2024-02-20' };
          const partialOptions = { ...options, ...partial };
          const viaSummaries = await bySummaries(options);
          const partialViaSummaries = await bySummaries(partial);
          const partialViaRecords = await collect(full.listReceived(partial.from, partial.to));

          // Assess
          expect(buildSupervisionReport(viaPacks, options)).toEqual(buildSupervisionReport(viaRecords, options));
          expect(viaSummaries).toEqual(buildSupervisionReport(viaRecords, options));
          expect(partialViaSummaries).toEqual(buildSupervisionReport(partialViaRecords, partialOptions));
          expect(card(viaPacks)).toEqual(card(viaRecords));
          const byKey = (ds: StoredDossier[]) => [...ds].sort((a, b) => a.key.localeCompare(b.key));
          expect(byKey(viaPacks)).toEqual(byKey(viaRecords));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('are used for the months that are over, and read one item a month instead of one a dossier', async () => {
    // Prepare
    const tableName = `packs-${++tables}`;
    await ensureTable(dynamo.client, tableName);
    let clock = Date.parse('2024-02-10T00:00:00+07:00');
    const store = new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt, now: () => clock });
    const code = (n: number) => `000.00.12.H57-240115-${String(n).padStart(4, '0')}`;
    await store.offerRecords(
      Array.from({ length: 30 }, (_, n) => ({ record: record({ code: code(n), receivedAt: '2024-01-15T08:00:00+07:00' }), raw: {} })),
    );

    // Act: right after the writes the month is still being written (bumped in the last hour);
    // two hours later it is packed.
    const fresh = await packMonths({ store, client: dynamo.client, table: tableName, now: () => clock });
    clock += 2 * 3_600_000;
    const packed = await packMonths({ store, client: dynamo.client, table: tableName, now: () => clock });
    const before = store.itemsRead;
    const read = await collect(store.listReceived('2024-01-01', '2024-01-31', '000.00.12.H57'));
    const itemsRead = store.itemsRead - before;
    // The supervision report's way: the pack's summary alone, no dossier read.
    const tally = new SupervisionTally({ from: '2024-01-01', to: '2024-01-31', asOf: '2024-02-10T00:00:00+07:00', dueAt: reportDueAt });
    const beforeSummary = store.itemsRead;
    const counted = await store.tallyReceived(tally, '2024-01-01', '2024-01-31', '000.00.12.H57');
    const summaryItemsRead = store.itemsRead - beforeSummary;
    clock = Date.parse('2024-01-25T00:00:00+07:00'); // a month not over at the clock is not packed
    const none = await packMonths({ store: store, client: dynamo.client, table: tableName, now: () => clock });

    // Assess
    expect(monthIsOver('2024-01', Date.parse('2024-02-10T00:00:00+07:00'))).toBe(true);
    expect(fresh).toEqual({ packed: 0, changed: 0 });
    expect(packed).toEqual({ packed: 1, changed: 0 });
    expect(read).toHaveLength(30);
    expect(itemsRead).toBe(1);
    expect([counted, summaryItemsRead, tally.report().received.total]).toEqual([30, 1, 30]);
    expect(none).toEqual({ packed: 0, changed: 0 });
    expect(JSON.stringify(read)).not.toMatch(/074190001234|0912345678|hong@example|Nguyễn Thị Hồng/);
  });

  it('stop being read when a late payment changes a packed month, until the next packing', async () => {
    // Prepare
    const tableName = `packs-${++tables}`;
    await ensureTable(dynamo.client, tableName);
    let clock = Date.parse('2024-02-10T00:00:00+07:00');
    const store = new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt, now: () => clock });
    const rec = record({
      code: '000.00.12.H57-240115-0001',
      receivedAt: '2024-01-15T08:00:00+07:00',
      fees: [{ name: 'Lệ phí', code: null, amount: 8000 }],
      feeTotal: 8000,
    });
    await store.offerRecords([{ record: rec, raw: {} }]);
    await packMonths({ store: store, client: dynamo.client, table: tableName, now: () => clock });
    const paid = (ds: StoredDossier[]) => ds.flatMap((d) => d.payments.map((p) => p.txId));

    // Act
    clock = Date.parse('2024-02-20T00:00:00+07:00');
    await store.offerPayment({
      source: 'vnpay',
      txId: 'late',
      key: dossierKey(rec.code),
      code: rec.code,
      amount: 8000,
      success: true,
      resultCode: '00',
      at: '2024-02-20T00:00:00+07:00',
      bank: null,
      reference: `${rec.code}_1`,
    });
    const afterPayment = await collect(store.listReceived('2024-01-01', '2024-01-31'));
    clock += 2 * 3_600_000; // the packer leaves a month bumped in the last hour
    const repacked = await packMonths({ store: store, client: dynamo.client, table: tableName, now: () => clock });
    const afterRepack = await collect(store.listReceived('2024-01-01', '2024-01-31'));

    // Assess
    expect(paid(afterPayment)).toEqual(['late']);
    expect(repacked).toEqual({ packed: 1, changed: 0 });
    expect(paid(afterRepack)).toEqual(['late']);
  });
});
