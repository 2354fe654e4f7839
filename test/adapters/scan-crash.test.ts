/**
 * The scan killed at every step, against dynalite (real conditional writes for both stores and the
 * ledger): a crash anywhere loses no alert, and the next scan has each one delivered exactly once,
 * the dossiers' and the feedback items' alike.
 *
 * Each case: a ward with dossiers overdue, due soon, alerted due soon and now overdue, already
 * alerted (by this release and by the previous one), and finished; feedback items overdue (one of
 * another ward, one naming a dossier), already alerted (by this release and by the previous one),
 * not yet due and answered. The scan handler's logic (the dossier scan, then the feedback scan, a
 * run of its own) dies at step k (`MortalProcess`: nothing of it runs after, its requests already
 * sent complete); then the next scheduled scan, past the claim lease; then the real notifier on
 * everything the queue holds (the in-memory queue keeps messages across the crash, as SQS does).
 * Every k, of both kinds: after each checkpoint of either part, and before each request it sends
 * (which also stops a batch of concurrent claims or parks part-way).
 */
import { type AttributeValue, BatchWriteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { logger } from '../../functions/adapters/logger';
import { encodeQueueMessage } from '../../functions/adapters/sqs-alert-queue';
import type { FeedbackItem } from '../../functions/core/feedback';
import type { AlertQueueMessage } from '../../functions/core/ports';
import type { Recipients } from '../../functions/core/recipients';
import { CLAIM_LEASE_MS } from '../../functions/core/scan';
import { dossierKey } from '../../functions/core/types';
import { alertNotifier } from '../../functions/handlers/alert-notifier';
import { overdueScan, type ScanOutcome } from '../../functions/handlers/overdue-scan';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { emailLines, FakeMailer, FakeQueue, MortalProcess, record } from '../unit/alert-fakes';
import { feedbackItem } from '../unit/feedback-fakes';

// The SDK would print its multi-line Node 20 support warning for every client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let dynamo: DynamoEmulator;
let tableNo = 0;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  dynamo = await startDynamo({ createTable: false });
});
afterAll(async () => {
  await dynamo.stop();
});

const H57 = '000.00.12.H57';
const H58 = '000.00.12.H58';
const LEADER = 'lanhdao@binhan.local';
const PROVINCE = 'vanphong@tinh.local';
// Every alert of the ward to one address, at both levels and for feedback: each dossier and item
// appears in exactly one of its emails. Feedback of a ward without an entry: the top-level list.
const RECIPIENTS: Recipients = {
  default: [PROVINCE],
  byField: {},
  wards: { [H57]: { name: 'Phường Bình An', default: [LEADER], byField: {} } },
};
const code = (n: number) => `${H57}-240401-${String(n).padStart(4, '0')}`;
const fb = (n: number) => `1022.20240312.${String(n).padStart(4, '0')}`;

// Wednesday 3 April, 09:00: an earlier scan, delivered. Thursday 4 April, 09:00: the scan that dies.
const EARLIER = '2024-04-03T09:00:00+07:00';
const CLOCK = '2024-04-04T09:00:00+07:00';
/** The next scheduled tick. */
const NEXT = '2024-04-04T09:15:00+07:00';
const wall = (iso: string, plusMs = 0) => Date.parse(iso) + 5_000 + plusMs;

const ALREADY = code(1); // alerted overdue by the earlier scan: never again
const SOON_THEN_OVERDUE = code(2); // alerted due soon by the earlier scan, overdue now
const PREVIOUS_RELEASE = code(3); // alerted overdue by the previous release (a mark without run), re-indexed by a newer record
const CLOSED = code(4); // finished
const OVERDUE = [code(11), code(12), code(13)];
const SOON = [code(21), code(22), code(23)];

const FB_ALREADY = fb(1); // alerted by the earlier scan: never again
const FB_PREVIOUS_RELEASE = fb(2); // alerted by the previous release (a mark without run), re-indexed by a newer version
const FB_NOT_YET = fb(3); // open, due next week
const FB_ANSWERED = fb(4); // answered late: in no due partition
const FB_OVERDUE = [fb(11), fb(12)]; // of H57, one naming a dossier
const FB_OTHER_WARD = fb(13); // of H58

/** What each address must have received from the dying scan and the next one, once each. */
const EXPECTED = {
  [LEADER]: [
    ...OVERDUE.map((c) => `overdue ${c}`),
    `overdue ${SOON_THEN_OVERDUE}`,
    ...SOON.map((c) => `soon ${c}`),
    ...FB_OVERDUE.map((id) => `feedback ${id}`),
  ].sort(),
  [PROVINCE]: [`feedback ${FB_OTHER_WARD}`],
};

let nextId = 0;
function sqsRecord(message: AlertQueueMessage): SQSRecord {
  const id = `msg-${++nextId}`;
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: encodeQueueMessage(message),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:motcua-alerts',
    awsRegion: 'ap-southeast-1',
  };
}

/** The notifier consumes everything queued, in batches of 10 as the event source mapping would. */
async function deliverAll(world: World, at: number): Promise<void> {
  const notify = alertNotifier(
    () => ({ ledger: world.ledger, mailer: world.mailer, recipients: RECIPIENTS }),
    () => at,
  );
  const context = { awsRequestId: `n${at}`, getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
  for (let messages = world.queue.drain(); messages.length > 0; messages = world.queue.drain()) {
    for (let i = 0; i < messages.length; i += 10) {
      const out = await notify({ Records: messages.slice(i, i + 10).map(sqsRecord) }, context);
      expect(out.batchItemFailures).toEqual([]);
    }
  }
}

interface World {
  store: DynamoDossierStore;
  feedback: DynamoFeedbackStore;
  ledger: DynamoAlertLedger;
  queue: FakeQueue;
  mailer: FakeMailer;
  /** The wall clock of the scans and the ledger (leases). */
  now: number;
}

/** A fresh, empty table. */
async function freshTable(): Promise<string> {
  const tableName = `crash-${++tableNo}`;
  await ensureTable(dynamo.client, tableName);
  return tableName;
}

function worldOn(tableName: string, now: number): World {
  const world: World = {
    store: new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt }),
    feedback: new DynamoFeedbackStore({ client: dynamo.client, tableName }),
    ledger: new DynamoAlertLedger(dynamo.client, tableName, () => world.now),
    queue: new FakeQueue(),
    mailer: new FakeMailer(),
    now,
  };
  return world;
}

/**
 * One scheduled scan at `clock` through the handler's logic (dossiers, then feedback), its ports
 * seen through `process` (which may kill it); resolves with its outcome, or null once it is gone.
 */
async function scan(world: World, clock: string, process = new MortalProcess()): Promise<ScanOutcome | null> {
  const handler = overdueScan(
    () => ({
      store: process.wrap(world.store),
      feedback: process.wrap(world.feedback),
      ledger: process.wrap(world.ledger),
      queue: process.wrap(world.queue),
      checkpoint: process.checkpoint,
    }),
    () => world.now,
  );
  const run = handler({ 'detail-type': 'Scheduled Event', time: clock }) as Promise<ScanOutcome>;
  return Promise.race([run, process.gone().then(() => null)]);
}

/** Builds the ward as it stands when the scan that dies starts; returns its table's items. */
async function buildWard(): Promise<Record<string, AttributeValue>[]> {
  const tableName = await freshTable();
  const world = worldOn(tableName, wall(EARLIER));
  const offer = (c: string, dueAt: string, status = 2, version = '20240401100000') =>
    world.store.offerRecords([{ record: record({ code: c, dueAt, status: status as 2, version }), raw: {} }]);
  const say = (id: string, over: Partial<FeedbackItem> = {}) =>
    world.feedback.offerFeedback([{ item: feedbackItem({ id, status: 3, ...over }), raw: {} }]);
  // The earlier scan alerts two dossiers and a feedback item (due 2 April 17:00), and is delivered.
  await offer(ALREADY, '2024-04-02T17:00:00+07:00');
  await offer(SOON_THEN_OVERDUE, '2024-04-04T08:30:00+07:00');
  await say(FB_ALREADY);
  const earlier = await scan(world, EARLIER);
  expect(earlier).toEqual({
    scanned: 2,
    flagged: 2,
    alertsQueued: 2,
    feedback: { scanned: 1, flagged: 1, alertsQueued: 1 },
  });
  await deliverAll(world, world.now);
  expect(emailLines(world.mailer, LEADER)).toEqual([`feedback ${FB_ALREADY}`, `overdue ${ALREADY}`, `soon ${SOON_THEN_OVERDUE}`]);
  // The previous release's mark, then a newer record with the same due date puts it back in the scan's partition.
  await offer(PREVIOUS_RELEASE, '2024-04-01T17:00:00+07:00');
  const key = dossierKey(PREVIOUS_RELEASE);
  expect(await world.store.markAlerted(key, '20240401100000', 'overdue', { dueAt: '2024-04-01T17:00:00+07:00', at: EARLIER })).toBe(true);
  await offer(PREVIOUS_RELEASE, '2024-04-01T17:00:00+07:00', 4, '20240402100000');
  // The same for a feedback item (the previous release's claim wrote {deadline, clock} only).
  await say(FB_PREVIOUS_RELEASE);
  const old = { dueAt: '2024-04-02T17:00:00+07:00', at: EARLIER };
  expect(await world.feedback.markFeedbackAlerted(FB_PREVIOUS_RELEASE, feedbackItem().version, old)).toBe(true);
  await say(FB_PREVIOUS_RELEASE, { version: '20240403100000' });
  // Finished after it was due: out of the due index, never alerted.
  await offer(CLOSED, '2024-04-01T17:00:00+07:00');
  await offer(CLOSED, '2024-04-01T17:00:00+07:00', 10, '20240402100000');
  await offer(OVERDUE[0], '2024-04-01T17:00:00+07:00');
  await offer(OVERDUE[1], '2024-04-02T17:00:00+07:00');
  await offer(OVERDUE[2], '2024-04-03T17:00:00+07:00');
  await offer(SOON[0], '2024-04-04T16:00:00+07:00');
  await offer(SOON[1], '2024-04-05T10:00:00+07:00');
  await offer(SOON[2], '2024-04-05T17:00:00+07:00');
  await say(FB_NOT_YET, { receivedAt: '2024-03-28T09:00:00+07:00', version: '20240328090000' });
  await say(FB_ANSWERED, { status: 4, answeredAt: '2024-04-03T10:00:00+07:00' });
  await say(FB_OVERDUE[0], { receivedAt: '2024-03-11T14:00:00+07:00', version: '20240311140000' }); // due 1 April 17:00
  await say(FB_OVERDUE[1], { dossierCode: OVERDUE[0] }); // due 2 April 17:00
  await say(FB_OTHER_WARD, { ward: H58, source: 'DVCQG', deadline: '2024-04-03T17:00:00+07:00' });
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The ward's items, built once. */
let wardItems: Record<string, AttributeValue>[];

/** A fresh table holding the ward, at the clock of the scan that dies. */
async function ward(): Promise<World> {
  const tableName = await freshTable();
  for (let i = 0; i < wardItems.length; i += 25) {
    let requests = wardItems.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await dynamo.client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
  return worldOn(tableName, wall(CLOCK));
}

/** How the next scan dealt with one kind's claims left by the scan that died. */
type Recovery = 'taken over' | 'flagged anew' | 'settled' | 'nothing left';

/** The next tick (past the lease), the notifier, and a third tick that must find nothing. */
async function recover(world: World): Promise<{ dossiers: Recovery; feedback: Recovery; third: ScanOutcome | null }> {
  world.now = wall(NEXT, CLAIM_LEASE_MS);
  const watched = new MortalProcess();
  const next = (await scan(world, NEXT, watched))!;
  const did = (request: string) => watched.requests.includes(request);
  const recovery = (takeOver: string, park: string, flagged: number): Recovery =>
    did(takeOver) ? 'taken over' : flagged > 0 ? 'flagged anew' : did(park) ? 'settled' : 'nothing left';
  await deliverAll(world, world.now);
  world.now += 15 * 60_000;
  const third = await scan(world, '2024-04-04T09:30:00+07:00');
  return {
    dossiers: recovery('takeOverAlerted', 'parkAlerted', next.flagged),
    feedback: recovery('takeOverFeedbackAlerted', 'parkFeedbackAlerted', next.feedback!.flagged),
    third,
  };
}

/** Nothing lost, nothing twice, nothing left pending or open. */
async function expectDeliveredOnce(world: World, third: ScanOutcome | null): Promise<void> {
  expect({ [LEADER]: emailLines(world.mailer, LEADER), [PROVINCE]: emailLines(world.mailer, PROVINCE) }).toEqual(EXPECTED);
  expect(third).toEqual({ scanned: 0, flagged: 0, alertsQueued: 0, feedback: { scanned: 0, flagged: 0, alertsQueued: 0 } });
  expect(await world.ledger.listOpenRuns()).toEqual([]);
  for (const c of [...OVERDUE, ...SOON, SOON_THEN_OVERDUE]) {
    const alerts = (await world.store.getDossier(dossierKey(c)))!.dossier.alerts;
    expect([c, alerts.overdue?.pending, alerts.soon?.pending]).toEqual([c, undefined, undefined]);
  }
  for (const id of [...FB_OVERDUE, FB_OTHER_WARD]) {
    const { alert } = (await world.feedback.getFeedback(id))!;
    expect([id, alert?.dueAt !== undefined, alert?.pending]).toEqual([id, true, undefined]);
  }
}

/** How many checkpoints and requests a whole scan of the ward passes. */
let counted: { steps: string[]; requests: string[] };

describe('a scan of dossiers and feedback killed at any step', () => {
  beforeAll(async () => {
    wardItems = await buildWard();
    const world = await ward();
    const process = new MortalProcess();
    const result = await scan(world, CLOCK, process);
    counted = { steps: [...process.steps], requests: [...process.requests] };
    expect(result).toEqual({ scanned: 8, flagged: 7, alertsQueued: 7, feedback: { scanned: 4, flagged: 3, alertsQueued: 3 } });
  });

  it('passes each step of both parts: claims (and a re-park), alerts, manifest, the open-run item, the queue, the parks; the sweep between', () => {
    // Assess: the requests, in the order sent (a batch of concurrent claims first, in each part),
    // after each part's claims: its commit (alerts, manifest, open-run item), its queue, its parks
    const committed = (park: string, parks: number) => ['recordAlerts', 'saveManifest', 'openRun', 'send', ...Array(parks).fill(park)];
    const [dossiers, feedback] = [counted.requests.slice(0, 20), counted.requests.slice(20)];
    expect([...dossiers.slice(0, 8)].sort()).toEqual(['keepAsAlerted', ...Array(7).fill('markAlerted')]);
    // the earlier scan's runs are delivered: the sweep has nothing to nudge
    expect(dossiers.slice(8)).toEqual([...committed('parkAlerted', 7), 'listOpenRuns']);
    expect([...feedback.slice(0, 4)].sort()).toEqual(['keepFeedbackAlerted', ...Array(3).fill('markFeedbackAlerted')]);
    expect(feedback.slice(4)).toEqual(committed('parkFeedbackAlerted', 3));
    // and the checkpoints, each claim batch's in any order
    const [dossierSteps, feedbackSteps] = [counted.steps.slice(0, 20), counted.steps.slice(20)];
    expect(dossierSteps.slice(0, 8).sort()).toEqual([...Array(7).fill('claim'), 'keep']);
    expect(dossierSteps.slice(8)).toEqual(['ledger:alerts', 'ledger:manifest', 'ledger:open', 'queue', ...Array(7).fill('park'), 'sweep']);
    expect(feedbackSteps.slice(0, 4).sort()).toEqual([...Array(3).fill('claim'), 'keep']);
    expect(feedbackSteps.slice(4)).toEqual(['ledger:alerts', 'ledger:manifest', 'ledger:open', 'queue', ...Array(3).fill('park')]);
  });

  it('delivers every alert once when nothing kills it', async () => {
    // Prepare
    const world = await ward();

    // Act
    await scan(world, CLOCK);
    const { dossiers, feedback, third } = await recover(world);

    // Assess
    expect({ dossiers, feedback }).toEqual({ dossiers: 'nothing left', feedback: 'nothing left' });
    await expectDeliveredOnce(world, third);
  });

  it('loses no alert and sends none twice, wherever it dies: after each step, or before each request', async () => {
    // Before a request that follows the previous one's checkpoint is the same point as that
    // checkpoint; before each write of a concurrent batch (the claims, the parks) is not.
    const batched = new Set([
      'markAlerted',
      'keepAsAlerted',
      'parkAlerted',
      'markFeedbackAlerted',
      'keepFeedbackAlerted',
      'parkFeedbackAlerted',
    ]);
    const cases = [
      ...counted.steps.map((_, i) => ({ mode: 'checkpoint' as const, at: i + 1 })),
      ...counted.requests.flatMap((name, i) => (batched.has(name) ? [{ mode: 'request' as const, at: i + 1 }] : [])),
    ];
    const recoveries = { dossiers: new Set<Recovery>(), feedback: new Set<Recovery>() };
    /** One case: its own table, ledger, queue and mailer. */
    const run = async ({ mode, at }: (typeof cases)[number]) => {
      // Prepare
      const world = await ward();
      const process = new MortalProcess(at, mode);

      // Act
      const result = await scan(world, CLOCK, process);
      const { dossiers, feedback, third } = await recover(world);

      // Assess
      const where = `killed ${mode === 'checkpoint' ? 'at checkpoint' : 'before request'} ${at} (after ${process.steps.join(', ') || 'no step'})`;
      expect({ where, died: result === null }).toEqual({ where, died: true });
      try {
        await expectDeliveredOnce(world, third);
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      recoveries.dossiers.add(dossiers);
      recoveries.feedback.add(feedback);
    };
    for (const c of cases) await run(c);

    // Assess: for each kind, both ways of recovering were exercised: claims taken over (died
    // before its run's commit point), and claims only settled (died after it)
    expect(cases.length).toBeGreaterThan(counted.steps.length);
    for (const kind of [recoveries.dossiers, recoveries.feedback]) {
      expect([...kind].sort()).toEqual(expect.arrayContaining(['settled', 'taken over']));
    }
  });
});
