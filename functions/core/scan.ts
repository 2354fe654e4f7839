/**
 * The overdue / due-soon scan of CONTRACT 6, through the ports only.
 *
 * 1. Read what is due by the due-soon horizon from the due index (never the whole table), and
 *    of the dossiers already alerted due soon, those now overdue.
 * 2. Claim each newly flagged dossier with a conditional mark (level + due date + record version),
 *    `pending` and naming this run: a concurrent scan, or a repeat at the same clock, claims
 *    nothing twice. The dossier stays where it was read, so that a later scan sees the claim.
 * 3. Commit the run to the ledger: its alerts, its manifest (how many per level), then the
 *    open-run item, the commit point. The notifier delivers only committed runs; the scan's sweep
 *    finds every one of them.
 * 4. Queue one message per claim, then park each claimed dossier: out of the scan's partition,
 *    its mark settled.
 * 5. Sweep: nudge every run still open (an SES outage outlasted the queue's retries, or a nudge
 *    was lost) with a flush message, so that no alert the ledger holds is ever left unsent.
 *
 * A process that dies anywhere (no catch block runs) loses nothing: a later scan that reads a
 * pending mark of another run, older than `CLAIM_LEASE_MS`, asks the ledger whether that run was
 * committed. Yes: the run is open or delivered, so the dossier is only parked. No: the run can
 * never be delivered, and this scan takes the claim over and alerts it.
 * An error (as opposed to a crash) before the commit point gives every claim back; once the run
 * is committed, queueing that fails part-way keeps the claims (the sweep delivers the run) and
 * is reported.
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
  Pick<OverdueIndex, 'unmarkAlerted' | 'keepAsAlerted' | 'takeOverAlerted' | 'parkAlerted'>;

/** What the scan needs of the ledger. */
export type ScanLedger = Pick<AlertLedger, 'recordAlerts' | 'saveManifest' | 'openRun' | 'abandonRun' | 'isCommitted' | 'listOpenRuns'>;

/** The scan's collaborators and clock. */
export interface ScanDeps {
  store: ScanStore;
  ledger: ScanLedger;
  queue: AlertQueue;
  /** The scan's clock, ISO 8601 (`+07:00`): the real time, or an admin's `now`. */
  now: string;
  runId: string;
  /** The real time (epoch ms): stamps the run and its claims, ages open runs and claims. Default `Date.now`. */
  wallClock?: () => number;
  /** An open run older than this is flushed with what the ledger holds. Default 6 hours. */
  forceAfterMs?: number;
  /**
   * Fault injection for tests, never set in production: awaited after each write of the scan
   * (`ScanStep`), so that a test can stop the scan there for good, as a crash would.
   */
  checkpoint?: (step: ScanStep) => void | Promise<void>;
}

/** The points of a scan a test can stop it at: after each of its writes. */
export type ScanStep =
  | 'drop'
  | 'keep'
  | 'settle'
  | 'claim'
  | 'ledger:alerts'
  | 'ledger:manifest'
  | 'ledger:open'
  | 'queue'
  | 'park'
  | 'sweep';

/** The answer of CONTRACT 4 (`scanned`, `flagged`, `alertsQueued`) and what the sweep did. */
export interface ScanResult {
  scanned: number;
  flagged: number;
  /** `flagged` by level. */
  flaggedByLevel: Record<AlertLevel, number>;
  alertsQueued: number;
  /** Of `flagged`, claims taken over from runs that died before committing. */
  takenOver: number;
  /** Claimed dossiers this scan could not park (their marks stay pending; a later scan parks them). */
  unparked: number;
  /** Why parking failed, if it did (the run is committed: nothing is lost). */
  parkError: unknown;
  /** Open runs of earlier scans nudged with a flush message. */
  runsNudged: number;
  /** Why the sweep failed, if it did (the scan itself succeeded). */
  sweepError: unknown;
}

/** Queueing failed part-way: the run is committed (the ledger holds every alert); `queued` alerts did go out. */
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
const LEVELS: readonly AlertLevel[] = ['overdue', 'soon'];
const DEFAULT_FORCE_AFTER_MS = 6 * 3600 * 1000;

/**
 * How long a pending claim's run may still be alive (wall clock): twice the scan Lambda's
 * 5-minute timeout (`infra/api-stack.ts`). A younger claim of another run is left alone.
 */
export const CLAIM_LEASE_MS = 10 * 60 * 1000;

/** A fresh run id: the scan's clock (compact) and 8 random hex digits, e.g. `20240405093000-1a2b3c4d`. */
export function newRunId(nowIso: string, random: () => string = randomUUID): string {
  return `${toCompact(Date.parse(nowIso))}-${random().replace(/-/g, '').slice(0, 8)}`;
}

interface Claim {
  key: string;
  version: string;
  mark: AlertMark;
  alert: DueAlert;
  /** Taken over from a run that died before committing. */
  takenOver: boolean;
}

/** One scan's working state: its deps, clock, and what it learnt of other runs. */
interface ScanContext extends ScanDeps {
  wallClock: () => number;
  /** Whether other runs are committed, asked once per run. */
  committed: Map<string, Promise<boolean>>;
}

/** Stops here when a test says so (see `ScanDeps.checkpoint`); nothing otherwise. */
async function step(deps: ScanDeps, name: ScanStep): Promise<void> {
  if (deps.checkpoint) await deps.checkpoint(name);
}

/** Runs one scan (see the module comment). */
export async function runOverdueScan(deps: ScanDeps): Promise<ScanResult> {
  const ctx: ScanContext = { ...deps, wallClock: deps.wallClock ?? Date.now, committed: new Map() };
  const horizon = dueSoonHorizon(deps.now);

  let scanned = 0;
  const claims: Claim[] = [];
  try {
    scanned = await claimDue(ctx, horizon, claims);
  } catch (err) {
    // The store failed part-way: give back what this run claimed (if that fails too, the marks
    // stay pending and a scan after the lease takes them over: this run never commits).
    await unclaim(ctx.store, claims);
    throw err;
  }

  let park = { unparked: 0, parkError: null as unknown };
  if (claims.length > 0) {
    await commitRun(ctx, claims);
    const { unsent, error } = await deps.queue.send(claims.map((c) => ({ kind: 'alert', alert: c.alert })));
    await step(deps, 'queue');
    park = await parkAll(ctx, claims);
    if (unsent.length > 0) {
      // The alerts not queued are in the ledger: the claims stay, and the run is delivered from there.
      await deps.queue.send([{ kind: 'flush', runId: deps.runId, force: false }]).catch(() => undefined);
      const queued = claims.length - unsent.length;
      throw new AlertQueueError(
        `queued ${queued} of ${claims.length} alert messages of run ${deps.runId}; the ledger holds them all, and the next scan's sweep delivers the run`,
        queued,
        { cause: error },
      );
    }
  }
  const sweep = await sweepOpenRuns(ctx);
  await step(deps, 'sweep');
  const flaggedByLevel = countByLevel(claims.map((c) => c.alert));
  return {
    scanned,
    flagged: claims.length,
    flaggedByLevel,
    alertsQueued: claims.length,
    takenOver: claims.filter((c) => c.takenOver).length,
    ...park,
    ...sweep,
  };
}

/** Gives claims back. Best effort: a claim left pending is taken over by a scan after the lease (this run never commits). */
function unclaim(store: ScanStore, claims: Claim[]) {
  return Promise.allSettled(claims.map((c) => store.unmarkAlerted(c.key, c.alert.level, c.mark)));
}

/** Dossiers examined (and parked) at once: their conditional writes overlap, a backlog of thousands is not one at a time. */
const CLAIM_CONCURRENCY = 16;

/** Reads what is due by `horizon` and claims what is newly flagged into `claims`; returns how many it read. */
async function claimDue(ctx: ScanContext, horizon: string, claims: Claim[]): Promise<number> {
  let scanned = 0;
  let batch: StoredDossier[] = [];
  const settle = async () => {
    // Every write of the batch settles before the next step: a claim made while another write
    // failed is still recorded, so that the caller gives it back.
    const results = await Promise.allSettled(batch.map((d) => claimOne(ctx, d)));
    batch = [];
    for (const r of results) if (r.status === 'fulfilled' && r.value) claims.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  // Pending ones up to the due-soon horizon; those alerted due soon only once they are overdue.
  for await (const dossier of ctx.store.listDueBy(horizon, ctx.now)) {
    scanned++;
    batch.push(dossier);
    if (batch.length >= CLAIM_CONCURRENCY) await settle();
  }
  await settle();
  return scanned;
}

/** Whether run `runId` was committed, asked of the ledger once per scan. */
function isCommitted(ctx: ScanContext, runId: string): Promise<boolean> {
  let answer = ctx.committed.get(runId);
  if (!answer) {
    answer = ctx.ledger.isCommitted(runId);
    ctx.committed.set(runId, answer);
  }
  return answer;
}

/** Examines one dossier of the due index; the claim when it is newly flagged and this run got it. */
async function claimOne(ctx: ScanContext, dossier: StoredDossier): Promise<Claim | null> {
  const { store, now, runId } = ctx;
  const record = dossier.record;
  const dueAt = dossier.dueAt ?? record?.dueAt ?? null;
  if (!record || !dueAt) return null;
  if (!OPEN_STATUSES.has(record.status)) {
    await store.dropFromDueIndex(dossier.key, record.version);
    await step(ctx, 'drop');
    return null;
  }
  const level = alertLevel(record, dueAt, now);
  if (!level) return null;

  // The marks for this due date: settled ones stand; a pending one of another run is settled here
  // if that run was committed, and void if it died before (its claim is taken over below).
  const settled: Record<AlertLevel, boolean> = { overdue: false, soon: false };
  let parkedAt: AlertLevel | null = null;
  let voidRun: string | null = null;
  for (const at of LEVELS) {
    const mark = dossier.alerts[at];
    if (!mark || mark.dueAt !== dueAt) continue;
    // Marks of earlier releases carry no run: settled.
    if (!mark.pending || !mark.runId || mark.runId === runId) {
      settled[at] = true;
      continue;
    }
    // Its run may still be running (its process is not past its timeout): not ours to judge yet.
    if (ctx.wallClock() - Date.parse(mark.claimedAt ?? '') < CLAIM_LEASE_MS) return null;
    if (await isCommitted(ctx, mark.runId)) {
      // The run is open or delivered: its alert goes out from the ledger; only the parking is left.
      await store.parkAlerted(dossier.key, record.version, at, mark.runId);
      await step(ctx, 'settle');
      settled[at] = true;
      parkedAt = at;
    } else if (at === level) {
      voidRun = mark.runId;
    }
  }

  // Alerted at this level already; a newer record with the same due date put it back among the
  // pending ones: park it again.
  if (settled.overdue || (level === 'soon' && settled.soon)) {
    const keep = settled.overdue ? 'overdue' : 'soon';
    if (parkedAt !== keep) {
      await store.keepAsAlerted(dossier.key, record.version, keep);
      await step(ctx, 'keep');
    }
    return null;
  }
  const mark: AlertMark = { dueAt, at: now, runId, claimedAt: toVnIso(ctx.wallClock()), pending: true };
  const claimed = voidRun
    ? await store.takeOverAlerted(dossier.key, record.version, level, voidRun, mark)
    : await store.markAlerted(dossier.key, record.version, level, mark);
  if (!claimed) return null; // another scan has it
  await step(ctx, 'claim');
  return {
    key: dossier.key,
    version: record.version,
    mark,
    takenOver: voidRun !== null,
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
 * Alerts, manifest, then the open-run item: the commit point. Once committed, a message that never
 * arrives (a queue outage part-way, a local emulator restarted with messages in memory) loses
 * nothing: the next scan's sweep nudges the open run, which the notifier finds complete. An error
 * before it gives back every claim.
 */
async function commitRun(ctx: ScanContext, claims: Claim[]): Promise<void> {
  const { store, ledger, now, runId } = ctx;
  const alerts = claims.map((c) => c.alert);
  const startedAt = toVnIso(ctx.wallClock());
  const before = async (write: () => Promise<void>, name: ScanStep) => {
    try {
      await write();
    } catch (err) {
      await unclaim(store, claims);
      throw err;
    }
    await step(ctx, name);
  };
  await before(() => ledger.recordAlerts(alerts), 'ledger:alerts');
  await before(() => ledger.saveManifest({ runId, clock: now, startedAt, counts: countByLevel(alerts) }), 'ledger:manifest');
  try {
    await ledger.openRun(runId, startedAt);
  } catch (err) {
    // The write may have gone through: take it back before giving the claims back. If that fails
    // too, the claims stay pending and a scan after the lease decides by what the ledger holds.
    const abandoned = await ledger.abandonRun(runId).then(
      () => true,
      () => false,
    );
    if (abandoned) await unclaim(store, claims);
    throw err;
  }
  await step(ctx, 'ledger:open');
}

/**
 * Parks every claimed dossier of the committed run (16 at a time). Never fails the scan: a
 * dossier left pending is parked by a scan after the lease, which finds the run committed.
 */
async function parkAll(ctx: ScanContext, claims: Claim[]): Promise<{ unparked: number; parkError: unknown }> {
  let unparked = 0;
  let parkError: unknown = null;
  for (let i = 0; i < claims.length; i += CLAIM_CONCURRENCY) {
    const results = await Promise.allSettled(
      claims.slice(i, i + CLAIM_CONCURRENCY).map(async (c) => {
        await ctx.store.parkAlerted(c.key, c.version, c.alert.level, ctx.runId);
        await step(ctx, 'park');
      }),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      unparked++;
      parkError ??= r.reason;
    }
  }
  return { unparked, parkError };
}

/** Nudges every open run of an earlier scan; never fails the scan. */
async function sweepOpenRuns(ctx: ScanContext): Promise<{ runsNudged: number; sweepError: unknown }> {
  try {
    const forceAfter = ctx.forceAfterMs ?? DEFAULT_FORCE_AFTER_MS;
    const open = (await ctx.ledger.listOpenRuns()).filter((r) => r.runId !== ctx.runId);
    if (open.length === 0) return { runsNudged: 0, sweepError: null };
    const nudges: AlertQueueMessage[] = open.map((r) => ({
      kind: 'flush',
      runId: r.runId,
      force: ctx.wallClock() - Date.parse(r.startedAt) > forceAfter,
    }));
    const { unsent, error } = await ctx.queue.send(nudges);
    return { runsNudged: nudges.length - unsent.length, sweepError: unsent.length > 0 ? error : null };
  } catch (err) {
    return { runsNudged: 0, sweepError: err };
  }
}
