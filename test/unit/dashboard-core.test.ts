/**
 * The dashboard's pure core: periods and their previous periods, the facts (equal to the report's
 * arithmetic, a fast-check property), the statistics table ("kỳ trước chuyển sang", state at the
 * period's end), the charts, the tables as CSV, the page and its CSP, the session cookie.
 */
import fc from 'fast-check';
import { buildDashboard, type DashboardInput, statisticsTable } from '../../functions/core/dashboard/compute';
import { type DossierFact, reportOfFacts, toFact } from '../../functions/core/dashboard/facts';
import { choosePeriod, LOOKBACK_MONTHS, monthsToRead, PeriodError, trendMonths } from '../../functions/core/dashboard/period';
import { niceScale, rateLine, stackedBars } from '../../functions/core/dashboard/charts';
import { renderDashboard, STYLE_HASH, securityHeaders } from '../../functions/core/dashboard/render';
import { clearCookie, readCookie, setCookie, signSession, verifySession } from '../../functions/core/dashboard/session';
import { exportTable, toCsv } from '../../functions/core/dashboard/tables';
import type { StoredDossier } from '../../functions/core/ports';
import { buildSupervisionReport } from '../../functions/core/report';
import type { Payment, Status } from '../../functions/core/types';
import { record } from '../fixtures/records';

const AS_OF = '2024-04-15T08:00:00+07:00';

function stored(over: Parameters<typeof record>[0], payments: Payment[] = []): StoredDossier {
  const rec = record(over);
  return {
    key: rec.code.replace(/[^A-Z0-9]/gi, ''),
    code: rec.code,
    dueAt: rec.dueAt,
    record: rec,
    payments,
    postal: [],
    alerts: { overdue: null, soon: null },
  };
}

function fact(over: Parameters<typeof record>[0], payments: Payment[] = []): DossierFact {
  const d = stored(over, payments);
  return toFact(d, d.dueAt)!;
}

function input(facts: DossierFact[], query: Record<string, string> = { period: 'month', month: '2024-04' }): DashboardInput {
  return {
    choice: choosePeriod(query, '2024-04-15'),
    asOf: AS_OF,
    today: '2024-04-15',
    ward: '000.00.12.H57',
    wards: [{ code: '000.00.12.H57', name: 'Phường Bình An' }],
    facts,
    overdueNow: [],
    readAt: AS_OF,
    scorecard: { state: 'none' },
    feedback: { state: 'none' },
    previousFeedback: { state: 'none' },
    overdueFeedback: { state: 'none' },
    atRisk: { state: 'none' },
    wardScores: { state: 'none' },
  };
}

describe('periods', () => {
  it.each([
    ['nothing: this month so far', {}, ['2024-04-01', '2024-04-15'], ['2024-03-01', '2024-03-15']],
    ['a month', { period: 'month', month: '2024-03' }, ['2024-03-01', '2024-03-31'], ['2024-02-01', '2024-02-29']],
    ['January', { period: 'month', month: '2024-01' }, ['2024-01-01', '2024-01-31'], ['2023-12-01', '2023-12-31']],
    ['a quarter', { period: 'quarter', quarter: '2024-Q1' }, ['2024-01-01', '2024-03-31'], ['2023-10-01', '2023-12-31']],
    ['a year', { period: 'year', year: '2023' }, ['2023-01-01', '2023-12-31'], ['2022-01-01', '2022-12-31']],
    ['from and to', { from: '2023-01-01', to: '2024-03-31' }, ['2023-01-01', '2024-03-31'], ['2021-10-02', '2022-12-31']],
  ])('%s', (_, query, current, previous) => {
    // Act
    const choice = choosePeriod(query as Record<string, string>, '2024-04-15');

    // Assess
    expect([choice.current.from, choice.current.to]).toEqual(current);
    expect([choice.previous.from, choice.previous.to]).toEqual(previous);
  });

  it('compares 1–31 March so far with the whole of February (clamped to its end)', () => {
    // Act
    const { previous } = choosePeriod({}, '2024-03-31');

    // Assess
    expect([previous.from, previous.to]).toEqual(['2024-02-01', '2024-02-29']);
  });

  it.each([
    [{ period: 'month', month: '2024-13' }, 'month'],
    [{ period: 'quarter', quarter: '2024-Q5' }, 'quarter'],
    [{ period: 'year', year: '24' }, 'year'],
    [{ from: '2024-02-30', to: '2024-03-01' }, 'from'],
    [{ from: '2024-03-02', to: '2024-03-01' }, 'to'],
    [{ from: '2020-01-01', to: '2024-03-01' }, 'to'],
    [{ period: 'week' }, 'period'],
  ])('names the bad field of %j', (query, field) => {
    // Act
    const choose = () => choosePeriod(query as Record<string, string>, '2024-04-15');

    // Assess
    expect(choose).toThrow(PeriodError);
    try {
      choose();
    } catch (err) {
      expect((err as PeriodError).field).toBe(field);
    }
  });

  it('reads the look-back months before the period and no month after today; the trend is the 12 months to the period end', () => {
    // Prepare
    const choice = choosePeriod({ period: 'quarter', quarter: '2024-Q2' }, '2024-04-15');

    // Act
    const months = monthsToRead(choice, '2024-04-15');
    const trend = trendMonths(choice.current, '2024-04-15');

    // Assess
    expect(months[0]).toBe('2022-04');
    expect(months).toHaveLength(LOOKBACK_MONTHS + 1);
    expect(months.at(-1)).toBe('2024-04');
    expect(trend).toEqual([
      '2023-05',
      '2023-06',
      '2023-07',
      '2023-08',
      '2023-09',
      '2023-10',
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
    ]);
  });
});

describe('facts', () => {
  const statusArb = fc.constantFrom<Status>(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  const dossierArb = fc
    .record({
      n: fc.integer({ min: 1, max: 9999 }),
      day: fc.integer({ min: 1, max: 28 }),
      month: fc.integer({ min: 1, max: 4 }),
      status: statusArb,
      channel: fc.constantFrom('direct' as const, 'online' as const, 'postal' as const),
      field: fc.constantFrom('HT', 'CT', 'DD'),
      dueDays: fc.integer({ min: -5, max: 30 }),
      finishDays: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
      fee: fc.constantFrom(0, 8000, 50000),
      paid: fc.constantFrom('none', 'exact', 'wrong', 'failed'),
    })
    .map((g) => {
      const received = `2024-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}T09:00:00+07:00`;
      const at = (days: number) => new Date(Date.parse(received) + days * 86400e3).toISOString().replace('Z', '+00:00');
      const code = `000.00.12.H57-24${String(g.month).padStart(2, '0')}${String(g.day).padStart(2, '0')}-${String(g.n).padStart(4, '0')}`;
      const payments: Payment[] =
        g.paid === 'none' || g.fee === 0
          ? []
          : [
              {
                source: 'vnpay',
                txId: `${code}_1`,
                key: code,
                code,
                amount: g.paid === 'wrong' ? g.fee + 1000 : g.fee,
                success: g.paid !== 'failed',
                resultCode: g.paid === 'failed' ? '24' : '00',
                at: received,
                bank: null,
                reference: `${code}_1`,
              },
            ];
      return stored(
        {
          code,
          status: g.status,
          channel: g.channel,
          fieldCode: g.field,
          fieldName: `Lĩnh vực ${g.field}`,
          receivedAt: received,
          dueAt: at(g.dueDays),
          updatedAt: at(1),
          finishedAt: g.finishDays === null ? null : at(g.finishDays),
          feeTotal: g.fee,
        },
        payments,
      );
    });

  it('give exactly the supervision report of the same dossiers (any period, any clock)', () => {
    fc.assert(
      fc.property(fc.array(dossierArb, { maxLength: 40 }), fc.integer({ min: 0, max: 60 }), (dossiers, clockDays) => {
        // Prepare
        const asOf = new Date(Date.parse('2024-02-01T00:00:00+07:00') + clockDays * 86400e3).toISOString();
        const opts = { from: '2024-02-01', to: '2024-03-31', asOf, dueAt: (d: StoredDossier) => d.dueAt };
        const facts = dossiers.map((d) => toFact(d, d.dueAt)).filter((f): f is DossierFact => f !== null);

        // Act
        const ours = reportOfFacts(facts, opts.from, opts.to, Date.parse(asOf));

        // Assess
        // The feedback block comes from the feedback source, not from the dossiers' facts.
        const { feedback: _, ...dossierPart } = buildSupervisionReport(dossiers, opts);
        expect(ours).toEqual(dossierPart);
      }),
      { numRuns: 200 },
    );
  });

  it('keep nothing of the applicant', () => {
    // Act
    const f = fact({ status: 4 });

    // Assess
    expect(JSON.stringify(f)).not.toMatch(/074190001234|0912345678|hong@example|Nguyễn/);
  });
});

describe('the statistics table', () => {
  it('carries over what was open at the start, reads the rest at the period end, and balances', () => {
    // Prepare: April 2024 read on 15 April.
    const facts = [
      fact({ code: 'A-240320-0001', receivedAt: '2024-03-20T09:00:00+07:00', status: 4, dueAt: '2024-03-25T17:00:00+07:00' }), // carried, overdue
      fact({
        code: 'A-240320-0002',
        receivedAt: '2024-03-20T09:00:00+07:00',
        status: 10,
        finishedAt: '2024-04-02T10:00:00+07:00',
        dueAt: '2024-04-05T17:00:00+07:00',
      }), // carried, early
      fact({ code: 'A-240320-0003', receivedAt: '2024-03-20T09:00:00+07:00', status: 10, finishedAt: '2024-03-28T10:00:00+07:00' }), // closed before: not carried
      fact({ code: 'A-240320-0004', receivedAt: '2024-03-20T09:00:00+07:00', status: 7, updatedAt: '2024-04-03T09:00:00+07:00' }), // carried, withdrawn
      fact({
        code: 'A-240402-0001',
        receivedAt: '2024-04-02T09:00:00+07:00',
        status: 9,
        finishedAt: '2024-04-03T17:30:00+07:00',
        dueAt: '2024-04-03T17:00:00+07:00',
      }), // on time (same day)
      fact({
        code: 'A-240402-0002',
        receivedAt: '2024-04-02T09:00:00+07:00',
        status: 9,
        finishedAt: '2024-04-05T10:00:00+07:00',
        dueAt: '2024-04-03T17:00:00+07:00',
      }), // late
      fact({ code: 'A-240410-0001', receivedAt: '2024-04-10T09:00:00+07:00', status: 5, dueAt: '2024-04-12T17:00:00+07:00' }), // paused: in time
      fact({ code: 'A-240410-0002', receivedAt: '2024-04-10T09:00:00+07:00', status: 2, dueAt: '2024-04-20T17:00:00+07:00' }), // open, in time
    ];

    // Act
    const { total, rows } = statisticsTable(
      facts,
      choosePeriod({ period: 'month', month: '2024-04' }, '2024-04-15').current,
      Date.parse(AS_OF),
      'field',
    );

    // Assess
    expect(total).toMatchObject({
      carried: 3,
      inPeriod: 4,
      total: 7,
      early: 1,
      onTime: 1,
      late: 1,
      openOnTime: 2,
      openOverdue: 1,
      withdrawn: 1,
    });
    expect(total.onTimeRate).toBeCloseTo(2 / 3, 4);
    expect(total.early + total.onTime + total.late + total.openOnTime + total.openOverdue + total.withdrawn).toBe(total.total);
    expect(rows.map((r) => r.code)).toEqual(['HT']);
  });

  it('of a past period counts a dossier finished after it as open at its end', () => {
    // Prepare
    const f = fact({
      receivedAt: '2024-03-20T09:00:00+07:00',
      status: 10,
      finishedAt: '2024-04-05T10:00:00+07:00',
      dueAt: '2024-03-25T17:00:00+07:00',
    });

    // Act
    const march = statisticsTable(
      [f],
      choosePeriod({ period: 'month', month: '2024-03' }, '2024-04-15').current,
      Date.parse(AS_OF),
      'field',
    );

    // Assess
    expect(march.total).toMatchObject({ inPeriod: 1, openOverdue: 1, late: 0 });
  });
});

describe('the page', () => {
  const data = buildDashboard(
    input([
      fact({
        code: '000.00.12.H57-240402-0001',
        receivedAt: '2024-04-02T09:00:00+07:00',
        status: 10,
        finishedAt: '2024-04-03T10:00:00+07:00',
        feeTotal: 8000,
      }),
      fact({
        code: '000.00.12.H57-240301-0001',
        receivedAt: '2024-03-01T09:00:00+07:00',
        status: 4,
        dueAt: '2024-03-05T17:00:00+07:00',
        unit: 'Gọi 0912345678',
      }),
    ]),
  );
  const html = renderDashboard(data, {
    query: 'period=month&amp;month=2024-04',
    params: { period: 'month', month: '2024-04' },
    today: '2024-04-15',
  });

  it('has the merged headers of the statistics table, with scopes', () => {
    // Assess
    expect(html).toContain('<th colspan="3" scope="colgroup">Tiếp nhận</th>');
    expect(html).toContain('<th colspan="4" scope="colgroup">Đã giải quyết</th>');
    expect(html).toContain('<th colspan="2" scope="colgroup">Đang giải quyết</th>');
    expect(html).toContain('<th scope="col">Kỳ trước chuyển sang</th>');
    expect(html).toMatch(/<caption>Tình hình tiếp nhận và giải quyết hồ sơ theo lĩnh vực/);
  });

  it('says "chưa có dữ liệu" for every source not wired yet', () => {
    // Assess
    expect(html).toContain('Chưa có dữ liệu Chỉ số 766.');
    expect(html).toContain('Chưa có dữ liệu phản ánh, kiến nghị.');
    expect(html).toContain('Chưa có dữ liệu dự báo hồ sơ có nguy cơ trễ hạn.');
  });

  it('asks for nothing from elsewhere: no script, no style attribute, no external URL; the stylesheet matches its CSP hash', () => {
    // Assess
    expect(html).not.toMatch(/<script|style="|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(securityHeaders(false)['content-security-policy']).toContain(`style-src ${STYLE_HASH}`);
    expect(securityHeaders(false)['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    expect(securityHeaders(true)['strict-transport-security']).toBeDefined();
  });

  it('masks a phone number typed into a unit name, and shows no applicant data', () => {
    // Assess
    expect(html).not.toContain('0912345678');
    expect(html).not.toMatch(/074190001234|hong@example|Nguyễn Thị Hồng/);
  });

  it('draws each chart as an accessible image followed by its table', () => {
    // Assess
    expect(html).toMatch(/<svg class="chart"[^>]*role="img" aria-labelledby="chart-received-t chart-received-d"/);
    expect(html).toMatch(/<\/figure>\s*<div class="table-wrap"><table id="tbl-trend">/);
  });
});

describe('the province', () => {
  it('has a row per ward (every ward, also one with nothing), and ranks the wards by on-time rate without scorecards', () => {
    // Prepare
    const w1 = '000.00.12.H57';
    const w2 = '000.00.13.H58';
    const w3 = '000.00.14.H59';
    const at = (ward: string, n: number, status: Status, finishedAt: string | null) =>
      fact({
        code: `${ward}-240402-${String(n).padStart(4, '0')}`,
        receivedAt: '2024-04-02T09:00:00+07:00',
        status,
        finishedAt,
        dueAt: '2024-04-03T17:00:00+07:00',
      });
    const base = input([
      at(w1, 1, 10, '2024-04-03T09:00:00+07:00'),
      at(w1, 2, 10, '2024-04-05T09:00:00+07:00'), // late
      at(w2, 1, 10, '2024-04-02T15:00:00+07:00'),
    ]);
    const province: DashboardInput = {
      ...base,
      ward: null,
      wards: [
        { code: w1, name: 'Phường Bình An' },
        { code: w2, name: 'Phường Bình Tây' },
        { code: w3, name: null },
      ],
    };

    // Act
    const data = buildDashboard(province);
    const html = renderDashboard(data, { query: '', params: {}, today: '2024-04-15' });

    // Assess
    expect(data.statistics.rowsAre).toBe('ward');
    expect(data.statistics.rows.map((r) => [r.code, r.inPeriod])).toEqual([
      [w1, 2],
      [w2, 1],
      [w3, 0],
    ]);
    expect(data.ranking?.rankedBy).toBe('onTime');
    expect(data.ranking?.rows.map((r) => r.ward)).toEqual([w2, w1, w3]);
    expect(html).toContain('Toàn tỉnh (3 đơn vị)');
    expect(html).toContain('<h3>Dẫn đầu (theo tỷ lệ giải quyết đúng hạn)</h3><ol><li>Phường Bình Tây (000.00.13.H58): 100,0%</li>');
    expect(html).toContain('<h3>Cần cải thiện</h3><ol><li>Phường Bình An (000.00.12.H57): 50,0%</li>');
  });

  it('ranks by the scorecard total once every ward has one, and draws the 766 groups with their table', () => {
    // Prepare
    const score = (total: number) => ({
      total: { score: total, max: 70 },
      groups: [{ code: 'TDGQ', name: 'Tiến độ giải quyết', max: 20, score: total / 4, indicators: [] }],
      notAvailable: [{ code: 'CKMB', max: 18, reason: 'Không có dữ liệu.' }],
    });
    const base = input([]);
    const province: DashboardInput = {
      ...base,
      ward: null,
      wards: [
        { code: 'A', name: null },
        { code: 'B', name: null },
      ],
      scorecard: { state: 'ok', value: score(50) },
      wardScores: {
        state: 'ok',
        value: new Map([
          ['A', score(40)],
          ['B', score(60)],
        ]),
      },
    };

    // Act
    const data = buildDashboard(province);
    const html = renderDashboard(data, { query: '', params: {}, today: '2024-04-15' });

    // Assess
    expect(data.ranking).toMatchObject({
      rankedBy: 'score',
      rows: [
        { ward: 'B', score: 60 },
        { ward: 'A', score: 40 },
      ],
    });
    expect(html).toContain('Tổng điểm: <strong>50/70</strong>');
    expect(html).toMatch(/<svg class="chart"[^>]*aria-labelledby="chart-766-t chart-766-d"/);
    expect(html).toContain('<table id="tbl-scorecard">');
  });
});

describe('charts', () => {
  it.each([
    [0, 4, 1],
    [7, 8, 2],
    [950, 1000, 500],
    [11701, 15000, 5000],
  ])('scales %d to a top of %d in steps of %d (1, 2 or 5 times a power of ten)', (max, top, step) => {
    // Assess
    expect(niceScale(max)).toEqual({ top, step });
  });

  it('stacks one rect per non-zero value and leaves gaps in a rate line', () => {
    // Act
    const bars = stackedBars(
      'b',
      'T',
      ['2024-01', '2024-02'],
      [
        { name: 'A', className: 's-direct', values: [3, 0] },
        { name: 'B', className: 's-online', values: [2, 5] },
      ],
    );
    const line = rateLine('l', 'T', ['2024-01', '2024-02', '2024-03'], [0.9, null, 1]);

    // Assess
    expect(bars.match(/<rect class="s-/g)).toHaveLength(3 + 2); // 3 bars + 2 legend swatches
    expect(line.match(/M/g)).toHaveLength(2);
    expect(line.match(/<circle/g)).toHaveLength(2);
  });
});

describe('CSV', () => {
  it('has a BOM, CRLF lines, flat Vietnamese headers, rates as percents, and quotes what needs it', () => {
    // Prepare
    const data = buildDashboard(
      input([
        fact({
          receivedAt: '2024-04-02T09:00:00+07:00',
          status: 10,
          finishedAt: '2024-04-02T10:00:00+07:00',
          fieldName: 'Hộ tịch, "khai sinh"',
        }),
      ]),
    );

    // Act
    const csv = toCsv(exportTable(data, 'statistics'));

    // Assess
    expect(csv.startsWith('\uFEFFMã lĩnh vực,Lĩnh vực,Tiếp nhận: Tổng số,Tiếp nhận: Kỳ trước chuyển sang,Tiếp nhận: Trong kỳ,')).toBe(true);
    expect(csv).toContain('Đã giải quyết: Tỷ lệ đúng hạn (%)');
    expect(csv.split('\r\n')[1]).toBe('HT,"Hộ tịch, ""khai sinh""",1,0,1,1,0,0,100.0,0,0');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('keeps a cell starting with = from running as a formula', () => {
    // Prepare
    const data = buildDashboard(input([fact({ receivedAt: '2024-04-02T09:00:00+07:00', fieldName: '=HYPERLINK("x")' })]));

    // Act
    const line = toCsv(exportTable(data, 'statistics')).split('\r\n')[1];

    // Assess
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('the session cookie', () => {
  const KEY = 'k'.repeat(32);
  const NOW = Date.parse('2024-04-15T08:00:00+07:00');

  it('verifies what it signed until it expires, and nothing tampered with', () => {
    // Prepare
    const value = signSession('admin', KEY, NOW);
    const [payload, mac] = value.split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'admin', exp: 9e9 })).toString('base64url')}.${mac}`;

    // Assess
    expect(verifySession(value, KEY, NOW + 1000)).toBe('admin');
    expect(verifySession(value, KEY, NOW + 8 * 3600 * 1000)).toBeNull();
    expect(verifySession(value, 'other-key', NOW)).toBeNull();
    expect(verifySession(forged, KEY, NOW)).toBeNull();
    expect(verifySession(`${payload}.`, KEY, NOW)).toBeNull();
    expect(verifySession(undefined, KEY, NOW)).toBeNull();
  });

  it.each([
    [false, 'motcua_session=v; Path=/dashboard; Max-Age=28800; HttpOnly; SameSite=Strict'],
    [true, 'motcua_session=v; Path=/dashboard; Max-Age=28800; HttpOnly; SameSite=Strict; Secure'],
  ])('is HttpOnly, SameSite=Strict, and Secure when secure=%s', (secure, header) => {
    // Assess
    expect(setCookie('motcua_session', 'v', { maxAgeSeconds: 28800, secure })).toBe(header);
    expect(clearCookie('motcua_session', secure)).toContain('Max-Age=0');
    expect(readCookie(['a=1', 'motcua_session=v'], undefined, 'motcua_session')).toBe('v');
    expect(readCookie(undefined, 'a=1; motcua_session=w', 'motcua_session')).toBe('w');
  });
});
