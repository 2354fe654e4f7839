import fc from 'fast-check';
import { addWorkingDays, isWorkingDay, workingMinutesBetween, type Pause } from '../../functions/core/calendar';
import { instantMs, toVnIso, vnDate } from '../../functions/core/time';

// Each run computes a few due dates over at most ~60 calendar days: 200 runs take a fraction of a second.
const RUNS = { numRuns: 200 };

// Instants (whole seconds) from 2023 to mid-2027, where the holiday tables apply, as ISO strings.
const FROM = Date.UTC(2023, 0, 1) / 1000;
const TO = Date.UTC(2027, 5, 30) / 1000;
const instant = fc.integer({ min: FROM, max: TO }).map((s) => toVnIso(s * 1000));
// Whole and half days, as procedures are counted, up to 40.
const days = fc.integer({ min: 0, max: 80 }).map((n) => n / 2);
// Up to three pauses starting within 20 days of the start, each up to 10 days long.
const pausesAfter = (start: string) =>
  fc
    .array(fc.record({ offset: fc.integer({ min: -86_400, max: 20 * 86_400 }), length: fc.integer({ min: 0, max: 10 * 86_400 }) }), {
      maxLength: 3,
    })
    .map((list): Pause[] =>
      list.map(({ offset, length }) => {
        const from = instantMs(start) + offset * 1000;
        return { from: toVnIso(from), to: toVnIso(from + length * 1000) };
      }),
    );
const startAndPauses = instant.chain((start) => fc.tuple(fc.constant(start), pausesAfter(start)));

/** Minutes since Vietnam midnight, with seconds as a fraction. */
function minuteOfDay(iso: string): number {
  const [h, m, s] = iso.slice(11, 19).split(':').map(Number);
  return h * 60 + m + s / 60;
}

/** On a working day and within 07:00–11:30 or 13:30–17:00, both ends included. */
function inWorkingHours(iso: string): boolean {
  const m = minuteOfDay(iso);
  return isWorkingDay(vnDate(iso)) && ((m >= 420 && m <= 690) || (m >= 810 && m <= 1020));
}

describe('addWorkingDays properties', () => {
  it('counting the working minutes back from the due date gives n × 480', () => {
    // Prepare
    const property = fc.property(instant, days, (start, n) => {
      // Act
      const due = addWorkingDays(start, n);

      // Assess
      expect(workingMinutesBetween(start, due)).toBe(n * 480);
    });

    // Act / Assess
    fc.assert(property, RUNS);
  });

  it('the same holds with pauses, counted back with the same pauses', () => {
    // Prepare
    const property = fc.property(startAndPauses, days, ([start, pauses], n) => {
      // Act
      const due = addWorkingDays(start, n, pauses);

      // Assess
      expect(workingMinutesBetween(start, due, pauses)).toBe(n * 480);
    });

    // Act / Assess
    fc.assert(property, RUNS);
  });

  it('never lands on a non-working day or outside working hours', () => {
    // Prepare
    const property = fc.property(instant, days, (start, n) => {
      // Act
      const due = addWorkingDays(start, n);

      // Assess
      expect(inWorkingHours(due)).toBe(true);
      expect(instantMs(due)).toBeGreaterThanOrEqual(instantMs(start));
      // Only a period end may close a count: 11:30 or 17:00, never the lunch break or the night.
      if (n > 0) expect([420, 810]).not.toContain(minuteOfDay(due));
    });

    // Act / Assess
    fc.assert(property, RUNS);
  });

  it('is monotonic in the number of days', () => {
    // Prepare
    const property = fc.property(instant, days, days, (start, a, b) => {
      const [small, large] = a <= b ? [a, b] : [b, a];

      // Act
      const early = addWorkingDays(start, small);
      const late = addWorkingDays(start, large);

      // Assess
      expect(instantMs(early)).toBeLessThanOrEqual(instantMs(late));
      if (large > small) expect(instantMs(early)).toBeLessThan(instantMs(late));
    });

    // Act / Assess
    fc.assert(property, RUNS);
  });

  it('pauses only ever push the due date later', () => {
    // Prepare
    const property = fc.property(startAndPauses, days, ([start, pauses], n) => {
      // Act
      const plain = addWorkingDays(start, n);
      const paused = addWorkingDays(start, n, pauses);

      // Assess
      expect(instantMs(paused)).toBeGreaterThanOrEqual(instantMs(plain));
    });

    // Act / Assess
    fc.assert(property, RUNS);
  });

  it('a pause that covers no working time changes nothing', () => {
    // Prepare: a pause inside one night, 17:00 to 07:00 the next morning.
    const property = fc.property(instant, days, fc.integer({ min: 0, max: 13 * 3600 }), (start, n, offset) => {
      const closing = instantMs(`${vnDate(start)}T17:00:00+07:00`);
      const opening = closing + 14 * 3600_000; // 07:00 the next morning
      const from = closing + offset * 1000;
      const pauses = [{ from: toVnIso(from), to: toVnIso(Math.min(from + 3600_000, opening)) }];

      // Act
      const due = addWorkingDays(start, n, pauses);

      // Assess
      expect(due).toBe(addWorkingDays(start, n));
    });

    // Act / Assess
    fc.assert(property, RUNS);
  });
});
