/**
 * Citizens' feedback on the local stack (`npm start`), driven over HTTP as the hotline-1022 and
 * PAKN systems and the ward's staff would: the samples signed as `npm run send` signs them, every
 * answer of the webhook, the masked read, the overdue scan's email to the ward's default list
 * (once), the report's feedback block, a ward known only from its feedback, and log lines
 * without the citizen's words.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adminGet, adminPost, clearSes, LOCAL_SECRETS, poll, request, sesStore, signedPost, startStack, type Stack } from './harness';

jest.setTimeout(120_000);

const SECRET = LOCAL_SECRETS.FEEDBACK_SECRET;
const sample = (file: string) => readFileSync(path.resolve(__dirname, '../../events/feedback', file), 'utf8');
/** The citizen's words and data of the samples and of the items below. */
const CITIZEN = [
  '0912345678',
  'tranvanbinh.da@gmail.com',
  'Nguyễn Thị Hồng',
  'Trần Văn Bình',
  'Chưa nhận được giấy khai sinh',
  'Đèn chiếu sáng',
  'Khu phố Bình Đường 2',
  '0987654321',
  'Đường xuống cấp',
];

/** An open item received long ago (so overdue at any clock after its deadline). */
const overdueItem = (id: string, ward: string, over: Record<string, unknown> = {}) => ({
  MaPhanAnh: id,
  NguonTiepNhan: 'DVCQG',
  MaDonVi: ward,
  KenhTiepNhan: 3,
  NgayTiepNhan: '20240304090000',
  TieuDe: 'Đường xuống cấp',
  NoiDung: 'Đường vào khu phố có nhiều ổ gà, liên hệ 0987654321.',
  PhanLoai: 3,
  TrangThai: 3,
  NgayCapNhat: '20240305100000',
  NguoiPhanAnh: 'Lê Văn Cường',
  SoDienThoai: '0987654321',
  ...over,
});
const envelope = (...data: unknown[]) => ({ service: 'DongBoPhanAnhKienNghi', data });

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('POST /webhooks/feedback', () => {
  it('takes the samples as npm run send signs them: applied, then duplicate, the answer newer', async () => {
    // Act
    const call = await signedPost(stack.api, '/webhooks/feedback', sample('call-1022.json'), SECRET);
    const pakn = await signedPost(stack.api, '/webhooks/feedback', sample('pakn-dvcqg.json'), SECRET);
    const answered = await signedPost(stack.api, '/webhooks/feedback', sample('pakn-dvcqg-answered.json'), SECRET);
    const again = await signedPost(stack.api, '/webhooks/feedback', sample('pakn-dvcqg.json'), SECRET);

    // Assess
    expect([call.status, pakn.status, answered.status, again.status]).toEqual([200, 200, 200, 200]);
    expect(call.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(call.body).toEqual({ received: 1, applied: 1, duplicate: 0, stale: 0 });
    expect(answered.body).toEqual({ received: 1, applied: 1, duplicate: 0, stale: 0 });
    expect(again.body).toEqual({ received: 1, applied: 0, duplicate: 1, stale: 0 });
  });

  it.each<[string, () => Promise<{ status: number; body: any }>, number, string]>([
    [
      'no signature',
      () =>
        request(`${stack.api}/webhooks/feedback`, { method: 'POST', body: JSON.stringify(envelope(overdueItem('X.1', '000.00.12.H57'))) }),
      401,
      'bad_signature',
    ],
    [
      'the portal secret',
      () => signedPost(stack.api, '/webhooks/feedback', envelope(overdueItem('X.2', '000.00.12.H57')), 'local-portal-secret'),
      401,
      'bad_signature',
    ],
    [
      'a stale timestamp',
      () =>
        signedPost(
          stack.api,
          '/webhooks/feedback',
          envelope(overdueItem('X.3', '000.00.12.H57')),
          SECRET,
          Math.floor(Date.now() / 1000) - 600,
        ),
      401,
      'bad_signature',
    ],
    [
      'status 4 without NgayTraLoi',
      () => signedPost(stack.api, '/webhooks/feedback', envelope(overdueItem('X.4', '000.00.12.H57', { TrangThai: 4 })), SECRET),
      400,
      'invalid_payload',
    ],
    [
      '5 MiB + 1 byte',
      () =>
        signedPost(
          stack.api,
          '/webhooks/feedback',
          `${JSON.stringify(envelope(overdueItem('X.5', '000.00.12.H57')))}${' '.repeat(5 * 1024 * 1024)}`,
          SECRET,
        ),
      413,
      'payload_too_large',
    ],
  ])('answers %s with the right status and error code', async (_what, send, status, code) => {
    // Act
    const res = await send();

    // Assess
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('answers 400 naming the bad item and stores nothing of the request', async () => {
    // Act
    const res = await signedPost(
      stack.api,
      '/webhooks/feedback',
      envelope(overdueItem('Y.1', '000.00.12.H57'), overdueItem('Y.2', '000.00.12.H57', { KenhTiepNhan: 9 })),
      SECRET,
    );
    const first = await adminGet(stack.api, '/feedback/Y.1');

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'data[1].KenhTiepNhan', message: expect.any(String) }]);
    expect(first.status).toBe(404);
  });
});

describe('GET /feedback/{MaPhanAnh}', () => {
  it('answers the item with the citizen words and data masked, 401 without the token, 404 for an unknown id', async () => {
    // Act
    const res = await adminGet(stack.api, '/feedback/PAKN.20240402.0007');
    const call = await adminGet(stack.api, '/feedback/1022.20240403.0042');
    const anonymous = await request(`${stack.api}/feedback/PAKN.20240402.0007`);
    const unknown = await adminGet(stack.api, '/feedback/PAKN.19990101.0001');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      MaPhanAnh: 'PAKN.20240402.0007',
      source: 'DVCQG',
      ward: '000.00.12.H57',
      channel: 3,
      category: 3,
      status: 5,
      receivedAt: '2024-04-02T15:30:00+07:00',
      dueAt: '2024-04-24T17:00:00+07:00', // 15 working days, Giỗ Tổ (18/04) not counted
      answeredAt: '2024-04-11T16:00:00+07:00',
      rating: 1,
      MaHoSo: null,
      overdue: { isOverdue: false, alertedAt: null },
    });
    expect(call.body).toMatchObject({ dueAt: '2024-04-10T17:00:00+07:00', MaHoSo: '000.00.12.H57-240401-0003', status: 2 });
    expect(res.text).not.toContain('tranvanbinh.da@gmail.com');
    expect(call.text).not.toContain('0912345678');
    expect(anonymous.status).toBe(401);
    expect(unknown.status).toBe(404);
  });
});

describe('the overdue scan', () => {
  it("mails the ward's default list one email per run about its overdue feedback, with no citizen words, once", async () => {
    // Prepare
    await clearSes(stack.ses);
    const pushed = await signedPost(stack.api, '/webhooks/feedback', envelope(overdueItem('PAKN.20240304.0001', '000.00.12.H57')), SECRET);
    expect(pushed.status).toBe(200);
    const now = '2024-04-04T09:00:00+07:00'; // due 25 March 17:00: 8 working days late

    // Act
    const scan = await adminPost(stack.api, '/admin/overdue-scan', { now });
    const emails = await poll(
      async () => {
        const all = (await sesStore(stack.ses)).filter((e) => e.subject.includes('phản ánh'));
        return all.length >= 2 ? all : undefined;
      },
      { timeoutMs: 30_000, what: 'the feedback alert emails' },
    );
    const again = await adminPost(stack.api, '/admin/overdue-scan', { now });
    const item = await adminGet(stack.api, '/feedback/PAKN.20240304.0001');

    // Assess
    expect(scan.status).toBe(200);
    expect(Object.keys(scan.body).sort()).toEqual(['alertsQueued', 'flagged', 'scanned']);
    expect(emails.map((e) => [e.destination.to.join(','), e.subject]).sort()).toEqual([
      ['chutich@binhan.local', '[Một cửa] 1 phản ánh, kiến nghị quá hạn'],
      ['phochutich@binhan.local', '[Một cửa] 1 phản ánh, kiến nghị quá hạn'],
    ]);
    const text = emails[0].body.text ?? '';
    expect(text).toContain('STT | Mã phản ánh | Nguồn tiếp nhận | Đơn vị xử lý | Ngày tiếp nhận | Hạn xử lý | Quá hạn');
    expect(text).toMatch(/^1\. PAKN\.20240304\.0001 \| .* \| hạn 25\/03\/2024 17:00 \| quá hạn 8 ngày làm việc/m);
    for (const e of emails) for (const word of CITIZEN) expect(JSON.stringify(e)).not.toContain(word);
    expect(again.body).toEqual({ scanned: 0, flagged: 0, alertsQueued: 0 });
    expect(item.body.overdue).toEqual({ isOverdue: true, workingDaysOverdue: expect.any(Number), alertedAt: now });
    // Nothing more comes of the second scan.
    expect((await sesStore(stack.ses)).filter((e) => e.subject.includes('phản ánh'))).toHaveLength(2);
  });
});

describe('the reports', () => {
  it('count the feedback by the Vietnam date of receipt, ward by ward; a ward known only from its feedback is a ward', async () => {
    // Prepare: an item of a ward that never sent a dossier
    const other = await signedPost(stack.api, '/webhooks/feedback', envelope(overdueItem('PAKN.20240304.0002', '000.00.12.H58')), SECRET);
    expect(other.status).toBe(200);
    const asOf = encodeURIComponent('2024-04-15T08:00:00+07:00');

    // Act
    const h57 = await adminGet(stack.api, `/reports/supervision?from=2024-03-01&to=2024-04-30&asOf=${asOf}&ward=000.00.12.H57`);
    const h58 = await adminGet(stack.api, `/reports/supervision?from=2024-03-01&to=2024-04-30&asOf=${asOf}&ward=000.00.12.h58`);
    const march = await adminGet(stack.api, `/reports/supervision?from=2024-03-01&to=2024-03-31&asOf=${asOf}`);
    const province = await adminGet(stack.api, `/reports/province?from=2024-03-01&to=2024-04-30&asOf=${asOf}`);

    // Assess
    expect(h57.status).toBe(200);
    expect(h57.body.feedback).toEqual({
      received: 3,
      answered: 1,
      answeredOnTime: 1,
      answeredLate: 0,
      open: 2,
      openOverdue: 2, // the 1022 call's HanXuLy (10/04) has passed too
      refused: 0,
      aboutProcedures: 1,
      aboutConduct: 0,
      dissatisfied: 0,
    });
    expect(h58.status).toBe(200);
    expect(h58.body).toMatchObject({ ward: '000.00.12.H58', received: { total: 0 }, feedback: { received: 1, openOverdue: 1 } });
    expect(march.body.feedback).toMatchObject({ received: 2, open: 2, openOverdue: 2 }); // the April samples are not March's
    expect(province.body.wards.map((w: { ward: string }) => w.ward)).toEqual(['000.00.12.H57', '000.00.12.H58']);
    expect(province.body.total.feedback.received).toBe(4);
  });
});

describe('the log', () => {
  it('names items and counts, never the citizen words or data', () => {
    // Assess
    const logs = stack.logs();
    expect(logs).toContain('feedback delivery');
    expect(logs).toContain('PAKN.20240402.0007');
    for (const word of CITIZEN) expect(logs).not.toContain(word);
  });
});
