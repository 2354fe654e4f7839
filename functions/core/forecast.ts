/**
 * The forecast: is an open dossier at risk of finishing late? Pure: the statistics come in, the
 * caller reads and stores them (see README, "The forecast").
 *
 * - Processing time is counted in working hours (07:00–11:30, 13:30–17:00, working days only) from
 *   NgayTiepNhan to NgayKetThucXuLy, paused time excluded. The pauses are those the record itself
 *   carries: each supplement request (`DanhSachHoSoBoSung`: NgayYeuCauBoSung → NgayBoSung), and a
 *   paused status (5, 6, 8) still in force, from the record's last change on. The record is all
 *   the scorecard and the digest read (steps are items of their own, one query per dossier), and
 *   the same rule everywhere keeps one dossier's risk the same on every page.
 * - The basis of a dossier is the ward's finished dossiers of its procedure (`MaTTHC`) when there
 *   are at least `MIN_BASIS` of them, else those of its field (`MaLinhVuc`), else none (no forecast).
 * - At risk: the 90th percentile of the processing time of the basis's dossiers that were still
 *   open after as many working hours as this one has spent (all of them while it has spent none)
 *   is beyond the working hours it has spent plus those left before its due date. Conditioning on
 *   the time spent is what makes the forecast move with the dossier: a procedure whose dossiers
 *   usually finish on day 2 says little about one still open on day 9. A dossier open longer than
 *   every finished one of its basis is at risk (nothing like it ever finished in time to compare).
 * - A paused dossier is judged at the instant its clock stopped (the pause start): its time stands
 *   still until it resumes.
 */
import { type Pause, workingMinutesBetween } from './calendar';
import type { StoredDossier } from './ports';
import { instantMs, toVnIso } from './time';
import type { DossierRecord, PostalEvent, Status } from './types';

/** The fewest finished dossiers a basis needs (the procedure's, else the field's). */
export const MIN_BASIS = 20;

/** The window of finished dossiers the stored statistics are computed from: received in the days before the clock. */
export const STATS_WINDOW_DAYS = 365;

/**
 * The quantile levels kept per basis: every 5 % up to 85 %, then every 1 % (the forecast reads
 * the top decile: a conditional 90th percentile is always at or above the plain one).
 */
export const QUANTILE_LEVELS: readonly number[] = [
  ...Array.from({ length: 18 }, (_, i) => i * 5),
  ...Array.from({ length: 11 }, (_, i) => 90 + i),
].map((p) => p / 100);

/** The processing times of a basis: how many finished dossiers, and their quantiles (working hours) at `QUANTILE_LEVELS`. */
export interface Distribution {
  n: number;
  q: number[];
}

/** One ward's forecast statistics, computed at a clock. */
export interface ForecastStats {
  ward: string;
  /** The clock they were computed at (ISO): only dossiers finished by then count. */
  computedAt: string;
  /** Vietnam dates of receipt of the window, both ends inclusive. */
  window: { from: string; to: string };
  byProcedure: Record<string, Distribution>;
  byField: Record<string, Distribution>;
}

/** What `GET /dossiers/{MaHoSo}` shows as `risk`, and the lists carry. */
export interface Risk {
  atRisk: boolean;
  /** The conditional 90th percentile (see header), 1 decimal; null without a basis. */
  p90WorkingHours: number | null;
  spentWorkingHours: number;
  leftWorkingHours: number;
  basis: 'MaTTHC' | 'MaLinhVuc' | null;
}

const PAUSED: ReadonlySet<Status> = new Set<Status>([5, 6, 8]);
const OPEN: ReadonlySet<Status> = new Set<Status>([2, 4, 5, 6, 8]);

const round1 = (x: number): number => Math.round(x * 10) / 10;
const valid = (iso: string | null | undefined): iso is string => !!iso && !Number.isNaN(instantMs(iso));

/**
 * The pauses the record carries (see header), up to `untilIso`: each supplement request until the
 * applicant supplied (or until `untilIso` while the dossier still waits), and a paused status in
 * force from the record's last change (when no open supplement request already covers it).
 */
export function recordPauses(record: DossierRecord, untilIso: string): Pause[] {
  const until = instantMs(untilIso);
  const pauses: Pause[] = [];
  let open = false;
  for (const s of record.supplements) {
    if (!valid(s.requestedAt) || instantMs(s.requestedAt) >= until) continue;
    if (valid(s.suppliedAt)) pauses.push({ from: s.requestedAt, to: instantMs(s.suppliedAt) < until ? s.suppliedAt : untilIso });
    else if (record.status === 5) {
      pauses.push({ from: s.requestedAt, to: untilIso });
      open = true;
    }
  }
  if (PAUSED.has(record.status) && !open && valid(record.updatedAt) && instantMs(record.updatedAt) < until) {
    pauses.push({ from: record.updatedAt, to: untilIso });
  }
  return pauses;
}

/** When the dossier's clock stopped, for a paused one (the latest pause reaching `nowIso`); else null. */
function pauseStart(record: DossierRecord, nowIso: string): string | null {
  if (!PAUSED.has(record.status)) return null;
  const reaching = recordPauses(record, nowIso).filter((p) => p.to === nowIso);
  if (reaching.length === 0) return null;
  return reaching.reduce((a, b) => (instantMs(b.from) < instantMs(a.from) ? b : a)).from;
}

/** When a finished dossier finished: NgayKetThucXuLy, else the earliest moment it certainly had (the report's rule). */
export function finishingInstant(dossier: Pick<StoredDossier, 'record' | 'postal'>): string | null {
  const record = dossier.record;
  if (!record) return null;
  if (valid(record.finishedAt)) return record.finishedAt;
  const candidates = [
    record.returnedAt,
    ...dossier.postal.filter((e: PostalEvent) => e.type === 'RESULT_DELIVERED').map((e) => e.occurredAt),
    record.updatedAt,
  ].filter(valid);
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (instantMs(b) < instantMs(a) ? b : a));
}

/** The working hours a finished dossier took, pauses excluded; null when it is not finished or its times are unreadable. */
export function processingWorkingHours(dossier: Pick<StoredDossier, 'record' | 'postal'>): number | null {
  const record = dossier.record;
  if (!record || (record.status !== 9 && record.status !== 10) || !valid(record.receivedAt)) return null;
  const finished = finishingInstant(dossier);
  if (!finished) return null;
  return workingMinutesBetween(record.receivedAt, finished, recordPauses(record, finished)) / 60;
}

/** Quantiles of `values` at `QUANTILE_LEVELS` (linear interpolation between order statistics), 2 decimals. */
export function quantiles(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const last = sorted.length - 1;
  return QUANTILE_LEVELS.map((p) => {
    const h = p * last;
    const lo = Math.floor(h);
    const hi = Math.min(last, lo + 1);
    return Math.round((sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo])) * 100) / 100;
  });
}

/** The distribution of `values`; null when there are none. */
export function distributionOf(values: readonly number[]): Distribution | null {
  return values.length === 0 ? null : { n: values.length, q: quantiles(values) };
}

/** The share of the basis finished within `hours` (interpolated on the quantiles). */
function shareWithin(q: readonly number[], hours: number): number {
  const L = QUANTILE_LEVELS;
  if (hours < q[0]) return 0;
  if (hours >= q[q.length - 1]) return 1;
  let i = 0;
  while (i + 1 < q.length && q[i + 1] <= hours) i++;
  const span = q[i + 1] - q[i];
  return span > 0 ? L[i] + ((L[i + 1] - L[i]) * (hours - q[i])) / span : L[i];
}

/** The quantile at level `p` (interpolated). */
function quantileAt(q: readonly number[], p: number): number {
  const L = QUANTILE_LEVELS;
  if (p <= 0) return q[0];
  if (p >= 1) return q[q.length - 1];
  let i = 0;
  while (i + 1 < L.length && L[i + 1] <= p) i++;
  if (i + 1 >= L.length) return q[q.length - 1];
  return q[i] + ((q[i + 1] - q[i]) * (p - L[i])) / (L[i + 1] - L[i]);
}

/**
 * The 90th percentile of the processing time of the basis's dossiers that took at least `spent`
 * hours; Infinity when none did (the dossier is open longer than every finished one).
 */
export function conditionalP90(dist: Distribution, spent: number): number {
  const within = spent <= 0 ? 0 : shareWithin(dist.q, spent);
  if (within >= 1) return Number.POSITIVE_INFINITY;
  return Math.max(spent, quantileAt(dist.q, within + 0.9 * (1 - within)));
}

/** The basis of a record: its procedure's distribution when it has enough dossiers, else its field's. */
function basisOf(record: DossierRecord, stats: ForecastStats | null): { dist: Distribution; basis: 'MaTTHC' | 'MaLinhVuc' } | null {
  if (!stats) return null;
  const proc = stats.byProcedure[record.procedureCode];
  if (proc && proc.n >= MIN_BASIS) return { dist: proc, basis: 'MaTTHC' };
  const field = stats.byField[record.fieldCode];
  if (field && field.n >= MIN_BASIS) return { dist: field, basis: 'MaLinhVuc' };
  return null;
}

/**
 * The risk of an open dossier (2, 4, 5, 6, 8) with a due date, at `nowIso`; null for any other.
 * An overdue one is at risk with nothing left (it will finish late).
 */
export function assessRisk(dossier: Pick<StoredDossier, 'record' | 'dueAt'>, stats: ForecastStats | null, nowIso: string): Risk | null {
  const record = dossier.record;
  const due = dossier.dueAt ?? record?.dueAt ?? null;
  if (!record || !OPEN.has(record.status) || !valid(due) || !valid(record.receivedAt)) return null;
  const nowMs = instantMs(nowIso);
  if (Number.isNaN(nowMs) || instantMs(record.receivedAt) > nowMs) return null;
  // A paused dossier's clock stood still when the pause began: judge it there.
  const at = pauseStart(record, nowIso) ?? toVnIso(nowMs);
  const pauses = recordPauses(record, at);
  const spent = workingMinutesBetween(record.receivedAt, at, pauses) / 60;
  const left = workingMinutesBetween(at, due) / 60;
  const found = basisOf(record, stats);
  const overdue = instantMs(at) > instantMs(due);
  if (!found)
    return { atRisk: overdue, p90WorkingHours: null, spentWorkingHours: round1(spent), leftWorkingHours: round1(left), basis: null };
  const p90 = conditionalP90(found.dist, spent);
  return {
    atRisk: overdue || p90 > spent + left,
    p90WorkingHours: Number.isFinite(p90) ? round1(p90) : null,
    spentWorkingHours: round1(spent),
    leftWorkingHours: round1(left),
    basis: found.basis,
  };
}

/**
 * Builds a ward's statistics from its finished dossiers, one at a time: each dossier finished by
 * the clock adds its processing time to its procedure and its field.
 */
export class ForecastStatsBuilder {
  private readonly byProcedure = new Map<string, number[]>();
  private readonly byField = new Map<string, number[]>();
  private readonly clockMs: number;

  constructor(
    private readonly ward: string,
    private readonly computedAt: string,
    private readonly window: { from: string; to: string },
  ) {
    this.clockMs = instantMs(computedAt);
    if (Number.isNaN(this.clockMs)) throw new RangeError(`invalid clock: ${computedAt}`);
  }

  /** Counts a dossier if it finished by the clock. */
  add(dossier: Pick<StoredDossier, 'record' | 'postal'>): void {
    const record = dossier.record;
    if (!record) return;
    const finished = finishingInstant(dossier);
    if (!finished || instantMs(finished) > this.clockMs) return;
    const hours = processingWorkingHours(dossier);
    if (hours === null) return;
    const push = (map: Map<string, number[]>, key: string) => {
      const list = map.get(key);
      if (list) list.push(hours);
      else map.set(key, [hours]);
    };
    push(this.byProcedure, record.procedureCode);
    push(this.byField, record.fieldCode);
  }

  /** The statistics of what was added. */
  build(): ForecastStats {
    const toRecord = (map: Map<string, number[]>) =>
      Object.fromEntries(
        [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, distributionOf(v) as Distribution]),
      );
    return {
      ward: this.ward,
      computedAt: this.computedAt,
      window: this.window,
      byProcedure: toRecord(this.byProcedure),
      byField: toRecord(this.byField),
    };
  }
}

/** The receipt window of statistics computed at `clockIso`: the `STATS_WINDOW_DAYS` Vietnam dates up to the clock's. */
export function statsWindow(clockIso: string): { from: string; to: string } {
  const ms = instantMs(clockIso);
  const day = (d: number) => new Date(d + 7 * 3600e3).toISOString().slice(0, 10);
  return { from: day(ms - (STATS_WINDOW_DAYS - 1) * 86400e3), to: day(ms) };
}

/** Stored statistics fit a clock when computed at most this long before it (never after: no look-ahead). */
export const STATS_FRESH_MS = 2 * 86400e3;

/** True when `stats` were computed within `STATS_FRESH_MS` before `asOf`. */
export function statsFitClock(stats: ForecastStats | null, asOf: string): stats is ForecastStats {
  if (!stats) return false;
  const age = instantMs(asOf) - instantMs(stats.computedAt);
  return age >= 0 && age <= STATS_FRESH_MS;
}

/** Where each ward's statistics are kept between the daily job that computes them and the readers. */
export interface ForecastStatsStore {
  /** The ward's statistics, or null when none were computed yet. */
  getStats(ward: string): Promise<ForecastStats | null>;
  /** Replaces the ward's statistics. */
  putStats(stats: ForecastStats): Promise<void>;
}
