import { alertLevel, effectiveDueAt, isOverdue, pausedIntervals } from '../../functions/core/overdue';
import type { Pause } from '../../functions/core/calendar';
import type { DossierRecord, ProgressStep, Status } from '../../functions/core/types';

function record(overrides: Partial<DossierRecord> = {}): DossierRecord {
  return {
    code: '000.00.12.H57-240401-0003',
    procedureCode: '1.004873',
    procedureName: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân',
    fieldCode: 'HT',
    fieldName: 'Hộ tịch',
    channel: 'online',
    receivedAt: '2024-04-01T08:15:00+07:00',
    dueAt: '2024-04-04T08:15:00+07:00',
    status: 4,
    version: '20240401081500',
    updatedAt: '2024-04-01T08:15:00+07:00',
    applicant: { name: 'Nguyễn Văn A', idNumber: null, phone: null, email: null },
    summary: null,
    unit: 'Công chức Tư pháp - Hộ tịch',
    returnedAt: null,
    finishedAt: null,
    refusedAt: null,
    returnBy: 'desk',
    fees: [],
    feeTotal: 0,
    supplements: [],
    onlinePayable: null,
    digitised: null,
    subjectType: null,
    note: null,
    ...overrides,
  };
}

function step(at: string, status: Status): ProgressStep {
  return {
    code: '000.00.12.H57-240401-0003',
    actor: 'Trần Thị B',
    actorTitle: 'Công chức',
    at,
    atRaw: at.slice(0, 19).replace(/[-T:]/g, ''),
    department: 'Bộ phận Một cửa',
    content: null,
    status,
    startedAt: null,
    dueAt: null,
  };
}

const ALL_STATUSES: Status[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('alertLevel by status', () => {
  it.each(ALL_STATUSES.map((s) => [s, s === 2 || s === 4 ? 'overdue' : null] as const))(
    'status %s, a day past due → %s',
    (status, expected) => {
      // Prepare
      const dossier = record({ status });

      // Act
      const level = alertLevel(dossier, '2024-04-04T08:15:00+07:00', '2024-04-05T08:15:00+07:00');

      // Assess
      expect(level).toBe(expected);
      expect(isOverdue(dossier, '2024-04-04T08:15:00+07:00', '2024-04-05T08:15:00+07:00')).toBe(expected === 'overdue');
    },
  );

  it.each(ALL_STATUSES.map((s) => [s, s === 2 || s === 4 ? 'soon' : null] as const))('status %s, due tomorrow → %s', (status, expected) => {
    // Prepare
    const dossier = record({ status });

    // Act
    const level = alertLevel(dossier, '2024-04-04T08:15:00+07:00', '2024-04-03T10:00:00+07:00');

    // Assess
    expect(level).toBe(expected);
  });
});

describe('alertLevel at the boundaries', () => {
  it.each<[string, 'overdue' | 'soon' | null, string]>([
    ['2024-04-04T08:15:00+07:00', 'soon', 'exactly at the due instant: not yet overdue'],
    ['2024-04-04T08:15:01+07:00', 'overdue', 'one second after'],
    ['2024-04-04T01:15:01Z', 'overdue', 'one second after, clock in UTC'],
    ['2024-04-01T08:15:00+07:00', null, 'three working days ahead'],
  ])('clock %s → %s (%s)', (now, expected) => {
    // Prepare
    const dossier = record();

    // Act
    const level = alertLevel(dossier, dossier.dueAt, now);

    // Assess
    expect(level).toBe(expected);
  });

  it.each<[string, string, 'overdue' | 'soon' | null, string]>([
    ['2024-04-12T10:00:00+07:00', '2024-04-15T17:00:00+07:00', 'soon', 'clock Friday, due Monday 17:00'],
    ['2024-04-12T10:00:00+07:00', '2024-04-15T17:00:01+07:00', null, 'clock Friday, due one second after the horizon'],
    ['2024-04-12T10:00:00+07:00', '2024-04-16T08:00:00+07:00', null, 'clock Friday, due Tuesday'],
    ['2024-04-12T10:00:00+07:00', '2024-04-12T16:00:00+07:00', 'soon', 'clock Friday, due the same afternoon'],
    ['2024-04-30T09:00:00+07:00', '2024-05-02T17:00:00+07:00', 'soon', 'clock on 30/4, due on the next working day 2/5'],
    ['2024-04-30T09:00:00+07:00', '2024-05-03T08:00:00+07:00', null, 'clock on 30/4, due 3/5'],
    ['2024-02-07T15:00:00+07:00', '2024-02-15T17:00:00+07:00', 'soon', 'clock before Tết, due the day after the break'],
    ['2024-04-11T20:00:00+07:00', '2024-04-12T17:00:00+07:00', 'soon', 'clock Thursday evening, due Friday'],
  ])('clock %s, due %s → %s (%s)', (now, due, expected) => {
    // Prepare
    const dossier = record({ dueAt: due });

    // Act
    const level = alertLevel(dossier, due, now);

    // Assess
    expect(level).toBe(expected);
  });

  it.each<[string | null, string]>([
    [null, 'no due date at all'],
    ['20240404081500', 'a due date in the portal format, not ISO'],
  ])('cannot judge %j (%s)', (due) => {
    // Prepare
    const dossier = record();

    // Act
    const level = alertLevel(dossier, due, '2024-05-01T08:00:00+07:00');

    // Assess
    expect(level).toBeNull();
  });

  it('rejects an unreadable clock', () => {
    // Prepare
    const call = () => alertLevel(record(), '2024-04-04T08:15:00+07:00', 'yesterday');

    // Act / Assess
    expect(call).toThrow(RangeError);
  });
});

describe('effectiveDueAt', () => {
  it("prefers the portal's NgayHenTra", () => {
    // Prepare
    const dossier = record({ dueAt: '2024-04-10T17:00:00+07:00' });

    // Act
    const due = effectiveDueAt(dossier);

    // Assess
    expect(due).toBe('2024-04-10T17:00:00+07:00');
  });

  it.each([
    ['1.004873', '2024-04-01T08:15:00+07:00', '2024-04-04T08:15:00+07:00', '3 working days'],
    ['1.001193', '2024-04-01T08:15:00+07:00', '2024-04-02T08:15:00+07:00', '1 working day'],
    ['1.001193.000.00.00.H57', '2024-04-01T08:15:00+07:00', '2024-04-02T08:15:00+07:00', 'a code with an agency suffix'],
    ['1.004873', '2024-04-26T16:00:00+07:00', '2024-05-04T16:00:00+07:00', 'across 30/4, ending on the Saturday 4/5 worked in exchange'],
    ['1.004873', '2024-02-07T18:00:00+07:00', '2024-02-19T17:00:00+07:00', 'received after hours before Tết'],
    ['2.001263', '2024-04-01T08:00:00+07:00', '2024-05-16T08:00:00+07:00', '30 working days across Hùng Kings and 30/4'],
  ])('computes %s received %s → %s (%s)', (procedureCode, receivedAt, expected) => {
    // Prepare
    const dossier = record({ procedureCode, receivedAt, dueAt: null });

    // Act
    const due = effectiveDueAt(dossier);

    // Assess
    expect(due).toBe(expected);
  });

  it('is null for a procedure outside the catalog', () => {
    // Prepare
    const dossier = record({ procedureCode: '9.999999', dueAt: null });

    // Act
    const due = effectiveDueAt(dossier);

    // Assess
    expect(due).toBeNull();
  });

  it('moves the computed due date by the paused working time', () => {
    // Prepare
    const dossier = record({ dueAt: null, status: 4, updatedAt: '2024-04-03T09:00:00+07:00' });
    const steps = [step('2024-04-01T08:15:00+07:00', 2), step('2024-04-02T08:00:00+07:00', 5), step('2024-04-03T08:00:00+07:00', 4)];

    // Act
    const due = effectiveDueAt(dossier, pausedIntervals(steps, dossier, '2024-04-03T10:00:00+07:00'));

    // Assess: one full working day paused, so three working days end a day later.
    expect(due).toBe('2024-04-05T08:15:00+07:00');
  });
});

describe('pausedIntervals', () => {
  const NOW = '2024-04-10T10:00:00+07:00';

  it.each<[ProgressStep[], Pause[], string]>([
    [[], [], 'no steps'],
    [[step('2024-04-01T08:15:00+07:00', 2), step('2024-04-02T08:00:00+07:00', 4)], [], 'never paused'],
    [
      [step('2024-04-01T08:15:00+07:00', 2), step('2024-04-02T08:00:00+07:00', 5), step('2024-04-03T08:00:00+07:00', 4)],
      [{ from: '2024-04-02T08:00:00+07:00', to: '2024-04-03T08:00:00+07:00' }],
      'waiting for a supplement',
    ],
    [
      [step('2024-04-03T08:00:00+07:00', 4), step('2024-04-01T08:15:00+07:00', 2), step('2024-04-02T08:00:00+07:00', 6)],
      [{ from: '2024-04-02T08:00:00+07:00', to: '2024-04-03T08:00:00+07:00' }],
      'steps out of order, waiting for payment',
    ],
    [
      [step('2024-04-02T08:00:00+07:00', 5), step('2024-04-02T10:00:00+07:00', 6), step('2024-04-03T08:00:00+07:00', 4)],
      [{ from: '2024-04-02T08:00:00+07:00', to: '2024-04-03T08:00:00+07:00' }],
      'supplement then payment: one pause',
    ],
    [
      [
        step('2024-04-02T08:00:00+07:00', 8),
        step('2024-04-03T08:00:00+07:00', 4),
        step('2024-04-04T08:00:00+07:00', 5),
        step('2024-04-05T08:00:00+07:00', 4),
      ],
      [
        { from: '2024-04-02T08:00:00+07:00', to: '2024-04-03T08:00:00+07:00' },
        { from: '2024-04-04T08:00:00+07:00', to: '2024-04-05T08:00:00+07:00' },
      ],
      'stopped, resumed, then a supplement',
    ],
    [
      [step('2024-04-01T08:15:00+07:00', 2), step('2024-04-02T08:00:00+07:00', 5)],
      [{ from: '2024-04-02T08:00:00+07:00', to: NOW }],
      'still waiting: open to now',
    ],
    [
      [step('2024-04-02T08:00:00+07:00', 5), step('2024-04-03T08:00:00+07:00', 9)],
      [{ from: '2024-04-02T08:00:00+07:00', to: '2024-04-03T08:00:00+07:00' }],
      'a pause ended by finishing',
    ],
  ])('%j → %j (%s)', (steps, expected) => {
    // Prepare
    const timeline = steps;

    // Act
    const pauses = pausedIntervals(timeline, undefined, NOW);

    // Assess
    expect(pauses).toEqual(expected);
  });

  it.each<[Status, string, Pause[], string]>([
    [
      4,
      '2024-04-04T09:00:00+07:00',
      [{ from: '2024-04-02T08:00:00+07:00', to: '2024-04-04T09:00:00+07:00' }],
      'the record says processing resumed',
    ],
    [4, '2024-04-01T09:00:00+07:00', [{ from: '2024-04-02T08:00:00+07:00', to: NOW }], 'an older record does not close the pause'],
    [5, '2024-04-04T09:00:00+07:00', [{ from: '2024-04-02T08:00:00+07:00', to: NOW }], 'the record confirms the pause'],
  ])('with the record at status %s, updated %s → %j (%s)', (status, updatedAt, expected) => {
    // Prepare
    const steps = [step('2024-04-01T08:15:00+07:00', 2), step('2024-04-02T08:00:00+07:00', 5)];

    // Act
    const pauses = pausedIntervals(steps, record({ status, updatedAt }), NOW);

    // Assess
    expect(pauses).toEqual(expected);
  });

  it('opens a pause from the record when the timeline missed it', () => {
    // Prepare
    const dossier = record({ status: 6, updatedAt: '2024-04-05T14:00:00+07:00' });

    // Act
    const pauses = pausedIntervals([step('2024-04-01T08:15:00+07:00', 2)], dossier, NOW);

    // Assess
    expect(pauses).toEqual([{ from: '2024-04-05T14:00:00+07:00', to: NOW }]);
  });
});
