/**
 * The dashboard's periods (CONTRACT 8): which dates of receipt the page covers, the previous period
 * it is compared with, the twelve months of the trend and the months the page must read. Pure.
 *
 * Choices where the contract is silent (README, "The leaders' dashboard"):
 * - No period given: this month so far (the 1st to today, Vietnam time).
 * - The previous period "of the same length": a whole month, quarter or year is compared with the
 *   one before it (what officials call "kỳ trước"); this month so far with the same days of the
 *   month before (1–15 March against 1–15 February, clamped to that month's end); a custom period
 *   with as many days immediately before it.
 * - Dossiers still open at the start of a period ("kỳ trước chuyển sang") are looked for among
 *   those received in the LOOKBACK_MONTHS months before it, through the receipt index.
 */
import { isIsoDate } from '../report';

/** How the period was chosen. */
export type PeriodKind = 'monthToDate' | 'month' | 'quarter' | 'year' | 'custom';

/** The kinds a request may name in `period` (monthToDate is the default, named by none). */
export const PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;

/** A period of receipt dates (Vietnam time), both ends inclusive. */
export interface DashboardPeriod {
  kind: PeriodKind;
  from: string;
  to: string;
  /** How people say it: "Tháng 3/2024", "Quý I/2024", "Năm 2023", "01/03/2024 – 15/03/2024". */
  label: string;
}

/** The period shown and the one it is compared with. */
export interface PeriodChoice {
  current: DashboardPeriod;
  previous: DashboardPeriod;
}

/** A query parameter that cannot be read: the page answers 400 naming it. */
export class PeriodError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'PeriodError';
  }
}

/** The longest period the page covers (as the report route): a typo must not read decades. */
export const MAX_PERIOD_DAYS = 3 * 366;

/**
 * How far back the page looks for dossiers still open at the start of a period. Two years: a
 * dossier open longer is an anomaly the overdue list shows anyway, and the ward stream (16 months)
 * is read whole, so its figures are exact.
 */
export const LOOKBACK_MONTHS = 24;

/** Months of the trend chart. */
export const TREND_MONTHS = 12;

const ROMAN = ['I', 'II', 'III', 'IV'];
const MONTH = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/i;
const YEAR = /^\d{4}$/;

/** `YYYY-MM-DD` of a UTC date. */
function iso(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

/** The last day of month `m` (1–12) of year `y`. */
function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `dd/MM/yyyy`. */
export function vnDateOf(isoDate: string): string {
  return `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
}

/** Days from `a` to `b` (dates), 0 when equal. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86400e3);
}

/** `date` moved by `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * 86400e3).toISOString().slice(0, 10);
}

/** `YYYY-MM` moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** The months (`YYYY-MM`) from `first` to `last`, both included. */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The first and last date of a month `YYYY-MM`. */
export function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  return { from: iso(y, m, 1), to: iso(y, m, lastDay(y, m)) };
}

/** "Tháng 3/2024". */
export function monthLabel(month: string): string {
  return `Tháng ${Number(month.slice(5, 7))}/${month.slice(0, 4)}`;
}

function period(kind: PeriodKind, from: string, to: string): DashboardPeriod {
  const [y, m] = from.split('-').map(Number);
  let label: string;
  switch (kind) {
    case 'month':
      label = monthLabel(from.slice(0, 7));
      break;
    case 'quarter':
      label = `Quý ${ROMAN[Math.floor((m - 1) / 3)]}/${y}`;
      break;
    case 'year':
      label = `Năm ${y}`;
      break;
    case 'monthToDate':
      label = `${monthLabel(from.slice(0, 7))} (${vnDateOf(from)} – ${vnDateOf(to)})`;
      break;
    default:
      label = `${vnDateOf(from)} – ${vnDateOf(to)}`;
  }
  return { kind, from, to, label };
}

function monthPeriod(y: number, m: number): DashboardPeriod {
  return period('month', iso(y, m, 1), iso(y, m, lastDay(y, m)));
}

function quarterPeriod(y: number, q: number): DashboardPeriod {
  return period('quarter', iso(y, 3 * q - 2, 1), iso(y, 3 * q, lastDay(y, 3 * q)));
}

function yearPeriod(y: number): DashboardPeriod {
  return period('year', iso(y, 1, 1), iso(y, 12, 31));
}

/** The previous period of the same length (see the header). */
export function previousOf(p: DashboardPeriod): DashboardPeriod {
  const [y, m] = p.from.split('-').map(Number);
  switch (p.kind) {
    case 'month':
      return m === 1 ? monthPeriod(y - 1, 12) : monthPeriod(y, m - 1);
    case 'quarter': {
      const q = Math.floor((m - 1) / 3) + 1;
      return q === 1 ? quarterPeriod(y - 1, 4) : quarterPeriod(y, q - 1);
    }
    case 'year':
      return yearPeriod(y - 1);
    case 'monthToDate': {
      const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
      const day = Math.min(Number(p.to.slice(8, 10)), lastDay(py, pm));
      return period('custom', iso(py, pm, 1), iso(py, pm, day));
    }
    default: {
      const days = daysBetween(p.from, p.to) + 1;
      return period('custom', addDays(p.from, -days), addDays(p.from, -1));
    }
  }
}

const yearOk = (y: number) => y >= 2000 && y <= 2999;

/**
 * The period a query asks for: `period=month&month=YYYY-MM`, `period=quarter&quarter=YYYY-Qn`,
 * `period=year&year=YYYY`, `period=custom&from&to` (or `from` and `to` alone); nothing: this month
 * so far. `today` is the Vietnam date of the page's clock. Throws `PeriodError` naming the field.
 */
export function choosePeriod(query: Readonly<Record<string, string | undefined>>, today: string): PeriodChoice {
  const kind = query.period?.trim() || (query.from || query.to ? 'custom' : '');
  let current: DashboardPeriod;
  if (kind === '') {
    current = period('monthToDate', `${today.slice(0, 7)}-01`, today);
  } else if (kind === 'month') {
    const m = MONTH.exec(query.month?.trim() ?? '');
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || !yearOk(Number(m[1]))) {
      throw new PeriodError('month', 'expected a month YYYY-MM (e.g. 2024-03)');
    }
    current = monthPeriod(Number(m[1]), Number(m[2]));
  } else if (kind === 'quarter') {
    const q = QUARTER.exec(query.quarter?.trim() ?? '');
    if (!q || !yearOk(Number(q[1]))) throw new PeriodError('quarter', 'expected a quarter YYYY-Qn (e.g. 2024-Q1)');
    current = quarterPeriod(Number(q[1]), Number(q[2]));
  } else if (kind === 'year') {
    const y = query.year?.trim() ?? '';
    if (!YEAR.test(y) || !yearOk(Number(y))) throw new PeriodError('year', 'expected a year YYYY (e.g. 2023)');
    current = yearPeriod(Number(y));
  } else if (kind === 'custom') {
    const from = query.from?.trim() ?? '';
    const to = query.to?.trim() ?? '';
    if (!isIsoDate(from) || !yearOk(Number(from.slice(0, 4)))) throw new PeriodError('from', 'expected a date YYYY-MM-DD');
    if (!isIsoDate(to) || !yearOk(Number(to.slice(0, 4)))) throw new PeriodError('to', 'expected a date YYYY-MM-DD');
    if (from > to) throw new PeriodError('to', 'must not be before from');
    if (daysBetween(from, to) > MAX_PERIOD_DAYS) throw new PeriodError('to', `the period may span at most ${MAX_PERIOD_DAYS} days`);
    current = period('custom', from, to);
  } else {
    throw new PeriodError('period', `expected one of ${PERIOD_KINDS.join(', ')}`);
  }
  return { current, previous: previousOf(current) };
}

/** The months of the trend: the TREND_MONTHS months ending with the period's last month (not after `today`). */
export function trendMonths(p: DashboardPeriod, today: string): string[] {
  const last = (p.to < today ? p.to : today).slice(0, 7);
  return monthRange(addMonths(last, 1 - TREND_MONTHS), last);
}

/**
 * The receipt months the page reads: from LOOKBACK_MONTHS before the period (or the previous
 * period's start, if earlier) to the period's last month, never after `today`'s month.
 */
export function monthsToRead(choice: PeriodChoice, today: string): string[] {
  const lookback = addMonths(choice.current.from.slice(0, 7), -LOOKBACK_MONTHS);
  const first = [choice.previous.from.slice(0, 7), lookback].sort()[0];
  const last = [choice.current.to.slice(0, 7), today.slice(0, 7)].sort()[0];
  return last < first ? [] : monthRange(first, last);
}
