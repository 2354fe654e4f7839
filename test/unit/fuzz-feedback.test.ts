/**
 * Fuzzing of `POST /webhooks/feedback` (CONTRACT 3.1, 3.6) and `GET /feedback/{MaPhanAnh}`, as
 * `fuzz.test.ts` does for the other routes: whatever arrives, the full middy chain answers in the
 * contract's terms (never a 5xx, always its JSON shape, never a stack trace), a rejected request
 * stores nothing, and no answer carries the citizen's phone, email or ID number unmasked.
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { secretValues } from '../../functions/adapters/config';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { logger } from '../../functions/adapters/logger';
import { signBody } from '../../functions/adapters/signature';
import { handler as feedbackHandler } from '../../functions/handlers/feedback-webhook';
import { handler as getFeedbackHandler } from '../../functions/handlers/get-feedback';
import {
  anyText,
  bodyBytes,
  compactDate,
  CONTRACT_PATH,
  contractAnswer,
  expectErrorBody,
  fuzzPorts,
  httpEvent,
  lambdaContext,
  localEnvironment,
  longText,
  mutate,
  mutations,
  nastyValue,
  postEvent,
  resetPorts,
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
  };
});

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
const invoke = (h: unknown, event: HttpEvent) => (h as Handler)(event, lambdaContext);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const BODY_LIMIT = 5 * 1024 * 1024;

/** A valid item; the citizen's identifiers inside on purpose. */
const ITEM = {
  MaPhanAnh: '1022.20240312.0042',
  NguonTiepNhan: '1022',
  MaDonVi: '000.00.12.H57',
  KenhTiepNhan: 1,
  NgayTiepNhan: '20240312091500',
  TieuDe: 'Chậm trả kết quả hồ sơ',
  NoiDung: 'Gọi tôi số 0912345678 hoặc an.nguyen@gmail.com, CCCD 074190001234.',
  PhanLoai: 1,
  TrangThai: 4,
  NgayCapNhat: '20240320160000',
  HanXuLy: '20240402170000',
  NgayTraLoi: '20240320160000',
  NoiDungTraLoi: 'Đã trả lời qua số 0912345678.',
  DanhGia: 1,
  MaHoSo: '000.00.12.H57-240401-0003',
  LinhVuc: 'HT',
  NguoiPhanAnh: 'Nguyễn Văn An',
  SoDienThoai: '0912345678',
  Email: 'an.nguyen@gmail.com',
  DiaChi: '12 Đường số 5',
};
const KEYS = Object.keys(ITEM);
const PERSONAL = ['0912345678', 'an.nguyen@gmail.com', '074190001234'];

let secret = '';
let restoreEnv: () => void;
let loggedErrors: jest.SpyInstance;

beforeAll(async () => {
  restoreEnv = localEnvironment();
  [secret] = await secretValues('FEEDBACK_SECRET');
  logger.setLogLevel('SILENT');
  // An "unhandled error" log line is a 500.
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

function signedPost(body: string | Uint8Array, header?: string): HttpEvent {
  const bytes = bodyBytes(body);
  return postEvent('/webhooks/feedback', body, { 'x-motcua-signature': header ?? signBody(secret, bytes, nowSeconds()) });
}

function expectNothingStored(): void {
  expect(fuzzPorts.store.raw).toHaveLength(0);
  expect(fuzzPorts.feedback.writes).toBe(0);
}

const idOf = (i: number) => `1022.20240312.${i}`;

/** Values for the dates, codes and identifiers where the arithmetic and the bounds are. */
const fieldValue = fc.oneof(
  { weight: 6, arbitrary: nastyValue },
  { weight: 2, arbitrary: fc.oneof(compactDate, compactDate.map(Number)) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{60,70}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9.]{1,12}-\d{6}-\d{4,60}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) },
);

/** A feedback envelope close to a valid one: items mutated, the envelope too, 0 to 40 items or the edges. */
const feedbackCase = fc.record({
  count: fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 1, max: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 499, 500, 501) },
    { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }) },
  ),
  variants: fc.oneof(
    { weight: 1, arbitrary: fc.constant<Mutation[][]>([[]]) },
    { weight: 3, arbitrary: fc.array(mutations(KEYS, 3, fieldValue), { minLength: 1, maxLength: 3 }) },
  ),
  envelope: fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 1, arbitrary: mutations(['service', 'data'], 2) }),
  sameId: fc.boolean(),
});

type FeedbackCase = typeof feedbackCase extends fc.Arbitrary<infer T> ? T : never;

function feedbackMessage(c: FeedbackCase): { message: Record<string, unknown>; clean: boolean } {
  const data = Array.from({ length: c.count }, (_, i) =>
    mutate({ ...ITEM, MaPhanAnh: c.sameId ? ITEM.MaPhanAnh : idOf(i) }, c.variants[i % c.variants.length]),
  );
  const message = mutate({ service: 'DongBoPhanAnhKienNghi', data }, c.envelope);
  const clean = c.count >= 1 && c.count <= 500 && c.envelope.length === 0 && c.variants.every((v) => v.length === 0);
  return { message, clean };
}

/** Checks an answer of the webhook; returns its status. */
function assess(res: HttpResult, text: string, message: unknown): number {
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
    expect(fuzzPorts.store.raw).toHaveLength(1);
    expect(fuzzPorts.store.raw[0].source).toBe('feedback');
  } else {
    expect(res.statusCode).toBe(400);
    const error = expectErrorBody(body, 'invalid_payload');
    expect(error.details?.length).toBeGreaterThan(0);
    for (const d of error.details ?? []) expect(d.path).toMatch(CONTRACT_PATH);
    expectNothingStored();
  }
  return res.statusCode ?? 0;
}

describe('fuzz: POST /webhooks/feedback', () => {
  it('answers 200 or 400 in the contract shape to correctly signed, structurally close envelopes', async () => {
    // Prepare
    const seen = new Map<number, number>();
    const property = fc.asyncProperty(feedbackCase, async (c) => {
      resetPorts();
      const { message, clean } = feedbackMessage(c);
      const text = JSON.stringify(message);

      // Act
      const res = await invoke(feedbackHandler, signedPost(text));

      // Assess
      const status = assess(res, text, message);
      seen.set(status, (seen.get(status) ?? 0) + 1);
      if (clean) expect(res.statusCode).toBe(200);
    });

    // Act
    await fc.assert(property, { numRuns: 200 });

    // Assess
    expect(seen.get(200)).toBeGreaterThan(20);
    expect(seen.get(400)).toBeGreaterThan(20);
  });

  it('answers 400 to correctly signed bytes, text and JSON of any kind, and stores nothing', async () => {
    // Prepare
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      anyText,
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ service: 'DongBoPhanAnhKienNghi', data: v })),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ service: 'DongBoPhanAnhKienNghi', data: [v] })),
      fc.constantFrom(
        '',
        'null',
        '[]',
        '{}',
        '{"__proto__":{"service":"DongBoPhanAnhKienNghi"}}',
        '\ufeff{}',
        '{"service":"DongBoPhanAnhKienNghi","data":[{}]}',
      ),
    );
    const property = fc.asyncProperty(body, async (b) => {
      resetPorts();

      // Act
      const res = await invoke(feedbackHandler, signedPost(b));

      // Assess
      const answer = contractAnswer(res, [bodyBytes(b).toString('utf8')]);
      expect(res.statusCode).toBe(400);
      expectErrorBody(answer, 'invalid_payload');
      expectNothingStored();
    });

    // Act
    await fc.assert(property, { numRuns: 200 });
  });

  it('answers 401 bad_signature to an unsigned or mis-signed request, and stores nothing', async () => {
    // Prepare
    const text = JSON.stringify({ service: 'DongBoPhanAnhKienNghi', data: [ITEM] });
    const header = fc.oneof(
      anyText,
      fc.integer({ min: 301, max: 10 ** 9 }).map((skew) => signBody(secret, text, nowSeconds() - skew)),
      fc.integer({ min: 301, max: 10 ** 9 }).map((skew) => signBody(secret, text, nowSeconds() + skew)),
      anyText.map((other) => signBody(`${secret}${other}x`, text, nowSeconds())),
      fc.constant(signBody('local-portal-secret', text, nowSeconds())),
      fc.constant(`t=${nowSeconds()},${signBody(secret, text, nowSeconds())}`),
    );
    const property = fc.asyncProperty(header, async (h) => {
      resetPorts();

      // Act
      const res = await invoke(feedbackHandler, signedPost(text, h));

      // Assess
      const answer = contractAnswer(res, [text, h]);
      expect(res.statusCode).toBe(401);
      expectErrorBody(answer, 'bad_signature');
      expectNothingStored();
    });

    // Act
    await fc.assert(property, { numRuns: 200 });
  });

  it('keeps its answer small and short of a 5xx for bodies up to and over the 5 MiB limit', async () => {
    // Prepare
    const item = (over: Record<string, unknown>) => ({ ...ITEM, ...over });
    const body = fc.oneof(
      fc
        .tuple(fc.constantFrom(...KEYS, 'extra'), longText(2_800_000))
        .map(([k, v]) => ({ service: 'DongBoPhanAnhKienNghi', data: [item({ [k]: v })] })),
      fc.integer({ min: 1000, max: 12_000 }).map((n) => ({
        service: 'DongBoPhanAnhKienNghi',
        data: Array.from({ length: 500 }, (_, i) => item({ MaPhanAnh: idOf(i), NoiDung: 'ệ'.repeat(n) })),
      })),
      fc.integer({ min: 501, max: 400_000 }).map((n) => ({ service: 'DongBoPhanAnhKienNghi', data: Array<number>(n).fill(0) })),
    );
    const property = fc.asyncProperty(body, async (message) => {
      resetPorts();
      const text = JSON.stringify(message);

      // Act
      const res = await invoke(feedbackHandler, signedPost(text));

      // Assess
      assess(res, text, message);
      expect(Buffer.byteLength(res.body as string)).toBeLessThan(256 * 1024);
    });

    // Act
    await fc.assert(property, { numRuns: 10 });
  });
});

describe('fuzz: GET /feedback/{MaPhanAnh}', () => {
  it('answers 200 (masked) or 404 in the contract shape for any id', async () => {
    // Prepare
    resetPorts();
    await invoke(feedbackHandler, signedPost(JSON.stringify({ service: 'DongBoPhanAnhKienNghi', data: [ITEM] })));
    const id = fc.oneof(
      anyText,
      fc.constant(ITEM.MaPhanAnh),
      fc.constant(` ${ITEM.MaPhanAnh} `),
      fc.stringMatching(/^[A-Za-z0-9._%-]{0,80}$/),
    );
    const property = fc.asyncProperty(id, async (value) => {
      // Act
      const res = await invoke(getFeedbackHandler, httpEvent('GET', '/feedback/x', { pathParameters: { MaPhanAnh: value } }));

      // Assess
      const body = contractAnswer(res, [value]);
      if (res.statusCode === 200) {
        expect((body as { MaPhanAnh: string }).MaPhanAnh).toBe(ITEM.MaPhanAnh);
        for (const p of PERSONAL) expect(res.body).not.toContain(p);
      } else {
        expect(res.statusCode).toBe(404);
        expectErrorBody(body, 'not_found');
      }
    });

    // Act
    await fc.assert(property, { numRuns: 300 });
  });
});
