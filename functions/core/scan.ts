/**
 * The overdue / due-soon scan of CONTRACT 6, through the ports only.
 *
 * 1. Read what is due by the due-soon horizon from the due index (never the whole table), and
 *    of the dossiers already alerted due soon, those now overdue.
 * 2. Claim each newly flagged dossier with a conditional mark (level + due date + record version):
 *    a concurrent scan, or a repeat at the same clock, claims nothing twice.
 * 3. Write the run's manifest (how many alerts per level) and its alerts to the ledger, and only
 *    then queue one message per claimed dossier: the notifier knows a run is complete when the
 *    ledger holds them all.
 * 4. When the ledger cannot take the run, give back every claim (the next scan flags them again).
 *    When queueing fails part-way, keep the claims: the ledger has the run, and step 5 of this or
 *    the next scan has it delivered; report the failure.
 * 5. Sweep: nudge every run still open (an SES outage outlasted the queue's retries, or a nudge
 *    was lost) with a flush message, so that no alert the ledger holds is ever left unsent.
 */
import { randomUUID } from 'node:crypto';
import { dueSoonHorizon, overdueWorkingDays } from './calendar';
import { alertLevel } from './overdue';
import type {
  AlertLedger,
  AlertLevel,
  AlertMark,
  AlertQueue,
  AlertQueueMessage,
  DossierStore,
  DueAlert,
  OverdueIndex,
  StoredDossier,
} from './ports';
import { toCompact, toVnIso } from './time';

/** What the scan needs of the store. */
export type ScanStore = Pick<DossierStore, 'listDueBy' | 'markAlerted' | 'dropFromDueIndex'> &
  Pick<OverdueIndex, 'unmarkAlerted' | 'keepAsAlerted'>;

/** The scan's collaborators and clock. */
export interface ScanDeps {
  store: ScanStore;
  ledger: Pick<AlertLedger, 'openRun' | 'recordAlerts' | 'closeRun' | 'listOpenRuns'>;
  queue: AlertQueue;
  /** The scan's clock, ISO 8601 (`+07:00`): the real time, or an admin's `now`. */
  now: string;
  runId: string;
  /** The real time (epoch ms): stamps the run and ages open runs. Default `Date.now`. */
  wallClock?: () => number;
  /** An open run older than this is flushed with what the ledger holds. Default 6 hours. */
  forceAfterMs?: number;
}

/** The answer of CONTRACT 4 (`scanned`, `flagged`, `alertsQueued`) and what the sweep did. */
export interface ScanResult {
  scanned: number;
  flagged: number;
  /** `flagged` by level. */
  flaggedByLevel: Record<AlertLevel, number>;
  alertsQueued: number;
  /** Open runs of earlier scans nudged with a flush message. */
  runsNudged: number;
  /** Why the sweep failed, if it did (the scan itself succeeded). */
  sweepError: unknown;
}

/** Queueing failed: the claims not queued were given back; `queued` alerts did go out. */
export class AlertQueueError extends Error {
  constructor(
    message: string,
    readonly queued: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AlertQueueError';
  }
}

const OPEN_STATUSES = new Set([2, 4]);
const DEFAULT_FORCE_AFTER_MS = 6 * 3600 * 1000;

/** A fresh run id: the scan's clock (compact) and 8 random hex digits, e.g. `20240405093000-1a2b3c4d`. */
export function newRunId(nowIso: string, random: () => string = randomUUID): string {
  return `${toCompact(Date.parse(nowIso))}-${random().replace(/-/g, '').slice(0, 8)}`;
}

interface Claim {
  key: string;
  version: string;
  mark: AlertMark;
  alert: DueAlert;
}

/** Runs one scan (see the module comment). */
export async function runOverdueScan(deps: ScanDeps): Promise<ScanResult> {
  const { store } = deps;
  const wallClock = deps.wallClock ?? Date.now;
  const horizon = dueSoonHorizon(deps.now);

  let scanned = 0;
  const claims: Claim[] = [];
  try {
    scanned = await claimDue(deps, horizon, claims);
  } catch (err) {
    // The store failed part-way: give back what this run claimed, or those alerts would be lost.
    await unclaim(store, claims);
    throw err;
  }

  if (claims.length > 0) await queueRun(deps, claims, wallClock);
  const sweep = await sweepOpenRuns(deps, wallClock);
  const flaggedByLevel = countByLevel(claims.map((c) => c.alert));
  return { scanned, flagged: claims.length, flaggedByLevel, alertsQueued: claims.length, ...sweep };
}

/** Gives claims back. Best effort: if the store refuses this too, those dossiers stay marked without an alert (the scan fails loudly). */
function unclaim(store: ScanStore, claims: Claim[]) {
  return Promise.allSettled(claims.map((c) => store.unmarkAlerted(c.key, c.version, c.alert.level, c.mark)));
}

/** Dossiers examined at once: their conditional writes overlap, a backlog of thousands is not one at a time. */
const CLAIM_CONCURRENCY = 16;

/** Reads what is due by `horizon` and claims what is newly flagged into `claims`; returns how many it read. */
async function claimDue(deps: ScanDeps, horizon: string, claims: Claim[]): Promise<number> {
  let scanned = 0;
  let batch: StoredDossier[] = [];
  const settle = async () => {
    // Every write of the batch settles before the next step: a claim made while another write
    // failed is still recorded, so that the caller gives it back.
    const results = await Promise.allSettled(batch.map((d) => claimOne(deps, d)));
    batch = [];
    for (const r of results) if (r.status === 'fulfilled' && r.value) claims.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  // Pending ones up to the due-soon horizon; those alerted due soon only once they are overdue.
  for await (const dossier of deps.store.listDueBy(horizon, deps.now)) {
    scanned++;
    batch.push(dossier);
    if (batch.length >= CLAIM_CONCURRENCY) await settle();
  }
  await settle();
  return scanned;
}

/** Examines one dossier of the due index; the claim when it is newly flagged and this run got it. */
async function claimOne(deps: ScanDeps, dossier: StoredDossier): Promise<Claim | null> {
  const { store, now, runId } = deps;
  const record = dossier.record;
  const dueAt = dossier.dueAt ?? record?.dueAt ?? null;
  if (!record || !dueAt) return null;
  if (!OPEN_STATUSES.has(record.status)) {
    await store.dropFromDueIndex(dossier.key, record.version);
    return null;
  }
  const level = alertLevel(record, dueAt, now);
  if (!level) return null;
  const alerted = dossier.alerts;
  // Alerted at this level already; a newer record with the same due date put it back among the
  // pending ones: park it again.
  if (alerted.overdue?.dueAt === dueAt || (level === 'soon' && alerted.soon?.dueAt === dueAt)) {
    await store.keepAsAlerted(dossier.key, record.version, alerted.overdue?.dueAt === dueAt ? 'overdue' : 'soon');
    return null;
  }
  const mark: AlertMark = { dueAt, at: now };
  if (!(await store.markAlerted(dossier.key, record.version, level, mark))) return null; // another scan has it
  return {
    key: dossier.key,
    version: record.version,
    mark,
    alert: {
      runId,
      level,
      code: record.code,
      procedureName: record.procedureName,
      fieldCode: record.fieldCode,
      fieldName: record.fieldName,
      dueAt,
      workingDaysOverdue: level === 'overdue' ? overdueWorkingDays(dueAt, now) : 0,
      unit: record.unit,
      receivedAt: record.receivedAt,
    },
  };
}

function countByLevel(alerts: readonly { level: AlertLevel }[]): Record<AlertLevel, number> {
  return {
    overdue: alerts.filter((a) => a.level === 'overdue').length,
    soon: alerts.filter((a) => a.level === 'soon').length,
  };
}

/**
 * Manifest and alerts into the ledger first, then the messages. Once the ledger holds the run, a
 * message that never arrives (a queue outage part-way, a local emulator restarted with messages
 * in memory) loses nothing: the next scan's sweep nudges the open run, which the notifier finds
 * complete. Until then, a failure gives back every claim.
 */
async function queueRun(deps: ScanDeps, claims: Claim[], wallClock: () => number): Promise<void> {
  const { store, ledger, queue, now, runId } = deps;
  const alerts = claims.map((c) => c.alert);
  let opened = false;
  try {
    await ledger.openRun({ runId, clock: now, startedAt: toVnIso(wallClock()), counts: countByLevel(alerts) });
    opened = true;
    await ledger.recordAlerts(alerts);
  } catch (err) {
    await unclaim(store, claims);
    // Nothing of this run may go out now (its dossiers are claimable again): close it, best effort.
    if (opened) await ledger.closeRun(runId, now).catch(() => undefined);
    throw err;
  }

  const messages: AlertQueueMessage[] = alerts.map((alert) => ({ kind: 'alert', alert }));
  const { unsent, error } = await queue.send(messages);
  if (unsent.length === 0) return;
  // The alerts not queued are in the ledger: the claims stay, and the run is delivered from there.
  await queue.send([{ kind: 'flush', runId, force: false }]).catch(() => undefined);
  const queued = messages.length - unsent.length;
  throw new AlertQueueError(
    `queued ${queued} of ${messages.length} alert messages of run ${runId}; the ledger holds them all, and the next scan's sweep delivers the run`,
    queued,
    { cause: error },
  );
}

/** Nudges every open run of an earlier scan; never fails the scan. */
async function sweepOpenRuns(deps: ScanDeps, wallClock: () => number): Promise<{ runsNudged: number; sweepError: unknown }> {
  try {
    const forceAfter = deps.forceAfterMs ?? DEFAULT_FORCE_AFTER_MS;
    const open = (await deps.ledger.listOpenRuns()).filter((r) => r.runId !== deps.runId);
    if (open.length === 0) return { runsNudged: 0, sweepError: null };
    const nudges: AlertQueueMessage[] = open.map((r) => ({
      kind: 'flush',
      runId: r.runId,
      force: wallClock() - Date.parse(r.startedAt) > forceAfter,
    }));
    const { unsent, error } = await deps.queue.send(nudges);
    return { runsNudged: nudges.length - unsent.length, sweepError: unsent.length > 0 ? error : null };
  } catch (err) {
    return { runsNudged: 0, sweepError: err };
  }
}
