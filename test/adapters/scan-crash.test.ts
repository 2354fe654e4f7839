/**
 * The scan killed at every step, against dynalite (real conditional writes for the store and the
 * ledger): a crash anywhere loses no alert, and the next scan has each one delivered exactly once.
 *
 * Each case: a ward with dossiers overdue, due soon, alerted due soon and now overdue, already
 * alerted (by this release and by the previous one), and finished; a first scan that dies at step k
 * (`MortalProcess`: nothing of it runs after, its requests already sent complete); the next
 * scheduled scan, past the claim lease; then the real notifier on everything the queue holds (the
 * in-memory queue keeps messages across the crash, as SQS does). Every k, of both kinds: after each
 * checkpoint of the scan, and before each request it sends (which also stops a batch of concurrent
 * claims or parks part-way).
 */
import { type AttributeValue, BatchWriteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { logger } from '../../functions/adapters/logger';
import { encodeQueueMessage } from '../../functions/adapters/sqs-alert-queue';
import type { AlertQueueMessage } from '../../functions/core/ports';
import type { Recipients } from '../../functions/core/recipients';
import { CLAIM_LEASE_MS, newRunId, runOverdueScan, type ScanResult } from '../../functions/core/scan';
import { dossierKey } from '../../functions/core/types';
import { alertNotifier } from '../../functions/handlers/alert-notifier';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { emailLines, FakeMailer, FakeQueue, MortalProcess, record } from '../unit/alert-fakes';

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

const LEADER = 'lanhdao@binhan.local';
// Every alert to one address, at both levels: each dossier appears in exactly one of its emails.
const RECIPIENTS: Recipients = { default: [LEADER], byField: {} };
const code = (n: number) => `000.00.12.H57-240401-${String(n).padStart(4, '0')}`;

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

/** What the leader must have received from the dying scan and the next one, once each. */
const EXPECTED = [...OVERDUE.map((c) => `overdue ${c}`), `overdue ${SOON_THEN_OVERDUE}`, ...SOON.map((c) => `soon ${c}`)].sort();

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
  ledger: DynamoAlertLedger;
  queue: FakeQueue;
  mailer: FakeMailer;
  /** The ledger's wall clock (leases). */
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
    ledger: new DynamoAlertLedger(dynamo.client, tableName, () => world.now),
    queue: new FakeQueue(),
    mailer: new FakeMailer(),
    now,
  };
  return world;
}

/** Builds the ward as it stands when the scan that dies starts; returns its table's items. */
async function buildWard(): Promise<Record<string, AttributeValue>[]> {
  const tableName = await freshTable();
  const world = worldOn(tableName, wall(EARLIER));
  const offer = (c: string, dueAt: string, status = 2, version = '20240401100000') =>
    world.store.offerRecords([{ record: record({ code: c, dueAt, status: status as 2, version }), raw: {} }]);
  // The earlier scan alerts two dossiers and is delivered.
  await offer(ALREADY, '2024-04-02T17:00:00+07:00');
  await offer(SOON_THEN_OVERDUE, '2024-04-04T08:30:00+07:00');
  const earlier = await runOverdueScan({ ...world, now: EARLIER, runId: newRunId(EARLIER), wallClock: () => world.now });
  expect(earlier.flaggedByLevel).toEqual({ overdue: 1, soon: 1 });
  await deliverAll(world, world.now);
  expect(emailLines(world.mailer, LEADER)).toEqual([`overdue ${ALREADY}`, `soon ${SOON_THEN_OVERDUE}`]);
  // The previous release's mark, then a newer record with the same due date puts it back in the scan's partition.
  await offer(PREVIOUS_RELEASE, '2024-04-01T17:00:00+07:00');
  const key = dossierKey(PREVIOUS_RELEASE);
  expect(await world.store.markAlerted(key, '20240401100000', 'overdue', { dueAt: '2024-04-01T17:00:00+07:00', at: EARLIER })).toBe(true);
  await offer(PREVIOUS_RELEASE, '2024-04-01T17:00:00+07:00', 4, '20240402100000');
  // Finished after it was due: out of the due index, never alerted.
  await offer(CLOSED, '2024-04-01T17:00:00+07:00');
  await offer(CLOSED, '2024-04-01T17:00:00+07:00', 10, '20240402100000');
  await offer(OVERDUE[0], '2024-04-01T17:00:00+07:00');
  await offer(OVERDUE[1], '2024-04-02T17:00:00+07:00');
  await offer(OVERDUE[2], '2024-04-03T17:00:00+07:00');
  await offer(SOON[0], '2024-04-04T16:00:00+07:00');
  await offer(SOON[1], '2024-04-05T10:00:00+07:00');
  await offer(SOON[2], '2024-04-05T17:00:00+07:00');
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

/** The scan that dies at `dieAt` (never, by default), in `mode`; resolves when it is gone or done. */
async function dyingScan(world: World, process: MortalProcess): Promise<{ result: ScanResult | null; runId: string }> {
  const runId = newRunId(CLOCK);
  const scan = runOverdueScan({
    store: process.wrap(world.store),
    ledger: process.wrap(world.ledger),
    queue: process.wrap(world.queue),
    now: CLOCK,
    runId,
    wallClock: () => world.now,
    checkpoint: process.checkpoint,
  });
  const result = await Promise.race([scan, process.gone().then(() => null)]);
  return { result, runId };
}

/** The next tick (past the lease), the notifier, and a third tick that must find nothing. */
async function recover(world: World): Promise<{ next: ScanResult; third: ScanResult }> {
  world.now = wall(NEXT, CLAIM_LEASE_MS);
  const next = await runOverdueScan({ ...world, now: NEXT, runId: newRunId(NEXT), wallClock: () => world.now });
  await deliverAll(world, world.now);
  world.now += 15 * 60_000;
  const third = await runOverdueScan({ ...world, now: '2024-04-04T09:30:00+07:00', runId: newRunId(NEXT), wallClock: () => world.now });
  return { next, third };
}

/** Nothing lost, nothing twice, nothing left pending or open. */
async function expectDeliveredOnce(world: World, third: ScanResult): Promise<void> {
  expect(emailLines(world.mailer, LEADER)).toEqual(EXPECTED);
  expect(third).toMatchObject({ scanned: 0, flagged: 0, runsNudged: 0 });
  expect(await world.ledger.listOpenRuns()).toEqual([]);
  for (const c of [...OVERDUE, ...SOON, SOON_THEN_OVERDUE]) {
    const alerts = (await world.store.getDossier(dossierKey(c)))!.dossier.alerts;
    expect([alerts.overdue?.pending, alerts.soon?.pending]).toEqual([undefined, undefined]);
  }
}

/** How many checkpoints and requests a whole scan of the ward passes. */
let counted: { steps: string[]; requests: string[] };

describe('a scan killed at any step', () => {
  beforeAll(async () => {
    wardItems = await buildWard();
    const world = await ward();
    const process = new MortalProcess();
    const { result } = await dyingScan(world, process);
    counted = { steps: [...process.steps], requests: [...process.requests] };
    expect(result).toMatchObject({ scanned: 8, flagged: 7, alertsQueued: 7, takenOver: 0 });
  });

  it('passes each step of a scan: claims (and a re-park), alerts, manifest, the open-run item, the queue, the parks, the sweep', () => {
    // Assess: the requests, in the order sent (a batch of concurrent claims first)
    expect(counted.requests).toEqual([
      ...counted.requests.slice(0, 8),
      'recordAlerts',
      'saveManifest',
      'openRun',
      'send',
      ...Array(7).fill('parkAlerted'),
      'listOpenRuns', // the earlier scan's run is delivered: nothing to nudge
    ]);
    expect([...counted.requests.slice(0, 8)].sort()).toEqual(['keepAsAlerted', ...Array(7).fill('markAlerted')]);
    // and the checkpoints, the claim batch's in any order
    const claimSteps = counted.steps.slice(0, 8).sort();
    expect(claimSteps).toEqual([...Array(7).fill('claim'), 'keep']);
    expect(counted.steps.slice(8)).toEqual(['ledger:alerts', 'ledger:manifest', 'ledger:open', 'queue', ...Array(7).fill('park'), 'sweep']);
  });

  it('delivers every alert once when nothing kills it', async () => {
    // Prepare
    const world = await ward();

    // Act
    await dyingScan(world, new MortalProcess());
    const { next, third } = await recover(world);

    // Assess
    expect(next).toMatchObject({ flagged: 0, takenOver: 0 });
    await expectDeliveredOnce(world, third);
  });

  it('loses no alert and sends none twice, wherever it dies: after each step, or before each request', async () => {
    // Before a request that follows the previous one's checkpoint is the same point as that
    // checkpoint; before each write of a concurrent batch (the claims, the parks) is not.
    const batched = new Set(['markAlerted', 'keepAsAlerted', 'parkAlerted']);
    const cases = [
      ...counted.steps.map((_, i) => ({ mode: 'checkpoint' as const, at: i + 1 })),
      ...counted.requests.flatMap((name, i) => (batched.has(name) ? [{ mode: 'request' as const, at: i + 1 }] : [])),
    ];
    const recoveries: string[] = [];
    /** One case: its own table, ledger, queue and mailer. */
    const run = async ({ mode, at }: (typeof cases)[number]) => {
      // Prepare
      const world = await ward();
      const process = new MortalProcess(at, mode);

      // Act
      const { result } = await dyingScan(world, process);
      const { next, third } = await recover(world);

      // Assess
      const where = `killed ${mode === 'checkpoint' ? 'at checkpoint' : 'before request'} ${at} (after ${process.steps.join(', ') || 'no step'})`;
      expect({ where, died: result === null }).toEqual({ where, died: true });
      try {
        await expectDeliveredOnce(world, third);
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      recoveries.push(next.takenOver > 0 ? 'taken over' : next.flagged > 0 ? 'flagged anew' : 'settled');
    };
    for (const c of cases) await run(c);

    // Assess: both ways of recovering were exercised: claims taken over (died before the commit
    // point), and claims only settled (died after it)
    expect(recoveries).toHaveLength(cases.length);
    expect(recoveries).toContain('taken over');
    expect(recoveries).toContain('settled');
  });
});
