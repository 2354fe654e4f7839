/**
 * Every answer of `POST /webhooks/feedback` (CONTRACT 3.1, 3.6) and of `GET /feedback/{MaPhanAnh}`
 * (CONTRACT 4), through the exported middy handlers unchanged; only their stores come from memory
 * (`fuzz-support.ts`, `feedback-fakes.ts`).
 */
import type { Context } from 'aws-lambda';
import { secretValues } from '../../functions/adapters/config';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { logger } from '../../functions/adapters/logger';
import { signBody } from '../../functions/adapters/signature';
import { StoreUnavailableError } from '../../functions/core/ports';
import { handler as feedbackHandler } from '../../functions/handlers/feedback-webhook';
import { handler as getFeedbackHandler } from '../../functions/handlers/get-feedback';
import { fuzzPorts, httpEvent, lambdaContext, localEnvironment, postEvent, resetPorts } from './fuzz-support';

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
const body = (res: HttpResult) => JSON.parse(res.body as string);
const now = () => Math.floor(Date.now() / 1000);

const ITEM = {
  MaPhanAnh: '1022.20240312.0042',
  NguonTiepNhan: '1022',
  MaDonVi: '000.00.12.H57',
  KenhTiepNhan: 1,
  NgayTiepNhan: '20240312091500',
  TieuDe: 'Chậm trả kết quả hồ sơ',
  NoiDung: 'Tôi nộp hồ sơ đã quá hẹn, gọi tôi số 0912345678.',
  PhanLoai: 1,
  TrangThai: 2,
  NgayCapNhat: '20240312100000',
  NguoiPhanAnh: 'Nguyễn Văn An',
  SoDienThoai: '0912345678',
  Email: 'an.nguyen@gmail.com',
  DiaChi: '12 Đường số 5',
};
const envelope = (...data: unknown[]) => ({ service: 'DongBoPhanAnhKienNghi', data });

let secret = '';
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = localEnvironment();
  [secret] = await secretValues('FEEDBACK_SECRET');
  logger.setLogLevel('SILENT');
});
afterAll(() => restoreEnv());
beforeEach(() => resetPorts());

/** A POST of `message` signed with `key` at `t` (header left out when `key` is null). */
function post(message: unknown, key: string | null = secret, t = now()): HttpEvent {
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  return postEvent('/webhooks/feedback', text, key === null ? {} : { 'x-motcua-signature': signBody(key, text, t) });
}

function expectNothingStored(): void {
  expect(fuzzPorts.store.raw).toHaveLength(0);
  expect(fuzzPorts.feedback.states.size).toBe(0);
}

describe('POST /webhooks/feedback', () => {
  it('answers 200 {received, applied, duplicate, stale}: newest NgayCapNhat wins, the raw message kept first', async () => {
    // Prepare
    const v1 = ITEM;
    const v2 = { ...ITEM, TrangThai: 3, NgayCapNhat: '20240313080000' };
    const other = { ...ITEM, MaPhanAnh: 'PAKN.20240312.0007', NguonTiepNhan: 'DVCQG' };

    // Act
    const first = await invoke(feedbackHandler, post(envelope(v1, other)));
    const second = await invoke(feedbackHandler, post(envelope(v2, v1, { ...v1, TieuDe: 'Khác' }, other)));

    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(first.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(body(first)).toEqual({ received: 2, applied: 2, duplicate: 0, stale: 0 });
    expect(body(second)).toEqual({ received: 4, applied: 1, duplicate: 2, stale: 1 });
    expect(fuzzPorts.store.raw.map((r) => r.source)).toEqual(['feedback', 'feedback']);
    expect(fuzzPorts.store.raw[1].body.toString('utf8')).toBe(JSON.stringify(envelope(v2, v1, { ...v1, TieuDe: 'Khác' }, other)));
    expect((await fuzzPorts.feedback.getFeedback(ITEM.MaPhanAnh))?.item.status).toBe(3);
  });

  it.each<[string, (text: string) => HttpEvent]>([
    ['no signature', (text) => post(text, null)],
    ['a blank signature', (text) => postEvent('/webhooks/feedback', text, { 'x-motcua-signature': ' ' })],
    ['the portal secret', (text) => post(text, 'local-portal-secret')],
    ['a wrong secret', (text) => post(text, 'wrong-secret')],
    ['a stale timestamp (301 s old)', (text) => post(text, secret, now() - 301)],
    ['a timestamp 301 s ahead', (text) => post(text, secret, now() + 301)],
    [
      'a signature of other bytes',
      (text) => postEvent('/webhooks/feedback', text, { 'x-motcua-signature': signBody(secret, `${text} `, now()) }),
    ],
  ])('answers 401 bad_signature to %s, and stores nothing', async (_what, make) => {
    // Act
    const res = await invoke(feedbackHandler, make(JSON.stringify(envelope(ITEM))));

    // Assess
    expect(res.statusCode).toBe(401);
    expect(body(res).error.code).toBe('bad_signature');
    expectNothingStored();
  });

  it('takes a signature among several v1 entries (a rotation), in any order, hex in either case', async () => {
    // Prepare
    const text = JSON.stringify(envelope(ITEM));
    const t = now();
    const header = `v1=${signBody('retired', text, t).split('v1=')[1]}, t=${t}, v1=${signBody(secret, text, t).split('v1=')[1].toUpperCase()}`;

    // Act
    const res = await invoke(feedbackHandler, postEvent('/webhooks/feedback', text, { 'x-motcua-signature': header }));

    // Assess
    expect(res.statusCode).toBe(200);
  });

  it('answers 400 naming data[i].Field when one item of many is bad, and stores nothing of the request', async () => {
    // Prepare
    const items = Array.from({ length: 10 }, (_, i) => ({ ...ITEM, MaPhanAnh: `1022.20240312.${i}` }));
    items[7] = { ...items[7], NgayTiepNhan: '2024-03-12' };

    // Act
    const res = await invoke(feedbackHandler, post(envelope(...items)));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toMatchObject({ code: 'invalid_payload', details: [{ path: 'data[7].NgayTiepNhan' }] });
    expectNothingStored();
  });

  it.each([4, 5])('answers 400 naming data[i].NgayTraLoi for status %s without it', async (status) => {
    // Act
    const res = await invoke(feedbackHandler, post(envelope(ITEM, { ...ITEM, TrangThai: status })));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(body(res).error.details).toEqual([{ path: 'data[1].NgayTraLoi', message: `required when TrangThai is ${status} (answered)` }]);
    expectNothingStored();
  });

  it.each([
    ['not JSON', '{"service":"DongBoPhanAnhKienNghi","data":['],
    ['an empty body', ''],
    ['JSON null', 'null'],
  ])('answers 400 invalid_payload to %s', async (_what, text) => {
    // Act
    const res = await invoke(feedbackHandler, post(text));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(body(res).error.code).toBe('invalid_payload');
    expectNothingStored();
  });

  it('answers 413 to 5 MiB + 1 byte before looking at the signature, and takes 5 MiB exactly', async () => {
    // Prepare
    const limit = 5 * 1024 * 1024;
    const pad = (n: number) => {
      const base = JSON.stringify(envelope(ITEM));
      return `${base}${' '.repeat(n - Buffer.byteLength(base))}`;
    };
    const over = pad(limit + 1);
    const exact = pad(limit);

    // Act
    const unsigned = await invoke(feedbackHandler, post(over, null));
    const signedOver = await invoke(feedbackHandler, post(over));
    const atLimit = await invoke(feedbackHandler, post(exact));

    // Assess
    expect([unsigned.statusCode, signedOver.statusCode]).toEqual([413, 413]);
    expect(body(unsigned).error.code).toBe('payload_too_large');
    expect(atLimit.statusCode).toBe(200);
  });

  it('answers 503 store_unavailable when the store cannot take the message now', async () => {
    // Prepare
    const spy = jest.spyOn(fuzzPorts.feedback, 'offerFeedback').mockRejectedValueOnce(new StoreUnavailableError('DynamoDB timed out'));

    // Act
    const res = await invoke(feedbackHandler, post(envelope(ITEM)));
    spy.mockRestore();
    const retried = await invoke(feedbackHandler, post(envelope(ITEM)));

    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(body(res).error.code).toBe('store_unavailable');
    expect(JSON.stringify(body(res))).not.toContain('DynamoDB');
    expect(body(retried)).toEqual({ received: 1, applied: 1, duplicate: 0, stale: 0 });
  });
});

describe('GET /feedback/{MaPhanAnh}', () => {
  const get = (id: string) => invoke(getFeedbackHandler, httpEvent('GET', `/feedback/${id}`, { pathParameters: { MaPhanAnh: id } }));

  it('answers 200 with the contract fields, the citizen words and data masked', async () => {
    // Prepare
    await invoke(
      feedbackHandler,
      post(envelope({ ...ITEM, TrangThai: 4, NgayTraLoi: '20240320160000', NoiDungTraLoi: 'Đã gọi 0912345678.', DanhGia: 1 })),
    );

    // Act
    const res = await get(ITEM.MaPhanAnh);

    // Assess
    expect(res.statusCode).toBe(200);
    const view = body(res);
    expect(view).toMatchObject({
      MaPhanAnh: ITEM.MaPhanAnh,
      source: '1022',
      ward: '000.00.12.H57',
      channel: 1,
      category: 1,
      status: 4,
      receivedAt: '2024-03-12T09:15:00+07:00',
      dueAt: '2024-04-02T17:00:00+07:00',
      answeredAt: '2024-03-20T16:00:00+07:00',
      rating: 1,
      MaHoSo: null,
      title: 'Chậm trả kết quả hồ sơ',
      overdue: { isOverdue: false, alertedAt: null },
    });
    for (const key of ['content', 'answer']) expect(typeof view[key]).toBe('string');
    for (const secret of ['0912345678', 'an.nguyen@gmail.com', 'Nguyễn Văn An', '12 Đường số 5']) expect(res.body).not.toContain(secret);
  });

  it.each([
    ['an unknown id', 'PAKN.20240101.9999'],
    ['a malformed id', 'a b'],
    ['a 65-character id', 'x'.repeat(65)],
    ['a percent-encoded slash', '1022%2F0042'],
  ])('answers 404 to %s', async (_what, id) => {
    // Act
    const res = await get(id);

    // Assess
    expect(res.statusCode).toBe(404);
    expect(body(res).error.code).toBe('not_found');
  });
});
