/**
 * The DynamoDB store against dynalite over the network: conditional writes decide applied /
 * duplicate / stale, attachments are counted once, the indexes serve the scan and the report.
 */
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { decodeRecord } from '../../functions/adapters/record-codec';
import { StoreUnavailableError } from '../../functions/core/ports';
import { dossierKey, type Payment, type PostalEvent, type ProgressStep } from '../../functions/core/types';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { record } from '../fixtures/records';

let dynamo: DynamoEmulator;
let tableNo = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
});
afterAll(async () => {
  await dynamo.stop();
});

/** A fresh table per test, so tests do not see each other's dossiers. */
async function freshStore(): Promise<DynamoDossierStore> {
  const tableName = `store-${++tableNo}`;
  await ensureTable(dynamo.client, tableName);
  // The clock of the records' days: their month is not over, so no write bumps a month pack here
  // (test/adapters/month-packs.test.ts tests those).
  return new DynamoDossierStore({
    client: dynamo.client,
    tableName,
    dueAt: (r) => r.dueAt,
    now: () => Date.parse('2024-04-02T08:00:00+07:00'),
  });
}

const payment = (over: Partial<Payment> = {}): Payment => ({
  source: 'paygov',
  txId: 'PG0001',
  key: dossierKey('000.00.12.H57-240401-0003'),
  code: null,
  amount: 16000,
  success: true,
  resultCode: '00',
  at: '2024-04-01T09:00:00+07:00',
  bank: 'VCB',
  reference: 'dvc0000012H572404010003',
  ...over,
});

describe('offerRecords', () => {
  it('decides applied, duplicate and stale by NgayCapNhat and content', async () => {
    // Prepare
    const store = await freshStore();
    const v1 = record();
    const v2 = record({ status: 4, version: '20240401100000', updatedAt: '2024-04-01T10:00:00+07:00' });
    const sameTimeOther = record({ status: 5, version: '20240401100000', updatedAt: '2024-04-01T10:00:00+07:00' });
    const olderUnseen = record({ status: 1, version: '20240401070000', updatedAt: '2024-04-01T07:00:00+07:00' });

    // Act
    const first = await store.offerRecords([{ record: v1, raw: {} }]);
    const again = await store.offerRecords([{ record: v1, raw: {} }]);
    const newer = await store.offerRecords([{ record: v2, raw: {} }]);
    const rest = await store.offerRecords([
      { record: v1, raw: {} }, // seen before, no longer the newest
      { record: sameTimeOther, raw: {} },
      { record: olderUnseen, raw: {} },
      { record: v2, raw: {} },
    ]);

    // Assess
    expect(first).toEqual(['applied']);
    expect(again).toEqual(['duplicate']);
    expect(newer).toEqual(['applied']);
    expect(rest).toEqual(['duplicate', 'stale', 'stale', 'duplicate']);
    const got = await store.getDossier(dossierKey(v1.code));
    expect(got?.dossier.record?.status).toBe(4);
  });

  it('applies the versions of one dossier in request order within a batch', async () => {
    // Prepare
    const store = await freshStore();
    const versions = [1, 2, 3].map((i) => record({ status: 4, version: `2024040110000${i}`, note: `v${i}` }));

    // Act
    const outcomes = await store.offerRecords(versions.map((r) => ({ record: r, raw: { GhiChu: r.note } })));
    const reversed = await store.offerRecords([...versions].reverse().map((r) => ({ record: r, raw: {} })));

    // Assess
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(reversed).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect((await store.getDossier(dossierKey(versions[0].code)))?.dossier.record?.note).toBe('v3');
  });

  it('answers a stale record as duplicate when it comes again', async () => {
    // Prepare
    const store = await freshStore();
    await store.offerRecords([{ record: record({ version: '20240402000000' }), raw: {} }]);
    const older = record({ status: 1, version: '20240401000000' });

    // Act
    const first = await store.offerRecords([{ record: older, raw: {} }]);
    const again = await store.offerRecords([{ record: older, raw: {} }]);

    // Assess
    expect(first).toEqual(['stale']);
    expect(again).toEqual(['duplicate']);
  });

  it('writes one UpdateItem per new record and reads nothing first (plus one per ward and process)', async () => {
    // Prepare
    const store = await freshStore();
    const records = (from: number) =>
      Array.from({ length: 100 }, (_, i) => ({ record: record({ code: `000.00.12.H57-240401-${String(from + i)}` }), raw: {} }));

    // Act
    await store.offerRecords(records(1000));
    const first = { ...store.writeRequests };
    await store.offerRecords(records(2000));

    // Assess: the ward's registry item once, then nothing but the dossiers.
    expect(first).toEqual({ put: 0, update: 101, batch: 0 });
    expect(store.writeRequests).toEqual({ put: 0, update: 201, batch: 0 });
  });
});

describe('attachments', () => {
  it('keeps a payment that arrives before its dossier and counts each transaction once', async () => {
    // Prepare
    const store = await freshStore();
    const key = dossierKey('000.00.12.H57-240401-0003');

    // Act
    const first = await store.offerPayment(payment());
    const repeat = await store.offerPayment(payment());
    const before = await store.getDossier(key);
    await store.offerRecords([{ record: record(), raw: {} }]);
    const after = await store.getDossier(key);

    // Assess
    expect([first, repeat]).toEqual(['applied', 'duplicate']);
    expect(before?.dossier.record).toBeNull();
    expect(after?.dossier.record?.code).toBe('000.00.12.H57-240401-0003');
    expect(after?.dossier.payments).toEqual([payment()]);
  });

  it('stores steps and postal events once each, steps also before the dossier', async () => {
    // Prepare
    const store = await freshStore();
    const step: ProgressStep = {
      code: '000.00.12.H57-240401-0003',
      actor: 'Trần Văn Bình',
      actorTitle: 'Công chức',
      at: '2024-04-01T09:00:00+07:00',
      atRaw: '20240401090000',
      department: 'Tư pháp',
      content: 'Chuyển xử lý',
      status: 4,
      startedAt: null,
      dueAt: null,
    };
    const postal: PostalEvent = {
      eventId: 'EV-1',
      trackingNumber: 'EB123456785VN',
      code: step.code,
      type: 'RESULT_DELIVERED',
      occurredAt: '2024-04-03T10:00:00+07:00',
      postOffice: 'Bưu cục Dĩ An',
      note: null,
    };

    // Act
    const steps = await store.offerSteps([step, step, { ...step, status: 9 }]);
    const events = [await store.offerPostalEvent(postal), await store.offerPostalEvent(postal)];
    await store.offerRecords([{ record: record(), raw: {} }]);
    const got = await store.getDossier(dossierKey(step.code));

    // Assess
    expect(new Set(steps.slice(0, 2))).toEqual(new Set(['applied', 'duplicate']));
    expect(steps[2]).toBe('applied');
    expect(events).toEqual(['applied', 'duplicate']);
    expect(got?.steps.map((s) => s.status).sort()).toEqual([4, 9]);
    expect(got?.dossier.postal).toEqual([postal]);
  });
});

describe('raw messages', () => {
  it('keeps a large body gzipped in chunks under the item size limit', async () => {
    // Prepare
    const store = await freshStore();
    const body = randomBytes(700_000); // incompressible: gzip cannot bring it under one chunk

    // Act
    await store.saveRaw({ source: 'portal', deliveryId: 'req-1', receivedAt: '2024-04-01T08:15:00+07:00', body, headers: {} });

    // Assess
    const items = await dynamo.client.send(
      new QueryCommand({
        TableName: `store-${tableNo}`,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'RAW#2024-04-01' } },
      }),
    );
    const chunks = (items.Items ?? []).sort((a, b) => Number(a.chunk.N) - Number(b.chunk.N));
    expect(chunks.length).toBeGreaterThan(1);
    expect(gunzipSync(Buffer.concat(chunks.map((c) => Buffer.from(c.body.B!))))).toEqual(body);
  });
});

describe('indexes', () => {
  it('lists the period by Vietnam-time receipt date, boundaries included', async () => {
    // Prepare
    const store = await freshStore();
    const at = (code: string, receivedAt: string) => ({ record: record({ code, receivedAt }), raw: {} });
    await store.offerRecords([
      at('000.00.12.H57-231231-0001', '2023-12-31T23:30:00+07:00'),
      at('000.00.12.H57-240101-0001', '2024-01-01T00:30:00+07:00'),
      at('000.00.12.H57-240331-0001', '2024-03-31T23:59:59+07:00'),
      at('000.00.12.H57-240401-0001', '2024-04-01T00:00:00+07:00'),
    ]);

    // Act
    const codes: string[] = [];
    for await (const d of store.listReceived('2024-01-01', '2024-03-31')) codes.push(d.code);

    // Assess
    expect(codes).toEqual(['000.00.12.H57-240101-0001', '000.00.12.H57-240331-0001']);
  });

  it('keeps the wards apart: a registry of agency codes, and the period of each ward on its own', async () => {
    // Prepare
    const store = await freshStore();
    const at = (code: string) => ({ record: record({ code, receivedAt: '2024-02-10T09:00:00+07:00' }), raw: {} });
    await store.offerRecords([at('000.00.12.H57-240210-0001'), at('000.00.13.h58-240210-0001'), at('000.00.12.H57-240210-0002')]);
    const reader = new DynamoDossierStore({ client: dynamo.client, tableName: `store-${tableNo}`, dueAt: (r) => r.dueAt });
    const codes = async (ward?: string) => {
      const out: string[] = [];
      for await (const d of reader.listReceived('2024-01-01', '2024-03-31', ward)) out.push(d.code);
      return out.sort();
    };

    // Act
    const wards = await reader.listWards();
    const h57 = await codes('000.00.12.H57');
    const h58 = await codes('000.00.13.H58');
    const every = await codes();
    const none = await codes('000.00.14.H59');

    // Assess
    expect(wards).toEqual(['000.00.12.H57', '000.00.13.H58']);
    expect(h57).toEqual(['000.00.12.H57-240210-0001', '000.00.12.H57-240210-0002']);
    expect(h58).toEqual(['000.00.13.h58-240210-0001']);
    expect(every).toEqual([...h57, ...h58].sort());
    expect(none).toEqual([]);
  });

  it('lists open dossiers due by a bound, once per level and due date', async () => {
    // Prepare
    const store = await freshStore();
    await store.offerRecords([
      { record: record({ code: '000.00.12.H57-240401-0001', dueAt: '2024-04-02T17:00:00+07:00' }), raw: {} },
      { record: record({ code: '000.00.12.H57-240401-0002', dueAt: '2024-04-10T17:00:00+07:00' }), raw: {} },
      { record: record({ code: '000.00.12.H57-240401-0004', dueAt: '2024-04-02T17:00:00+07:00', status: 9 }), raw: {} },
    ]);
    const due = async (until: string) => {
      const out: string[] = [];
      for await (const d of store.listDueBy(until)) out.push(d.code);
      return out;
    };
    const key = dossierKey('000.00.12.H57-240401-0001');
    const claim = (dueAt: string, at: string, runId: string) => ({ dueAt, at, runId, claimedAt: at, pending: true });

    // Act
    const before = await due('2024-04-03T08:00:00+07:00');
    const marked = await store.markAlerted(
      key,
      record().version,
      'overdue',
      claim('2024-04-02T17:00:00+07:00', '2024-04-03T08:00:00+07:00', 'r1'),
    );
    const markedAgain = await store.markAlerted(
      key,
      record().version,
      'overdue',
      claim('2024-04-02T17:00:00+07:00', '2024-04-03T08:00:00+07:00', 'r2'),
    );
    const afterMark = await due('2024-04-03T08:00:00+07:00');
    await store.parkAlerted(key, record().version, 'overdue', 'r1');
    const afterPark = await due('2024-04-03T08:00:00+07:00');
    // An apology letter moves the due date: the dossier is indexed again, and alerted again.
    const moved = record({ code: '000.00.12.H57-240401-0001', dueAt: '2024-04-05T17:00:00+07:00', version: '20240403090000' });
    await store.offerRecords([{ record: moved, raw: {} }]);
    const afterMove = await due('2024-04-08T08:00:00+07:00');
    const remarked = await store.markAlerted(
      key,
      moved.version,
      'overdue',
      claim('2024-04-05T17:00:00+07:00', '2024-04-08T08:00:00+07:00', 'r3'),
    );

    // Assess
    expect(before).toEqual(['000.00.12.H57-240401-0001']);
    expect([marked, markedAgain]).toEqual([true, false]);
    expect(afterMark).toEqual(['000.00.12.H57-240401-0001']); // claimed, not yet parked: a later scan sees the claim
    expect(afterPark).toEqual([]);
    expect(afterMove).toEqual(['000.00.12.H57-240401-0001']);
    expect(remarked).toBe(true);
    expect((await store.getDossier(key))?.dossier.alerts.overdue).toEqual(
      claim('2024-04-05T17:00:00+07:00', '2024-04-08T08:00:00+07:00', 'r3'),
    );
  });
});

describe('store failures', () => {
  it('turns an unreachable store into StoreUnavailableError', async () => {
    // Prepare
    const dead = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const store = new DynamoDossierStore({ client: dead, tableName: 'none', dueAt: (r) => r.dueAt });

    // Act
    const attempt = store.offerRecords([{ record: record(), raw: {} }]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    dead.destroy();
  });

  it('leaves nothing of a dossier item when the condition fails', async () => {
    // Prepare
    const store = await freshStore();
    await store.offerRecords([{ record: record({ version: '20240402000000', note: 'newest' }), raw: {} }]);

    // Act
    await store.offerRecords([{ record: record({ note: 'older' }), raw: {} }]);

    // Assess
    const item = await dynamo.client.send(
      new GetItemCommand({ TableName: `store-${tableNo}`, Key: { pk: { S: `D#${dossierKey(record().code)}` }, sk: { S: 'A' } } }),
    );
    expect(decodeRecord(item.Item?.rz.B as Uint8Array).note).toBe('newest');
  });
});
