/**
 * The overdue rule of CONTRACT 6: when a dossier is due, whether it is overdue or due soon at a
 * given clock. Pure: the scan, the read view and the report all call it with their own clock.
 */
import { addWorkingDays, dueSoonHorizon, type Pause } from './calendar';
// Not catalog/procedures: that module carries the whole catalog (names, fees) into every bundle.
import { processingDaysOf } from './catalog/processing-days';
import { instantMs, toVnIso } from './time';
import type { DossierRecord, ProgressStep, Status } from './types';

/** Statuses during which the processing clock stands still. */
const PAUSED: ReadonlySet<Status> = new Set<Status>([5, 6, 8]);
/** Statuses during which the clock runs: the only ones that can be overdue or due soon. */
const RUNNING: ReadonlySet<Status> = new Set<Status>([2, 4]);

/** The alert level of a dossier at a clock. */
export type AlertLevel = 'overdue' | 'soon';

/**
 * The dossier's due instant: the portal's NgayHenTra when it sent one (it already moves it for
 * supplements), else receivedAt plus the catalog's processing days, paused time not counted;
 * null when neither is known (no NgayHenTra and a procedure outside the catalog).
 */
export function effectiveDueAt(record: DossierRecord, pauses?: readonly Pause[]): string | null {
  if (record.dueAt) return record.dueAt;
  const processingDays = processingDaysOf(record.procedureCode);
  if (processingDays === null) return null;
  return addWorkingDays(record.receivedAt, processingDays, pauses);
}

/**
 * The intervals during which the dossier's clock was paused, from its timeline.
 *
 * Rule: steps are taken in order of `at` (steps at the same instant keep their given order). A
 * pause opens at a step whose status is 5, 6 or 8 and closes at the next step with any other
 * status; consecutive paused steps (5 then 6) extend one pause. The portal record, when given and
 * at least as recent as the last step, is one more observation at its `updatedAt`: a running
 * status there closes an open pause, a paused status there opens one the timeline missed. A pause
 * still open at the end runs to `nowIso` (the real time by default). Empty intervals are dropped.
 */
export function pausedIntervals(steps: readonly ProgressStep[], record?: DossierRecord, nowIso: string = toVnIso(Date.now())): Pause[] {
  const observations = steps
    .filter((s) => !Number.isNaN(instantMs(s.at)))
    .map((s) => ({ at: s.at, ms: instantMs(s.at), status: s.status }))
    .sort((a, b) => a.ms - b.ms);
  const lastMs = observations.at(-1)?.ms ?? -Infinity;
  const recordMs = record ? instantMs(record.updatedAt) : NaN;
  if (record && !Number.isNaN(recordMs) && recordMs >= lastMs) {
    observations.push({ at: record.updatedAt, ms: recordMs, status: record.status });
  }

  const pauses: Pause[] = [];
  let open: { at: string; ms: number } | null = null;
  for (const o of observations) {
    const paused = PAUSED.has(o.status);
    if (paused && !open) open = o;
    else if (!paused && open) {
      if (o.ms > open.ms) pauses.push({ from: open.at, to: o.at });
      open = null;
    }
  }
  if (open && instantMs(nowIso) > open.ms) pauses.push({ from: open.at, to: nowIso });
  return pauses;
}

/**
 * `overdue` when the status is 2 or 4 and the clock is past the due instant; `soon` when the status
 * is 2 or 4, not overdue, and due no later than 17:00 of the next working day; otherwise null.
 */
export function alertLevel(record: DossierRecord, dueAt: string | null, nowIso: string): AlertLevel | null {
  if (!RUNNING.has(record.status) || !dueAt) return null;
  const now = instantMs(nowIso);
  if (Number.isNaN(now)) throw new RangeError(`now is not an ISO 8601 instant: ${nowIso}`);
  const due = instantMs(dueAt);
  // A record with an unreadable due date must not stop a whole scan: it simply cannot be judged.
  if (Number.isNaN(due)) return null;
  if (now > due) return 'overdue';
  return due <= instantMs(dueSoonHorizon(nowIso)) ? 'soon' : null;
}

/** True when the dossier is overdue at `nowIso` (CONTRACT 6). */
export function isOverdue(record: DossierRecord, dueAt: string | null, nowIso: string): boolean {
  return alertLevel(record, dueAt, nowIso) === 'overdue';
}
