/**
 * The generator's own small working-day calendar (Vietnam time, epoch milliseconds). It only has
 * to make due dates look right for 12/2022–05/2024; the pipeline's real calendar lives in
 * `functions/core/calendar/` and is not what this file tests.
 */
const DAY_MS = 86_400_000;
const OFFSET_MS = 7 * 3_600_000;

/** Public holidays (and decreed compensatory days off) that fall on weekdays in the window. */
const HOLIDAYS = new Set([
  '2023-01-02', // New Year (1/1 was a Sunday)
  '2023-01-20',
  '2023-01-23',
  '2023-01-24',
  '2023-01-25',
  '2023-01-26', // Tết Quý Mão
  '2023-05-01',
  '2023-05-02',
  '2023-05-03', // Giỗ Tổ (29/4, a Saturday), 30/4, 1/5
  '2023-09-01',
  '2023-09-04', // Quốc khánh
  '2024-01-01',
  '2024-02-08',
  '2024-02-09',
  '2024-02-12',
  '2024-02-13',
  '2024-02-14', // Tết Giáp Thìn
  '2024-04-18', // Giỗ Tổ Hùng Vương
  '2024-04-29',
  '2024-04-30',
  '2024-05-01',
]);

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date. */
export function dayOfIso(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** `YYYY-MM-DD` of a day number. */
export function isoOfDay(day: number): string {
  const [y, m, d] = civil(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** The Vietnam-time day number of an instant. */
export function dayOf(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS);
}

/** The instant of a Vietnam wall clock on a day. */
export function at(day: number, hour: number, minute = 0, second = 0): number {
  return day * DAY_MS - OFFSET_MS + ((hour * 60 + minute) * 60 + second) * 1000;
}

/** Minutes since Vietnam midnight of an instant. */
export function minuteOfDay(ms: number): number {
  return Math.floor(((ms + OFFSET_MS) % DAY_MS) / 60_000);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(day: number): number {
  return (day + 4) % 7; // 1970-01-01 was a Thursday
}

const HOLIDAY_DAYS = new Set([...HOLIDAYS].map(dayOfIso));

/** Monday to Friday and not a holiday. */
export function isWorkingDay(day: number): boolean {
  const wd = weekday(day);
  return wd !== 0 && wd !== 6 && !HOLIDAY_DAYS.has(day);
}

/** Civil date of a day number (Howard Hinnant's days-to-civil): no Date object on the hot path. */
function civil(day: number): [number, number, number] {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `yyyyMMddHHmmss` in Vietnam time (the portal's and the platforms' format), fast. */
export function compact(ms: number): string {
  const local = Math.floor((ms + OFFSET_MS) / 1000);
  const day = Math.floor(local / 86_400);
  const sec = local - day * 86_400;
  const [y, m, d] = civil(day);
  return `${y}${pad2(m)}${pad2(d)}${pad2(Math.floor(sec / 3600))}${pad2(Math.floor(sec / 60) % 60)}${pad2(sec % 60)}`;
}

/** ISO 8601 with `+07:00`, second precision. */
export function vnIso(ms: number): string {
  const c = compact(ms);
  return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}T${c.slice(8, 10)}:${c.slice(10, 12)}:${c.slice(12, 14)}+07:00`;
}

/** The first working day strictly after `day`. */
export function nextWorkingDay(day: number): number {
  let d = day + 1;
  while (!isWorkingDay(d)) d++;
  return d;
}

/** The last working day strictly before `day`. */
export function previousWorkingDay(day: number): number {
  let d = day - 1;
  while (!isWorkingDay(d)) d--;
  return d;
}

/** The n-th working day after `day` (n = 0 gives `day` itself). */
export function addWorkingDays(day: number, n: number): number {
  let d = day;
  for (let i = 0; i < n; i++) d = nextWorkingDay(d);
  return d;
}

const MORNING = [7 * 60, 11 * 60 + 30];
const AFTERNOON = [13 * 60 + 30, 17 * 60];

/** Inside office hours (07:00–11:30, 13:30–17:00) of a working day. */
export function isWorkingTime(ms: number): boolean {
  if (!isWorkingDay(dayOf(ms))) return false;
  const m = minuteOfDay(ms);
  return (m >= MORNING[0] && m < MORNING[1]) || (m >= AFTERNOON[0] && m < AFTERNOON[1]);
}

/** The next office-hours opening at or after an instant (the instant itself when inside). */
export function nextWorkingTime(ms: number): number {
  if (isWorkingTime(ms)) return ms;
  let day = dayOf(ms);
  const m = minuteOfDay(ms);
  if (isWorkingDay(day)) {
    if (m < MORNING[0]) return at(day, 7);
    if (m >= MORNING[1] && m < AFTERNOON[0]) return at(day, 13, 30);
  }
  day = nextWorkingDay(day);
  return at(day, 7);
}

/** A time inside office hours of `day`, as minutes past midnight in [from, to) (clamped to hours). */
export function officeMinute(u: number, morningShare = 0.6): number {
  // u in [0,1): the first morningShare of it maps onto the morning, the rest onto the afternoon.
  if (u < morningShare) return MORNING[0] + Math.floor((u / morningShare) * (MORNING[1] - MORNING[0]));
  const v = (u - morningShare) / (1 - morningShare);
  return AFTERNOON[0] + Math.floor(v * (AFTERNOON[1] - AFTERNOON[0]));
}
