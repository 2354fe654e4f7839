import fc from 'fast-check';
import type { StoredDossier } from '../../functions/core/ports';
import {
  INDICATORS,
  type IndicatorCode,
  type Scorecard,
  type ScoreFeedback,
  ScorecardTally,
  type ScorecardOptions,
  scoreOf,
} from '../../functions/core/scorecard';
import type { DossierRecord, Payment, Status } from '../../functions/core/types';

const WARD = '000.00.12.H57';
const OTHER = '000.00.13.H57';
const DUE = '2024-04-03T17:00:00+07:00';
const AS_OF = '2024-04-02T10:00:00+07:00';
const FEE = 50_000;
let sequence = 0;

function record(overrides: Partial<DossierRecord> = {}, ward = WARD): DossierRecord {
  sequence += 1;
  return {
    code: `${ward}-240401-${String(sequence).padStart(4, '0')}`,
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
    applicant: { name: 'Nguyễn Văn A', idNumber: '074190001234', phone: '0912345678', email: null },
    summary: null,
    unit: 'Bộ phận Chứng thực',
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

const finished = (finishedAt: string, over: Partial<DossierRecord> = {}) => record({ status: 10, finishedAt, ...over });
const withFee = (over: Partial<DossierRecord> = {}, ward = WARD) =>
  record({ fees: [{ name: 'Lệ phí', code: null, amount: FEE }], feeTotal: FEE, ...over }, ward);
const supplement = {
  requestedAt: '2024-04-01T09:00:00+07:00',
  suppliedAt: '2024-04-01T10:00:00+07:00',
  previousDueAt: null,
  newDueAt: null,
};

function dossier(rec: DossierRecord, extra: { payments?: Payment[]; feedback?: { id: string; ward: string }[] } = {}): StoredDossier {
  const links = extra.feedback?.map((f) => ({ ...f, version: '20240401080000' }));
  return {
    key: rec.code.replace(/[^A-Za-z0-9]/g, '').toUpperCase(),
    code: rec.code,
    dueAt: rec.dueAt,
    record: rec,
    payments: extra.payments ?? [],
    postal: [],
    alerts: { overdue: null, soon: null },
    ...(links ? { feedback: links } : {}),
  };
}

const paid = (): Payment => ({
  source: 'paygov',
  txId: `GD${sequence}`,
  key: 'K',
  code: null,
  amount: FEE,
  success: true,
  resultCode: '00',
  at: '2024-04-01T09:00:00+07:00',
  bank: null,
  reference: 'dvc…',
});

function feedback(over: Partial<ScoreFeedback> = {}): ScoreFeedback {
  sequence += 1;
  return {
    id: `1022.20240401.${String(sequence).padStart(4, '0')}`,
    ward: WARD,
    receivedAt: '2024-04-01T09:00:00+07:00',
    deadline: '2024-04-22T17:00:00+07:00',
    status: 4,
    answeredAt: '2024-04-05T10:00:00+07:00',
    rating: 1,
    ...over,
  };
}

const options = (over: Partial<ScorecardOptions> = {}): ScorecardOptions => ({
  from: '2024-04-01',
  to: '2024-04-30',
  asOf: AS_OF,
  dueAt: (d) => d.dueAt ?? d.record?.dueAt ?? null,
  ...over,
});

/** The scorecard of the given dossiers and feedback items (one ward, forecast from the period). */
function scorecard(dossiers: StoredDossier[], items: ScoreFeedback[] = [], over: Partial<ScorecardOptions> = {}): Scorecard {
  const tally = new ScorecardTally(options(over));
  for (const d of dossiers) tally.add(d);
  for (const f of items) tally.addFeedback(f);
  tally.settleForecast(null);
  return tally.scorecard(WARD);
}

const indicator = (card: Scorecard, code: IndicatorCode) => {
  const found = card.groups.flatMap((g) => g.indicators).find((i) => i.code === code);
  if (!found) throw new Error(`no indicator ${code}`);
  return found;
};

describe('scoreOf: the two rules and zero denominators (CONTRACT 7)', () => {
  it.each([
    // max, fullAt, whenNone, numerator, denominator, ratio, score
    [20, null, 0, 3, 4, 0.75, 15],
    [6, 0.5, 0, 1, 4, 0.25, 3],
    [6, 0.5, 0, 2, 4, 0.5, 6],
    [6, 0.5, 0, 3, 4, 0.75, 6],
    [2, 0.8, 0, 3, 5, 0.6, 1.5],
    [6, 0.9, 0, 9, 10, 0.9, 6],
    [6, 0.9, 0, 45, 100, 0.45, 3],
    [20, null, 0, 0, 0, null, 0],
    [6, null, 6, 0, 0, null, 6],
  ])('max %p, full at %p, when none %p: %p/%p gives ratio %p and score %p', (max, fullAt, whenNone, num, den, ratio, score) => {
    // Act
    const got = scoreOf({ max, fullAt, whenNone }, num, den);

    // Assess
    expect(got.ratio).toBe(ratio);
    expect(got.score).toBeCloseTo(score, 10);
  });
});

describe('ScorecardTally: the indicators', () => {
  it('answers the contract shape: 5 groups, 12 indicators, total out of 70, 6 entries not available worth 30', () => {
    // Act
    const card = scorecard([dossier(record())]);

    // Assess
    expect(card.groups.map((g) => [g.code, g.max])).toEqual([
      ['TDGQ', 20],
      ['CLGQ', 6],
      ['TTTT', 8],
      ['MDSH', 18],
      ['MDHL', 18],
    ]);
    expect(card.groups.flatMap((g) => g.indicators.map((i) => i.code))).toEqual(INDICATORS.map((d) => d.code));
    expect(card.total.max).toBe(70);
    expect(card.notAvailable.map((n) => n.code)).toEqual(['CKMB', 'CLGQ.1', 'CLGQ.2', 'TTTT.C', 'MDSH.6', 'MDSH.7']);
    expect(card.notAvailable.reduce((s, n) => s + n.max, 0)).toBe(30);
    expect(card).toMatchObject({ period: { from: '2024-04-01', to: '2024-04-30' }, asOf: AS_OF, ward: WARD });
  });

  it('gives ratio null and the rule’s score to every zero denominator: 0, except MDHL.1 and MDHL.2 (6 when none)', () => {
    // Act
    const card = scorecard([]);

    // Assess
    for (const i of card.groups.flatMap((g) => g.indicators)) {
      expect([i.code, i.numerator, i.denominator, i.ratio]).toEqual([i.code, 0, 0, null]);
      expect([i.code, i.score]).toEqual([i.code, i.code === 'MDHL.1' || i.code === 'MDHL.2' ? 6 : 0]);
    }
    expect(card.total.score).toBe(12);
  });

  it.each<[string, boolean, DossierRecord]>([
    ['finished at 16:59 on its due date (17:00)', true, finished('2024-04-03T16:59:00+07:00')],
    ['finished at 17:00 exactly', true, finished('2024-04-03T17:00:00+07:00')],
    ['finished at 17:30 on its due date (late by instants)', false, finished('2024-04-03T17:30:00+07:00')],
    ['finished early with one supplement request', true, finished('2024-04-02T10:00:00+07:00', { supplements: [supplement] })],
    [
      'finished early with two supplement requests',
      false,
      finished('2024-04-02T10:00:00+07:00', { supplements: [supplement, supplement] }),
    ],
    ['withdrawn', true, record({ status: 7 })],
    ['open (4) and not yet due', true, record({ status: 4 })],
    ['received (2), due before the clock', false, record({ status: 2, dueAt: '2024-04-02T09:00:00+07:00' })],
    ['paused (5) past its due date', true, record({ status: 5, dueAt: '2024-04-02T09:00:00+07:00' })],
    ['stopped (8) past its due date', true, record({ status: 8, dueAt: '2024-04-02T09:00:00+07:00' })],
    ['finished with no due date at all', true, finished('2024-04-30T10:00:00+07:00', { dueAt: null })],
  ])('TDGQ.1 counts a dossier %s as on time: %p', (_, onTime, rec) => {
    // Act
    const card = scorecard([dossier(rec)]);

    // Assess
    expect(indicator(card, 'TDGQ.1')).toMatchObject({ numerator: onTime ? 1 : 0, denominator: 1, score: onTime ? 20 : 0 });
  });

  it('leaves out dossiers not received (1, 3) and those received outside the period (Vietnam dates)', () => {
    // Prepare
    const dossiers = [
      record({ status: 1 }),
      record({ status: 3 }),
      record({ receivedAt: '2024-03-31T23:59:00+07:00' }),
      record({ receivedAt: '2024-04-30T17:00:00Z' }), // 1 May, 00:00 in Vietnam
      record({ receivedAt: '2024-03-31T17:00:00Z' }), // 1 April, 00:00 in Vietnam: inside
    ].map((r) => dossier(r));

    // Act
    const card = scorecard(dossiers);

    // Assess
    expect(indicator(card, 'TDGQ.1').denominator).toBe(1);
  });

  it('counts CLGQ.3 online dossiers, full at 50 %', () => {
    // Prepare
    const dossiers = [
      record({ channel: 'online' }),
      record({ channel: 'direct' }),
      record({ channel: 'direct' }),
      record({ channel: 'postal' }),
    ];

    // Act
    const card = scorecard(dossiers.map((r) => dossier(r)));

    // Assess
    expect(indicator(card, 'CLGQ.3')).toMatchObject({ numerator: 1, denominator: 4, ratio: 0.25, score: 3 });
    expect(indicator(card, 'CLGQ.3').why?.items.map((i) => i.reason)).toEqual(['notOnline', 'notOnline', 'notOnline']);
  });

  it('counts TTTT.A over dossiers with fees and TTTT.B over their procedures (full at 80 %)', () => {
    // Prepare
    const dossiers = [
      dossier(withFee({ procedureCode: 'P1' }), { payments: [paid()] }),
      dossier(withFee({ procedureCode: 'P1' })),
      dossier(withFee({ procedureCode: 'P2' })),
      dossier(withFee({ procedureCode: 'P3' }), { payments: [{ ...paid(), amount: FEE - 1000 }] }), // wrong amount: not counted
      dossier(record({ procedureCode: 'P4' })), // no fee: in neither
    ];

    // Act
    const card = scorecard(dossiers);

    // Assess
    expect(indicator(card, 'TTTT.A')).toMatchObject({ numerator: 1, denominator: 4, ratio: 0.25, score: 1.5 });
    expect(indicator(card, 'TTTT.B')).toMatchObject({ numerator: 1, denominator: 3, ratio: 0.3333, score: 0.83 });
    expect(indicator(card, 'TTTT.B').why?.items.map((i) => [i.MaTTHC, i.reason])).toEqual([
      ['P2', 'procedureNotPaidOnline'],
      ['P3', 'procedureNotPaidOnline'],
    ]);
  });

  it('counts the digitisation indicators MDSH.1–5 from the record’s flags', () => {
    // Prepare
    const all = { digitised: true, reused: true, fromDataStore: true };
    const dossiers = [
      finished('2024-04-02T10:00:00+07:00', { resultFile: true, documents: all, vneidVerified: true }),
      finished('2024-04-02T10:00:00+07:00', { resultFile: true, digitised: true }), // HoSoCoThanhPhanSoHoa alone
      finished('2024-04-02T10:00:00+07:00', { resultFile: false, documents: { ...all, reused: false } }),
      record({ status: 4, documents: { digitised: true, reused: false, fromDataStore: false }, vneidVerified: false }),
    ].map((r) => dossier(r));

    // Act
    const card = scorecard(dossiers);

    // Assess
    expect(indicator(card, 'MDSH.1')).toMatchObject({ numerator: 2, denominator: 3 });
    expect(indicator(card, 'MDSH.2')).toMatchObject({ numerator: 2, denominator: 4, score: 2 });
    expect(indicator(card, 'MDSH.3')).toMatchObject({ numerator: 1, denominator: 4, ratio: 0.25, score: 0.63 });
    expect(indicator(card, 'MDSH.4')).toMatchObject({ numerator: 2, denominator: 4, score: 2 });
    expect(indicator(card, 'MDSH.5')).toMatchObject({ numerator: 1, denominator: 4, score: 0.5 });
    expect(indicator(card, 'MDSH.2').why?.items.map((i) => i.reason)).toEqual(['noResultFile', 'notFinished']);
  });

  it('counts MDHL.3 once for a dossier named by two feedback items of its ward, and not for an item of another ward', () => {
    // Prepare
    const named = dossier(record(), {
      feedback: [
        { id: '1022.A', ward: WARD },
        { id: 'PAKN.B', ward: WARD },
      ],
    });
    const elsewhere = dossier(record(), { feedback: [{ id: '1022.C', ward: OTHER }] });
    const late = dossier(record({ status: 2, dueAt: '2024-04-01T10:00:00+07:00' }), { feedback: [{ id: '1022.D', ward: WARD }] });
    const plain = dossier(record());

    // Act
    const card = scorecard([named, elsewhere, late, plain]);

    // Assess
    const mdhl3 = indicator(card, 'MDHL.3');
    expect(mdhl3).toMatchObject({ numerator: 2, denominator: 4, ratio: 0.5 });
    expect(mdhl3.score).toBeCloseTo(6 * (0.5 / 0.9), 2);
    expect(mdhl3.why?.items.map((i) => [i.MaHoSo, i.reason])).toEqual([
      [named.code, 'namedByFeedback'],
      [late.code, 'openOverdue'],
    ]);
    expect(mdhl3.why?.more).toBe(0);
  });

  it('counts the feedback indicators MDHL.1 (refused left out) and MDHL.2', () => {
    // Prepare
    const items = [
      feedback(), // answered on time
      feedback({ answeredAt: '2024-04-23T08:00:00+07:00' }), // answered late
      feedback({ status: 3, answeredAt: null, deadline: '2024-04-02T09:00:00+07:00' }), // open, overdue at the clock
      feedback({ status: 1, answeredAt: null }), // open, not overdue
      feedback({ status: 6, answeredAt: null }), // refused
      feedback({ rating: 2 }), // answered on time, dissatisfied
      feedback({ receivedAt: '2024-03-31T16:59:59Z' }), // 31 March in Vietnam: outside
    ];

    // Act
    const card = scorecard([], items);

    // Assess
    expect(indicator(card, 'MDHL.1')).toMatchObject({ numerator: 3, denominator: 5, ratio: 0.6, score: 3.6 });
    expect(indicator(card, 'MDHL.2')).toMatchObject({ numerator: 3, denominator: 6, ratio: 0.5, score: 3 });
    expect(
      indicator(card, 'MDHL.2')
        .why?.items.map((i) => i.reason)
        .sort(),
    ).toEqual(['answeredLate', 'dissatisfied', 'openOverdue']);
  });

  it('sums unrounded scores into the group and the total, and only then rounds (6.17, not 6.16)', () => {
    // Prepare: every MDSH indicator at 1/3
    const all = { digitised: true, reused: true, fromDataStore: true };
    const dossiers = [
      finished('2024-04-02T10:00:00+07:00', { resultFile: true, documents: all, vneidVerified: true }),
      finished('2024-04-02T10:00:00+07:00'),
      finished('2024-04-02T10:00:00+07:00'),
    ].map((r) => dossier(r));

    // Act
    const card = scorecard(dossiers);

    // Assess
    const mdsh = card.groups.find((g) => g.code === 'MDSH')!;
    expect(mdsh.indicators.map((i) => [i.code, i.ratio, i.score])).toEqual([
      ['MDSH.1', 0.3333, 2],
      ['MDSH.2', 0.3333, 1.33],
      ['MDSH.3', 0.3333, 0.83],
      ['MDSH.4', 0.3333, 1.33],
      ['MDSH.5', 0.3333, 0.67],
    ]);
    expect(mdsh.score).toBe(6.17);
    const unrounded = 20 + 6 + 0 + 0 + 2 + 4 / 3 + (2 * (1 / 3)) / 0.8 + 4 / 3 + 2 / 3 + 6 + 6 + 6;
    expect(card.total.score).toBe(Math.round(unrounded * 100) / 100);
  });

  it('lists why only below the maximum: at most 20 items, ordered by code, with the count of the rest', () => {
    // Prepare
    const dossiers = Array.from({ length: 25 }, () =>
      dossier(record({ channel: 'direct', status: 2, dueAt: '2024-04-01T10:00:00+07:00' })),
    );
    dossiers.push(dossier(record({ channel: 'online' })));

    // Act
    const card = scorecard([...dossiers].reverse());

    // Assess
    const tdgq = indicator(card, 'TDGQ.1');
    expect(tdgq.why?.items).toHaveLength(20);
    expect(tdgq.why?.more).toBe(5);
    expect(tdgq.why?.items.map((i) => i.MaHoSo)).toEqual(dossiers.slice(0, 20).map((d) => d.code));
    expect(tdgq.why?.items[0]).toEqual({
      MaHoSo: dossiers[0].code,
      reason: 'openOverdue',
      MaTTHC: '1.001234',
      MaLinhVuc: 'CT',
      receivedAt: '2024-04-01T08:15:00+07:00',
      dueAt: '2024-04-01T10:00:00+07:00',
      unit: 'Bộ phận Chứng thực',
    });
    expect(indicator(card, 'MDHL.1').why).toBeUndefined(); // 6 when none: at its maximum
    expect(JSON.stringify(card)).not.toMatch(/074190001234|0912345678|Nguyễn Văn A/);
  });
});

describe('ScorecardTally: the forecast in the scorecard', () => {
  it('flags an open dossier of a procedure whose finished dossiers ran past its time, and counts the points at risk', () => {
    // Prepare: 20 finished dossiers of P9 each took about 3 working days (Mon 1 → Thu 4 April); due in 2 days
    const history = Array.from({ length: 20 }, () =>
      dossier(finished('2024-04-04T15:00:00+07:00', { procedureCode: 'P9', dueAt: '2024-04-05T17:00:00+07:00' })),
    );
    const open = dossier(
      record({ procedureCode: 'P9', status: 4, dueAt: '2024-04-09T17:00:00+07:00', receivedAt: '2024-04-08T08:00:00+07:00' }),
    );
    const safe = dossier(
      record({ procedureCode: 'P9', status: 4, dueAt: '2024-04-30T17:00:00+07:00', receivedAt: '2024-04-08T08:00:00+07:00' }),
    );

    // Act
    const card = scorecard([...history, open, safe], [], { asOf: '2024-04-08T09:00:00+07:00' });

    // Assess
    expect(card.forecast).toMatchObject({ statistics: 'period', atRisk: 1, more: 0 });
    expect(card.forecast.items).toEqual([
      expect.objectContaining({ MaHoSo: open.code, atRisk: true, basis: 'MaTTHC', spentWorkingHours: 1, leftWorkingHours: 14 }),
    ]);
    // TDGQ.1 would drop from 22/22 to 21/22 and MDHL.3 from 22/22 to 21/22 (still full at 90 %).
    expect(card.forecast.pointsAtRisk).toBeCloseTo(20 / 22, 2);
  });
});

describe('ScorecardTally: every ward', () => {
  const statuses: Status[] = [2, 4, 5, 6, 7, 8, 9, 10];
  const arbDossier = fc
    .record({
      ward: fc.constantFrom(WARD, OTHER, '000.00.14.H57'),
      status: fc.constantFrom(...statuses),
      channel: fc.constantFrom('online' as const, 'direct' as const, 'postal' as const),
      proc: fc.constantFrom('P1', 'P2', 'P3'),
      fee: fc.boolean(),
      paid: fc.boolean(),
      late: fc.boolean(),
      supplements: fc.integer({ min: 0, max: 2 }),
      resultFile: fc.option(fc.boolean(), { nil: undefined }),
      flags: fc.option(fc.record({ digitised: fc.boolean(), reused: fc.boolean(), fromDataStore: fc.boolean() }), { nil: undefined }),
      vneid: fc.option(fc.boolean(), { nil: undefined }),
      named: fc.boolean(),
    })
    .map((a) => {
      const rec = record(
        {
          status: a.status,
          channel: a.channel,
          procedureCode: a.proc,
          ...(a.fee ? { fees: [{ name: 'Lệ phí', code: null, amount: FEE }], feeTotal: FEE } : {}),
          finishedAt: a.status >= 9 ? (a.late ? '2024-04-04T08:00:00+07:00' : '2024-04-02T08:00:00+07:00') : null,
          dueAt: a.late && a.status < 9 ? '2024-04-01T10:00:00+07:00' : DUE,
          supplements: Array.from({ length: a.supplements }, () => supplement),
          ...(a.resultFile === undefined ? {} : { resultFile: a.resultFile }),
          ...(a.flags === undefined ? {} : { documents: a.flags }),
          ...(a.vneid === undefined ? {} : { vneidVerified: a.vneid }),
        },
        a.ward,
      );
      return dossier(rec, { payments: a.paid ? [paid()] : [], feedback: a.named ? [{ id: 'F1', ward: a.ward }] : [] });
    });

  it('has numerators and denominators equal to the sums of the wards’, TTTT.B included (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(arbDossier, { maxLength: 40 }), (dossiers) => {
        // Prepare
        const wards = [...new Set(dossiers.map((d) => d.code.slice(0, 13)))];
        const perWard = wards.map((w) => {
          const t = new ScorecardTally(options());
          for (const d of dossiers.filter((x) => x.code.startsWith(w))) t.add(d);
          t.settleForecast(null);
          return t;
        });

        // Act
        const all = new ScorecardTally(options());
        for (const t of perWard) all.merge(t);

        // Assess
        const total = all.totals();
        for (const def of INDICATORS) {
          const sum = perWard.reduce(
            (s, t) => ({
              numerator: s.numerator + t.totals()[def.code].numerator,
              denominator: s.denominator + t.totals()[def.code].denominator,
            }),
            { numerator: 0, denominator: 0 },
          );
          expect([def.code, total[def.code]]).toEqual([def.code, sum]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same all-ward answer whatever the order of the dossiers and of the wards merged (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(arbDossier, { maxLength: 40 }), fc.nat(), (dossiers, seed) => {
        // Prepare
        const shuffled = [...dossiers].sort(
          (a, b) => ((a.code.charCodeAt(20) * 31 + seed) % 7) - ((b.code.charCodeAt(20) * 31 + seed) % 7),
        );
        const tally = (list: StoredDossier[], wards: string[]) => {
          const all = new ScorecardTally(options({ limit: 3 }));
          for (const w of wards) {
            const t = new ScorecardTally(options({ limit: 3 }));
            for (const d of list.filter((x) => x.code.startsWith(w))) t.add(d);
            t.settleForecast(null);
            all.merge(t);
          }
          return all.scorecard(null);
        };
        const wards = [...new Set(dossiers.map((d) => d.code.slice(0, 13)))];

        // Act
        const a = tally(dossiers, wards);
        const b = tally(shuffled, [...wards].reverse());

        // Assess
        expect(b).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });
});
