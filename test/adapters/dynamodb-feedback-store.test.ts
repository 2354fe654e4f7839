/**
 * The DynamoDB feedback store against dynalite over the network: conditional writes decide
 * applied / duplicate / stale with no read on the common path, the wards are registered and kept
 * apart, the indexes serve the report (Vietnam months) and the scan (only what is due), the alert
 * marks move the item between the due partitions, and the dossier links follow the newest version.
 */
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import type { FeedbackItem } from '../../functions/core/feedback';
import { StoreUnavailableError, type AlertMark, type StoredFeedback } from '../../functions/core/ports';
import { dossierKey } from '../../functions/core/types';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { record } from '../fixtures/records';
import { feedbackItem } from '../unit/feedback-fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let dynamo: DynamoEmulator;
let tableNo = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
});
afterAll(async () => {
  await dynamo.stop();
});

/** A fresh table per test: the feedback store and the dossier store over it. */
async function fresh(): Promise<{ feedback: DynamoFeedbackStore; dossiers: DynamoDossierStore; tableName: string }> {
  const tableName = `feedback-${++tableNo}`;
  await ensureTable(dynamo.client, tableName);
  return {
    feedback: new DynamoFeedbackStore({ client: dynamo.client, tableName }),
    dossiers: new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt }),
    tableName,
  };
}

const offer = (store: DynamoFeedbackStore, ...items: FeedbackItem[]) => store.offerFeedback(items.map((item) => ({ item, raw: {} })));

async function all<T>(list: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of list) out.push(x);
  return out;
}
const ids = (list: StoredFeedback[]) => list.map((f) => f.id).sort();

const D3 = '000.00.12.H57-240401-0003';
/** The id of `feedbackItem()`. */
const ITEM = '1022.20240312.0042';
/** A scan's pending claim of run `runId` (the deadline of `feedbackItem()` by default). */
const claim = (runId: string, dueAt = '2024-04-02T17:00:00+07:00'): AlertMark => ({
  dueAt,
  at: '2024-04-04T09:00:00+07:00',
  runId,
  claimedAt: '2024-04-04T09:00:05+07:00',
  pending: true,
});
const D4 = '000.00.12.H57-240401-0004';
const linksOf = async (dossiers: DynamoDossierStore, code: string) => (await dossiers.getDossier(dossierKey(code)))?.dossier.feedback ?? [];

describe('offerFeedback', () => {
  it('decides applied, duplicate and stale by NgayCapNhat and content, one conditional write on the common path', async () => {
    // Prepare
    const { feedback } = await fresh();
    const v1 = feedbackItem();
    const v2 = feedbackItem({ status: 3, version: '20240313080000', updatedAt: '2024-03-13T08:00:00+07:00' });
    const sameTimeOther = feedbackItem({ status: 2, version: '20240313080000', updatedAt: '2024-03-13T08:00:00+07:00' });
    const olderUnseen = feedbackItem({ status: 1, version: '20240312080000' });

    // Act
    const first = await offer(feedback, v1);
    const writesForFirst = feedback.writeRequests;
    const again = await offer(feedback, v1);
    const rest = await offer(feedback, v2, v1, sameTimeOther, olderUnseen, olderUnseen);

    // Assess
    expect(first).toEqual(['applied']);
    expect(writesForFirst).toBe(2); // the ward registry, then the item (it names no dossier)
    expect(again).toEqual(['duplicate']);
    expect(rest).toEqual(['applied', 'duplicate', 'stale', 'stale', 'duplicate']);
    expect((await feedback.getFeedback(v1.id))?.item).toEqual(v2);
  });

  it('gives the same stored item and dossier links for any order and repetition of the versions', async () => {
    // Prepare
    const versions = [
      feedbackItem({ status: 1, version: '20240312091500', dossierCode: D3 }),
      feedbackItem({ status: 2, version: '20240312150000', dossierCode: null }),
      feedbackItem({ status: 3, version: '20240313080000', dossierCode: D4 }),
      feedbackItem({ status: 5, version: '20240320160000', answeredAt: '2024-03-20T16:00:00+07:00', dossierCode: D3 }),
    ];
    const plan = fc
      .array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 })
      .chain((repeats) => fc.shuffledSubarray([0, 1, 2, 3, ...repeats], { minLength: 4 + repeats.length }));

    // Act, Assess
    await fc.assert(
      fc.asyncProperty(plan, async (order) => {
        const { feedback, dossiers } = await fresh();
        for (const i of order) await offer(feedback, versions[i]);
        expect((await feedback.getFeedback(versions[0].id))?.item).toEqual(versions[3]);
        expect(await linksOf(dossiers, D3)).toEqual([{ id: versions[0].id, ward: '000.00.12.H57', version: '20240320160000' }]);
        expect(await linksOf(dossiers, D4)).toEqual([]);
        expect(await all(feedback.listFeedbackDue('2030-01-01T00:00:00+07:00'))).toEqual([]); // answered: out of the due index
      }),
      { numRuns: 12 },
    );
  });

  it('registers the ward of an item not seen before, for the province and per-ward reports', async () => {
    // Prepare
    const { feedback, dossiers } = await fresh();
    await dossiers.offerRecords([{ record: record(), raw: {} }]);

    // Act
    await offer(feedback, feedbackItem({ ward: '000.00.12.H58' }));

    // Assess
    expect(await dossiers.listWards()).toEqual(['000.00.12.H57', '000.00.12.H58']);
    expect(await feedback.listWards()).toEqual(['000.00.12.H57', '000.00.12.H58']);
  });
});

describe('the dossier links', () => {
  it('links the dossier named by MaHoSo before it arrives, keeps the link when it does, and shows it in the dossier', async () => {
    // Prepare
    const { feedback, dossiers } = await fresh();

    // Act
    await offer(feedback, feedbackItem({ dossierCode: D3 }));
    const before = await dossiers.getDossier(dossierKey(D3));
    await dossiers.offerRecords([{ record: record({ code: D3 }), raw: {} }]);
    const after = await dossiers.getDossier(dossierKey(D3));

    // Assess
    expect(before?.dossier.record).toBeNull();
    expect(before?.dossier.code).toBe(D3);
    expect(after?.dossier.record?.code).toBe(D3);
    expect(after?.dossier.feedback).toEqual([{ id: '1022.20240312.0042', ward: '000.00.12.H57', version: '20240312091500' }]);
  });

  it('moves the link when a newer version names another dossier, drops it when none, follows a new ward', async () => {
    // Prepare
    const { feedback, dossiers } = await fresh();
    await offer(feedback, feedbackItem({ dossierCode: D3 }));

    // Act
    await offer(feedback, feedbackItem({ dossierCode: D4, version: '20240313080000' }));
    const moved = [await linksOf(dossiers, D3), await linksOf(dossiers, D4)];
    await offer(feedback, feedbackItem({ dossierCode: D4, version: '20240314080000', ward: '000.00.12.H58' }));
    const forwarded = await linksOf(dossiers, D4);
    await offer(feedback, feedbackItem({ dossierCode: null, version: '20240315080000' }));
    const dropped = [await linksOf(dossiers, D3), await linksOf(dossiers, D4)];

    // Assess
    expect(moved).toEqual([[], [{ id: '1022.20240312.0042', ward: '000.00.12.H57', version: '20240313080000' }]]);
    expect(forwarded).toEqual([{ id: '1022.20240312.0042', ward: '000.00.12.H58', version: '20240314080000' }]);
    expect(dropped).toEqual([[], []]);
  });

  it('finishes a link move cut short by a crash when the sender retries (a duplicate re-checks the link)', async () => {
    // Prepare: the item written, its link never (a crash between the two writes)
    const { feedback, dossiers, tableName } = await fresh();
    const item = feedbackItem({ dossierCode: D3 });
    await offer(feedback, item);
    await dynamo.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `D#${dossierKey(D3)}` }, sk: { S: 'A' } } }));
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: `F#${item.id}` }, sk: { S: 'A' } },
        UpdateExpression: 'REMOVE #l',
        ExpressionAttributeNames: { '#l': 'link' },
      }),
    );

    // Act
    const retried = await offer(feedback, item);

    // Assess
    expect(retried).toEqual(['duplicate']);
    expect(await linksOf(dossiers, D3)).toEqual([{ id: item.id, ward: '000.00.12.H57', version: item.version }]);
  });
});

describe('the indexes', () => {
  it('lists the items of a period by the Vietnam date of receipt, ward by ward, across months', async () => {
    // Prepare
    const { feedback } = await fresh();
    await offer(
      feedback,
      feedbackItem({ id: 'a', receivedAt: '2023-12-31T23:30:00+07:00' }), // 2023 in Vietnam
      feedbackItem({ id: 'b', receivedAt: '2024-01-01T00:30:00+07:00' }), // 31/12 in UTC, 2024 in Vietnam
      feedbackItem({ id: 'c', receivedAt: '2024-02-15T10:00:00+07:00' }),
      feedbackItem({ id: 'd', receivedAt: '2024-03-31T23:59:00+07:00' }),
      feedbackItem({ id: 'e', receivedAt: '2024-04-01T00:00:00+07:00' }),
      feedbackItem({ id: 'f', receivedAt: '2024-02-15T10:00:00+07:00', ward: '000.00.12.H58' }),
    );

    // Act
    const q1 = await all(feedback.listFeedbackReceived('2024-01-01', '2024-03-31', '000.00.12.H57'));
    const other = await all(feedback.listFeedbackReceived('2024-01-01', '2024-03-31', '000.00.12.H58'));
    const every = await all(feedback.listFeedbackReceived('2024-01-01', '2024-03-31'));
    const before = feedback.itemsRead;
    const february = await all(feedback.listFeedbackReceived('2024-02-01', '2024-02-29', '000.00.12.H57'));

    // Assess
    expect(ids(q1)).toEqual(['b', 'c', 'd']);
    expect(ids(other)).toEqual(['f']);
    expect(ids(every)).toEqual(['b', 'c', 'd', 'f']);
    expect(ids(february)).toEqual(['c']);
    // One month's partition of one ward: its key in the receipt index (keys only), then the item.
    expect(feedback.itemsRead - before).toBe(2);
  });

  it('gives the scan only the open items due by its clock, each once per deadline', async () => {
    // Prepare
    const { feedback } = await fresh();
    await offer(
      feedback,
      feedbackItem({ id: 'open-due' }), // due 2024-04-02 17:00
      feedbackItem({ id: 'open-later', receivedAt: '2024-03-28T09:00:00+07:00', version: '20240328090000' }),
      feedbackItem({ id: 'answered', status: 4, answeredAt: '2024-03-20T10:00:00+07:00' }),
      feedbackItem({ id: 'refused', status: 6 }),
    );
    const now = '2024-04-04T09:00:00+07:00';

    // Act
    const due = await all(feedback.listFeedbackDue(now));
    const mark = claim('r1');
    const claimed = await feedback.markFeedbackAlerted('open-due', '20240312091500', mark);
    const twice = await feedback.markFeedbackAlerted('open-due', '20240312091500', claim('r2'));
    await feedback.parkFeedbackAlerted('open-due', '20240312091500', 'r1');
    const afterPark = await all(feedback.listFeedbackDue(now));
    const alerted = await all(feedback.listFeedbackAlerted());

    // Assess
    expect(ids(due)).toEqual(['open-due']);
    expect(due[0]).toMatchObject({ dueAt: '2024-04-02T17:00:00+07:00', alert: null });
    expect([claimed, twice]).toEqual([true, false]);
    expect(afterPark).toEqual([]);
    const { pending, ...settled } = mark;
    expect(pending).toBe(true);
    expect(alerted.map((f) => [f.id, f.alert])).toEqual([['open-due', settled]]);
  });

  it('puts an alerted item back among the pending ones on a newer version; a new HanXuLy makes it claimable again', async () => {
    // Prepare
    const { feedback } = await fresh();
    await offer(feedback, feedbackItem());
    const mark = claim('r1');
    await feedback.markFeedbackAlerted(ITEM, '20240312091500', mark);
    await feedback.parkFeedbackAlerted(ITEM, '20240312091500', 'r1');
    const { pending: _, ...settled } = mark;

    // Act
    await offer(feedback, feedbackItem({ status: 3, version: '20240403100000' }));
    const sameDeadline = await all(feedback.listFeedbackDue('2024-04-04T09:00:00+07:00'));
    const staleClaim = await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('r2', '2024-04-03T17:00:00+07:00'));
    await feedback.keepFeedbackAlerted(ITEM, '20240403100000');
    const parked = await all(feedback.listFeedbackDue('2024-04-04T09:00:00+07:00'));
    await offer(feedback, feedbackItem({ status: 3, version: '20240404100000', deadline: '2024-04-08T17:00:00+07:00' }));
    const moved = await all(feedback.listFeedbackDue('2024-04-09T08:00:00+07:00'));
    const reclaimed = await feedback.markFeedbackAlerted(ITEM, '20240404100000', claim('r3', '2024-04-08T17:00:00+07:00'));

    // Assess
    expect(sameDeadline.map((f) => [f.id, f.alert])).toEqual([[ITEM, settled]]);
    expect(staleClaim).toBe(false); // the version changed since it was read
    expect(parked).toEqual([]);
    expect(moved.map((f) => f.dueAt)).toEqual(['2024-04-08T17:00:00+07:00']);
    expect(reclaimed).toBe(true);
  });

  it("gives a claim back (unmark): mark gone, item still where the scan reads it; another run's mark stays; drops a closed item", async () => {
    // Prepare
    const { feedback } = await fresh();
    await offer(feedback, feedbackItem(), feedbackItem({ id: 'theirs' }), feedbackItem({ id: 'other' }));
    await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('r1'));
    await feedback.markFeedbackAlerted('theirs', '20240312091500', claim('r1'));

    // Act
    await feedback.unmarkFeedbackAlerted(ITEM, claim('r1'));
    await feedback.unmarkFeedbackAlerted('theirs', claim('another run'));
    await feedback.dropFeedbackFromDue('other', '20240312091500');
    const due = await all(feedback.listFeedbackDue('2024-04-04T09:00:00+07:00'));

    // Assess
    expect(due.map((f) => [f.id, f.alert]).sort()).toEqual([
      [ITEM, null],
      ['theirs', claim('r1')],
    ]);
    expect(await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('r2'))).toBe(true);
  });
});

describe("the claims of the scan (the dossier store's protocol)", () => {
  it('keeps a claimed item where the scan read it, then parks it only for the run that holds the claim', async () => {
    // Prepare
    const { feedback } = await fresh();
    await offer(feedback, feedbackItem());
    const now = '2024-04-04T09:00:00+07:00';

    // Act
    await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('r1'));
    const claimed = await all(feedback.listFeedbackDue(now));
    await feedback.parkFeedbackAlerted(ITEM, '20240312091500', 'r2'); // not r2's claim: nothing moves
    const notTheirs = await all(feedback.listFeedbackDue(now));
    await feedback.parkFeedbackAlerted(ITEM, '20240312091500', 'r1');

    // Assess
    expect(claimed.map((f) => [f.id, f.alert])).toEqual([[ITEM, claim('r1')]]);
    expect(notTheirs.map((f) => [f.id, f.alert])).toEqual([[ITEM, claim('r1')]]);
    expect(await all(feedback.listFeedbackDue(now))).toEqual([]);
    expect((await all(feedback.listFeedbackAlerted())).map((f) => f.alert?.pending)).toEqual([undefined]);
  });

  it('takes over a pending claim only from the run that holds it, at the version it was read at', async () => {
    // Prepare
    const { feedback } = await fresh();
    await offer(feedback, feedbackItem());
    await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('dead'));

    // Act
    const wrongRun = await feedback.takeOverFeedbackAlerted(ITEM, '20240312091500', 'someone', claim('r2'));
    const wrongVersion = await feedback.takeOverFeedbackAlerted(ITEM, '20240101000000', 'dead', claim('r2'));
    const taken = await feedback.takeOverFeedbackAlerted(ITEM, '20240312091500', 'dead', claim('r2'));
    const takenTwice = await feedback.takeOverFeedbackAlerted(ITEM, '20240312091500', 'dead', claim('r3'));
    await feedback.parkFeedbackAlerted(ITEM, '20240312091500', 'r2');
    const settledNotPending = await feedback.takeOverFeedbackAlerted(ITEM, '20240312091500', 'r2', claim('r4'));

    // Assess
    expect({ wrongRun, wrongVersion, taken, takenTwice, settledNotPending }).toEqual({
      wrongRun: false,
      wrongVersion: false,
      taken: true,
      takenTwice: false,
      settledNotPending: false,
    });
    expect((await feedback.getFeedback(ITEM))?.alert).toMatchObject({ runId: 'r2' });
  });

  it('never takes over nor parks a mark without run (written before claims could be recovered)', async () => {
    // Prepare: the old claim wrote {deadline, clock} and moved the item itself; a newer version put it back
    const { feedback, tableName } = await fresh();
    await offer(feedback, feedbackItem());
    const old = { dueAt: '2024-04-02T17:00:00+07:00', at: '2024-04-03T08:00:00+07:00' };
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: `F#${ITEM}` }, sk: { S: 'A' } },
        UpdateExpression: 'SET alFeedback = :m',
        ExpressionAttributeValues: { ':m': { M: { dueAt: { S: old.dueAt }, at: { S: old.at } } } },
      }),
    );

    // Act
    const takenOver = await feedback.takeOverFeedbackAlerted(ITEM, '20240312091500', 'r0', claim('r2'));
    await feedback.parkFeedbackAlerted(ITEM, '20240312091500', 'r0');
    const claimedAgain = await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('r2'));

    // Assess
    expect([takenOver, claimedAgain]).toEqual([false, false]);
    const due = await all(feedback.listFeedbackDue('2024-04-04T09:00:00+07:00'));
    expect(due.map((f) => [f.id, f.alert])).toEqual([[ITEM, old]]);
  });

  it.each([
    ['the same deadline: it stays where the scan parks it again', undefined, 3, true],
    ['answered: it stays out of the index', undefined, 4, false],
    ['a new deadline: it stays where the scan alerts it again', '2024-04-03T17:00:00+07:00', 3, true],
  ])('settles only the mark when a newer version came between the claim and the park (%s)', async (_what, deadline, status, readByScan) => {
    // Prepare
    const { feedback } = await fresh();
    await offer(feedback, feedbackItem());
    await feedback.markFeedbackAlerted(ITEM, '20240312091500', claim('r1'));
    await offer(
      feedback,
      feedbackItem({
        status: status as 3,
        version: '20240403100000',
        deadline: deadline ?? null,
        answeredAt: status === 4 ? '2024-04-03T10:00:00+07:00' : null,
      }),
    );

    // Act
    await feedback.parkFeedbackAlerted(ITEM, '20240312091500', 'r1');

    // Assess
    expect((await feedback.getFeedback(ITEM))?.alert).toMatchObject({ runId: 'r1' });
    expect((await feedback.getFeedback(ITEM))?.alert?.pending).toBeUndefined();
    expect(ids(await all(feedback.listFeedbackDue('2024-04-04T09:00:00+07:00')))).toEqual(readByScan ? [ITEM] : []);
    expect(await all(feedback.listFeedbackAlerted())).toEqual([]);
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
    const store = new DynamoFeedbackStore({ client: dead, tableName: 'none' });

    // Act
    const attempt = offer(store, feedbackItem());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    dead.destroy();
  });
});
