/**
 * Fuzzing of the inbound routes (CONTRACT 3): whatever arrives, the full middy chain of each route
 * answers in the contract's terms (never a 5xx, always its JSON shape, never a stack trace), and a
 * rejected request stores nothing. The exported `handler`s run unchanged; only their store comes
 * from memory (see `fuzz-support.ts`). Reads and the admin scan: `fuzz-reads.test.ts`.
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { secretValues } from '../../functions/adapters/config';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { logger } from '../../functions/adapters/logger';
import { PAYGOV_SIGNED_FIELDS, paygovChecksum } from '../../functions/adapters/paygov';
import { signBody } from '../../functions/adapters/signature';
import { vnpaySign } from '../../functions/adapters/vnpay';
import { s10 } from '../../functions/adapters/vnpost';
import { handler as paygovHandler } from '../../functions/handlers/paygov-confirm';
import { handler as portalHandler } from '../../functions/handlers/portal-webhook';
import { handler as postalHandler } from '../../functions/handlers/postal-notification';
import { handler as vnpayHandler } from '../../functions/handlers/vnpay-ipn';
import { record } from './alert-fakes';
import {
  anyText,
  bodyBytes,
  compactDate,
  CONTRACT_PATH,
  contractAnswer,
  DOSSIER,
  expectErrorBody,
  FEE,
  fuzzPorts,
  httpEvent,
  isoInstant,
  lambdaContext,
  localEnvironment,
  longText,
  mutate,
  mutations,
  nastyValue,
  numberish,
  POSTAL,
  postEvent,
  resetPorts,
  STEP,
  SUPPLEMENT,
  type Mutation,
} from './fuzz-support';

jest.mock('../../functions/adapters/wiring', () => {
  const actual = jest.requireActual<typeof import('../../functions/adapters/wiring')>('../../functions/adapters/wiring');
  const support = jest.requireActual<typeof import('./fuzz-support')>('./fuzz-support');
  return {
    ...actual,
    dossierStore: () => support.fuzzPorts.store,
    dossierWriter: () => support.fuzzPorts.store,
    feedbackStore: () => support.fuzzPorts.feedback,
    alertLedger: () => support.fuzzPorts.ledger,
    alertQueue: () => support.fuzzPorts.queue,
    forecastStore: () => ({ getStats: async () => null, putStats: async () => undefined }),
  };
});

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
const invoke = (h: unknown, event: HttpEvent) => (h as Handler)(event, lambdaContext);
const store = fuzzPorts.store;
const nowSeconds = () => Math.floor(Date.now() / 1000);

let restoreEnv: () => void;
let loggedErrors: jest.SpyInstance;
const secrets: Record<'portal' | 'postal' | 'paygov' | 'vnpay', string> = { portal: '', postal: '', paygov: '', vnpay: '' };

beforeAll(async () => {
  restoreEnv = localEnvironment();
  [secrets.portal] = await secretValues('PORTAL_SECRET');
  [secrets.postal] = await secretValues('POSTAL_SECRET');
  [secrets.paygov] = await secretValues('PAYGOV_SECRET');
  [secrets.vnpay] = await secretValues('VNPAY_HASH_SECRET');
  logger.setLogLevel('SILENT');
  // An "unhandled error" log line is a 500 (or a swallowed one, on the payment routes).
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

/** Nothing of the request was kept, raw or derived. */
function expectNothingStored(): void {
  expect(store.raw).toHaveLength(0);
  expect(store.writes).toBe(0);
}

/** Counts answers by status, so a property can show it reached both sides. */
function tally() {
  const seen = new Map<unknown, number>();
  return { seen, add: (k: unknown) => seen.set(k, (seen.get(k) ?? 0) + 1) };
}

// ---- signed webhooks (3.1) -------------------------------------------------------------------

type SignatureMode =
  | 'valid'
  | 'upper-case hex'
  | 'rotated, spaced, v1 first'
  | 'missing'
  | 'blank'
  | 'garbage'
  | 'wrong secret'
  | 'stale'
  | 'future'
  | 'body changed'
  | 'short hex'
  | 'two timestamps';

const VALID_MODES: ReadonlySet<SignatureMode> = new Set(['valid', 'upper-case hex', 'rotated, spaced, v1 first']);
const signatureMode = fc.constantFrom<SignatureMode>(
  'missing',
  'blank',
  'garbage',
  'wrong secret',
  'stale',
  'future',
  'body changed',
  'short hex',
  'two timestamps',
  'upper-case hex',
  'rotated, spaced, v1 first',
);

/** The `X-Motcua-Signature` header for `bytes` in the given mode (undefined: no header). */
function signatureHeader(mode: SignatureMode, secret: string, bytes: Buffer, garbage: string, skew: number): string | undefined {
  const t = nowSeconds();
  const hex = (s: string, b: Buffer | string, at: number) => signBody(s, b, at).split('v1=')[1];
  switch (mode) {
    case 'valid':
      return signBody(secret, bytes, t);
    case 'upper-case hex':
      return `t=${t},v1=${hex(secret, bytes, t).toUpperCase()}`;
    case 'rotated, spaced, v1 first':
      return `v1=${hex('a retired secret', bytes, t)}, v1=${hex(secret, bytes, t)}, t=${t}`;
    case 'missing':
      return undefined;
    case 'blank':
      return '   ';
    case 'garbage':
      return garbage;
    case 'wrong secret':
      return signBody(`${secret}-not`, bytes, t);
    case 'stale':
      return signBody(secret, bytes, t - 301 - skew);
    case 'future':
      return signBody(secret, bytes, t + 301 + skew);
    case 'body changed':
      return signBody(secret, Buffer.concat([bytes, Buffer.from(' ')]), t);
    case 'short hex':
      return `t=${t},v1=${hex(secret, bytes, t).slice(0, 62)}`;
    case 'two timestamps':
      return `t=${t},${signBody(secret, bytes, t)}`;
  }
}

/** A signed POST: the header in `mode` over the exact bytes the handler will see. */
function signedPost(
  path: string,
  body: string | Uint8Array,
  secret: string,
  mode: SignatureMode = 'valid',
  garbage = 'x',
  skew = 0,
): HttpEvent {
  const header = signatureHeader(mode, secret, bodyBytes(body), garbage, skew);
  return postEvent(path, body, header === undefined ? {} : { 'x-motcua-signature': header });
}

// ---- POST /webhooks/portal (3.2) -------------------------------------------------------------

const DOSSIER_KEYS = [...Object.keys(DOSSIER), 'NgayTra', 'NgayKetThucXuLy', 'NgayTuChoi'];
const STEP_KEYS = Object.keys(STEP);
const SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'];

const code = (i: number) => `000.00.12.H57-240401-${String(i + 1).padStart(4, '0')}`;

/** Lists as a record may carry them: mutated fees and supplements, or long runs of one item. */
const listValue = fc.oneof(
  fc.array(
    mutations(Object.keys(FEE)).map((m) => mutate(FEE, m)),
    { maxLength: 4 },
  ),
  fc.array(
    mutations(Object.keys(SUPPLEMENT)).map((m) => mutate(SUPPLEMENT, m)),
    { maxLength: 4 },
  ),
  fc
    .tuple(fc.integer({ min: 1, max: 150 }), fc.constantFrom<unknown>(0, null, FEE, SUPPLEMENT, 'x', []))
    .map(([n, v]) => Array<unknown>(n).fill(v)),
);
const fieldValue = fc.oneof(
  { weight: 6, arbitrary: nastyValue },
  { weight: 1, arbitrary: listValue },
  { weight: 1, arbitrary: anyText.map((s) => `000.00.12.H57-240401-${s}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9.]{1,12}-\d{6}-\d{4,6}$/) },
);

/** Dates (and a due date left out, so that it is computed from the catalog) are where time arithmetic starts. */
const DATE_KEYS = [
  'NgayTiepNhan',
  'NgayHenTra',
  'NgayCapNhat',
  'NgayTra',
  'NgayKetThucXuLy',
  'NgayTuChoi',
  'ThoiDiemXuLy',
  'NgayBatDau',
  'NgayKetThucTheoQuyDinh',
];
const dateValue = fc.oneof(compactDate, compactDate.map(Number), fc.constantFrom<unknown>(null, '', '20240229235959', '20230229000000'));
const dateMutations = fc.array(fc.tuple(fc.constantFrom(...DATE_KEYS), dateValue), { minLength: 1, maxLength: 4 });

/** A DVCQG envelope close to a valid one: some records mutated, the envelope too, 0 to 120 records or the edges 499 to 501, 600. */
const portalCase = fc.record({
  service: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SERVICES) }, { weight: 1, arbitrary: nastyValue }),
  count: fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 1, max: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 499, 500, 501, 600) },
    { weight: 1, arbitrary: fc.integer({ min: 5, max: 120 }) },
  ),
  variants: fc.oneof(
    { weight: 1, arbitrary: fc.constant<Mutation[][]>([[]]) },
    {
      weight: 3,
      arbitrary: fc.array(fc.oneof(mutations(DOSSIER_KEYS, 3, fieldValue), mutations(STEP_KEYS, 3, fieldValue)), {
        minLength: 1,
        maxLength: 3,
      }),
    },
    { weight: 1, arbitrary: fc.array(dateMutations, { minLength: 1, maxLength: 3 }) },
  ),
  envelope: fc.oneof(
    { weight: 3, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 1, arbitrary: mutations(['isUpdating', 'data', 'service'], 2) },
  ),
});

type PortalCase = typeof portalCase extends fc.Arbitrary<infer T> ? T : never;

/** The envelope of a case, and whether nothing in it was mutated (so it must be taken). */
function portalMessage(c: PortalCase): { message: Record<string, unknown>; clean: boolean } {
  const base = c.service === 'CapNhatTienDoHoSoMC' ? STEP : DOSSIER;
  const data = Array.from({ length: c.count }, (_, i) => mutate({ ...base, MaHoSo: code(i) }, c.variants[i % c.variants.length]));
  const message = mutate({ service: c.service, isUpdating: false, data }, c.envelope);
  const clean =
    SERVICES.includes(c.service as string) &&
    c.count >= 1 &&
    c.count <= 500 &&
    c.envelope.length === 0 &&
    c.variants.every((v) => v.length === 0);
  return { message, clean };
}

const BODY_LIMIT = 5 * 1024 * 1024;

/** Checks a portal answer; returns its status. */
function assessPortal(res: HttpResult, text: string, message: unknown): number {
  const body = contractAnswer(res, [text]);
  if (Buffer.byteLength(text) > BODY_LIMIT) {
    expect(res.statusCode).toBe(413);
    expectErrorBody(body, 'payload_too_large');
    expectNothingStored();
  } else if (res.statusCode === 200) {
    const data = (message as { data: unknown[] }).data;
    const answer = body as Record<string, number>;
    expect(Object.keys(answer).sort()).toEqual(['applied', 'duplicate', 'received', 'stale']);
    expect(answer.received).toBe(data.length);
    expect(answer.applied + answer.duplicate + answer.stale).toBe(answer.received);
    expect(store.raw).toHaveLength(1);
    expect(store.raw[0].body.toString('utf8')).toBe(text);
  } else {
    expect(res.statusCode).toBe(400);
    const error = expectErrorBody(body, 'invalid_payload');
    expect(error.details?.length).toBeGreaterThan(0);
    for (const d of error.details ?? []) expect(d.path).toMatch(CONTRACT_PATH);
    expectNothingStored();
  }
  return res.statusCode ?? 0;
}

describe('fuzz: POST /webhooks/portal', () => {
  it('answers 200 or 400 in the contract shape to correctly signed, structurally close DVCQG envelopes', async () => {
    // Prepare
    const statuses = tally();
    const property = fc.asyncProperty(portalCase, async (c) => {
      resetPorts();
      const { message, clean } = portalMessage(c);
      const text = JSON.stringify(message);

      // Act
      const res = await invoke(portalHandler, signedPost('/webhooks/portal', text, secrets.portal));

      // Assess
      statuses.add(assessPortal(res, text, message));
      if (clean) expect(res.statusCode).toBe(200);
    });

    // Act
    await fc.assert(property, { numRuns: 200 });

    // Assess
    expect(statuses.seen.get(200)).toBeGreaterThan(20);
    expect(statuses.seen.get(400)).toBeGreaterThan(20);
  });

  it('answers 400 to correctly signed bytes, text and JSON of any kind, and stores nothing', async () => {
    // Prepare
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      anyText,
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ service: 'DongBoHoSoMC', data: v })),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ service: 'CapNhatTienDoHoSoMC', data: [v] })),
      fc.constantFrom(
        '',
        ' ',
        'null',
        '[]',
        '{}',
        '"x"',
        '1',
        '{"__proto__":{"service":"DongBoHoSoMC"}}',
        '\ufeff{}',
        '{"service":"DongBoHoSoMC","data":[{}]}',
      ),
    );
    const property = fc.asyncProperty(body, async (b) => {
      resetPorts();

      // Act
      const res = await invoke(portalHandler, signedPost('/webhooks/portal', b, secrets.portal));

      // Assess
      const text = bodyBytes(b).toString('utf8');
      const answer = contractAnswer(res, [text]);
      expect(res.statusCode).toBe(400);
      expectErrorBody(answer, 'invalid_payload');
      expectNothingStored();
    });

    // Act
    await fc.assert(property, { numRuns: 200 });
  });

  it('answers 401 bad_signature to an unsigned or mis-signed request, and stores nothing', async () => {
    // Prepare
    const body = fc.oneof(
      portalCase.map((c) => JSON.stringify(portalMessage({ ...c, count: Math.min(c.count, 3) }).message)),
      fc.constant(JSON.stringify(portalMessage({ service: 'DongBoHoSoMC', count: 1, variants: [[]], envelope: [] }).message)),
      fc.uint8Array({ maxLength: 200 }),
    );
    const property = fc.asyncProperty(
      body,
      signatureMode,
      anyText,
      fc.integer({ min: 0, max: 10 ** 9 }),
      async (b, mode, garbage, skew) => {
        resetPorts();

        // Act
        const res = await invoke(portalHandler, signedPost('/webhooks/portal', b, secrets.portal, mode, garbage, skew));

        // Assess
        const answer = contractAnswer(res, [bodyBytes(b).toString('utf8'), garbage]);
        if (VALID_MODES.has(mode)) {
          expect([200, 400]).toContain(res.statusCode);
          return;
        }
        expect(res.statusCode).toBe(401);
        expectErrorBody(answer, 'bad_signature');
        expectNothingStored();
      },
    );

    // Act
    await fc.assert(property, { numRuns: 200 });
  });

  it('keeps its answer small and short of a 5xx for bodies up to and over the 5 MiB limit', async () => {
    // Prepare
    const dossier = (over: Record<string, unknown>) => ({ ...DOSSIER, ...over });
    const body = fc.oneof(
      // one record whose field holds a long text, valid or not (quotes and control characters
      // double or sextuple when echoed back in JSON)
      fc
        .tuple(fc.constantFrom(...DOSSIER_KEYS, 'extra'), longText(2_800_000))
        .map(([k, v]) => ({ service: 'DongBoHoSoMC', data: [dossier({ [k]: v })] })),
      // a fee list of hundreds of thousands of items
      fc
        .integer({ min: 100, max: 400_000 })
        .map((n) => ({ service: 'DongBoHoSoMC', data: [dossier({ DanhSachLePhi: Array<number>(n).fill(0) })] })),
      // 500 records each with hundreds of bad fees
      fc
        .integer({ min: 100, max: 1000 })
        .map((n) => ({ service: 'DongBoHoSoMC', data: Array.from({ length: 500 }, () => ({ DanhSachLePhi: Array<number>(n).fill(0) })) })),
      // 500 valid records with long fields
      fc.integer({ min: 1000, max: 12_000 }).map((n) => ({
        service: 'DongBoHoSoMC',
        data: Array.from({ length: 500 }, (_, i) => dossier({ MaHoSo: code(i), GhiChu: 'ệ'.repeat(n) })),
      })),
      // far too many records
      fc.integer({ min: 501, max: 400_000 }).map((n) => ({ service: 'CapNhatTienDoHoSoMC', data: Array<number>(n).fill(0) })),
    );
    const property = fc.asyncProperty(body, async (message) => {
      resetPorts();
      const text = JSON.stringify(message);

      // Act
      const res = await invoke(portalHandler, signedPost('/webhooks/portal', text, secrets.portal));

      // Assess
      assessPortal(res, text, message);
      expect(Buffer.byteLength(res.body as string)).toBeLessThan(256 * 1024);
    });

    // Act
    await fc.assert(property, { numRuns: 10 });
  });
});

// Counterexamples the fuzz found, kept as plain examples: before the fixes each answered 500 (or
// a body Lambda cannot return), except where the title says otherwise.
describe('fuzz regressions: POST /webhooks/portal', () => {
  const one = (over: Record<string, unknown>) => ({ service: 'DongBoHoSoMC', isUpdating: false, data: [{ ...DOSSIER, ...over }] });

  it.each([
    ['a fee list of 200 000 zeros (stack overflow in the validator)', one({ DanhSachLePhi: Array<number>(200_000).fill(0) })],
    [
      '500 records of 1 000 bad fees each (stack overflow in the validator)',
      { service: 'DongBoHoSoMC', data: Array.from({ length: 500 }, () => ({ DanhSachLePhi: Array<number>(1000).fill(0) })) },
    ],
    ["a 2.5 MB field of quotes (echoed back as a 9.5 MiB answer, over Lambda's 6 MB)", one({ KenhThucHien: '"'.repeat(2_500_000) })],
    [
      'a record received in 9999 with the due date left to the catalog (RangeError: Invalid time value)',
      one({ MaTTHC: '1.013978', NgayTiepNhan: '99991206070001', NgayHenTra: null }),
    ],
    ['a due date in year 0000 (outside the accepted years 1900–2999)', one({ NgayHenTra: '00000101000000' })],
  ])('answers 400 to %s', async (_, message) => {
    // Prepare
    const text = JSON.stringify(message);

    // Act
    const res = await invoke(portalHandler, signedPost('/webhooks/portal', text, secrets.portal));

    // Assess
    const body = contractAnswer(res, [text]);
    expect(res.statusCode).toBe(400);
    expectErrorBody(body, 'invalid_payload');
    expect(Buffer.byteLength(res.body as string)).toBeLessThan(256 * 1024);
    expectNothingStored();
  });
});

// ---- POST /notifications/postal (3.5) --------------------------------------------------------

const POSTAL_KEYS = Object.keys(POSTAL);

const upper2 = fc.stringMatching(/^[A-Z]{2}$/);
const serial = fc.stringMatching(/^\d{8}$/);
const trackingNumber = fc.oneof(
  fc.tuple(upper2, serial, upper2).map(([p, s, c]) => s10(p, s, c)),
  fc.tuple(upper2, serial, upper2, fc.integer({ min: 1, max: 9 })).map(([p, s, c, k]) => {
    const id = s10(p, s, c);
    return `${id.slice(0, 10)}${(Number(id[10]) + k) % 10}${id.slice(11)}`;
  }),
  fc.tuple(upper2, serial, upper2).map(([p, s, c]) => s10(p, s, c).toLowerCase()),
);
const postalValue = fc.oneof(
  { weight: 4, arbitrary: nastyValue },
  { weight: 2, arbitrary: isoInstant },
  { weight: 1, arbitrary: trackingNumber },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'COLLECTED',
      'DELIVERED_TO_AGENCY',
      'RESULT_PICKED_UP',
      'DELIVERY_FAILED',
      'RETURNED_TO_AGENCY',
      'result_delivered',
      'DELIVERED',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9.]{1,12}-\d{6}-\d{4,6}$/) },
);

describe('fuzz: POST /notifications/postal', () => {
  it('answers 200 {status} or 400 in the contract shape to correctly signed, mutated notifications', async () => {
    // Prepare
    const statuses = tally();
    const property = fc.asyncProperty(
      fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 4, arbitrary: mutations(POSTAL_KEYS, 3, postalValue) }),
      async (m) => {
        resetPorts();
        const text = JSON.stringify(mutate(POSTAL, m));

        // Act
        const res = await invoke(postalHandler, signedPost('/notifications/postal', text, secrets.postal));

        // Assess
        const body = contractAnswer(res, [text]);
        statuses.add(res.statusCode);
        if (res.statusCode === 200) {
          expect(body).toEqual({ status: expect.stringMatching(/^(applied|duplicate)$/) });
          expect(store.raw).toHaveLength(1);
        } else {
          expect(res.statusCode).toBe(400);
          const error = expectErrorBody(body, 'invalid_payload');
          for (const d of error.details ?? []) expect(d.path).toMatch(CONTRACT_PATH);
          expectNothingStored();
        }
        if (m.length === 0) expect(res.statusCode).toBe(200);
      },
    );

    // Act
    await fc.assert(property, { numRuns: 300 });

    // Assess
    expect(statuses.seen.get(200)).toBeGreaterThan(20);
    expect(statuses.seen.get(400)).toBeGreaterThan(20);
  });

  it('answers 400 to correctly signed bytes, text and JSON of any kind, and 401 when not signed', async () => {
    // Prepare
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 1000 }),
      anyText,
      fc.json({ maxDepth: 4 }),
      fc.constantFrom('', 'null', '[]', '{}', '{"__proto__":{"eventId":"x"}}'),
    );
    const property = fc.asyncProperty(body, signatureMode, fc.boolean(), async (b, mode, signed) => {
      resetPorts();
      const sigMode = signed ? 'valid' : mode;

      // Act
      const res = await invoke(postalHandler, signedPost('/notifications/postal', b, secrets.postal, sigMode, 'v1=00,t=1'));

      // Assess
      const answer = contractAnswer(res, [bodyBytes(b).toString('utf8')]);
      if (VALID_MODES.has(sigMode)) {
        expect(res.statusCode).toBe(400);
        expectErrorBody(answer, 'invalid_payload');
      } else {
        expect(res.statusCode).toBe(401);
        expectErrorBody(answer, 'bad_signature');
      }
      expectNothingStored();
    });

    // Act
    await fc.assert(property, { numRuns: 200 });
  });
});

describe('fuzz regressions: POST /notifications/postal', () => {
  it('answers 400 to an occurredAt in year 10000 Vietnam time (was stored as the unreadable "+010000-01-01T11:00+07:00")', async () => {
    // Prepare
    const text = JSON.stringify({ ...POSTAL, occurredAt: '9999-12-31T23:00:00-05:00' });

    // Act
    const res = await invoke(postalHandler, signedPost('/notifications/postal', text, secrets.postal));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(expectErrorBody(contractAnswer(res, [text]), 'invalid_payload').details).toEqual([
      { path: 'occurredAt', message: expect.any(String) },
    ]);
    expectNothingStored();
  });
});

// ---- POST /payments/paygov/confirm (3.3) -----------------------------------------------------

const PAYGOV = {
  LoaiBanTin: 'CONFIRM',
  MaLoi: '00',
  MaDoiTac: 'UBND.BINHAN',
  MaThamChieu: 'dvc0000012H57240401000320240401093015',
  SoTien: 16000,
  MaTienTe: 'VND',
  MaGiaoDich: 'PG24040100004521',
  MaNganHang: 'VCB',
  ThoiGianGD: '20240401093342',
  ThongTinGiaoDich: 'Nộp lệ phí cấp bản sao trích lục hộ tịch, hồ sơ 000.00.12.H57-240401-0003',
};
const PAYGOV_KEYS = [...PAYGOV_SIGNED_FIELDS];

const paygovValue = fc.oneof(
  { weight: 4, arbitrary: nastyValue },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{1,14}\d{10}$/), compactDate).map(([c, t]) => `dvc${c}${t}`) },
  { weight: 1, arbitrary: fc.tuple(anyText, compactDate).map(([c, t]) => `DVC${c}${t}`) },
  { weight: 1, arbitrary: fc.constantFrom('VND', 'vnd', '704', 704, 'USD', '00', '01', '99', ' 00') },
  { weight: 1, arbitrary: compactDate },
);

type ChecksumMode = 'valid' | 'upper-case' | 'wrong' | 'missing' | 'nasty';

/**
 * PayGov's checksum of a message, as a sender computes it. A field holding an object with no usable
 * `toString` cannot be turned into the signed line at all: that message is malformed whatever its
 * MaXacThuc, so any hex stands in.
 */
function checksumOf(message: Record<string, unknown>, fallback: string): string {
  const signable = PAYGOV_SIGNED_FIELDS.every((k) => ['string', 'number'].includes(typeof message[k]));
  return signable ? paygovChecksum(message, secrets.paygov) : fallback;
}

describe('fuzz: POST /payments/paygov/confirm', () => {
  it('always answers HTTP 200 {MaLoi, MoTaLoi}: 02 malformed, 01 bad checksum (nothing stored), 00 taken', async () => {
    // Prepare
    const answers = tally();
    const mode = fc.constantFrom<ChecksumMode>('valid', 'valid', 'valid', 'upper-case', 'wrong', 'missing', 'nasty');
    const property = fc.asyncProperty(
      fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 4, arbitrary: mutations(PAYGOV_KEYS, 3, paygovValue) }),
      mode,
      fc.stringMatching(/^[0-9a-f]{64}$/),
      nastyValue,
      async (m, checksum, randomHex, nasty) => {
        resetPorts();
        const message = mutate(PAYGOV, m);
        const sum = checksumOf(message, randomHex);
        const withSum =
          checksum === 'valid'
            ? mutate(message, [['MaXacThuc', sum]])
            : checksum === 'upper-case'
              ? mutate(message, [['MaXacThuc', sum.toUpperCase()]])
              : checksum === 'wrong'
                ? mutate(message, [['MaXacThuc', randomHex]])
                : checksum === 'nasty'
                  ? mutate(message, [['MaXacThuc', nasty]])
                  : message;
        const text = JSON.stringify(withSum);

        // Act
        const res = await invoke(paygovHandler, postEvent('/payments/paygov/confirm', text));

        // Assess
        expect(res.statusCode).toBe(200);
        const body = contractAnswer(res, [text]) as { MaLoi: string; MoTaLoi: string };
        expect(Object.keys(body).sort()).toEqual(['MaLoi', 'MoTaLoi']);
        expect(['00', '01', '02']).toContain(body.MaLoi);
        expect(typeof body.MoTaLoi).toBe('string');
        expect(body.MoTaLoi.length).toBeGreaterThan(0);
        answers.add(body.MaLoi);
        const present = [...PAYGOV_SIGNED_FIELDS, 'MaXacThuc'].every((k) => ['string', 'number'].includes(typeof withSum[k]));
        if (!present) expect(body.MaLoi).toBe('02');
        else if (checksum === 'valid' || checksum === 'upper-case') expect(body.MaLoi).not.toBe('01');
        else expect(body.MaLoi).toBe('01');
        if (body.MaLoi === '00') {
          expect(store.raw).toHaveLength(1);
        } else {
          expectNothingStored();
        }
        if (m.length === 0 && checksum === 'valid') expect(body.MaLoi).toBe('00');
      },
    );

    // Act
    await fc.assert(property, { numRuns: 350 });

    // Assess
    for (const code of ['00', '01', '02']) expect(answers.seen.get(code)).toBeGreaterThan(10);
  });

  it('answers 01 or 02 (never a 5xx, never stored) to bytes, text and JSON of any kind', async () => {
    // Prepare
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 1000 }),
      anyText,
      fc.json({ maxDepth: 4 }),
      fc.dictionary(fc.constantFrom(...PAYGOV_KEYS, 'MaXacThuc', '__proto__'), fc.jsonValue({ maxDepth: 2 })).map((d) => JSON.stringify(d)),
      fc.constantFrom('', 'null', '[]', '{}', '"x"', JSON.stringify({ ...PAYGOV, MaXacThuc: null })),
    );
    const property = fc.asyncProperty(body, async (b) => {
      resetPorts();

      // Act
      const res = await invoke(paygovHandler, postEvent('/payments/paygov/confirm', b));

      // Assess
      expect(res.statusCode).toBe(200);
      const answer = contractAnswer(res, [bodyBytes(b).toString('utf8')]) as { MaLoi: string; MoTaLoi: string };
      expect(Object.keys(answer).sort()).toEqual(['MaLoi', 'MoTaLoi']);
      expect(['01', '02']).toContain(answer.MaLoi);
      expectNothingStored();
    });

    // Act
    await fc.assert(property, { numRuns: 200 });
  });
});

// ---- GET /payments/vnpay/ipn (3.4) -----------------------------------------------------------

const DOSSIER_CODE = '000.00.12.H57-240402-0011';
const TXN_REF = `${DOSSIER_CODE}_2`;
const VNPAY = {
  vnp_TmnCode: 'BINHAN01',
  vnp_Amount: '1600000',
  vnp_BankCode: 'NCB',
  vnp_BankTranNo: 'VNP14391876',
  vnp_CardType: 'ATM',
  vnp_PayDate: '20240402152130',
  vnp_OrderInfo: `Thanh toán lệ phí hồ sơ ${DOSSIER_CODE}`,
  vnp_TxnRef: TXN_REF,
  vnp_TransactionNo: '14391876',
  vnp_ResponseCode: '00',
  vnp_TransactionStatus: '00',
};
const VNPAY_KEYS = Object.keys(VNPAY);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const queryText = anyText.filter((s) => !LONE_SURROGATE.test(s));
const vnpayValue = fc.oneof(
  { weight: 3, arbitrary: queryText },
  { weight: 2, arbitrary: numberish.map(String) },
  { weight: 1, arbitrary: fc.nat().map((n) => String(n * 100)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('1600000', '1600050', '-1600000', '1e8', '16000.00', ' 1600000', '9'.repeat(30), '00', '0', '+1600000'),
  },
  { weight: 1, arbitrary: compactDate },
  { weight: 1, arbitrary: fc.constantFrom('00', '01', '24', '99', '') },
  { weight: 1, arbitrary: fc.oneof(queryText, fc.stringMatching(/^\d{1,20}$/)).map((s) => `${DOSSIER_CODE}_${s}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '000.00.12.H57-240231-0011_1',
      '_1',
      '000.00.12.H57-240402-0011',
      '000.00.12.H57-240402-0011_',
      'a-240402-0011_1',
      `${TXN_REF}_3`,
    ),
  },
);

type HashMode =
  | 'valid'
  | 'upper-case hash'
  | 'with ?'
  | 'extra unsigned parameter'
  | 'empty vnp_ parameter'
  | 'hash type given'
  | 'wrong secret'
  | 'no hash'
  | 'value changed'
  | 'parameter twice'
  | 'hash cut short';
const VALID_HASH_MODES: ReadonlySet<HashMode> = new Set([
  'valid',
  'upper-case hash',
  'with ?',
  'extra unsigned parameter',
  'empty vnp_ parameter',
  'hash type given',
]);

/** The IPN query string for `params` signed in `mode`. */
function ipnQuery(params: Record<string, string>, mode: HashMode, secret: string): string {
  const signed = vnpaySign(params, secret);
  const [data, hash] = signed.split('&vnp_SecureHash=');
  switch (mode) {
    case 'valid':
      return signed;
    case 'upper-case hash':
      return `${data}&vnp_SecureHash=${hash.toUpperCase()}`;
    case 'with ?':
      return `?${signed}`;
    case 'extra unsigned parameter':
      return `${signed}&utm_source=zalo&x=%E1%BB%87`;
    case 'empty vnp_ parameter':
      return `vnp_Zzz=&${signed}`;
    case 'hash type given':
      return `${signed}&vnp_SecureHashType=HmacSHA512`;
    case 'wrong secret':
      return vnpaySign(params, `${secret}-not`);
    case 'no hash':
      return data;
    case 'value changed': {
      const changed = vnpaySign({ ...params, vnp_OrderInfo: `${params.vnp_OrderInfo ?? ''}X` }, secret).split('&vnp_SecureHash=')[0];
      return `${changed}&vnp_SecureHash=${hash}`;
    }
    case 'parameter twice':
      return `${signed}&vnp_TmnCode=BINHAN01`;
    case 'hash cut short':
      return `${data}&vnp_SecureHash=${hash.slice(0, 127)}`;
  }
}

/** A GET as API Gateway hands it over: the raw query string and the decoded parameters (repeats joined by commas). */
function ipnEvent(query: string): HttpEvent {
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)) {
    params[k] = k in params ? `${params[k]},${v}` : v;
  }
  return httpEvent('GET', '/payments/vnpay/ipn', {
    rawQueryString: query.startsWith('?') ? query.slice(1) : query,
    queryStringParameters: params,
  });
}

/** Puts the dossier the IPN pays for in the store (fee total 16 000 VND), then forgets the write. */
async function seedVnpayDossier(): Promise<void> {
  await store.offerRecords([
    { record: record({ code: DOSSIER_CODE, fees: [{ name: 'Lệ phí', code: 'LP01', amount: 16000 }], feeTotal: 16000 }), raw: {} },
  ]);
  store.clearLog();
}

describe('fuzz: GET /payments/vnpay/ipn', () => {
  it('always answers HTTP 200 {RspCode, Message} to signed, mutated IPNs; 97 and 01 store nothing', async () => {
    // Prepare
    const answers = tally();
    const overrides = fc.record(Object.fromEntries(VNPAY_KEYS.map((k) => [k, vnpayValue])) as Record<string, fc.Arbitrary<string>>, {
      requiredKeys: [],
    });
    const extras = fc.dictionary(
      fc.oneof(
        queryText,
        queryText.map((s) => `vnp_${s}`),
      ),
      queryText,
      { maxKeys: 2 },
    );
    const hashMode = fc.constantFrom<HashMode>(
      'valid',
      'valid',
      'valid',
      'upper-case hash',
      'with ?',
      'extra unsigned parameter',
      'empty vnp_ parameter',
      'hash type given',
      'wrong secret',
      'no hash',
      'value changed',
      'parameter twice',
      'hash cut short',
    );
    const property = fc.asyncProperty(
      fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 4, arbitrary: overrides }),
      fc.subarray(VNPAY_KEYS, { maxLength: 2 }),
      fc.oneof(fc.constant({}), extras),
      hashMode,
      async (over, drop, extra, mode) => {
        resetPorts();
        await seedVnpayDossier();
        const params: Record<string, string> = { ...VNPAY, ...over };
        for (const k of drop) delete params[k];
        for (const [k, v] of Object.entries(extra))
          if (!(k in VNPAY) && k !== 'vnp_SecureHash' && k !== 'vnp_SecureHashType') params[k] = v;
        const query = ipnQuery(params, mode, secrets.vnpay);

        // Act
        const res = await invoke(vnpayHandler, ipnEvent(query));

        // Assess
        expect(res.statusCode).toBe(200);
        const body = contractAnswer(res, [query, decodeURIComponentSafe(query)]) as { RspCode: string; Message: string };
        expect(Object.keys(body).sort()).toEqual(['Message', 'RspCode']);
        // Never 99 here: that is the store failing, and this store does not fail.
        expect(['00', '01', '02', '04', '97']).toContain(body.RspCode);
        answers.add(body.RspCode);
        if (VALID_HASH_MODES.has(mode)) expect(body.RspCode).not.toBe('97');
        else expect(body.RspCode).toBe('97');
        // 01 is also, by vnpay.ts's rule, a signed IPN with no readable vnp_PayDate or
        // vnp_ResponseCode: nothing is kept, and VNPay does not retry it.
        if (['97', '01'].includes(body.RspCode)) expectNothingStored();
        if (body.RspCode === '00' || body.RspCode === '02') expect(store.raw).toHaveLength(1);
        const amount = params.vnp_Amount;
        const badAmount =
          amount === undefined || !/^\d+$/.test(amount) || !Number.isSafeInteger(Number(amount)) || Number(amount) % 100 !== 0;
        if (VALID_HASH_MODES.has(mode) && params.vnp_TxnRef === TXN_REF && badAmount) {
          expect(body.RspCode).toBe('04');
          expectNothingStored();
        }
        if (Object.keys(over).length === 0 && drop.length === 0 && Object.keys(extra).length === 0 && mode === 'valid')
          expect(body.RspCode).toBe('00');
      },
    );

    // Act
    await fc.assert(property, { numRuns: 350 });

    // Assess
    for (const code of ['00', '01', '04', '97']) expect(answers.seen.get(code)).toBeGreaterThan(5);
  });

  it('answers 97 (nothing stored) to arbitrary query strings', async () => {
    // Prepare
    const query = fc.oneof(
      anyText,
      fc.string({ unit: fc.constantFrom('vnp_', 'SecureHash', '=', '&', '%', '%E1', '%ZZ', '+', '?', 'a', '0', 'f'), maxLength: 40 }),
      fc
        .dictionary(fc.constantFrom(...VNPAY_KEYS, 'vnp_SecureHash', 'vnp_SecureHashType'), anyText)
        .map((d) => new URLSearchParams(d).toString()),
      fc.stringMatching(/^[0-9a-f]{128}$/).map((h) => `${new URLSearchParams(VNPAY).toString()}&vnp_SecureHash=${h}`),
    );
    const property = fc.asyncProperty(query, async (q) => {
      resetPorts();

      // Act
      const res = await invoke(vnpayHandler, ipnEvent(q));

      // Assess
      expect(res.statusCode).toBe(200);
      const body = contractAnswer(res, [q, decodeURIComponentSafe(q)]) as { RspCode: string; Message: string };
      expect(body).toEqual({ RspCode: '97', Message: expect.any(String) });
      expectNothingStored();
    });

    // Act
    await fc.assert(property, { numRuns: 200 });
  });
});

/** The query as a person would read it (for the echo allowance of the stack-trace check). */
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
