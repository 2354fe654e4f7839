/**
 * Fuzzing of the read and admin routes (CONTRACT 4): `GET /dossiers/{MaHoSo}`,
 * `GET /reports/supervision`, `GET /reports/scorecard`, `POST /admin/overdue-scan`. Each run first sends a few generated
 * messages through the real inbound handlers (portal, postal, VNPay), so the reads are fed whatever
 * edge data the parsers accept, then throws an arbitrary request at the read. Never a 5xx, always
 * the contract's JSON, never a stack trace, never a citizen's identifier in the clear.
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { secretValues } from '../../functions/adapters/config';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { logger } from '../../functions/adapters/logger';
import { signBody } from '../../functions/adapters/signature';
import { vnpaySign } from '../../functions/adapters/vnpay';
import { PROCEDURES } from '../../functions/core/catalog/procedures';
import { toCompact, toVnIso } from '../../functions/core/time';
import { dossierKey } from '../../functions/core/types';
import { handler as getDossierHandler } from '../../functions/handlers/get-dossier';
import { handler as scanHandler } from '../../functions/handlers/overdue-scan';
import { handler as portalHandler } from '../../functions/handlers/portal-webhook';
import { handler as postalHandler } from '../../functions/handlers/postal-notification';
import { handler as scorecardHandler } from '../../functions/handlers/scorecard-report';
import { handler as reportHandler } from '../../functions/handlers/supervision-report';
import { handler as vnpayHandler } from '../../functions/handlers/vnpay-ipn';
import {
  anyText,
  compactDate,
  contractAnswer,
  DOSSIER,
  expectErrorBody,
  FEE,
  fuzzPorts,
  httpEvent,
  isoDate,
  isoInstant,
  lambdaContext,
  localEnvironment,
  longText,
  nastyValue,
  POSTAL,
  postEvent,
  resetPorts,
  STEP,
  SUPPLEMENT,
} from './fuzz-support';

jest.mock('../../functions/adapters/wiring', () => {
  const actual = jest.requireActual<typeof import('../../functions/adapters/wiring')>('../../functions/adapters/wiring');
  const support = jest.requireActual<typeof import('./fuzz-support')>('./fuzz-support');
  return {
    ...actual,
    dossierStore: () => support.fuzzPorts.store,
    dossierWriter: () => support.fuzzPorts.store,
    feedbackStore: () => support.fuzzPorts.feedback,
    feedbackReader: () => actual.feedbackReaderOf(support.fuzzPorts.feedback),
    alertLedger: () => support.fuzzPorts.ledger,
    alertQueue: () => support.fuzzPorts.queue,
    forecastStore: () => ({ getStats: async () => null, putStats: async () => undefined }),
  };
});

type Handler = (event: unknown, context: Context) => Promise<HttpResult>;
const invoke = (h: unknown, event: HttpEvent) => (h as Handler)(event, lambdaContext);
const store = fuzzPorts.store;

let restoreEnv: () => void;
let loggedErrors: jest.SpyInstance;
const secrets = { portal: '', postal: '', vnpay: '' };

beforeAll(async () => {
  restoreEnv = localEnvironment();
  [secrets.portal] = await secretValues('PORTAL_SECRET');
  [secrets.postal] = await secretValues('POSTAL_SECRET');
  [secrets.vnpay] = await secretValues('VNPAY_HASH_SECRET');
  logger.setLogLevel('SILENT');
  loggedErrors = jest.spyOn(logger, 'error');
});

beforeEach(() => {
  resetPorts();
  loggedErrors.mockClear();
});

afterEach(() => {
  expect(loggedErrors).not.toHaveBeenCalled();
});

afterAll(() => {
  loggedErrors.mockRestore();
  restoreEnv();
});

// ---- seeding through the inbound routes ------------------------------------------------------

const CODES = ['000.00.12.H57-240401-0001', '000.00.12.H57-240401-0002', '000.00.12.H57-240402-0003', '000.00.12.H57-240403-0004'];
/** The citizen's identifiers of the fixture: no read may show them in the clear. */
const IDENTIFIERS = [DOSSIER.SoGiayToChuHoSo, DOSSIER.SoDienThoai, DOSSIER.Email];

const APRIL_2024 = { min: Date.parse('2024-03-25T00:00:00+07:00'), max: Date.parse('2024-04-20T00:00:00+07:00') };
const realisticMs = fc.integer(APRIL_2024);
/** A date the portal could send: mostly around April 2024, sometimes any form at all. */
const portalDate = fc.oneof({ weight: 8, arbitrary: realisticMs.map(toCompact) }, { weight: 1, arbitrary: compactDate });
const optionalDate = fc.oneof(portalDate, fc.constantFrom(null, ''));
const anyStatus = fc.integer({ min: 1, max: 10 });

const seedRecord = fc.record({
  code: fc.constantFrom(...CODES),
  MaTTHC: fc.oneof(
    fc.constantFrom(...PROCEDURES.slice(0, 40).map((p) => p.MaTTHC)),
    fc.constantFrom('9.999999', '1.001193.000.00.00.H57', 'X'),
  ),
  KenhThucHien: fc.integer({ min: 1, max: 3 }),
  NgayTiepNhan: portalDate,
  NgayHenTra: optionalDate,
  TrangThaiHoSo: anyStatus,
  NgayCapNhat: portalDate,
  NgayTra: optionalDate,
  NgayKetThucXuLy: optionalDate,
  NgayTuChoi: optionalDate,
  HinhThuc: fc.constantFrom(0, 1, null),
  Gia: fc.oneof(fc.constantFrom(0, 8000, 16000), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  fees: fc.integer({ min: 0, max: 3 }),
  supplements: fc.array(
    fc.record({ NgayYeuCauBoSung: optionalDate, NgayBoSung: optionalDate, NgayHenTraTruoc: optionalDate, NgayHenTraMoi: optionalDate }),
    { maxLength: 2 },
  ),
  ChuHoSo: fc.oneof(fc.constant(DOSSIER.ChuHoSo), anyText),
  DonViXuLy: fc.oneof(fc.constant(DOSSIER.DonViXuLy), anyText, fc.constant(null)),
});

const seedStep = fc.record({ code: fc.constantFrom(...CODES), ThoiDiemXuLy: portalDate, TrangThai: anyStatus, NoiDungXuLy: anyText });
const seedPostal = fc.record({
  code: fc.constantFrom(...CODES),
  eventId: fc.stringMatching(/^[A-Z0-9-]{1,12}$/),
  type: fc.constantFrom(
    'COLLECTED',
    'DELIVERED_TO_AGENCY',
    'RESULT_PICKED_UP',
    'RESULT_DELIVERED',
    'DELIVERY_FAILED',
    'RETURNED_TO_AGENCY',
  ),
  occurredAt: fc.oneof({ weight: 3, arbitrary: realisticMs.map(toVnIso) }, { weight: 2, arbitrary: isoInstant }),
});
const seedPayment = fc.record({
  code: fc.constantFrom(...CODES),
  order: fc.nat(99),
  amount: fc.oneof(fc.constantFrom(0, 8000, 16000), fc.nat()),
  PayDate: portalDate,
  ResponseCode: fc.constantFrom('00', '00', '24'),
});

const seeds = fc.record({
  records: fc.array(seedRecord, { minLength: 1, maxLength: 4 }),
  steps: fc.array(seedStep, { maxLength: 3 }),
  postal: fc.array(seedPostal, { maxLength: 2 }),
  payments: fc.array(seedPayment, { maxLength: 2 }),
});
type Seeds = typeof seeds extends fc.Arbitrary<infer T> ? T : never;

function signed(path: string, message: unknown, secret: string): HttpEvent {
  const text = JSON.stringify(message);
  return postEvent(path, text, { 'x-motcua-signature': signBody(secret, text, Math.floor(Date.now() / 1000)) });
}

/** Sends the seeds through the inbound handlers (each one alone, so one bad date drops only itself), then forgets the writes. */
async function seed(s: Seeds): Promise<void> {
  for (const r of s.records) {
    const { code, Gia, fees, supplements, ...fields } = r;
    const record = {
      ...DOSSIER,
      ...fields,
      MaHoSo: code,
      DanhSachLePhi: Array.from({ length: fees }, () => ({ ...FEE, Gia })),
      DanhSachHoSoBoSung: supplements.map((x) => ({ ...SUPPLEMENT, ...x })),
    };
    const res = await invoke(
      portalHandler,
      signed('/webhooks/portal', { service: 'DongBoHoSoMC', isUpdating: false, data: [record] }, secrets.portal),
    );
    expect([200, 400]).toContain(res.statusCode);
  }
  for (const st of s.steps) {
    const res = await invoke(
      portalHandler,
      signed('/webhooks/portal', { service: 'CapNhatTienDoHoSoMC', data: [{ ...STEP, ...st, MaHoSo: st.code }] }, secrets.portal),
    );
    expect([200, 400]).toContain(res.statusCode);
  }
  for (const p of s.postal) {
    const res = await invoke(postalHandler, signed('/notifications/postal', { ...POSTAL, ...p, MaHoSo: p.code }, secrets.postal));
    expect([200, 400]).toContain(res.statusCode);
  }
  for (const p of s.payments) {
    const query = vnpaySign(
      {
        vnp_TmnCode: 'BINHAN01',
        vnp_Amount: String(p.amount * 100),
        vnp_BankCode: 'NCB',
        vnp_PayDate: p.PayDate,
        vnp_TxnRef: `${p.code}_${p.order}`,
        vnp_TransactionNo: String(14391876 + p.order),
        vnp_ResponseCode: p.ResponseCode,
        vnp_TransactionStatus: p.ResponseCode,
      },
      secrets.vnpay,
    );
    const res = await invoke(vnpayHandler, httpEvent('GET', '/payments/vnpay/ipn', { rawQueryString: query }));
    expect(res.statusCode).toBe(200);
  }
  store.clearLog();
}

/** The identifiers never leave the store unmasked. */
function expectMasked(body: string): void {
  for (const id of IDENTIFIERS) expect(body).not.toContain(id);
}

// ---- GET /dossiers/{MaHoSo} ------------------------------------------------------------------

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

describe('fuzz: GET /dossiers/{MaHoSo}', () => {
  it('answers 200 with the view, 404 or 400 in the contract shape, for any path parameter and any accepted data', async () => {
    // Prepare
    const seen = new Map<number, number>();
    const code = fc.constantFrom(...CODES);
    const parameter = fc.oneof(
      { weight: 4, arbitrary: code },
      { weight: 2, arbitrary: code.map(encodeURIComponent) },
      { weight: 1, arbitrary: code.map((c) => encodeURIComponent(encodeURIComponent(c))) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(code, fc.constantFrom('', ' ', '%', '%2', '%E1%BB', '%ZZ', '\u0000', '🎉'))
          .map(([c, junk]) => `${junk}${c.toLowerCase()}${junk}`),
      },
      { weight: 1, arbitrary: code.map((c) => c.replace(/[.-]/g, '')) },
      { weight: 3, arbitrary: anyText },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('%', '2', '5', 'E', 'D', '8', '0', 'F', 'a'), maxLength: 30 }) },
      { weight: 1, arbitrary: longText(20_000) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    const property = fc.asyncProperty(seeds, parameter, async (s, raw) => {
      resetPorts();
      await seed(s);
      const event = httpEvent('GET', `/dossiers/${raw ?? ''}`, raw === undefined ? {} : { pathParameters: { MaHoSo: raw } });

      // Act
      const res = await invoke(getDossierHandler, event);

      // Assess
      const text = raw ?? '';
      const body = contractAnswer(res, [text, safeDecode(text)]);
      seen.set(res.statusCode ?? 0, (seen.get(res.statusCode ?? 0) ?? 0) + 1);
      expectMasked(res.body as string);
      if (res.statusCode === 200) {
        const view = body as Record<string, unknown>;
        expect(dossierKey(view.MaHoSo as string)).toBe(dossierKey(safeDecode(text).trim()));
        expect(view).toEqual(
          expect.objectContaining({
            MaTTHC: expect.any(String),
            channel: expect.stringMatching(/^(direct|online|postal)$/),
            status: expect.any(Number),
            fees: expect.objectContaining({ total: expect.any(Number), paid: expect.any(Number), paidOnline: expect.any(Boolean) }),
            postal: expect.any(Object),
            overdue: expect.objectContaining({ isOverdue: expect.any(Boolean) }),
            timeline: expect.any(Array),
          }),
        );
        const { trackingNumber } = view.postal as { trackingNumber: unknown };
        expect(trackingNumber === null || typeof trackingNumber === 'string').toBe(true);
      } else if (res.statusCode === 404) {
        expectErrorBody(body, 'not_found');
      } else {
        expect(res.statusCode).toBe(400);
        expectErrorBody(body, 'invalid_request');
        expect(safeDecode(text).trim()).toBe('');
      }
      expect(store.writes).toBe(0);
    });

    // Act
    await fc.assert(property, { numRuns: 200 });

    // Assess
    expect(seen.get(200)).toBeGreaterThan(10);
    expect(seen.get(404)).toBeGreaterThan(10);
  });
});

// ---- GET /reports/supervision ----------------------------------------------------------------

describe('fuzz: GET /reports/supervision', () => {
  it('answers 200 with the report or 400 invalid_request naming the parameter, for any query', async () => {
    // Prepare
    const seen = new Map<number, number>();
    const day = fc
      .integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    const date = fc.oneof(
      { weight: 4, arbitrary: day },
      { weight: 2, arbitrary: isoDate },
      { weight: 1, arbitrary: anyText },
      { weight: 1, arbitrary: fc.constantFrom('', ' 2024-04-01', '2024-4-1', '20240401', '2024-02-30', '0000-01-01', '9999-12-31') },
    );
    const asOf = fc.oneof(
      { weight: 2, arbitrary: realisticMs.map(toVnIso) },
      { weight: 3, arbitrary: isoInstant },
      { weight: 1, arbitrary: anyText },
    );
    const period = fc
      .record({ from: day, days: fc.integer({ min: -3, max: 1200 }), asOf: fc.option(asOf, { nil: undefined }) })
      .map(({ from, days, asOf: at }) => ({
        from,
        to: new Date(Date.parse(from) + days * 86400e3).toISOString().slice(0, 10),
        ...(at === undefined ? {} : { asOf: at }),
      }));
    const extra = fc.dictionary(fc.oneof(anyText, fc.constantFrom('__proto__', 'constructor', 'FROM', 'from ', 'to[]')), anyText, {
      maxKeys: 2,
    });
    const query = fc
      .tuple(fc.oneof(period, fc.record({ from: date, to: date, asOf }, { requiredKeys: [] })), fc.oneof(fc.constant({}), extra))
      .map(([known, more]) => Object.assign(Object.fromEntries(Object.entries(more)), known) as Record<string, string>);
    const property = fc.asyncProperty(seeds, fc.option(query, { nil: undefined, freq: 10 }), async (s, q) => {
      resetPorts();
      await seed(s);
      const params =
        q === undefined
          ? undefined
          : (Object.fromEntries(Object.entries(q).filter(([, v]) => typeof v === 'string')) as Record<string, string>);
      const event = httpEvent('GET', '/reports/supervision', {
        rawQueryString: params ? new URLSearchParams(params).toString() : '',
        ...(params ? { queryStringParameters: params } : {}),
      });

      // Act
      const res = await invoke(reportHandler, event);

      // Assess
      const inputs = Object.entries(params ?? {}).flat();
      const body = contractAnswer(res, inputs);
      seen.set(res.statusCode ?? 0, (seen.get(res.statusCode ?? 0) ?? 0) + 1);
      expectMasked(res.body as string);
      if (res.statusCode === 200) {
        expect(body).toEqual({
          period: { from: params?.from, to: params?.to },
          received: expect.objectContaining({ total: expect.any(Number) }),
          payments: expect.objectContaining({ onlineRate: expect.any(Number), amountVnd: expect.any(Number) }),
          processing: expect.objectContaining({ onTimeRate: expect.any(Number) }),
          byField: expect.any(Array),
          feedback: expect.objectContaining({ received: expect.any(Number) }),
        });
      } else {
        expect(res.statusCode).toBe(400);
        const error = expectErrorBody(body, 'invalid_request');
        expect(error.details?.length).toBeGreaterThan(0);
        for (const d of error.details ?? []) expect(['from', 'to', 'asOf']).toContain(d.path);
      }
      expect(store.writes).toBe(0);
    });

    // Act
    await fc.assert(property, { numRuns: 200 });

    // Assess
    expect(seen.get(200)).toBeGreaterThan(10);
    expect(seen.get(400)).toBeGreaterThan(10);
  });
});

// ---- GET /reports/scorecard -----------------------------------------------------------------

describe('fuzz: GET /reports/scorecard', () => {
  it('answers 200 with the scorecard, 400 naming the parameter or 404 for an unknown ward, for any query', async () => {
    // Prepare
    const seen = new Map<number, number>();
    const day = fc
      .integer({ min: Date.parse('2024-03-01T00:00:00Z'), max: Date.parse('2024-05-31T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    const value = fc.oneof({ weight: 4, arbitrary: day }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: isoDate });
    const query = fc.record(
      {
        from: value,
        to: fc.oneof({ weight: 4, arbitrary: fc.constant('2024-05-31') }, { weight: 1, arbitrary: value }),
        asOf: fc.oneof(realisticMs.map(toVnIso), isoInstant, anyText),
        ward: fc.oneof(fc.constantFrom('000.00.12.H57', '000.00.12.h57', '000.00.99.H57', 'not a ward!', ''), anyText),
      },
      { requiredKeys: ['from', 'to'] },
    );
    const property = fc.asyncProperty(seeds, query, async (s, q) => {
      resetPorts();
      await seed(s);
      const event = httpEvent('GET', '/reports/scorecard', { rawQueryString: new URLSearchParams(q).toString(), queryStringParameters: q });

      // Act
      const res = await invoke(scorecardHandler, event);

      // Assess
      const body = contractAnswer(res, Object.values(q));
      seen.set(res.statusCode ?? 0, (seen.get(res.statusCode ?? 0) ?? 0) + 1);
      expectMasked(res.body as string);
      if (res.statusCode === 200) {
        expect(body).toMatchObject({ period: { from: q.from, to: q.to }, total: { max: 70, score: expect.any(Number) } });
        expect((body as { groups: { indicators: unknown[] }[] }).groups.flatMap((g) => g.indicators)).toHaveLength(12);
      } else if (res.statusCode === 404) {
        expectErrorBody(body, 'unknown_ward');
      } else {
        expect(res.statusCode).toBe(400);
        const error = expectErrorBody(body, 'invalid_request');
        for (const d of error.details ?? []) expect(['from', 'to', 'asOf', 'ward']).toContain(d.path);
      }
      expect(store.writes).toBe(0);
    });

    // Act
    await fc.assert(property, { numRuns: 150 });

    // Assess
    expect(seen.get(200)).toBeGreaterThan(5);
    expect(seen.get(400)).toBeGreaterThan(5);
  });
});

// ---- POST /admin/overdue-scan ----------------------------------------------------------------

describe('fuzz: POST /admin/overdue-scan', () => {
  it('answers 200 {scanned, flagged, alertsQueued} or 400 invalid_payload (nothing marked, nothing queued), for any body', async () => {
    // Prepare
    const seen = new Map<number, number>();
    const now = fc.oneof(
      { weight: 3, arbitrary: realisticMs.map(toVnIso) },
      { weight: 4, arbitrary: isoInstant },
      { weight: 1, arbitrary: nastyValue },
    );
    const body = fc.oneof(
      { weight: 6, arbitrary: now.map((n) => JSON.stringify({ now: n })) },
      { weight: 1, arbitrary: now.map((n) => JSON.stringify({ now: n, extra: true, constructor: { prototype: 1 } })) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '',
          '   ',
          '\n',
          'null',
          '[]',
          '{}',
          '{"now":null}',
          '{"now":""}',
          '{"now":" 2024-04-04T09:00:00+07:00 "}',
          '{"__proto__":{"now":"x"}}',
        ),
      },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
      { weight: 1, arbitrary: anyText },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    const property = fc.asyncProperty(seeds, body, async (s, b) => {
      resetPorts();
      await seed(s);
      const event = b === undefined ? httpEvent('POST', '/admin/overdue-scan') : postEvent('/admin/overdue-scan', b);

      // Act
      const res = await invoke(scanHandler, event);

      // Assess
      const text = b === undefined ? '' : Buffer.from(b).toString('utf8');
      const answer = contractAnswer(res, [text]);
      seen.set(res.statusCode ?? 0, (seen.get(res.statusCode ?? 0) ?? 0) + 1);
      if (res.statusCode === 200) {
        const { scanned, flagged, alertsQueued } = answer as Record<string, number>;
        expect(Object.keys(answer as object).sort()).toEqual(['alertsQueued', 'flagged', 'scanned']);
        expect(Number.isInteger(scanned) && scanned >= 0).toBe(true);
        expect(flagged).toBe(alertsQueued);
        expect(flagged).toBeLessThanOrEqual(scanned);
        expect(fuzzPorts.queue.alerts()).toHaveLength(alertsQueued);
      } else {
        expect(res.statusCode).toBe(400);
        expectErrorBody(answer, 'invalid_payload');
        expect(store.writes).toBe(0);
        expect(fuzzPorts.queue.sent).toHaveLength(0);
      }
    });

    // Act
    await fc.assert(property, { numRuns: 200 });

    // Assess
    expect(seen.get(200)).toBeGreaterThan(10);
    expect(seen.get(400)).toBeGreaterThan(10);
  });
});

describe('fuzz regressions: POST /admin/overdue-scan', () => {
  it.each([
    ['9999-12-31T23:00:00Z', 'was a 500: the clock itself past year 9999'],
    ['9999-12-31T10:00:00+07:00', 'was a 500: its due-soon horizon past year 9999'],
    ['0000-01-01T00:00:00Z', 'outside the accepted years 1900–2999'],
  ])('answers 400 to now = %s (%s)', async (now) => {
    // Prepare
    const event = postEvent('/admin/overdue-scan', JSON.stringify({ now }));

    // Act
    const res = await invoke(scanHandler, event);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(expectErrorBody(contractAnswer(res, [now]), 'invalid_payload').details).toEqual([{ path: 'now', message: expect.any(String) }]);
    expect(fuzzPorts.queue.sent).toHaveLength(0);
  });
});

describe('fuzz regressions: a clock more than 50 years past a due date', () => {
  /** One dossier, open (status 2), through the portal handler. */
  async function seedOpenDossier(received: string, due: string): Promise<void> {
    const record = { ...DOSSIER, MaHoSo: CODES[0], NgayTiepNhan: received, NgayHenTra: due, NgayCapNhat: received, TrangThaiHoSo: 2 };
    const res = await invoke(portalHandler, signed('/webhooks/portal', { service: 'DongBoHoSoMC', data: [record] }, secrets.portal));
    expect(res.statusCode).toBe(200);
  }

  it('GET /dossiers shows a dossier due in 1924 as overdue (was a 500: "no working time left within 50 years")', async () => {
    // Prepare
    await seedOpenDossier('19240325080000', '19240326170000');

    // Act
    const res = await invoke(getDossierHandler, httpEvent('GET', `/dossiers/${CODES[0]}`, { pathParameters: { MaHoSo: CODES[0] } }));

    // Assess
    const view = contractAnswer(res, []) as { overdue: { isOverdue: boolean; workingDaysOverdue: number } };
    expect(res.statusCode).toBe(200);
    expect(view.overdue.isOverdue).toBe(true);
    expect(view.overdue.workingDaysOverdue).toBeGreaterThan(50 * 200);
  });

  it.each([
    ['now = 2099-01-28T00:00Z, due 2024', '20240325080000', '20240326170000', JSON.stringify({ now: '2099-01-28T00:00Z' })],
    ['the real time, due 1924', '19240325080000', '19240326170000', ''],
  ])('POST /admin/overdue-scan flags it: %s (was a 500)', async (_, received, due, body) => {
    // Prepare
    await seedOpenDossier(received, due);

    // Act
    const res = await invoke(scanHandler, postEvent('/admin/overdue-scan', body));

    // Assess
    expect(res.statusCode).toBe(200);
    expect(contractAnswer(res, [body])).toEqual({ scanned: 1, flagged: 1, alertsQueued: 1 });
    expect(fuzzPorts.queue.alerts()).toEqual([expect.objectContaining({ level: 'overdue', code: CODES[0] })]);
  });
});
