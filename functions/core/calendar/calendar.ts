/**
 * The working-day calendar of a ward's one-stop desk: which days are worked, and how processing
 * time counted in working days turns into a due instant.
 *
 * - A day is worked Monday to Friday, unless it is a legal holiday (`holidays.generated.ts`) or a
 *   decreed day off (`overrides.ts`); a decreed working Saturday is worked. A decree beats the
 *   algorithm: an override wins over both the weekend and the legal table.
 * - Working hours are 07:00–11:30 and 13:30–17:00 Vietnam time: 8 hours, 480 minutes make one
 *   working day, so half a day is 4 hours.
 * - Outside 2023–2027 (the years the tables cover) only weekends and the four solar holidays
 *   (1/1, 30/4, 1/5, 2/9) are known: the lunar ones need the generator, which Lambdas must not load.
 *
 * Every function takes and returns ISO 8601 instants; results are in Vietnam time (`+07:00`).
 */
import { instantMs, toVnIso } from '../time';
import { LEGAL_HOLIDAY_YEARS, LEGAL_HOLIDAYS } from './holidays.generated';
import { OVERRIDES, type CalendarOverride } from './overrides';

/** An interval during which the processing clock stood still (statuses 5, 6, 8). */
export interface Pause {
  from: string;
  to: string;
}

/** Working minutes in one working day (07:00–11:30 and 13:30–17:00). */
export const WORKING_MINUTES_PER_DAY = 480;

/** The two working periods of a day, as [hour, minute] pairs of start and end. */
const PERIODS: ReadonlyArray<readonly [number, number, number, number]> = [
  [7, 0, 11, 30],
  [13, 30, 17, 0],
];

const DAY_MS = 24 * 3600 * 1000;
// Guards the loops against a runaway pause or a nonsense day count: no procedure takes years.
const MAX_DAYS = 3650;
const MAX_SPAN_MS = 50 * 365 * DAY_MS;
const SOLAR_HOLIDAYS = new Set(['01-01', '04-30', '05-01', '09-02']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const OVERRIDE_BY_DATE: ReadonlyMap<string, CalendarOverride> = new Map(OVERRIDES.map((o) => [o.date, o]));

// The loops below walk day numbers rather than time.ts's `YYYY-MM-DD` strings: same arithmetic
// (Vietnam is UTC+7 all year), without a Date and a string per step.
const OFFSET_MS = 7 * 3600 * 1000;

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date; RangeError when it is not a date. */
function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`no such date: ${date}`);
  return ms / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of the Vietnam-time date of an instant. */
function vnDay(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS);
}

/** Epoch ms of a Vietnam wall-clock time on a day number. */
function wallClock(day: number, hour: number, minute: number): number {
  return day * DAY_MS - OFFSET_MS + (hour * 60 + minute) * 60_000;
}

function parseInstant(iso: string, what: string): number {
  const ms = instantMs(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO 8601 instant with an offset: ${iso}`);
  return ms;
}

function isLegalHoliday(date: string): boolean {
  const year = Number(date.slice(0, 4));
  if (year >= LEGAL_HOLIDAY_YEARS.first && year <= LEGAL_HOLIDAY_YEARS.last) return date in LEGAL_HOLIDAYS;
  return SOLAR_HOLIDAYS.has(date.slice(5));
}

// The due-date loops ask about the same few hundred days over and over: remember the answers.
const workingByDay = new Map<number, boolean>();

function isWorkingDayNumber(day: number): boolean {
  let working = workingByDay.get(day);
  if (working === undefined) {
    const date = dateOf(day);
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const override = OVERRIDE_BY_DATE.get(date);
    if (override) working = override.kind === 'work';
    else working = !isLegalHoliday(date) && weekday !== 0 && weekday !== 6;
    workingByDay.set(day, working);
  }
  return working;
}

/** True when the desk works on this Vietnam-time date (`YYYY-MM-DD`). */
export function isWorkingDay(date: string): boolean {
  return isWorkingDayNumber(dayNumber(date));
}

/** Why a date is not worked (holiday name, decree reason, or the weekend); null on a working day. */
export function nonWorkingReason(date: string): string | null {
  if (isWorkingDay(date)) return null;
  const override = OVERRIDE_BY_DATE.get(date);
  if (override) return override.reason;
  if (date in LEGAL_HOLIDAYS) return LEGAL_HOLIDAYS[date];
  if (isLegalHoliday(date)) return 'Ngày lễ';
  return (((dayNumber(date) + 4) % 7) + 7) % 7 === 0 ? 'Chủ nhật' : 'Thứ Bảy';
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: string): string {
  let day = dayNumber(date) + 1;
  while (!isWorkingDayNumber(day)) day++;
  return dateOf(day);
}

/** The last working day strictly before `date`. */
export function previousWorkingDay(date: string): string {
  let day = dayNumber(date) - 1;
  while (!isWorkingDayNumber(day)) day--;
  return dateOf(day);
}

/**
 * Working periods [start, end) in epoch ms from `fromMs` on, the first one clipped to start there,
 * up to the day of `untilMs` when given. A search with no end of its own (a due date behind
 * endless pauses) gives up after 50 years; one with an end walks to it, however far (a clock 75
 * years past a due date is a typo to show, not an error).
 */
function* workingPeriods(fromMs: number, untilMs = Infinity): Generator<[number, number]> {
  const bounded = Number.isFinite(untilMs);
  const lastDay = vnDay(bounded ? untilMs : fromMs + MAX_SPAN_MS);
  for (let day = vnDay(fromMs); ; day++) {
    if (day > lastDay) {
      if (bounded) return;
      throw new RangeError('no working time left within 50 years: check the pauses');
    }
    if (!isWorkingDayNumber(day)) continue;
    for (const [h1, m1, h2, m2] of PERIODS) {
      const start = wallClock(day, h1, m1);
      const end = wallClock(day, h2, m2);
      if (end <= fromMs) continue;
      yield [Math.max(start, fromMs), end];
    }
  }
}

/** Pauses as sorted, merged [from, to) epoch-ms intervals; empty ones dropped. */
function mergePauses(pauses: readonly Pause[] = []): Array<[number, number]> {
  const raw = pauses
    .map((p): [number, number] => [parseInstant(p.from, 'pause.from'), parseInstant(p.to, 'pause.to')])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of raw) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** The working time from `fromMs` on that no pause covers, as [start, end) segments in order. */
function* runningTime(fromMs: number, pauses: readonly Pause[] | undefined, untilMs?: number): Generator<[number, number]> {
  const merged = mergePauses(pauses);
  let i = 0;
  for (const [start, end] of workingPeriods(fromMs, untilMs)) {
    while (i < merged.length && merged[i][1] <= start) i++;
    let cursor = start;
    for (let j = i; j < merged.length && merged[j][0] < end; j++) {
      if (merged[j][0] > cursor) yield [cursor, merged[j][0]];
      cursor = Math.max(cursor, merged[j][1]);
      if (cursor >= end) break;
    }
    if (cursor < end) yield [cursor, end];
  }
}

/**
 * The due instant `days` working days (× 480 working minutes, fractions allowed) after `startIso`,
 * not counting paused time; a start outside working hours counts from the next working period.
 */
export function addWorkingDays(startIso: string, days: number, pauses?: readonly Pause[]): string {
  const startMs = parseInstant(startIso, 'start');
  if (!Number.isFinite(days) || days < 0 || days > MAX_DAYS) throw new RangeError(`working days out of range: ${days}`);
  // Whole seconds: the pipeline's instants have second precision, so the due date stays exact.
  let remaining = Math.round(days * WORKING_MINUTES_PER_DAY * 60) * 1000;
  for (const [start, end] of runningTime(startMs, pauses)) {
    // Zero days is the first instant the clock runs, never a Sunday or a lunch break.
    if (remaining === 0) return toVnIso(start);
    // Ending exactly at a period's end gives 11:30 or 17:00, not the start of the next period.
    if (remaining <= end - start) return toVnIso(start + remaining);
    remaining -= end - start;
  }
  throw new Error('unreachable: working time never runs out');
}

/** Working minutes in [aIso, bIso) not covered by a pause; 0 when b ≤ a (may be fractional). */
export function workingMinutesBetween(aIso: string, bIso: string, pauses?: readonly Pause[]): number {
  const a = parseInstant(aIso, 'a');
  const b = parseInstant(bIso, 'b');
  if (b <= a) return 0;
  let total = 0;
  for (const [start, end] of runningTime(a, pauses, b)) {
    if (start >= b) break;
    total += Math.min(end, b) - start;
  }
  return total / 60_000;
}

/** Working days a dossier is past due: ceil(working minutes since due / 480), at least 1 once past due. */
export function overdueWorkingDays(dueIso: string, nowIso: string): number {
  const due = parseInstant(dueIso, 'due');
  const now = parseInstant(nowIso, 'now');
  if (now <= due) return 0;
  return Math.max(1, Math.ceil(workingMinutesBetween(dueIso, nowIso) / WORKING_MINUTES_PER_DAY));
}

/**
 * The due-soon horizon of CONTRACT 6 as an ISO instant (`+07:00`): 17:00 Vietnam time of the first
 * working day after the clock's Vietnam date. A dossier due at or before it is due soon.
 */
export function dueSoonHorizon(nowIso: string): string {
  let day = vnDay(parseInstant(nowIso, 'now')) + 1;
  while (!isWorkingDayNumber(day)) day++;
  return toVnIso(wallClock(day, 17, 0));
}
