/**
 * The overdue / due-soon scan of CONTRACT 6, through the ports only: one protocol, run for each
 * kind of alert subject (a `ScanKind`): dossiers here, feedback items in `feedback-scan.ts`.
 *
 * 1. Read what is due from the kind's due index (never the whole table).
 * 2. Claim each newly flagged subject with a conditional mark (level + due date + version),
 *    `pending` and naming this run: a concurrent scan, or a repeat at the same clock, claims
 *    nothing twice. The subject stays where it was read, so that a later scan sees the claim.
 * 3. Commit the run to the ledger: its alerts, its manifest (how many per level), then the
 *    open-run item, the commit point. The notifier delivers only committed runs; the scan's sweep
 *    finds every one of them.
 * 4. Queue one message per claim, then park each claimed subject: out of the scan's partition,
 *    its mark settled.
 * 5. Sweep (the dossier scan, which runs first): nudge every run still open (an SES outage
 *    outlasted the queue's retries, or a nudge was lost) with a flush message, so that no alert
 *    the ledger holds is ever left unsent, whichever kind's run it is.
 *
 * A process that dies anywhere (no catch block runs) loses nothing: a later scan that reads a
 * pending mark of another run, older than `CLAIM_LEASE_MS`, asks the ledger whether that run was
 * committed. Yes: the run is open or delivered, so the subject is only parked. No: the run can
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
  RunAlert,
  RunLevel,
  RunManifest,
  StoredDossier,
} from './ports';
import { toCompact, toVnIso } from './time';

/** What the dossier scan needs of the store. */
export type ScanStore = Pick<DossierStore, 'listDueBy' | 'markAlerted' | 'dropFromDueIndex'> &
  Pick<OverdueIndex, 'unmarkAlerted' | 'keepAsAlerted' | 'takeOverAlerted' | 'parkAlerted'>;

/** What a run of any kind needs of the ledger: its commit, and whether other runs were committed. */
export type RunLedger = Pick<AlertLedger, 'recordAlerts' | 'saveManifest' | 'openRun' | 'abandonRun' | 'isCommitted'>;

/** What the dossier scan needs of the ledger: a run's, and the open runs for the sweep. */
export type ScanLedger = RunLedger & Pick<AlertLedger, 'listOpenRuns'>;

/** A run's collaborators and clock, whatever its kind. */
export interface RunDeps {
  ledger: RunLedger;
  queue: AlertQueue;
  /** The scan's clock, ISO 8601 (`+07:00`): the real time, or an admin's `now`. */
  now: string;
  runId: string;
  /** The real time (epoch ms): stamps the run and its claims, ages open runs and claims. Default `Date.now`. */
  wallClock?: () => number;
  /**
   * Fault injection for tests, never set in production: awaited after each write of the scan
   * (`ScanStep`), so that a test can stop the scan there for good, as a crash would.
   */
  checkpoint?: (step: ScanStep) => void | Promise<void>;
}

/** The dossier scan's collaborators and clock. */
export interface ScanDeps extends RunDeps {
  store: ScanStore;
  ledger: ScanLedger;
  /** An open run older than this is flushed with what the ledger holds. Default 6 hours. */
  forceAfterMs?: number;
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

/** What one run of a kind did. */
export interface RunResult<L extends RunLevel> {
  /** Subjects read from the due index. */
  scanned: number;
  /** Subjects newly flagged (claimed) by this run. */
  flagged: number;
  /** `flagged` by level. */
  flaggedByLevel: Record<L, number>;
  alertsQueued: number;
  /** Of `flagged`, claims taken over from runs that died before committing. */
  takenOver: number;
  /** Claimed subjects this run could not park (their marks stay pending; a later scan parks them). */
  unparked: number;
  /** Why parking failed, if it did (the run is committed: nothing is lost). */
  parkError: unknown;
}

/** The answer of CONTRACT 4 (`scanned`, `flagged`, `alertsQueued`) and what the sweep did. */
export interface ScanResult extends RunResult<AlertLevel> {
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

/**
 * What the scan does with one subject read from the due index, as its kind judges it: take it out
 * of the index (it can no longer be alerted), leave it (not at any level yet), or weigh its marks
 * against the level it is at now (alert it, park it again unalerted, or recover another run's
 * pending claim: the engine decides that part, the same for every kind).
 */
export type Examined<L extends RunLevel> =
  | { action: 'skip' }
  | { action: 'drop'; id: string; version: string }
  | {
      action: 'weigh';
      id: string;
      version: string;
      dueAt: string;
      level: L;
      /** Its marks by level (those of another due date are ignored). */
      marks: Partial<Record<L, AlertMark | null>>;
    };

/**
 * The store's claim writes for one kind, each a conditional write keyed on the subject's id (and
 * version where the index is touched): see `DossierStore.markAlerted` and `OverdueIndex`.
 */
export interface ClaimWrites<L extends RunLevel> {
  /** Claims at `level` for `mark.dueAt` (pending, this run's); false when already marked for it, or changed since read. */
  mark(id: string, version: string, level: L, mark: AlertMark): Promise<boolean>;
  /** Claims a pending mark of `fromRunId` (which died before committing) for `mark.runId`; false when it changed. */
  takeOver(id: string, version: string, level: L, fromRunId: string, mark: AlertMark): Promise<boolean>;
  /** Settles `runId`'s mark and moves the subject out of the scan's partition (if still at `version`). */
  park(id: string, version: string, level: L, runId: string): Promise<void>;
  /** Takes `mark` back (its run could not commit). */
  unmark(id: string, level: L, mark: AlertMark): Promise<void>;
  /** Parks again, unalerted, a subject already alerted at `level` that a newer version re-indexed. */
  keep(id: string, version: string, level: L): Promise<void>;
  /** Takes the subject out of the due index. */
  drop(id: string, version: string): Promise<void>;
}

/** One kind of alert subject: where the scan finds it, how it judges it, how it writes and alerts it. */
export interface ScanKind<S, L extends RunLevel, A extends RunAlert> {
  /** What the error and log messages call its alerts (`dossier`, `feedback`). */
  noun: string;
  /** Its levels, most severe first: a settled mark at a level stands for that level and every later one. */
  levels: readonly L[];
  /** What is due at the scan's clock, from the due index. */
  listDue(now: string): AsyncIterable<S>;
  /** What to do with one subject read at the scan's clock (see `Examined`). */
  examine(subject: S, now: string): Examined<L>;
  writes: ClaimWrites<L>;
  /** The alert of a claim (identifiers and dates only: it goes into the ledger and the queue). */
  alert(subject: S, claim: { level: L; dueAt: string; now: string; runId: string }): A;
  /** Its queue message. */
  message(alert: A): AlertQueueMessage;
}

const OPEN_STATUSES = new Set([2, 4]);
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

/** The dossiers as a scan kind: the `DUE#` partitions up to the due-soon horizon, the `SOON#` ones up to the clock. */
export function dossierKind(store: ScanStore): ScanKind<StoredDossier, AlertLevel, DueAlert> {
  return {
    noun: 'dossier',
    levels: ['overdue', 'soon'],
    // Pending ones up to the due-soon horizon; those alerted due soon only once they are overdue.
    listDue: (now) => store.listDueBy(dueSoonHorizon(now), now),
    examine(dossier, now) {
      const record = dossier.record;
      const dueAt = dossier.dueAt ?? record?.dueAt ?? null;
      if (!record || !dueAt) return { action: 'skip' };
      if (!OPEN_STATUSES.has(record.status)) return { action: 'drop', id: dossier.key, version: record.version };
      const level = alertLevel(record, dueAt, now);
      if (!level) return { action: 'skip' };
      return { action: 'weigh', id: dossier.key, version: record.version, dueAt, level, marks: dossier.alerts };
    },
    writes: {
      mark: (key, version, level, mark) => store.markAlerted(key, version, level, mark),
      takeOver: (key, version, level, fromRunId, mark) => store.takeOverAlerted(key, version, level, fromRunId, mark),
      park: (key, version, level, runId) => store.parkAlerted(key, version, level, runId),
      unmark: (key, level, mark) => store.unmarkAlerted(key, level, mark),
      keep: (key, version, level) => store.keepAsAlerted(key, version, level),
      drop: (key, version) => store.dropFromDueIndex(key, version),
    },
    alert(dossier, { level, dueAt, now, runId }) {
      const record = dossier.record!;
      return {
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
      };
    },
    message: (alert) => ({ kind: 'alert', alert }),
  };
}

/** Runs one dossier scan, then sweeps the open runs (see the module comment). */
export async function runOverdueScan(deps: ScanDeps): Promise<ScanResult> {
  const result = await runScan(dossierKind(deps.store), deps);
  const sweep = await sweepOpenRuns(deps);
  await step(deps, 'sweep');
  return { ...result, ...sweep };
}

interface Claim<L extends RunLevel, A> {
  id: string;
  version: string;
  level: L;
  mark: AlertMark;
  alert: A;
  /** Taken over from a run that died before committing. */
  takenOver: boolean;
}

/** One run's working state: its kind, deps, clock, and what it learnt of other runs. */
interface RunContext<S, L extends RunLevel, A extends RunAlert> extends RunDeps {
  kind: ScanKind<S, L, A>;
  wallClock: () => number;
  /** Whether run `runId` was committed, asked of the ledger once per run and scan. */
  isCommitted(runId: string): Promise<boolean>;
}

/** Stops here when a test says so (see `RunDeps.checkpoint`); nothing otherwise. */
async function step(deps: RunDeps, name: ScanStep): Promise<void> {
  if (deps.checkpoint) await deps.checkpoint(name);
}

/** Runs one scan of `kind`: read, claim, commit, queue, park (steps 1 to 4 of the module comment). */
export async function runScan<S, L extends RunLevel, A extends RunAlert>(kind: ScanKind<S, L, A>, deps: RunDeps): Promise<RunResult<L>> {
  const committed = new Map<string, Promise<boolean>>();
  const isCommitted = (runId: string) => {
    let answer = committed.get(runId);
    if (!answer) {
      answer = deps.ledger.isCommitted(runId);
      committed.set(runId, answer);
    }
    return answer;
  };
  const ctx: RunContext<S, L, A> = { ...deps, kind, wallClock: deps.wallClock ?? Date.now, isCommitted };

  let scanned = 0;
  const claims: Claim<L, A>[] = [];
  try {
    scanned = await claimDue(ctx, claims);
  } catch (err) {
    // The store failed part-way: give back what this run claimed (if that fails too, the marks
    // stay pending and a scan after the lease takes them over: this run never commits).
    await unclaim(ctx.kind.writes, claims);
    throw err;
  }

  let park = { unparked: 0, parkError: null as unknown };
  if (claims.length > 0) {
    await commitRun(ctx, claims);
    const { unsent, error } = await deps.queue.send(claims.map((c) => kind.message(c.alert)));
    await step(deps, 'queue');
    park = await parkAll(ctx, claims);
    if (unsent.length > 0) {
      // The alerts not queued are in the ledger: the claims stay, and the run is delivered from there.
      await deps.queue.send([{ kind: 'flush', runId: deps.runId, force: false }]).catch(() => undefined);
      const queued = claims.length - unsent.length;
      throw new AlertQueueError(
        `queued ${queued} of ${claims.length} ${kind.noun} alert messages of run ${deps.runId}; the ledger holds them all, and the next scan's sweep delivers the run`,
        queued,
        { cause: error },
      );
    }
  }
  return {
    scanned,
    flagged: claims.length,
    flaggedByLevel: countByLevel(kind.levels, claims),
    alertsQueued: claims.length,
    takenOver: claims.filter((c) => c.takenOver).length,
    ...park,
  };
}

/** Gives claims back. Best effort: a claim left pending is taken over by a scan after the lease (this run never commits). */
function unclaim<L extends RunLevel>(writes: ClaimWrites<L>, claims: readonly Claim<L, RunAlert>[]) {
  return Promise.allSettled(claims.map((c) => writes.unmark(c.id, c.level, c.mark)));
}

/** Subjects examined (and parked) at once: their conditional writes overlap, a backlog of thousands is not one at a time. */
const CLAIM_CONCURRENCY = 16;

/** Reads what is due and claims what is newly flagged into `claims`; returns how many it read. */
async function claimDue<S, L extends RunLevel, A extends RunAlert>(ctx: RunContext<S, L, A>, claims: Claim<L, A>[]): Promise<number> {
  let scanned = 0;
  let batch: S[] = [];
  const settle = async () => {
    // Every write of the batch settles before the next step: a claim made while another write
    // failed is still recorded, so that the caller gives it back.
    const results = await Promise.allSettled(batch.map((s) => claimOne(ctx, s)));
    batch = [];
    for (const r of results) if (r.status === 'fulfilled' && r.value) claims.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  for await (const subject of ctx.kind.listDue(ctx.now)) {
    scanned++;
    batch.push(subject);
    if (batch.length >= CLAIM_CONCURRENCY) await settle();
  }
  await settle();
  return scanned;
}

/** Examines one subject of the due index; the claim when it is newly flagged and this run got it. */
async function claimOne<S, L extends RunLevel, A extends RunAlert>(ctx: RunContext<S, L, A>, subject: S): Promise<Claim<L, A> | null> {
  const { kind, now, runId } = ctx;
  const { writes } = kind;
  const seen = kind.examine(subject, now);
  if (seen.action === 'skip') return null;
  if (seen.action === 'drop') {
    await writes.drop(seen.id, seen.version);
    await step(ctx, 'drop');
    return null;
  }
  const { id, version, dueAt, level, marks } = seen;

  // The marks for this due date: settled ones stand; a pending one of another run is settled here
  // if that run was committed, and void if it died before (its claim is taken over below).
  const settled = new Set<L>();
  let parkedAt: L | null = null;
  let voidRun: string | null = null;
  for (const at of kind.levels) {
    const mark = marks[at];
    if (!mark || mark.dueAt !== dueAt) continue;
    // Marks of earlier releases carry no run: settled.
    if (!mark.pending || !mark.runId || mark.runId === runId) {
      settled.add(at);
      continue;
    }
    // Its run may still be running (its process is not past its timeout): not ours to judge yet.
    if (ctx.wallClock() - Date.parse(mark.claimedAt ?? '') < CLAIM_LEASE_MS) return null;
    if (await ctx.isCommitted(mark.runId)) {
      // The run is open or delivered: its alert goes out from the ledger; only the parking is left.
      await writes.park(id, version, at, mark.runId);
      await step(ctx, 'settle');
      settled.add(at);
      parkedAt = at;
    } else if (at === level) {
      voidRun = mark.runId;
    }
  }

  // Alerted at this level (or a more severe one) already; a newer version with the same due date
  // put it back among the pending ones: park it again, where the most severe settled mark says.
  const keep = kind.levels.slice(0, kind.levels.indexOf(level) + 1).find((l) => settled.has(l));
  if (keep !== undefined) {
    if (parkedAt !== keep) {
      await writes.keep(id, version, keep);
      await step(ctx, 'keep');
    }
    return null;
  }
  const mark: AlertMark = { dueAt, at: now, runId, claimedAt: toVnIso(ctx.wallClock()), pending: true };
  const claimed = voidRun ? await writes.takeOver(id, version, level, voidRun, mark) : await writes.mark(id, version, level, mark);
  if (!claimed) return null; // another scan has it
  await step(ctx, 'claim');
  return { id, version, level, mark, takenOver: voidRun !== null, alert: kind.alert(subject, { level, dueAt, now, runId }) };
}

function countByLevel<L extends RunLevel>(levels: readonly L[], claims: readonly { level: L }[]): Record<L, number> {
  const counts = Object.fromEntries(levels.map((l) => [l, 0])) as Record<L, number>;
  for (const c of claims) counts[c.level]++;
  return counts;
}

/**
 * Alerts, manifest, then the open-run item: the commit point. Once committed, a message that never
 * arrives (a queue outage part-way, a local emulator restarted with messages in memory) loses
 * nothing: the next scan's sweep nudges the open run, which the notifier finds complete. An error
 * before it gives back every claim.
 */
async function commitRun<S, L extends RunLevel, A extends RunAlert>(ctx: RunContext<S, L, A>, claims: Claim<L, A>[]): Promise<void> {
  const { ledger, now, runId } = ctx;
  const alerts = claims.map((c) => c.alert);
  const startedAt = toVnIso(ctx.wallClock());
  // Dossier runs count both levels; a feedback run counts `feedback` (and none of those).
  const counts = { overdue: 0, soon: 0, ...countByLevel(ctx.kind.levels, claims) } as RunManifest['counts'];
  const before = async (write: () => Promise<void>, name: ScanStep) => {
    try {
      await write();
    } catch (err) {
      await unclaim(ctx.kind.writes, claims);
      throw err;
    }
    await step(ctx, name);
  };
  await before(() => ledger.recordAlerts(alerts), 'ledger:alerts');
  await before(() => ledger.saveManifest({ runId, clock: now, startedAt, counts }), 'ledger:manifest');
  try {
    await ledger.openRun(runId, startedAt);
  } catch (err) {
    // The write may have gone through: take it back before giving the claims back. If that fails
    // too, the claims stay pending and a scan after the lease decides by what the ledger holds.
    const abandoned = await ledger.abandonRun(runId).then(
      () => true,
      () => false,
    );
    if (abandoned) await unclaim(ctx.kind.writes, claims);
    throw err;
  }
  await step(ctx, 'ledger:open');
}

/**
 * Parks every claimed subject of the committed run (16 at a time). Never fails the scan: a
 * subject left pending is parked by a scan after the lease, which finds the run committed.
 */
async function parkAll<S, L extends RunLevel, A extends RunAlert>(
  ctx: RunContext<S, L, A>,
  claims: Claim<L, A>[],
): Promise<{ unparked: number; parkError: unknown }> {
  let unparked = 0;
  let parkError: unknown = null;
  for (let i = 0; i < claims.length; i += CLAIM_CONCURRENCY) {
    const results = await Promise.allSettled(
      claims.slice(i, i + CLAIM_CONCURRENCY).map(async (c) => {
        await ctx.kind.writes.park(c.id, c.version, c.level, ctx.runId);
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

/** Nudges every open run of an earlier scan, of every kind; never fails the scan. */
async function sweepOpenRuns(deps: ScanDeps): Promise<{ runsNudged: number; sweepError: unknown }> {
  try {
    const wallClock = deps.wallClock ?? Date.now;
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
