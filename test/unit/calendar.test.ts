import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LEGAL_HOLIDAYS,
  LEGAL_HOLIDAY_YEARS,
  OVERRIDES,
  addWorkingDays,
  dueSoonHorizon,
  isWorkingDay,
  nextWorkingDay,
  nonWorkingReason,
  overdueWorkingDays,
  previousWorkingDay,
  workingMinutesBetween,
} from '../../functions/core/calendar';
import { FIRST_YEAR, LAST_YEAR, buildLegalHolidays, renderModule } from '../../functions/core/calendar/holiday-table';

const GENERATED = join(__dirname, '../../functions/core/calendar/holidays.generated.ts');
const GENERATOR = join(__dirname, '../../functions/core/calendar/generate-holidays.ts');

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

describe('legal holidays table', () => {
  // date-holidays computes lunar dates astronomically, several times slower inside jest's module
  // sandbox than in plain node: run the generator itself once, in a child process.
  let fresh: { table: Record<string, string>; firstDays: string[]; module: string };
  beforeAll(() => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', GENERATOR, '--json'], { encoding: 'utf8' });
    fresh = JSON.parse(out);
  });

  it('is exactly what the generator computes from date-holidays today', () => {
    // Prepare
    const expected = fresh.module;

    // Act
    const committed = readFileSync(GENERATED, 'utf8');

    // Assess
    expect(committed).toBe(expected);
    expect(LEGAL_HOLIDAYS).toEqual(fresh.table);
    expect(LEGAL_HOLIDAY_YEARS).toEqual({ first: FIRST_YEAR, last: LAST_YEAR });
  });

  it('holds the first day of every public holiday date-holidays knows for 2023–2027', () => {
    // Prepare
    const firstDays = fresh.firstDays;

    // Act
    const missing = firstDays.filter((d) => !(d in LEGAL_HOLIDAYS));

    // Assess
    expect(firstDays).toHaveLength(7 * 5); // 1/1, Tết's eve and day, Hùng Kings, 30/4, 1/5, 2/9
    expect(missing).toEqual([]);
  });

  it('spreads a multi-day rule over its days and keeps the first day names', () => {
    // Prepare: the shape date-holidays gives Tết 2024 (eve plus four days) and its first day.
    const vnMidnight = (date: string) => new Date(`${date}T00:00:00+07:00`);
    const raw = [
      {
        date: '2024-02-09 00:00:00',
        start: vnMidnight('2024-02-09'),
        end: vnMidnight('2024-02-14'),
        name: 'Giao thừa Tết Nguyên Đán 1 day before',
      },
      { date: '2024-02-10 00:00:00', start: vnMidnight('2024-02-10'), end: vnMidnight('2024-02-11'), name: 'Tết Nguyên Đán' },
      { date: '2025-01-01 00:00:00', start: vnMidnight('2025-01-01'), end: vnMidnight('2025-01-02'), name: 'Tết Dương lịch' },
    ];

    // Act
    const table = buildLegalHolidays(raw, 2024, 2024);

    // Assess
    expect(table).toEqual({
      '2024-02-09': 'Giao thừa Tết Nguyên Đán',
      '2024-02-10': 'Tết Nguyên Đán',
      '2024-02-11': 'Tết Nguyên Đán',
      '2024-02-12': 'Tết Nguyên Đán',
      '2024-02-13': 'Tết Nguyên Đán',
    });
    expect(renderModule(table)).toContain("  '2024-02-09': 'Giao thừa Tết Nguyên Đán',\n");
  });

  it.each([
    ['2024-02-10', 'Tết Nguyên Đán'],
    ['2024-02-09', 'Giao thừa Tết Nguyên Đán'],
    ['2024-02-13', 'Tết Nguyên Đán'],
    ['2025-04-07', 'Giỗ tổ Hùng Vương'],
    ['2023-04-29', 'Giỗ tổ Hùng Vương'],
    ['2026-02-17', 'Tết Nguyên Đán'],
    ['2027-09-02', 'Quốc khánh'],
  ])('names %s %s', (date, name) => {
    // Prepare
    const key = date;

    // Act
    const found = LEGAL_HOLIDAYS[key];

    // Assess
    expect(found).toBe(name);
  });
});

describe('runtime modules', () => {
  it.each(['index.ts', 'calendar.ts', 'overrides.ts', 'holidays.generated.ts', 'holiday-table.ts'])(
    '%s does not load date-holidays (1.45 MB in a Lambda bundle)',
    (file) => {
      // Prepare
      const source = readFileSync(join(__dirname, '../../functions/core/calendar', file), 'utf8');

      // Act
      const imports = source.match(/from '[^']+'|require\('[^']+'\)/g) ?? [];

      // Assess
      expect(imports.filter((i) => i.includes('date-holidays') || i.includes('generate-holidays'))).toEqual([]);
    },
  );
});

describe('override table', () => {
  it('lists each date once, in order, within the covered years', () => {
    // Prepare
    const dates = OVERRIDES.map((o) => o.date);

    // Act
    const sorted = [...dates].sort();

    // Assess
    expect(dates).toEqual(sorted);
    expect(new Set(dates).size).toBe(dates.length);
    for (const year of [2023, 2024, 2025, 2026, 2027]) expect(dates.some((d) => d.startsWith(String(year)))).toBe(true);
  });

  it.each(OVERRIDES.map((o) => [o.date, o.kind, o] as const))('%s (%s) changes the calendar and says why', (date, kind, override) => {
    // Prepare
    const day = weekday(date);

    // Act
    const weekend = day === 0 || day === 6;

    // Assess
    if (kind === 'off') {
      expect(weekend).toBe(false);
      expect(date in LEGAL_HOLIDAYS).toBe(false);
    } else {
      expect(weekend).toBe(true);
    }
    expect(override.reason.length).toBeGreaterThan(10);
    expect(override.source.length).toBeGreaterThan(10);
    if (date.startsWith('2027')) expect(override.source).toContain('dự kiến');
  });
});

describe('isWorkingDay', () => {
  it.each([
    ['2024-04-01', true, 'an ordinary Monday'],
    ['2024-04-06', false, 'a Saturday'],
    ['2024-04-07', false, 'a Sunday'],
    ['2024-02-10', false, 'Tết 2024 (legal holiday)'],
    ['2024-02-08', false, 'Tết 2024, 29 tháng Chạp (decreed)'],
    ['2024-02-14', false, 'Tết 2024, mùng 5 (decreed)'],
    ['2024-02-15', true, 'the first working day after Tết 2024'],
    ['2025-04-07', false, 'Hùng Kings 2025'],
    ['2024-04-18', false, 'Hùng Kings 2024'],
    ['2024-04-19', true, 'the Friday after Hùng Kings 2024'],
    ['2024-04-29', false, 'the Monday swapped off in 2024'],
    ['2024-05-04', true, 'the Saturday worked in exchange in 2024'],
    ['2023-01-02', false, 'compensation for New Year 2023 on a Sunday'],
    ['2023-01-20', false, 'Tết 2023, 29 tháng Chạp'],
    ['2023-05-02', false, 'compensation for Hùng Kings 2023 on a Saturday'],
    ['2023-05-03', false, 'compensation for 30/4/2023 on a Sunday'],
    ['2023-05-06', false, 'no working Saturday in 2023'],
    ['2023-09-01', false, 'National Day 2023, adjacent day'],
    ['2023-09-04', false, 'compensation for National Day 2023 on a Saturday'],
    ['2024-09-03', false, 'National Day 2024, adjacent day'],
    ['2025-01-27', false, 'Tết 2025, 28 tháng Chạp'],
    ['2025-02-03', true, 'the first working day after Tết 2025'],
    ['2025-04-26', true, 'the Saturday worked in 2025'],
    ['2025-05-02', false, 'the Friday swapped off in 2025'],
    ['2025-09-01', false, 'National Day 2025, adjacent day'],
    ['2026-01-02', false, 'the Friday swapped off for New Year 2026'],
    ['2026-01-10', true, 'the Saturday worked for New Year 2026'],
    ['2026-02-20', false, 'Tết 2026'],
    ['2026-02-23', true, 'the first working day after Tết 2026'],
    ['2026-04-27', false, 'compensation for Hùng Kings 2026 on a Sunday'],
    ['2027-02-11', false, 'projected compensation for Tết 2027'],
    ['2028-05-01', false, 'a solar holiday beyond the table'],
    ['2028-09-01', true, 'a Friday beyond the table'],
  ])('%s is working: %s (%s)', (date, expected) => {
    // Prepare
    const day = date;

    // Act
    const working = isWorkingDay(day);

    // Assess
    expect(working).toBe(expected);
  });

  it.each(['2024-02-30', '2024/02/10', '24-02-10', ''])('rejects %j', (date) => {
    // Prepare
    const call = () => isWorkingDay(date);

    // Act / Assess
    expect(call).toThrow(RangeError);
  });

  it.each<[string, string | null]>([
    ['2024-02-10', 'Tết Nguyên Đán'],
    ['2024-05-04', null],
    ['2024-04-29', 'Hoán đổi ngày làm việc dịp 30/4–1/5 (làm bù thứ Bảy 04/5/2024)'],
    ['2024-04-07', 'Chủ nhật'],
    ['2024-04-06', 'Thứ Bảy'],
  ])('explains %s as %j', (date, reason) => {
    // Prepare
    const day = date;

    // Act
    const why = nonWorkingReason(day);

    // Assess
    expect(why).toBe(reason);
  });
});

describe('nextWorkingDay / previousWorkingDay', () => {
  it.each([
    ['2024-04-01', '2024-04-02'],
    ['2024-04-05', '2024-04-08'],
    ['2024-04-26', '2024-05-02'],
    ['2024-02-07', '2024-02-15'],
    ['2024-05-03', '2024-05-04'],
    ['2024-05-04', '2024-05-06'],
    ['2025-01-24', '2025-02-03'],
  ])('after %s comes %s', (date, next) => {
    // Prepare
    const day = date;

    // Act
    const found = nextWorkingDay(day);

    // Assess
    expect(found).toBe(next);
  });

  it.each([
    ['2024-04-02', '2024-04-01'],
    ['2024-04-08', '2024-04-05'],
    ['2024-05-02', '2024-04-26'],
    ['2024-02-15', '2024-02-07'],
    ['2024-05-06', '2024-05-04'],
  ])('before %s comes %s', (date, previous) => {
    // Prepare
    const day = date;

    // Act
    const found = previousWorkingDay(day);

    // Assess
    expect(found).toBe(previous);
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2024-04-01T08:15:00+07:00', 2, '2024-04-03T08:15:00+07:00', 'two days from a Monday morning'],
    ['2024-04-01T07:00:00+07:00', 1, '2024-04-01T17:00:00+07:00', 'a full day ends at 17:00, not next morning'],
    ['2024-04-01T07:00:00+07:00', 0.5, '2024-04-01T11:00:00+07:00', 'half a day is four hours'],
    ['2024-04-01T07:00:00+07:00', 0.5625, '2024-04-01T11:30:00+07:00', 'the whole morning ends at 11:30, not 13:30'],
    ['2024-04-01T12:00:00+07:00', 0.5, '2024-04-02T07:30:00+07:00', 'received at lunch: counts from 13:30'],
    ['2024-04-01T17:30:00+07:00', 1, '2024-04-02T17:00:00+07:00', 'received after 17:00: counts from the next day'],
    ['2024-04-01T06:00:00+07:00', 1, '2024-04-01T17:00:00+07:00', 'received before opening'],
    ['2024-04-06T10:00:00+07:00', 1, '2024-04-08T17:00:00+07:00', 'received on a Saturday'],
    ['2024-04-26T18:00:00+07:00', 1, '2024-05-02T17:00:00+07:00', 'across the 30/4 break and its swapped Monday'],
    ['2024-02-07T10:00:00+07:00', 1, '2024-02-15T10:00:00+07:00', 'across Tết 2024'],
    ['2024-05-03T09:00:00+07:00', 1, '2024-05-04T09:00:00+07:00', 'into the working Saturday'],
    ['2024-04-01T10:00:00+07:00', 0.25, '2024-04-01T14:00:00+07:00', 'a quarter day skips lunch'],
    ['2024-04-06T10:00:00+07:00', 0, '2024-04-08T07:00:00+07:00', 'zero days from a Saturday is Monday 07:00'],
    ['2024-04-01T10:00:00+07:00', 0, '2024-04-01T10:00:00+07:00', 'zero days in working hours is the start'],
    ['2024-04-01T01:15:00Z', 2, '2024-04-03T08:15:00+07:00', 'a UTC start is read as the same instant'],
  ])('%s + %s days = %s (%s)', (start, days, expected) => {
    // Prepare
    const from = start;

    // Act
    const due = addWorkingDays(from, days);

    // Assess
    expect(due).toBe(expected);
  });

  it.each([
    [[{ from: '2024-04-02T00:00:00+07:00', to: '2024-04-03T00:00:00+07:00' }], '2024-04-04T08:00:00+07:00', 'a paused Tuesday'],
    [
      [{ from: '2024-04-01T18:00:00+07:00', to: '2024-04-02T06:00:00+07:00' }],
      '2024-04-03T08:00:00+07:00',
      'a pause outside working hours',
    ],
    [[{ from: '2024-04-01T09:00:00+07:00', to: '2024-04-01T10:00:00+07:00' }], '2024-04-03T09:00:00+07:00', 'a one-hour pause'],
    [
      [
        { from: '2024-04-01T09:00:00+07:00', to: '2024-04-01T10:00:00+07:00' },
        { from: '2024-04-01T09:30:00+07:00', to: '2024-04-01T10:00:00+07:00' },
      ],
      '2024-04-03T09:00:00+07:00',
      'overlapping pauses count once',
    ],
    [[{ from: '2024-04-01T10:00:00+07:00', to: '2024-04-01T09:00:00+07:00' }], '2024-04-03T08:00:00+07:00', 'an inverted pause is ignored'],
  ])('pauses %j push the due date to %s (%s)', (pauses, expected) => {
    // Prepare
    const start = '2024-04-01T08:00:00+07:00';

    // Act
    const due = addWorkingDays(start, 2, pauses);

    // Assess
    expect(due).toBe(expected);
  });

  it.each([
    ['2024-04-01T08:00:00+07:00', -1],
    ['2024-04-01T08:00:00+07:00', Number.NaN],
    ['2024-04-01T08:00:00+07:00', 1e9],
    ['2024-04-01 08:00', 1],
  ])('rejects start %j with %s days', (start, days) => {
    // Prepare
    const call = () => addWorkingDays(start, days);

    // Act / Assess
    expect(call).toThrow(RangeError);
  });
});

describe('workingMinutesBetween', () => {
  it.each([
    ['2024-04-01T08:00:00+07:00', '2024-04-01T10:00:00+07:00', 120, 'two morning hours'],
    ['2024-04-01T11:00:00+07:00', '2024-04-01T14:00:00+07:00', 60, 'lunch does not count'],
    ['2024-04-05T16:00:00+07:00', '2024-04-08T08:00:00+07:00', 120, 'the weekend does not count'],
    ['2024-04-01T07:00:00+07:00', '2024-04-02T07:00:00+07:00', 480, 'one working day'],
    ['2024-04-01T10:00:00+07:00', '2024-04-01T10:00:00+07:00', 0, 'an empty interval'],
    ['2024-04-01T10:00:00+07:00', '2024-04-01T09:00:00+07:00', 0, 'b before a'],
    ['2024-04-01T08:00:00+07:00', '2024-04-01T08:00:30+07:00', 0.5, 'seconds count as fractions'],
  ])('[%s, %s) = %s minutes (%s)', (a, b, expected) => {
    // Prepare
    const from = a;

    // Act
    const minutes = workingMinutesBetween(from, b);

    // Assess
    expect(minutes).toBe(expected);
  });

  it('leaves paused time out', () => {
    // Prepare
    const pauses = [{ from: '2024-04-01T09:00:00+07:00', to: '2024-04-01T13:00:00+07:00' }];

    // Act
    const minutes = workingMinutesBetween('2024-04-01T07:00:00+07:00', '2024-04-01T17:00:00+07:00', pauses);

    // Assess
    expect(minutes).toBe(480 - 150);
  });
});

describe('overdueWorkingDays', () => {
  it.each([
    ['2024-04-01T17:00:00+07:00', '2024-04-01T16:00:00+07:00', 0, 'not yet due'],
    ['2024-04-01T17:00:00+07:00', '2024-04-01T17:00:00+07:00', 0, 'exactly at the due instant'],
    ['2024-04-01T17:00:00+07:00', '2024-04-01T17:00:01+07:00', 1, 'one second late is one day late'],
    ['2024-04-01T17:00:00+07:00', '2024-04-02T07:30:00+07:00', 1, 'half an hour into the next day'],
    ['2024-04-01T17:00:00+07:00', '2024-04-02T17:00:00+07:00', 1, 'one full working day'],
    ['2024-04-01T17:00:00+07:00', '2024-04-03T07:00:01+07:00', 2, 'into the second day'],
    ['2024-04-05T17:00:00+07:00', '2024-04-07T12:00:00+07:00', 1, 'late only over a weekend still counts 1'],
    ['2024-04-26T17:00:00+07:00', '2024-05-02T17:00:00+07:00', 1, 'the 30/4 break does not count'],
  ])('due %s, now %s: %s (%s)', (due, now, expected) => {
    // Prepare
    const dueAt = due;

    // Act
    const days = overdueWorkingDays(dueAt, now);

    // Assess
    expect(days).toBe(expected);
  });
});

describe('dueSoonHorizon', () => {
  it.each([
    ['2024-04-01T10:00:00+07:00', '2024-04-02T17:00:00+07:00', 'Monday → Tuesday'],
    ['2024-04-12T10:00:00+07:00', '2024-04-15T17:00:00+07:00', 'Friday → Monday'],
    ['2024-04-13T10:00:00+07:00', '2024-04-15T17:00:00+07:00', 'Saturday → Monday'],
    ['2024-04-30T09:00:00+07:00', '2024-05-02T17:00:00+07:00', 'a holiday → the next working day'],
    ['2024-05-03T09:00:00+07:00', '2024-05-04T17:00:00+07:00', 'Friday → the working Saturday'],
    ['2024-04-01T23:30:00+07:00', '2024-04-02T17:00:00+07:00', 'late evening keeps its own date'],
    ['2024-04-01T18:00:00Z', '2024-04-03T17:00:00+07:00', 'a UTC clock is read on its Vietnam date'],
  ])('clock %s → %s (%s)', (now, expected) => {
    // Prepare
    const clock = now;

    // Act
    const horizon = dueSoonHorizon(clock);

    // Assess
    expect(horizon).toBe(expected);
  });
});
