import fc from 'fast-check';
import type { StoredDossier } from '../../functions/core/ports';
import {
  buildSupervisionReport,
  noFeedback,
  SupervisionTally,
  type SupervisionReport,
  type SupervisionReportOptions,
} from '../../functions/core/report';
import type { DossierRecord, Payment, PostalEvent, Status } from '../../functions/core/types';
import { feedbackDueAt, type FeedbackItem, type FeedbackStatus } from '../../functions/core/feedback';
import { feedbackItem } from './feedback-fakes';

const DUE = '2024-04-03T17:00:00+07:00';
const FEE = 50_000;
let sequence = 0;

function record(overrides: Partial<DossierRecord> = {}): DossierRecord {
  sequence += 1;
  return {
    code: `000.00.12.H57-240401-${String(sequence).padStart(4, '0')}`,
    procedureCode: '1.001234',
    procedureName: 'Chứng thực bản sao từ bản chính',
    fieldCode: 'CT',
    fieldName: 'Chứng thực',
    channel: 'online',
    receivedAt: '2024-04-01T08:15:00+07:00',
    dueAt: DUE,
    status: 4,
    version: '20240401081500',
    updatedAt: '2024-04-01T08:15:00+07:00',
    applicant: { name: 'Nguyễn Văn A', idNumber: null, phone: null, email: null },
    summary: null,
    unit: null,
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

function withFee(overrides: Partial<DossierRecord> = {}): DossierRecord {
  return record({ fees: [{ name: 'Lệ phí', code: null, amount: FEE }], feeTotal: FEE, ...overrides });
}

function dossier(rec: DossierRecord | null, extra: { payments?: Payment[]; postal?: PostalEvent[] } = {}): StoredDossier {
  const code = rec?.code ?? '000.00.12.H57-240401-9999';
  return {
    key: code.replace(/[^A-Za-z0-9]/g, '').toUpperCase(),
    code,
    dueAt: rec?.dueAt ?? null,
    record: rec,
    payments: extra.payments ?? [],
    postal: extra.postal ?? [],
    alerts: { overdue: null, soon: null },
  };
}

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    source: 'paygov',
    txId: 'GD001',
    key: 'K',
    code: null,
    amount: FEE,
    success: true,
    resultCode: '00',
    at: '2024-04-01T09:00:00+07:00',
    bank: null,
    reference: 'dvc…',
    ...overrides,
  };
}

function delivered(occurredAt: string): PostalEvent {
  return {
    eventId: `ev-${occurredAt}`,
    trackingNumber: 'EB123456785VN',
    code: 'X',
    type: 'RESULT_DELIVERED',
    occurredAt,
    postOffice: null,
    note: null,
  };
}

function options(overrides: Partial<SupervisionReportOptions> = {}): SupervisionReportOptions {
  return {
    from: '2024-01-01',
    to: '2024-12-31',
    asOf: '2024-04-02T10:00:00+07:00',
    dueAt: (d) => d.dueAt,
    ...overrides,
  };
}

const NO_PROCESSING = {
  finishedEarly: 0,
  finishedOnTime: 0,
  finishedLate: 0,
  openOnTime: 0,
  openOverdue: 0,
  withdrawn: 0,
};

describe('buildSupervisionReport: period', () => {
  it.each([
    { receivedAt: '2023-12-31T23:30:00+07:00', inPeriod: false },
    { receivedAt: '2024-01-01T00:30:00+07:00', inPeriod: true },
    { receivedAt: '2023-12-31T17:30:00Z', inPeriod: true },
    { receivedAt: '2023-12-31T16:59:59Z', inPeriod: false },
    { receivedAt: '2024-01-01T00:00:00+07:00', inPeriod: true },
    { receivedAt: '2024-12-31T23:59:59+07:00', inPeriod: true },
    { receivedAt: '2024-12-31T17:00:00Z', inPeriod: false },
    { receivedAt: '2025-01-01T00:00:00+07:00', inPeriod: false },
  ])('received $receivedAt belongs to 2024: $inPeriod', ({ receivedAt, inPeriod }) => {
    // Prepare
    const dossiers = [dossier(record({ receivedAt }))];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.received.total).toBe(inPeriod ? 1 : 0);
    expect(report.byField).toHaveLength(inPeriod ? 1 : 0);
  });

  it('takes a one-day period, both ends inclusive', () => {
    // Prepare
    const dossiers = ['2024-04-01T00:00:00+07:00', '2024-04-01T23:59:59+07:00', '2024-04-02T00:00:00+07:00'].map((receivedAt) =>
      dossier(record({ receivedAt })),
    );

    // Act
    const report = buildSupervisionReport(dossiers, options({ from: '2024-04-01', to: '2024-04-01' }));

    // Assess
    expect(report.period).toEqual({ from: '2024-04-01', to: '2024-04-01' });
    expect(report.received.total).toBe(2);
  });

  it('ignores dossiers with no portal record and keeps the empty report in contract shape', () => {
    // Prepare
    const dossiers = [dossier(null, { payments: [payment()] })];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report).toEqual<SupervisionReport>({
      period: { from: '2024-01-01', to: '2024-12-31' },
      received: { total: 0, byChannel: { direct: 0, online: 0, postal: 0 } },
      payments: { dossiersWithFees: 0, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
      processing: { ...NO_PROCESSING, onTimeRate: 0 },
      byField: [],
      feedback: noFeedback(),
    });
    expect(Object.keys(report)).toEqual(['period', 'received', 'payments', 'processing', 'byField', 'feedback']);
    expect(Object.keys(report.feedback)).toEqual([
      'received',
      'answered',
      'answeredOnTime',
      'answeredLate',
      'open',
      'openOverdue',
      'refused',
      'aboutProcedures',
      'aboutConduct',
      'dissatisfied',
    ]);
    expect(Object.keys(report.processing)).toEqual([
      'finishedEarly',
      'finishedOnTime',
      'finishedLate',
      'openOnTime',
      'openOverdue',
      'withdrawn',
      'onTimeRate',
    ]);
  });
});

describe('buildSupervisionReport: statuses', () => {
  const PAST_DUE = '2024-04-01T17:00:00+07:00'; // before the clock of options()
  const FUTURE_DUE = '2024-04-05T17:00:00+07:00';
  it.each<{ status: Status; dueAt: string; bucket: keyof typeof NO_PROCESSING | null }>([
    { status: 1, dueAt: PAST_DUE, bucket: null },
    { status: 3, dueAt: PAST_DUE, bucket: null },
    { status: 2, dueAt: FUTURE_DUE, bucket: 'openOnTime' },
    { status: 2, dueAt: PAST_DUE, bucket: 'openOverdue' },
    { status: 4, dueAt: FUTURE_DUE, bucket: 'openOnTime' },
    { status: 4, dueAt: PAST_DUE, bucket: 'openOverdue' },
    { status: 5, dueAt: PAST_DUE, bucket: 'openOnTime' },
    { status: 6, dueAt: PAST_DUE, bucket: 'openOnTime' },
    { status: 8, dueAt: PAST_DUE, bucket: 'openOnTime' },
    { status: 7, dueAt: PAST_DUE, bucket: 'withdrawn' },
    { status: 9, dueAt: FUTURE_DUE, bucket: 'finishedEarly' },
    { status: 10, dueAt: FUTURE_DUE, bucket: 'finishedEarly' },
  ])('status $status due $dueAt counts as $bucket', ({ status, dueAt, bucket }) => {
    // Prepare
    const finishedAt = status === 9 || status === 10 ? '2024-04-02T09:00:00+07:00' : null;
    const dossiers = [dossier(record({ status, dueAt, finishedAt }))];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    const { onTimeRate: _rate, ...buckets } = report.processing;
    expect(report.received.total).toBe(bucket ? 1 : 0);
    expect(buckets).toEqual(bucket ? { ...NO_PROCESSING, [bucket]: 1 } : NO_PROCESSING);
  });

  it.each([
    { asOf: '2024-04-03T17:00:00+07:00', bucket: 'openOnTime' },
    { asOf: '2024-04-03T10:00:00Z', bucket: 'openOnTime' },
    { asOf: '2024-04-03T17:00:01+07:00', bucket: 'openOverdue' },
    { asOf: '2024-04-03T10:00:01Z', bucket: 'openOverdue' },
  ])('open at $asOf against due 17:00 is $bucket (strictly past)', ({ asOf, bucket }) => {
    // Prepare
    const dossiers = [dossier(record({ status: 2, dueAt: DUE }))];

    // Act
    const report = buildSupervisionReport(dossiers, options({ asOf }));

    // Assess
    expect(report.processing.openOverdue).toBe(bucket === 'openOverdue' ? 1 : 0);
    expect(report.processing.openOnTime).toBe(bucket === 'openOnTime' ? 1 : 0);
  });

  it('uses the due date the caller computes, not the record field', () => {
    // Prepare: the record has no NgayHenTra; the caller knows the computed date.
    const dossiers = [dossier(record({ status: 4, dueAt: null }))];

    // Act
    const report = buildSupervisionReport(dossiers, options({ dueAt: () => '2024-04-01T17:00:00+07:00' }));

    // Assess
    expect(report.processing.openOverdue).toBe(1);
  });

  it('counts an open dossier without any due date as on time', () => {
    // Prepare
    const dossiers = [dossier(record({ status: 4, dueAt: null }))];

    // Act
    const report = buildSupervisionReport(dossiers, options({ dueAt: () => null }));

    // Assess
    expect(report.processing.openOnTime).toBe(1);
  });
});

describe('buildSupervisionReport: early, on time, late by Vietnam calendar date (due 2024-04-03 17:00)', () => {
  it.each([
    { finishedAt: '2024-04-02T16:00:00+07:00', bucket: 'finishedEarly' },
    { finishedAt: '2024-04-02T23:59:59+07:00', bucket: 'finishedEarly' },
    { finishedAt: '2024-04-03T08:00:00+07:00', bucket: 'finishedOnTime' },
    { finishedAt: '2024-04-03T23:00:00+07:00', bucket: 'finishedOnTime' },
    { finishedAt: '2024-04-02T17:30:00Z', bucket: 'finishedOnTime' },
    { finishedAt: '2024-04-04T00:30:00+07:00', bucket: 'finishedLate' },
    { finishedAt: '2024-04-03T17:30:00Z', bucket: 'finishedLate' },
  ])('finished $finishedAt is $bucket', ({ finishedAt, bucket }) => {
    // Prepare
    const dossiers = [dossier(record({ status: 10, finishedAt, updatedAt: '2024-04-10T08:00:00+07:00' }))];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.processing[bucket as 'finishedEarly']).toBe(1);
    expect(report.processing.finishedEarly + report.processing.finishedOnTime + report.processing.finishedLate).toBe(1);
  });

  it.each([
    {
      case: 'no finishedAt: judged by returnedAt',
      rec: { finishedAt: null, returnedAt: '2024-04-03T09:00:00+07:00', updatedAt: '2024-04-03T09:00:00+07:00' },
      postal: [],
      bucket: 'finishedOnTime',
    },
    {
      case: 'no finishedAt: a late return makes it late',
      rec: { finishedAt: null, returnedAt: '2024-04-05T09:00:00+07:00', updatedAt: '2024-04-05T09:00:00+07:00' },
      postal: [],
      bucket: 'finishedLate',
    },
    {
      case: 'no finishedAt, no returnedAt: the postal delivery',
      rec: { finishedAt: null, returnedAt: null, updatedAt: '2024-04-09T09:00:00+07:00' },
      postal: [delivered('2024-04-02T15:00:00+07:00')],
      bucket: 'finishedEarly',
    },
    {
      case: 'nothing else: the record last change, which already said finished',
      rec: { finishedAt: null, returnedAt: null, updatedAt: '2024-04-04T08:00:00+07:00' },
      postal: [],
      bucket: 'finishedLate',
    },
    {
      case: 'finishedAt wins over a later return',
      rec: { finishedAt: '2024-04-03T10:00:00+07:00', returnedAt: '2024-04-08T09:00:00+07:00' },
      postal: [],
      bucket: 'finishedOnTime',
    },
  ])('$case', ({ rec, postal, bucket }) => {
    // Prepare
    const dossiers = [dossier(record({ status: 10, ...rec }), { postal })];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.processing[bucket as 'finishedEarly']).toBe(1);
  });

  it('counts a finished dossier with no due date as on time', () => {
    // Prepare
    const dossiers = [dossier(record({ status: 9, finishedAt: '2024-05-01T08:00:00+07:00', dueAt: null }))];

    // Act
    const report = buildSupervisionReport(dossiers, options({ dueAt: () => null }));

    // Assess
    expect(report.processing.finishedOnTime).toBe(1);
  });

  it('computes onTimeRate as a ratio in [0, 1] rounded to 4 decimals', () => {
    // Prepare: 2 early or on time out of 3 finished.
    const dossiers = [
      dossier(record({ status: 10, finishedAt: '2024-04-02T08:00:00+07:00' })),
      dossier(record({ status: 10, finishedAt: '2024-04-03T08:00:00+07:00' })),
      dossier(record({ status: 9, finishedAt: '2024-04-04T08:00:00+07:00' })),
      dossier(record({ status: 4 })),
    ];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.processing).toEqual({
      ...NO_PROCESSING,
      finishedEarly: 1,
      finishedOnTime: 1,
      finishedLate: 1,
      openOnTime: 1,
      onTimeRate: 0.6667,
    });
  });

  it('gives onTimeRate 0 when nothing is finished', () => {
    // Prepare
    const dossiers = [dossier(record({ status: 4 }))];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.processing.onTimeRate).toBe(0);
  });
});

describe('buildSupervisionReport: channels and payments', () => {
  it('counts received dossiers per channel', () => {
    // Prepare
    const dossiers = [
      dossier(record({ channel: 'online' })),
      dossier(record({ channel: 'online' })),
      dossier(record({ channel: 'direct' })),
      dossier(record({ channel: 'postal' })),
      dossier(record({ channel: 'direct', status: 3 })),
    ];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.received).toEqual({ total: 4, byChannel: { direct: 1, online: 2, postal: 1 } });
  });

  it.each([
    {
      case: 'no dossier has fees',
      dossiers: () => [dossier(record()), dossier(record())],
      expected: { dossiersWithFees: 0, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    },
    {
      case: 'fees, nothing paid',
      dossiers: () => [dossier(withFee())],
      expected: { dossiersWithFees: 1, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    },
    {
      case: 'each transaction once however often delivered',
      dossiers: () => [dossier(withFee(), { payments: [payment(), payment(), payment()] })],
      expected: { dossiersWithFees: 1, paidOnline: 1, onlineRate: 1, amountVnd: FEE },
    },
    {
      case: 'a wrong-amount payment is not counted',
      dossiers: () => [dossier(withFee(), { payments: [payment({ amount: 45_000 })] }), dossier(withFee())],
      expected: { dossiersWithFees: 2, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    },
    {
      case: 'a failed attempt is not counted',
      dossiers: () => [dossier(withFee(), { payments: [payment({ success: false, resultCode: '24' })] })],
      expected: { dossiersWithFees: 1, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    },
    {
      case: 'one of three paid, by VNPay',
      dossiers: () => [
        dossier(withFee(), { payments: [payment({ source: 'vnpay', txId: 'A_1' })] }),
        dossier(withFee()),
        dossier(withFee()),
      ],
      expected: { dossiersWithFees: 3, paidOnline: 1, onlineRate: 0.3333, amountVnd: FEE },
    },
    {
      case: 'withdrawn after paying still counts (received)',
      dossiers: () => [dossier(withFee({ status: 7 }), { payments: [payment()] })],
      expected: { dossiersWithFees: 1, paidOnline: 1, onlineRate: 1, amountVnd: FEE },
    },
    {
      case: 'payments of registered-only and refused dossiers do not count',
      dossiers: () => [
        dossier(withFee({ status: 1 }), { payments: [payment()] }),
        dossier(withFee({ status: 3 }), { payments: [payment({ txId: 'GD2' })] }),
      ],
      expected: { dossiersWithFees: 0, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    },
    {
      case: 'payments of a dossier received outside the period do not count',
      dossiers: () => [dossier(withFee({ receivedAt: '2023-12-31T23:30:00+07:00' }), { payments: [payment()] })],
      expected: { dossiersWithFees: 0, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    },
  ])('$case', ({ dossiers, expected }) => {
    // Prepare
    const input = dossiers();

    // Act
    const report = buildSupervisionReport(input, options());

    // Assess
    expect(report.payments).toEqual(expected);
  });
});

describe('buildSupervisionReport: byField', () => {
  it('lists fields with a received dossier, sorted by code, with late and overdue counts', () => {
    // Prepare
    const dossiers = [
      dossier(record({ fieldCode: 'HT', fieldName: 'Hộ tịch', status: 4, dueAt: '2024-04-01T17:00:00+07:00' })),
      dossier(record({ fieldCode: 'HT', fieldName: 'Hộ tịch', status: 10, finishedAt: '2024-04-05T08:00:00+07:00' })),
      dossier(record({ fieldCode: 'CT', fieldName: 'Chứng thực', status: 2 })),
      dossier(record({ fieldCode: 'DD', fieldName: 'Đất đai', status: 1 })),
      dossier(record({ fieldCode: 'XD', fieldName: 'Xây dựng', status: 3 })),
    ];

    // Act
    const report = buildSupervisionReport(dossiers, options());

    // Assess
    expect(report.byField).toEqual([
      { MaLinhVuc: 'CT', TenLinhVuc: 'Chứng thực', received: 1, finishedLate: 0, openOverdue: 0 },
      { MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', received: 2, finishedLate: 1, openOverdue: 1 },
    ]);
  });

  it.each([
    {
      case: 'the newest record names the field, whatever the order',
      order: ['old', 'new'],
      fieldNames: undefined,
      name: 'Hộ tịch (tên mới)',
    },
    {
      case: 'the newest record names the field, newest first',
      order: ['new', 'old'],
      fieldNames: undefined,
      name: 'Hộ tịch (tên mới)',
    },
    { case: 'fieldNames win', order: ['old', 'new'], fieldNames: { HT: 'Hộ tịch' }, name: 'Hộ tịch' },
  ])('$case', ({ order, fieldNames, name }) => {
    // Prepare
    const versions = {
      old: record({ fieldCode: 'HT', fieldName: 'Hộ tịch (tên cũ)', updatedAt: '2024-02-01T08:00:00+07:00' }),
      new: record({ fieldCode: 'HT', fieldName: 'Hộ tịch (tên mới)', updatedAt: '2024-03-01T08:00:00+07:00' }),
    };
    const dossiers = order.map((k) => dossier(versions[k as 'old' | 'new']));

    // Act
    const report = buildSupervisionReport(dossiers, options({ fieldNames }));

    // Assess
    expect(report.byField).toEqual([{ MaLinhVuc: 'HT', TenLinhVuc: name, received: 2, finishedLate: 0, openOverdue: 0 }]);
  });
});

describe('buildSupervisionReport: arguments', () => {
  it.each([
    { case: 'bad from', opts: { from: '2024-13-01' } },
    { case: 'bad to', opts: { to: '31/12/2024' } },
    { case: 'asOf without an offset', opts: { asOf: '2024-04-02T10:00:00' } },
  ])('throws a RangeError on $case', ({ opts }) => {
    // Prepare
    const dossiers = [dossier(record())];

    // Act
    const act = () => buildSupervisionReport(dossiers, options(opts));

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('reads any iterable once (a generator works)', () => {
    // Prepare
    function* all(): Generator<StoredDossier> {
      yield dossier(record());
      yield dossier(record({ status: 7 }));
    }

    // Act
    const report = buildSupervisionReport(all(), options());

    // Assess
    expect(report.received.total).toBe(2);
  });
});

describe('buildSupervisionReport: invariants', () => {
  const arbDossier = fc
    .record({
      status: fc.integer({ min: 1, max: 10 }),
      channel: fc.constantFrom('direct' as const, 'online' as const, 'postal' as const),
      receivedMs: fc.integer({ min: Date.parse('2023-12-30T00:00:00Z'), max: Date.parse('2025-01-02T00:00:00Z') }),
      dueOffsetH: fc.option(fc.integer({ min: -500, max: 500 })),
      finishOffsetH: fc.option(fc.integer({ min: -500, max: 500 })),
      field: fc.constantFrom('CT', 'HT', 'DD'),
      fee: fc.constantFrom(0, 30_000),
      paid: fc.constantFrom('none', 'right', 'wrong', 'twice'),
    })
    .map((v) => {
      const iso = (ms: number) => new Date(ms).toISOString();
      const rec = record({
        status: v.status as Status,
        channel: v.channel,
        receivedAt: iso(v.receivedMs),
        dueAt: v.dueOffsetH === null ? null : iso(v.receivedMs + v.dueOffsetH * 3_600_000),
        finishedAt: v.finishOffsetH === null ? null : iso(v.receivedMs + v.finishOffsetH * 3_600_000),
        fieldCode: v.field,
        fieldName: v.field,
        feeTotal: v.fee,
      });
      const right = payment({ amount: v.fee, txId: `T${v.receivedMs}` });
      const payments =
        v.paid === 'right' ? [right] : v.paid === 'twice' ? [right, right] : v.paid === 'wrong' ? [payment({ amount: 1 })] : [];
      return dossier(rec, { payments });
    });

  it('puts every received dossier in exactly one bucket and one field', () => {
    fc.assert(
      fc.property(fc.array(arbDossier, { maxLength: 40 }), (dossiers) => {
        // Act
        const report = buildSupervisionReport(dossiers, options());

        // Assess
        const p = report.processing;
        const buckets = p.finishedEarly + p.finishedOnTime + p.finishedLate + p.openOnTime + p.openOverdue + p.withdrawn;
        const { direct, online, postal } = report.received.byChannel;
        expect(buckets).toBe(report.received.total);
        expect(direct + online + postal).toBe(report.received.total);
        expect(report.byField.reduce((s, f) => s + f.received, 0)).toBe(report.received.total);
        expect(report.payments.paidOnline).toBeLessThanOrEqual(report.payments.dossiersWithFees);
        expect(report.payments.amountVnd).toBe(report.payments.paidOnline * 30_000);
        expect(p.onTimeRate).toBeGreaterThanOrEqual(0);
        expect(p.onTimeRate).toBeLessThanOrEqual(1);
      }),
    );
  });

  /** A feedback item of ward 0–3, any status, category, rating, receipt and deadline around the period's edges. */
  const arbWardFeedback = fc
    .record({
      ward: fc.integer({ min: 0, max: 3 }),
      status: fc.integer({ min: 1, max: 6 }),
      category: fc.constantFrom(1 as const, 2 as const, 3 as const),
      rating: fc.option(fc.constantFrom(1 as const, 2 as const)),
      receivedMs: fc.integer({ min: Date.parse('2023-12-30T00:00:00Z'), max: Date.parse('2025-01-02T00:00:00Z') }),
      deadline: fc.option(fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2025-01-31T00:00:00Z') })),
      answerOffsetH: fc.integer({ min: 0, max: 900 }),
    })
    .map((v) => {
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
      const answered = v.status === 4 || v.status === 5;
      const item = feedbackItem({
        ward: `000.00.12.H5${v.ward}`,
        status: v.status as FeedbackStatus,
        category: v.category,
        rating: v.rating,
        receivedAt: iso(v.receivedMs),
        deadline: v.deadline === null ? null : iso(v.deadline),
        answeredAt: answered ? iso(v.receivedMs + v.answerOffsetH * 3_600_000) : null,
      });
      return { ward: v.ward, stored: { item, dueAt: feedbackDueAt(item) } };
    });

  it('merges per-ward tallies into exactly the report over every dossier and feedback item (the province total)', () => {
    const named = (d: StoredDossier, name: string, updatedMs: number): StoredDossier =>
      d.record ? { ...d, record: { ...d.record, fieldName: name, updatedAt: new Date(updatedMs).toISOString() } } : d;
    const arbWardDossier = fc.record({
      dossier: arbDossier,
      ward: fc.integer({ min: 0, max: 3 }),
      // Field names differ between wards and versions: the newest one must win across wards too.
      name: fc.constantFrom('Tên cũ', 'Tên mới'),
      updatedMs: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2024-12-31T00:00:00Z') }),
    });
    fc.assert(
      fc.property(fc.array(arbWardDossier, { maxLength: 60 }), fc.array(arbWardFeedback, { maxLength: 30 }), (rows, items) => {
        // Prepare
        const all = rows.map((r) => named(r.dossier, r.name, r.updatedMs));
        const tallies = [0, 1, 2, 3].map(() => new SupervisionTally(options()));
        rows.forEach((r, i) => {
          tallies[r.ward].add(all[i]);
        });
        for (const f of items) tallies[f.ward].addFeedback(f.stored);

        // Act
        const province = new SupervisionTally(options());
        for (const t of tallies) province.merge(t);

        // Assess
        const whole = buildSupervisionReport(
          all,
          options(),
          items.map((f) => f.stored),
        );
        expect(province.report()).toEqual(whole);
        const sum = (k: keyof typeof whole.feedback) => tallies.reduce((n, t) => n + t.report().feedback[k], 0);
        for (const k of Object.keys(whole.feedback) as (keyof typeof whole.feedback)[]) expect(whole.feedback[k]).toBe(sum(k));
      }),
    );
  });
});

describe('the feedback block', () => {
  const stored = (over: Partial<FeedbackItem>) => {
    const item = feedbackItem(over);
    return { item, dueAt: feedbackDueAt(item) };
  };

  it('counts each item of the period once, by where it stands at the report clock (deadline 2024-04-02 17:00)', () => {
    // Prepare
    const items = [
      stored({ status: 4, answeredAt: '2024-04-02T17:00:00+07:00', rating: 1 }), // on time, at the deadline
      stored({ status: 5, answeredAt: '2024-04-03T08:00:00+07:00', rating: 2 }), // late, dissatisfied
      stored({ status: 3, category: 2 }), // open, about conduct; overdue at the clock below
      stored({ status: 1, receivedAt: '2024-04-01T08:00:00+07:00', category: 3 }), // open, not yet due
      stored({ status: 6, category: 3 }), // refused, never overdue
      stored({ status: 2, deadline: '2024-04-10T17:00:00+07:00' }), // HanXuLy moved: not overdue
    ];

    // Act
    const report = buildSupervisionReport([], options({ asOf: '2024-04-04T09:00:00+07:00' }), items);

    // Assess
    expect(report.feedback).toEqual({
      received: 6,
      answered: 2,
      answeredOnTime: 1,
      answeredLate: 1,
      open: 3,
      openOverdue: 1,
      refused: 1,
      aboutProcedures: 3,
      aboutConduct: 1,
      dissatisfied: 1,
    });
  });

  it.each([
    ['23:30 on 31/12/2023 in Vietnam: before the period', '2023-12-31T23:30:00+07:00', 0],
    ['17:30 UTC on 31/12/2023 is 00:30 on 01/01/2024 in Vietnam: inside', '2023-12-31T17:30:00Z', 1],
    ['23:59:59 on 31/12/2024 in Vietnam: inside', '2024-12-31T23:59:59+07:00', 1],
    ['17:00 UTC on 31/12/2024 is 00:00 on 01/01/2025 in Vietnam: after', '2024-12-31T17:00:00Z', 0],
  ])('takes an item by the Vietnam date of NgayTiepNhan: %s', (_what, receivedAt, count) => {
    // Act
    const report = buildSupervisionReport([], options(), [stored({ receivedAt, status: 6 })]);

    // Assess
    expect(report.feedback.received).toBe(count);
  });
});
