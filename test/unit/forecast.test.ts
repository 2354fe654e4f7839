import fc from 'fast-check';
import {
  assessRisk,
  conditionalP90,
  distributionOf,
  ForecastStatsBuilder,
  MIN_BASIS,
  processingWorkingHours,
  QUANTILE_LEVELS,
  quantiles,
  recordPauses,
  statsFitClock,
  statsWindow,
  type ForecastStats,
} from '../../functions/core/forecast';
import type { StoredDossier } from '../../functions/core/ports';
import { record } from '../fixtures/records';
import type { DossierRecord } from '../../functions/core/types';

const stored = (rec: DossierRecord): StoredDossier => ({
  key: 'K',
  code: rec.code,
  dueAt: rec.dueAt,
  record: rec,
  payments: [],
  postal: [],
  alerts: { overdue: null, soon: null },
});

/** Statistics with one procedure (P) of `hours` and one field (F) of `fieldHours`. */
function stats(hours: number[], fieldHours: number[] = hours): ForecastStats {
  return {
    ward: '000.00.12.H57',
    computedAt: '2024-04-01T07:30:00+07:00',
    window: { from: '2023-04-03', to: '2024-04-01' },
    byProcedure: hours.length ? { P: distributionOf(hours)! } : {},
    byField: fieldHours.length ? { F: distributionOf(fieldHours)! } : {},
  };
}

describe('quantiles and the conditional 90th percentile', () => {
  it('keeps 29 levels, every 5 % to 85 % then every 1 %, interpolated between order statistics', () => {
    // Act
    const q = quantiles(Array.from({ length: 101 }, (_, i) => i));

    // Assess
    expect(QUANTILE_LEVELS).toHaveLength(29);
    expect(q).toEqual(QUANTILE_LEVELS.map((p) => Math.round(p * 100 * 100) / 100));
  });

  it('is the plain 90th percentile for a dossier that has spent nothing, and grows with the time spent', () => {
    // Prepare
    const dist = distributionOf(Array.from({ length: 101 }, (_, i) => i))!;

    // Act
    const atStart = conditionalP90(dist, 0);
    const later = conditionalP90(dist, 50);
    const beyond = conditionalP90(dist, 150);

    // Assess
    expect(atStart).toBeCloseTo(90, 6);
    expect(later).toBeCloseTo(95, 6); // of those still open after 50 h (50..100), the 90th percentile
    expect(beyond).toBe(Number.POSITIVE_INFINITY);
  });

  it('never falls below the time already spent nor the plain 90th percentile (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (hours, spent) => {
          // Act
          const dist = distributionOf(hours)!;
          const p90 = conditionalP90(dist, spent);

          // Assess
          expect(p90).toBeGreaterThanOrEqual(spent);
          expect(p90).toBeGreaterThanOrEqual(conditionalP90(dist, 0) - 1e-9);
        },
      ),
    );
  });
});

describe('processing time and pauses', () => {
  it('counts working hours from receipt to finish, the supplement pause excluded', () => {
    // Prepare: Mon 1 April 07:00 → Wed 3 April 17:00 is 24 working hours; Tue 07:00–17:00 paused (8 h)
    const rec = record({
      status: 10,
      receivedAt: '2024-04-01T07:00:00+07:00',
      finishedAt: '2024-04-03T17:00:00+07:00',
      supplements: [
        { requestedAt: '2024-04-02T07:00:00+07:00', suppliedAt: '2024-04-02T17:00:00+07:00', previousDueAt: null, newDueAt: null },
      ],
    });

    // Act
    const hours = processingWorkingHours(stored(rec));

    // Assess
    expect(hours).toBe(16);
  });

  it('keeps a paused status in force from the record’s last change, and an unanswered supplement request open', () => {
    // Prepare
    const waiting = record({
      status: 5,
      updatedAt: '2024-04-02T09:00:00+07:00',
      supplements: [{ requestedAt: '2024-04-02T08:00:00+07:00', suppliedAt: null, previousDueAt: null, newDueAt: null }],
    });
    const paying = record({ status: 6, updatedAt: '2024-04-02T09:00:00+07:00' });

    // Act
    const a = recordPauses(waiting, '2024-04-05T09:00:00+07:00');
    const b = recordPauses(paying, '2024-04-05T09:00:00+07:00');

    // Assess
    expect(a).toEqual([{ from: '2024-04-02T08:00:00+07:00', to: '2024-04-05T09:00:00+07:00' }]);
    expect(b).toEqual([{ from: '2024-04-02T09:00:00+07:00', to: '2024-04-05T09:00:00+07:00' }]);
  });
});

describe('assessRisk', () => {
  const open = (over: Partial<DossierRecord> = {}) =>
    stored(
      record({
        procedureCode: 'P',
        fieldCode: 'F',
        status: 4,
        receivedAt: '2024-04-01T07:00:00+07:00',
        dueAt: '2024-04-03T17:00:00+07:00',
        ...over,
      }),
    );
  const slow = Array.from({ length: MIN_BASIS }, (_, i) => 30 + i); // 30..49 working hours

  it.each<[string, ForecastStats | null, Partial<DossierRecord>, string, object]>([
    [
      'at risk: its procedure takes 30–49 h, it has 24 h in all',
      stats(slow),
      {},
      '2024-04-02T07:00:00+07:00',
      { atRisk: true, basis: 'MaTTHC', spentWorkingHours: 8, leftWorkingHours: 16 },
    ],
    [
      'not at risk: its procedure takes 3–5 h',
      stats(Array.from({ length: MIN_BASIS }, (_, i) => 3 + (i % 3))),
      {},
      '2024-04-01T08:00:00+07:00',
      { atRisk: false, basis: 'MaTTHC', spentWorkingHours: 1, leftWorkingHours: 23 },
    ],
    [
      'the field when the procedure has fewer than 20',
      stats(slow.slice(0, MIN_BASIS - 1), slow),
      {},
      '2024-04-02T07:00:00+07:00',
      { atRisk: true, basis: 'MaLinhVuc' },
    ],
    [
      'no basis: no forecast',
      stats(slow.slice(0, 5)),
      {},
      '2024-04-02T07:00:00+07:00',
      { atRisk: false, basis: null, p90WorkingHours: null },
    ],
    ['no statistics at all', null, {}, '2024-04-02T07:00:00+07:00', { atRisk: false, basis: null }],
    ['already overdue: at risk, nothing left', null, {}, '2024-04-04T09:00:00+07:00', { atRisk: true, leftWorkingHours: 0 }],
    [
      'paused since Tuesday 07:00: judged then (8 h spent), however late the clock',
      stats(slow),
      { status: 6, updatedAt: '2024-04-02T07:00:00+07:00' },
      '2024-04-20T10:00:00+07:00',
      { atRisk: true, spentWorkingHours: 8, leftWorkingHours: 16 },
    ],
  ])('%s', (_, s, over, now, expected) => {
    // Act
    const risk = assessRisk(open(over), s, now);

    // Assess
    expect(risk).toMatchObject(expected);
  });

  it.each([[7], [9], [10], [1], [3]])('has no risk for a dossier in status %p (not open)', (status) => {
    // Act
    const risk = assessRisk(open({ status: status as DossierRecord['status'] }), stats(slow), '2024-04-02T07:00:00+07:00');

    // Assess
    expect(risk).toBeNull();
  });
});

describe('ForecastStatsBuilder', () => {
  it('counts only the dossiers finished by its clock, per procedure and per field', () => {
    // Prepare
    const builder = new ForecastStatsBuilder('000.00.12.H57', '2024-04-03T12:00:00+07:00', statsWindow('2024-04-03T12:00:00+07:00'));
    const done = (finishedAt: string, procedureCode: string) =>
      stored(record({ status: 10, procedureCode, fieldCode: 'F', receivedAt: '2024-04-01T07:00:00+07:00', finishedAt }));

    // Act
    builder.add(done('2024-04-01T11:30:00+07:00', 'A')); // 4.5 h
    builder.add(done('2024-04-02T07:00:00+07:00', 'B')); // 8 h
    builder.add(done('2024-04-03T13:00:00+07:00', 'B')); // after the clock: left out
    builder.add(stored(record({ status: 4 }))); // open: left out
    const built = builder.build();

    // Assess
    expect(Object.keys(built.byProcedure)).toEqual(['A', 'B']);
    expect(built.byProcedure.B.n).toBe(1);
    expect(built.byField.F.n).toBe(2);
    expect(built.byField.F.q[0]).toBe(4.5);
    expect(built.window).toEqual({ from: '2023-04-05', to: '2024-04-03' });
  });

  it.each([
    ['2024-04-01T07:30:00+07:00', true],
    ['2024-04-03T07:30:00+07:00', true],
    ['2024-04-03T07:31:00+07:00', false],
    ['2024-03-31T07:30:00+07:00', false],
  ])('takes stored statistics of 01/04 07:30 as fitting the clock %s: %p', (asOf, fits) => {
    // Act
    const got = statsFitClock(stats([1]), asOf);

    // Assess
    expect(got).toBe(fits);
  });
});
