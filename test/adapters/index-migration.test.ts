/**
 * Changing the indexes (README, "Changing the indexes"), against dynalite: data the release before
 * wrote (records as maps, the old receipt index only) goes through the steps of INDEX_STEPS and
 * nothing is lost. dynalite cannot add or drop an index on a live table (UpdateTable ignores it),
 * so each step's table is made with that step's indexes and the items as they stand; what DynamoDB
 * does between steps (fill byDueDate from the items' own keys) is what dynalite does on a put.
 */
import { PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { main as rebuild } from '../../functions/cli/rebuild-dossier';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { backfillMonthIndex } from '../../functions/adapters/month-packer';
import { FINAL_INDEX_STEP, INDEX_STEPS, type IndexGeneration } from '../../functions/adapters/table-schema';
import type { StoredDossier } from '../../functions/core/ports';
import { buildSupervisionReport } from '../../functions/core/report';
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

type Item = Record<string, AttributeValue>;
const WARD = '000.00.12.H57';

/** A dossier item exactly as the release before wrote it: the record as a map, `hash`, the old keys, no `g2k`. */
function oldDossierItem(rec: DossierRecord, payments: Payment[] = []): Item {
  const key = dossierKey(rec.code);
  const open = rec.status === 2 || rec.status === 4;
  const due = new Date(Date.parse(rec.dueAt as string)).toISOString();
  return marshall(
    {
      pk: `D#${key}`,
      sk: 'A',
      code: rec.code,
      rec,
      ver: rec.version,
      hash: 'f'.repeat(64),
      seen: new Set([`${rec.version}#ffffffffffffffff`]),
      dueAt: rec.dueAt,
      g2pk: `RCV#${WARD}#${rec.receivedAt.slice(0, 7)}`,
      g2sk: `${rec.receivedAt}#${key}`,
      ...(open ? { g1pk: 'DUE#3', g1sk: `${due}#${key}` } : {}),
      ...Object.fromEntries(payments.map((p) => [`P#${p.source}#${p.txId}`, p])),
    },
    { removeUndefinedValues: true, convertClassInstanceToMap: true },
  );
}

const RECORDS = [
  record({
    code: `${WARD}-240105-0001`,
    receivedAt: '2024-01-05T08:00:00+07:00',
    dueAt: '2024-01-09T17:00:00+07:00',
    status: 10,
    finishedAt: '2024-01-08T10:00:00+07:00',
    fees: [{ name: 'Lệ phí', code: null, amount: 8000 }],
    feeTotal: 8000,
  }),
  record({
    code: `${WARD}-240206-0002`,
    receivedAt: '2024-02-06T08:00:00+07:00',
    dueAt: '2024-02-08T17:00:00+07:00',
    status: 4,
    channel: 'direct',
  }),
  record({ code: `${WARD}-240307-0003`, receivedAt: '2024-03-07T08:00:00+07:00', dueAt: '2024-03-12T17:00:00+07:00', status: 2 }),
];
const PAYMENT: Payment = {
  source: 'vnpay',
  txId: `${RECORDS[0].code}_1`,
  key: dossierKey(RECORDS[0].code),
  code: RECORDS[0].code,
  amount: 8000,
  success: true,
  resultCode: '00',
  at: '2024-01-06T09:00:00+07:00',
  bank: 'NCB',
  reference: `${RECORDS[0].code}_1`,
};

/** A table at `step`, holding `items`. */
async function tableAt(step: number, items: Item[]): Promise<string> {
  const name = `migration-${++tables}`;
  await ensureTable(dynamo.client, name, step);
  for (const Item of items) await dynamo.client.send(new PutItemCommand({ TableName: name, Item }));
  return name;
}

async function everyItem(table: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** What the functions of a generation answer on `table`: the report, the due list, one dossier. */
async function answers(table: string, generation: IndexGeneration) {
  const store = new DynamoDossierStore({ client: dynamo.client, tableName: table, dueAt: (r) => r.dueAt, indexes: generation });
  const feedback = new DynamoFeedbackStore({ client: dynamo.client, tableName: table, indexes: generation });
  const options = { from: '2024-01-01', to: '2024-03-31', asOf: '2024-04-01T08:00:00+07:00', dueAt: (d: StoredDossier) => d.dueAt };
  const dossiers: StoredDossier[] = [];
  for await (const d of store.listReceived(options.from, options.to)) dossiers.push(d);
  const due: string[] = [];
  for await (const d of store.listDueBy('2024-12-31T00:00:00+07:00')) due.push(d.code);
  const items: string[] = [];
  for await (const f of feedback.listFeedbackReceived(options.from, options.to)) items.push(f.id);
  const one = await store.getDossier(dossierKey(RECORDS[0].code));
  return {
    report: buildSupervisionReport(dossiers, options),
    due: due.sort(),
    feedback: items.sort(),
    payments: one?.dossier.payments.map((p) => p.txId),
  };
}

describe('changing the indexes, step by step', () => {
  it('loses nothing the release before wrote: old items are read at every step, the backfill gives them the new key', async () => {
    // Prepare: the release before (step 0): its items, its registry, a feedback item.
    const before = [
      oldDossierItem(RECORDS[0], [PAYMENT]),
      oldDossierItem(RECORDS[1]),
      oldDossierItem(RECORDS[2]),
      marshall({ pk: 'WARDS', sk: WARD, firstSeen: '2024-01-05T01:00:00.000Z' }),
    ];
    const step0 = await tableAt(0, before);
    const feedback0 = new DynamoFeedbackStore({ client: dynamo.client, tableName: step0, indexes: 'v1' });
    await feedback0.offerFeedback([
      {
        item: {
          id: '1022.20240210.0001',
          source: '1022',
          ward: WARD,
          channel: 1,
          receivedAt: '2024-02-10T09:00:00+07:00',
          title: 't',
          content: 'c',
          category: 1,
          status: 4,
          version: '20240212090000',
          updatedAt: '2024-02-12T09:00:00+07:00',
          deadline: null,
          answeredAt: '2024-02-12T09:00:00+07:00',
          answer: 'a',
          rating: null,
          dossierCode: null,
          field: null,
          citizen: { name: null, phone: null, email: null, address: null },
        },
        raw: {},
      },
    ]);
    const reference = await answers(step0, 'v1');

    // Act: steps 1 and 2 (indexes added; the functions still read v1), a record written meanwhile
    // by this release, the backfill; step 3 (the functions read v2); steps 4 and 5 (old indexes gone).
    const step2 = await tableAt(2, await everyItem(step0));
    const atStep2 = await answers(step2, 'v1');
    const writer = new DynamoDossierStore({ client: dynamo.client, tableName: step2, dueAt: (r) => r.dueAt, indexes: 'v1' });
    const late = record({
      code: `${WARD}-240308-0004`,
      receivedAt: '2024-03-08T08:00:00+07:00',
      dueAt: '2024-03-13T17:00:00+07:00',
      status: 2,
      version: '20240308080000',
    });
    await writer.offerRecords([{ record: late, raw: {} }]);
    const beforeBackfill = await answers(step2, 'v2');
    // The backfill as an operator runs it: through the rebuild command.
    const printed: string[] = [];
    const exit = await rebuild(
      ['--month-index', '--from', '2023-12', '--to', '2024-04', '--table', step2, '--endpoint', dynamo.endpoint],
      { AWS_REGION: 'ap-southeast-1' },
      (l) => printed.push(l),
      (l) => printed.push(l),
    );
    const again = await backfillMonthIndex({ store: writer, client: dynamo.client, table: step2 }, '2023-12', '2024-04');
    const atStep3 = await answers(step2, 'v2');
    const atStep5 = await answers(await tableAt(FINAL_INDEX_STEP, await everyItem(step2)), 'v2');

    // Assess
    expect(reference.report.received.total).toBe(3);
    expect(reference.due).toEqual([RECORDS[1].code, RECORDS[2].code]);
    expect(reference.feedback).toEqual(['1022.20240210.0001']);
    expect(reference.payments).toEqual([PAYMENT.txId]);
    expect(atStep2).toEqual(reference);
    // Without the backfill the new receipt index knows only what this release wrote:
    expect(beforeBackfill.report.received.total).toBe(1);
    expect(exit).toBe(0);
    // the three old dossiers (the feedback item is this release's)
    expect(printed.at(-1)).toBe('gave 3 item(s) their g2k, over 3 ward-month(s) from 2023-12 to 2024-04');
    expect(again).toEqual({ items: 0, months: 3 });
    const withLate = { ...reference, due: [...reference.due, late.code].sort() };
    expect(atStep3.report.received.total).toBe(4);
    expect({ ...atStep3, report: undefined }).toEqual({ ...withLate, report: undefined });
    expect(atStep5).toEqual(atStep3);
    expect(INDEX_STEPS).toHaveLength(FINAL_INDEX_STEP + 1);
  });
});
