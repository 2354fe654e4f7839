/**
 * The feedback part of the overdue scan (CONTRACT 6, last paragraph), through the ports only. The
 * scan handler runs it after the dossier scan (`scan.ts`), as a run of its own in the same alert
 * ledger and queue, so its alerts have the same guarantees:
 *
 * 1. Read the open items whose deadline has passed from the due index (never the whole table):
 *    only those not yet alerted for their current deadline are there.
 * 2. Claim each newly overdue item with a conditional mark (deadline + version): a concurrent scan,
 *    or a repeat at the same clock, claims nothing twice; a new `HanXuLy` makes it claimable again.
 * 3. Write the run's manifest and its alerts to the ledger, then queue one message per item; when
 *    the ledger cannot take the run, give every claim back (the next scan flags them again); when
 *    the queue takes only part of it, keep the claims and report it: the ledger holds the run, and
 *    the next scan's sweep (in `runOverdueScan`) has it delivered.
 * The notifier then sends each recipient of the items' wards' `default` lists one email for the run.
 */
import { overdueWorkingDays } from './calendar';
import { isFeedbackOverdue, isOpenFeedback } from './feedback';
import type { AlertLedger, AlertMark, AlertQueue, AlertQueueMessage, FeedbackAlert, FeedbackStore, StoredFeedback } from './ports';
import { AlertQueueError } from './scan';
import { toVnIso } from './time';

/** What the feedback scan needs of the store. */
export type FeedbackScanStore = Pick<
  FeedbackStore,
  'listFeedbackDue' | 'markFeedbackAlerted' | 'unmarkFeedbackAlerted' | 'keepFeedbackAlerted' | 'dropFeedbackFromDue'
>;

/** The feedback scan's collaborators and clock. */
export interface FeedbackScanDeps {
  store: FeedbackScanStore;
  ledger: Pick<AlertLedger, 'recordAlerts' | 'saveManifest' | 'openRun' | 'abandonRun'>;
  queue: AlertQueue;
  /** The scan's clock, ISO 8601 (`+07:00`). */
  now: string;
  /** This run's id in the ledger (see `feedbackRunId`). */
  runId: string;
  /** The real time (epoch ms): stamps the run. Default `Date.now`. */
  wallClock?: () => number;
}

/** What a feedback scan did: items read from the due index, newly flagged, messages queued. */
export interface FeedbackScanResult {
  scanned: number;
  flagged: number;
  alertsQueued: number;
}

/** The ledger run of a scan's feedback alerts: the dossier run's id with `-fb` (a run of its own). */
export function feedbackRunId(scanRunId: string): string {
  return `${scanRunId}-fb`;
}

interface Claim {
  id: string;
  version: string;
  mark: AlertMark;
  alert: FeedbackAlert;
}

/** Items examined at once: their conditional writes overlap. */
const CLAIM_CONCURRENCY = 16;

/** Runs the feedback part of one scan (see the module comment). */
export async function runFeedbackScan(deps: FeedbackScanDeps): Promise<FeedbackScanResult> {
  const claims: Claim[] = [];
  let scanned = 0;
  try {
    scanned = await claimDue(deps, claims);
  } catch (err) {
    await unclaim(deps.store, claims);
    throw err;
  }
  if (claims.length > 0) await queueRun(deps, claims);
  return { scanned, flagged: claims.length, alertsQueued: claims.length };
}

/** Gives claims back (best effort: the scan fails loudly anyway). */
function unclaim(store: FeedbackScanStore, claims: Claim[]) {
  return Promise.allSettled(claims.map((c) => store.unmarkFeedbackAlerted(c.id, c.version, c.mark)));
}

/** Reads what is past its deadline and claims what is newly overdue into `claims`; returns how many it read. */
async function claimDue(deps: FeedbackScanDeps, claims: Claim[]): Promise<number> {
  let scanned = 0;
  let batch: StoredFeedback[] = [];
  const settle = async () => {
    // Every write of the batch settles first: a claim made while another failed is still given back.
    const results = await Promise.allSettled(batch.map((f) => claimOne(deps, f)));
    batch = [];
    for (const r of results) if (r.status === 'fulfilled' && r.value) claims.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  for await (const stored of deps.store.listFeedbackDue(deps.now)) {
    scanned++;
    batch.push(stored);
    if (batch.length >= CLAIM_CONCURRENCY) await settle();
  }
  await settle();
  return scanned;
}

/** Examines one item of the due index; the claim when it is newly overdue and this run got it. */
async function claimOne(deps: FeedbackScanDeps, stored: StoredFeedback): Promise<Claim | null> {
  const { store, now, runId } = deps;
  const { item, dueAt } = stored;
  if (!isOpenFeedback(item.status)) {
    await store.dropFeedbackFromDue(item.id, item.version);
    return null;
  }
  // Due exactly now is not yet past its deadline (the index bound is inclusive).
  if (!isFeedbackOverdue(item, dueAt, now)) return null;
  // Alerted for this deadline already; a newer version put it back among the pending ones.
  if (stored.alert?.dueAt === dueAt) {
    await store.keepFeedbackAlerted(item.id, item.version);
    return null;
  }
  const mark: AlertMark = { dueAt, at: now };
  if (!(await store.markFeedbackAlerted(item.id, item.version, mark))) return null; // another scan has it
  return {
    id: item.id,
    version: item.version,
    mark,
    alert: {
      runId,
      level: 'feedback',
      id: item.id,
      source: item.source,
      ward: item.ward,
      receivedAt: item.receivedAt,
      dueAt,
      workingDaysOverdue: overdueWorkingDays(dueAt, now),
      dossierCode: item.dossierCode,
    },
  };
}

/** Manifest and alerts into the ledger first, then the messages (as the dossier scan does). */
async function queueRun(deps: FeedbackScanDeps, claims: Claim[]): Promise<void> {
  const { store, ledger, queue, now, runId } = deps;
  const wallClock = deps.wallClock ?? Date.now;
  const alerts = claims.map((c) => c.alert);
  const startedAt = toVnIso(wallClock());
  try {
    // The dossier scan's commit order: alerts, manifest, then the open-run item (the commit point).
    await ledger.recordAlerts(alerts);
    await ledger.saveManifest({ runId, clock: now, startedAt, counts: { overdue: 0, soon: 0, feedback: alerts.length } });
    await ledger.openRun(runId, startedAt);
  } catch (err) {
    await unclaim(store, claims);
    await ledger.abandonRun(runId).catch(() => undefined);
    throw err;
  }
  const messages: AlertQueueMessage[] = alerts.map((alert) => ({ kind: 'feedback', alert }));
  const { unsent, error } = await queue.send(messages);
  if (unsent.length === 0) return;
  await queue.send([{ kind: 'flush', runId, force: false }]).catch(() => undefined);
  const queued = messages.length - unsent.length;
  throw new AlertQueueError(
    `queued ${queued} of ${messages.length} feedback alert messages of run ${runId}; the ledger holds them all, and the next scan's sweep delivers the run`,
    queued,
    { cause: error },
  );
}
