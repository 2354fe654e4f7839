/**
 * The alert ledger against dynalite, and the store's overdue index (the OVD# partitions of byDue
 * that keep alerted-overdue dossiers findable for the daily digest).
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { StoreUnavailableError, type AlertMark, type StoredDossier } from '../../functions/core/ports';
import { dossierKey } from '../../functions/core/types';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { alert, record } from '../unit/alert-fakes';

// The SDK would print its multi-line Node 20 support warning for every client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let dynamo: DynamoEmulator;
let tableNo = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
});
afterAll(async () => {
  await dynamo.stop();
});

/** A fresh table per test. */
async function freshTable(): Promise<string> {
  const tableName = `ledger-${++tableNo}`;
  await ensureTable(dynamo.client, tableName);
  return tableName;
}

const MANIFEST = {
  runId: '20240404090000-aaaaaaaa',
  clock: '2024-04-04T09:00:00+07:00',
  startedAt: '2024-04-04T09:00:05+07:00',
  counts: { overdue: 2, soon: 1 },
};

describe('DynamoAlertLedger', () => {
  it('keeps a run: manifest, alerts received once each, settled emails, open until closed', async () => {
    // Prepare
    const ledger = new DynamoAlertLedger(dynamo.client, await freshTable());
    const a1 = alert({ code: '000.00.12.H57-240401-0001' });
    const a2 = alert({ code: '000.00.12.H57-240401-0002' });
    const s1 = alert({ code: '000.00.12.H57-240401-0001', level: 'soon', workingDaysOverdue: 0 });

    // Act
    await ledger.recordAlerts([a1, a1, a2]); // a message delivered twice in one batch
    await ledger.saveManifest(MANIFEST);
    await ledger.openRun(MANIFEST.runId, MANIFEST.startedAt);
    const partial = await ledger.loadRun(MANIFEST.runId);
    await ledger.recordAlerts([s1, a2]); // and once more in a later batch
    const settled = await ledger.settleSlot(MANIFEST.runId, 'overdue#chutich@binhan.local', {
      outcome: 'sent',
      at: MANIFEST.clock,
      messageId: 'm1',
      dossiers: 2,
    });
    const settledAgain = await ledger.settleSlot(MANIFEST.runId, 'overdue#chutich@binhan.local', {
      outcome: 'sent',
      at: MANIFEST.clock,
      messageId: 'm2',
      dossiers: 2,
    });
    const openBefore = await ledger.listOpenRuns();
    await ledger.closeRun(MANIFEST.runId, '2024-04-04T09:01:00+07:00');
    const full = await ledger.loadRun(MANIFEST.runId);

    // Assess
    expect(partial.manifest).toEqual(MANIFEST);
    expect(partial.alerts).toHaveLength(2);
    expect(full.alerts.map((a) => `${a.level} ${a.code}`).sort()).toEqual([
      'overdue 000.00.12.H57-240401-0001',
      'overdue 000.00.12.H57-240401-0002',
      'soon 000.00.12.H57-240401-0001',
    ]);
    expect(full.alerts.find((a) => a.level === 'overdue' && a.code.endsWith('0001'))).toEqual(a1);
    expect([settled, settledAgain]).toEqual([true, false]);
    expect([...full.settled]).toEqual(['overdue#chutich@binhan.local']);
    expect(openBefore).toEqual([{ runId: MANIFEST.runId, startedAt: MANIFEST.startedAt }]);
    expect(full.closed).toBe(true);
    expect(await ledger.listOpenRuns()).toEqual([]);
  });

  it('leases an email slot to one owner at a time, until it expires or is released', async () => {
    // Prepare
    let now = Date.parse('2024-04-04T09:00:00+07:00');
    const ledger = new DynamoAlertLedger(dynamo.client, await freshTable(), () => now);
    const slot = 'soon#tuphap@binhan.local';

    // Act
    const a = await ledger.claimSlot('r', slot, 'A', now + 60_000);
    const b = await ledger.claimSlot('r', slot, 'B', now + 60_000);
    const aAgain = await ledger.claimSlot('r', slot, 'A', now + 60_000);
    await ledger.releaseSlot('r', slot, 'B'); // not B's: stays
    const bStill = await ledger.claimSlot('r', slot, 'B', now + 60_000);
    now += 61_000; // A's invocation ended without a word
    const bAfterExpiry = await ledger.claimSlot('r', slot, 'B', now + 60_000);
    await ledger.releaseSlot('r', slot, 'B');
    const c = await ledger.claimSlot('r', slot, 'C', now + 60_000);

    // Assess
    expect({ a, b, aAgain, bStill, bAfterExpiry, c }).toEqual({
      a: 'claimed',
      b: 'busy',
      aAgain: 'claimed',
      bStill: 'busy',
      bAfterExpiry: 'claimed',
      c: 'claimed',
    });
  });

  it('counts the tries of an email slot: a released try is not counted, two that ended without a word exhaust it', async () => {
    // Prepare
    let now = Date.parse('2024-04-04T09:00:00+07:00');
    const table = await freshTable();
    const ledger = new DynamoAlertLedger(dynamo.client, table, () => now);
    const slot = 'overdue#chutich@binhan.local';
    const tries = async () =>
      Number(
        (
          await dynamo.client.send(
            new GetItemCommand({ TableName: table, Key: { pk: { S: 'RUN#r' }, sk: { S: `L#${slot}` } }, ConsistentRead: true }),
          )
        ).Item?.tries?.N ?? 0,
      );

    // Act
    const a = await ledger.claimSlot('r', slot, 'A', now + 60_000);
    await ledger.releaseSlot('r', slot, 'A'); // SES said no: that try is given back
    const b = await ledger.claimSlot('r', slot, 'B', now + 60_000); // B dies after SES's answer
    const triesAfterB = await tries();
    const bBusy = await ledger.claimSlot('r', slot, 'C', now + 60_000);
    now += 61_000;
    const c = await ledger.claimSlot('r', slot, 'C', now + 60_000); // the one repeat; C dies too
    now += 61_000;
    const d = await ledger.claimSlot('r', slot, 'D', now + 60_000);
    const dAgain = await ledger.claimSlot('r', slot, 'E', now + 60_000);

    // Assess
    expect({ a, b, triesAfterB, bBusy, c, d, dAgain }).toEqual({
      a: 'claimed',
      b: 'claimed',
      triesAfterB: 1,
      bBusy: 'busy',
      c: 'claimed',
      d: 'exhausted',
      dAgain: 'exhausted',
    });
    expect(await tries()).toBe(2);
  });

  it('settles a slot unconfirmed once, like any outcome, and reports it settled', async () => {
    // Prepare
    const ledger = new DynamoAlertLedger(dynamo.client, await freshTable());
    const outcome = { outcome: 'unconfirmed' as const, at: MANIFEST.clock, messageId: null, dossiers: 2, reason: 'two tries' };

    // Act
    const first = await ledger.settleSlot(MANIFEST.runId, 'soon#tuphap@binhan.local', outcome);
    const second = await ledger.settleSlot(MANIFEST.runId, 'soon#tuphap@binhan.local', { ...outcome, outcome: 'sent', messageId: 'm' });

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect([...(await ledger.loadRun(MANIFEST.runId)).settled]).toEqual(['soon#tuphap@binhan.local']);
  });

  it('commits a scan run with its open-run item only: manifest alone is not committed, delivered stays committed', async () => {
    // Prepare
    const ledger = new DynamoAlertLedger(dynamo.client, await freshTable());
    const other = { ...MANIFEST, runId: '20240404091500-bbbbbbbb' };

    // Act
    const nothing = await ledger.isCommitted(MANIFEST.runId);
    await ledger.recordAlerts([alert()]);
    await ledger.saveManifest(MANIFEST);
    const manifestOnly = await ledger.isCommitted(MANIFEST.runId);
    await ledger.openRun(MANIFEST.runId, MANIFEST.startedAt);
    const opened = await ledger.isCommitted(MANIFEST.runId);
    await ledger.closeRun(MANIFEST.runId, '2024-04-04T09:01:00+07:00');
    const closed = await ledger.isCommitted(MANIFEST.runId);
    await ledger.saveManifest(other);
    await ledger.openRun(other.runId, other.startedAt);
    await ledger.abandonRun(other.runId);
    const abandoned = await ledger.isCommitted(other.runId);

    // Assess
    expect({ nothing, manifestOnly, opened, closed, abandoned }).toEqual({
      nothing: false,
      manifestOnly: false,
      opened: true,
      closed: true,
      abandoned: false,
    });
    expect(await ledger.listOpenRuns()).toEqual([]);
  });

  it('stamps every item with expiresAt for the table TTL', async () => {
    // Prepare
    const table = await freshTable();
    const ledger = new DynamoAlertLedger(dynamo.client, table, () => Date.parse('2024-04-04T09:00:00+07:00'));
    await ledger.recordAlerts([alert()]);

    // Act
    const item = await dynamo.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: `RUN#${alert().runId}` }, sk: { S: `A#overdue#${dossierKey(alert().code)}` } },
      }),
    );

    // Assess
    expect(Number(item.Item?.expiresAt.N)).toBe(Math.floor(Date.parse('2024-04-04T09:00:00+07:00') / 1000) + 90 * 24 * 3600);
  });

  it('turns an unreachable table into StoreUnavailableError', async () => {
    // Prepare
    const dead = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const ledger = new DynamoAlertLedger(dead, 'none');

    // Act
    const attempt = ledger.recordAlerts([alert()]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    dead.destroy();
  });
});

describe('DynamoDossierStore overdue index', () => {
  const DUE = '2024-04-03T17:00:00+07:00';
  const NOW = '2024-04-04T09:00:00+07:00';
  const collect = async (it: AsyncIterable<StoredDossier>) => {
    const out: string[] = [];
    for await (const d of it) out.push(d.code);
    return out.sort();
  };
  /** A scan's pending claim. */
  const claim = (runId: string, dueAt = DUE): AlertMark => ({
    dueAt,
    at: NOW,
    runId,
    claimedAt: '2024-04-04T09:00:05+07:00',
    pending: true,
  });

  async function freshStore() {
    return new DynamoDossierStore({ client: dynamo.client, tableName: await freshTable(), dueAt: (r) => r.dueAt });
  }

  it('keeps a claimed dossier where the scan read it, then parks it where the digest reads it and the scan does not', async () => {
    // Prepare
    const store = await freshStore();
    const rec = record({ dueAt: DUE });
    await store.offerRecords([{ record: rec, raw: {} }]);
    const key = dossierKey(rec.code);

    // Act
    const marked = await store.markAlerted(key, rec.version, 'overdue', claim('r1'));
    const claimed = await collect(store.listDueBy(NOW));
    await store.parkAlerted(key, rec.version, 'overdue', 'r2'); // not r2's claim: nothing moves
    const notTheirs = await collect(store.listDueBy(NOW));
    await store.parkAlerted(key, rec.version, 'overdue', 'r1');
    const due = await collect(store.listDueBy(NOW));
    const parked = await collect(store.listAlertedOverdue());

    // Assess
    expect(marked).toBe(true);
    expect(claimed).toEqual([rec.code]);
    expect(notTheirs).toEqual([rec.code]);
    expect(due).toEqual([]);
    expect(parked).toEqual([rec.code]);
    const { pending, ...settled } = claim('r1');
    expect(pending).toBe(true);
    expect((await store.getDossier(key))?.dossier.alerts.overdue).toEqual(settled);
  });

  it('parks a due-soon-alerted dossier where the scan reads it only once it is overdue; a claim given back stays where the scan reads it', async () => {
    // Prepare
    const store = await freshStore();
    const soonDue = '2024-04-05T10:00:00+07:00';
    const horizon = '2024-04-05T17:00:00+07:00';
    const a = record({ code: '000.00.12.H57-240401-0001', dueAt: soonDue });
    const b = record({ code: '000.00.12.H57-240401-0002', dueAt: soonDue });
    await store.offerRecords([
      { record: a, raw: {} },
      { record: b, raw: {} },
    ]);
    for (const r of [a, b]) await store.markAlerted(dossierKey(r.code), r.version, 'soon', claim('r1', soonDue));
    await store.parkAlerted(dossierKey(a.code), a.version, 'soon', 'r1');

    // Act
    await store.unmarkAlerted(dossierKey(b.code), 'soon', claim('r1', soonDue));
    const beforeDue = await collect(store.listDueBy(horizon, NOW));
    const afterDue = await collect(store.listDueBy('2024-04-08T17:00:00+07:00', '2024-04-05T10:15:00+07:00'));

    // Assess
    expect(beforeDue).toEqual([b.code]);
    expect(afterDue).toEqual([a.code, b.code]);
    expect((await store.getDossier(dossierKey(b.code)))?.dossier.alerts.soon).toBeNull();
    expect(await collect(store.listAlertedOverdue())).toEqual([]);
  });

  it('lets a newer record take the dossier out (closed) or back to the scan (new due date)', async () => {
    // Prepare
    const store = await freshStore();
    const a = record({ code: '000.00.12.H57-240401-0001', dueAt: DUE });
    const b = record({ code: '000.00.12.H57-240401-0002', dueAt: DUE });
    await store.offerRecords([
      { record: a, raw: {} },
      { record: b, raw: {} },
    ]);
    for (const r of [a, b]) {
      await store.markAlerted(dossierKey(r.code), r.version, 'overdue', claim('r1'));
      await store.parkAlerted(dossierKey(r.code), r.version, 'overdue', 'r1');
    }

    // Act
    await store.offerRecords([
      { record: record({ code: a.code, dueAt: DUE, status: 10, version: '20240405000000' }), raw: {} },
      { record: record({ code: b.code, dueAt: '2024-04-10T17:00:00+07:00', version: '20240405000000' }), raw: {} },
    ]);

    // Assess
    expect(await collect(store.listAlertedOverdue())).toEqual([]);
    expect(await collect(store.listDueBy('2024-04-11T00:00:00+07:00'))).toEqual([b.code]);
  });

  it.each([
    ['the same due date: it stays where the scan parks it again', DUE, 4, true],
    ['closed: it stays out of the index', DUE, 10, false],
    ['a new due date: it stays where the scan alerts it again', '2024-04-03T18:00:00+07:00', 2, true],
  ])('settles only the mark when a newer record came between the claim and the park (%s)', async (_what, dueAt, status, readByScan) => {
    // Prepare
    const store = await freshStore();
    const rec = record({ dueAt: DUE });
    const key = dossierKey(rec.code);
    await store.offerRecords([{ record: rec, raw: {} }]);
    await store.markAlerted(key, rec.version, 'overdue', claim('r1'));
    await store.offerRecords([{ record: record({ dueAt, status: status as 2, version: '20240404100000' }), raw: {} }]);

    // Act
    await store.parkAlerted(key, rec.version, 'overdue', 'r1');

    // Assess
    expect((await store.getDossier(key))?.dossier.alerts.overdue?.pending).toBeUndefined();
    expect(await collect(store.listDueBy('2024-04-04T17:00:00+07:00'))).toEqual(readByScan ? [rec.code] : []);
    expect(await collect(store.listAlertedOverdue())).toEqual([]);
  });

  it('parks again a dossier a newer record with the same due date re-indexed', async () => {
    // Prepare
    const store = await freshStore();
    const rec = record({ dueAt: DUE });
    await store.offerRecords([{ record: rec, raw: {} }]);
    await store.markAlerted(dossierKey(rec.code), rec.version, 'overdue', claim('r1'));
    await store.parkAlerted(dossierKey(rec.code), rec.version, 'overdue', 'r1');
    const newer = record({ dueAt: DUE, status: 4, version: '20240404100000' });
    await store.offerRecords([{ record: newer, raw: {} }]);
    const reindexed = await collect(store.listDueBy(NOW));

    // Act
    await store.keepAsAlerted(dossierKey(rec.code), newer.version, 'overdue');

    // Assess
    expect(reindexed).toEqual([rec.code]);
    expect(await collect(store.listDueBy(NOW))).toEqual([]);
    expect(await collect(store.listAlertedOverdue())).toEqual([rec.code]);
  });

  it("gives a claim back: mark gone, dossier still in the scan partition; another run's mark stays", async () => {
    // Prepare
    const store = await freshStore();
    const a = record({ code: '000.00.12.H57-240401-0001', dueAt: DUE });
    const s = record({ code: '000.00.12.H57-240401-0002', dueAt: '2024-04-05T10:00:00+07:00' });
    await store.offerRecords([
      { record: a, raw: {} },
      { record: s, raw: {} },
    ]);
    await store.markAlerted(dossierKey(a.code), a.version, 'overdue', claim('r1'));
    await store.markAlerted(dossierKey(s.code), s.version, 'soon', claim('r1', s.dueAt!));

    // Act
    await store.unmarkAlerted(dossierKey(a.code), 'overdue', claim('r1'));
    await store.unmarkAlerted(dossierKey(s.code), 'soon', claim('another run', s.dueAt!));

    // Assess
    const got = await store.getDossier(dossierKey(a.code));
    expect(got?.dossier.alerts.overdue).toBeNull();
    expect(await collect(store.listDueBy(NOW))).toEqual([a.code]);
    expect(await collect(store.listAlertedOverdue())).toEqual([]);
    expect((await store.getDossier(dossierKey(s.code)))?.dossier.alerts.soon).toEqual(claim('r1', s.dueAt!));
    expect(await store.markAlerted(dossierKey(a.code), a.version, 'overdue', claim('r2'))).toBe(true);
  });

  it('takes over a pending claim only from the run that holds it, at the record it was read at', async () => {
    // Prepare
    const store = await freshStore();
    const rec = record({ dueAt: DUE });
    const key = dossierKey(rec.code);
    await store.offerRecords([{ record: rec, raw: {} }]);
    await store.markAlerted(key, rec.version, 'overdue', claim('dead'));

    // Act
    const wrongRun = await store.takeOverAlerted(key, rec.version, 'overdue', 'someone', claim('r2'));
    const wrongVersion = await store.takeOverAlerted(key, '20240101000000', 'overdue', 'dead', claim('r2'));
    const taken = await store.takeOverAlerted(key, rec.version, 'overdue', 'dead', claim('r2'));
    const takenTwice = await store.takeOverAlerted(key, rec.version, 'overdue', 'dead', claim('r3'));
    await store.parkAlerted(key, rec.version, 'overdue', 'r2');
    const settledNotPending = await store.takeOverAlerted(key, rec.version, 'overdue', 'r2', claim('r4'));

    // Assess
    expect({ wrongRun, wrongVersion, taken, takenTwice, settledNotPending }).toEqual({
      wrongRun: false,
      wrongVersion: false,
      taken: true,
      takenTwice: false,
      settledNotPending: false,
    });
    expect((await store.getDossier(key))?.dossier.alerts.overdue).toMatchObject({ runId: 'r2' });
  });
});
