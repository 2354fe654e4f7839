/**
 * PayGov, VNPay and VNPost against the local stack over HTTP, each answer code of each route, and
 * the dossier and report showing what counted.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { paygovConfirm } from '../../functions/handlers/paygov-confirm';
import { vnpayIpn } from '../../functions/handlers/vnpay-ipn';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { adminGet, LOCAL_SECRETS, request, signedPost, startStack, type Stack } from './harness';

// Independent signers, written from CONTRACT 3.3 / 3.4 (not the adapters under test).
const PAYGOV_FIELDS = [
  'LoaiBanTin',
  'MaLoi',
  'MaDoiTac',
  'MaThamChieu',
  'SoTien',
  'MaTienTe',
  'MaGiaoDich',
  'MaNganHang',
  'ThoiGianGD',
  'ThongTinGiaoDich',
];
function paygovSigned(m: Record<string, unknown>, secret: string = LOCAL_SECRETS.PAYGOV_SECRET): Record<string, unknown> {
  const MaXacThuc = createHash('sha256')
    .update([...PAYGOV_FIELDS.map((k) => String(m[k])), secret].join('|'), 'utf8')
    .digest('hex');
  return { ...m, MaXacThuc };
}
function vnpayQuery(params: Record<string, string>, secret: string = LOCAL_SECRETS.VNPAY_HASH_SECRET): string {
  const signed = new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== '')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ).toString();
  return `${signed}&vnp_SecureHash=${createHmac('sha512', secret).update(signed, 'utf8').digest('hex')}`;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const D3 = '000.00.12.H57-240401-0003'; // fee 16,000 VND (events/portal/dossier-online-ho-tich.json)
const D11 = '000.00.12.H57-240402-0011'; // fee 16,000 VND, by post (events/portal/dossier-postal-trich-luc.json)

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

const sendPortal = (file: string) => signedPost(stack.api, '/webhooks/portal', json(file), LOCAL_SECRETS.PORTAL_SECRET);
const paygov = (body: unknown) =>
  request(`${stack.api}/payments/paygov/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const vnpay = (query: string) => request(`${stack.api}/payments/vnpay/ipn?${query}`);
const dossier = async (code: string) => (await adminGet(stack.api, `/dossiers/${encodeURIComponent(code)}`)).body;

describe('PayGov', () => {
  const base = json('events/paygov/confirm-success.json');

  it('takes a payment for a dossier not seen yet, and counts it once the dossier arrives', async () => {
    // Act
    const first = await paygov(paygovSigned(base));
    const repeat = await paygov(paygovSigned(base));
    const before = await adminGet(stack.api, `/dossiers/${encodeURIComponent(D3)}`);
    await sendPortal('events/portal/dossier-online-ho-tich.json');
    const after = await dossier(D3);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.MaLoi).toBe('00');
    expect(repeat.body.MaLoi).toBe('00');
    expect(before.status).toBe(404);
    expect(after.fees).toMatchObject({ total: 16000, paid: 16000, paidOnline: true });
    expect(after.timeline.filter((e: { kind: string }) => e.kind === 'payment')).toHaveLength(1);
  });

  it.each([
    ['a failed payment (MaLoi 24)', { MaLoi: '24', MaGiaoDich: 'PG-FAILED-1' }],
    ['a wrong amount', { SoTien: 15000, MaGiaoDich: 'PG-WRONG-1' }],
  ])('answers 00 for %s, keeps it, and does not count it', async (_, change) => {
    // Act
    const res = await paygov(paygovSigned({ ...base, ...change }));
    const d = await dossier(D3);

    // Assess
    expect(res.body.MaLoi).toBe('00');
    expect(d.fees.paid).toBe(16000);
    expect(d.timeline.some((e: { txId?: string }) => e.txId === change.MaGiaoDich)).toBe(true);
  });

  it('flags the wrong amount for review', async () => {
    const d = await dossier(D3);
    expect(d.fees.flagged).toEqual([expect.objectContaining({ txId: 'PG-WRONG-1', amount: 15000 })]);
  });

  it('answers 01 for a bad MaXacThuc and keeps nothing', async () => {
    // Act
    const res = await paygov(paygovSigned({ ...base, MaGiaoDich: 'PG-FORGED' }, 'not-the-secret'));
    const d = await dossier(D3);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.MaLoi).toBe('01');
    expect(d.timeline.some((e: { txId?: string }) => e.txId === 'PG-FORGED')).toBe(false);
  });

  it.each([
    ['not JSON', '{"LoaiBanTin":'],
    [
      'a missing field',
      (() => {
        const { MaGiaoDich, ...rest } = paygovSigned(base);
        return rest;
      })(),
    ],
  ])('answers 02 for %s', async (_, body) => {
    const res = await paygov(body);
    expect(res.status).toBe(200);
    expect(res.body.MaLoi).toBe('02');
  });

  it('accepts the checksum in upper case and SoTien as a string', async () => {
    const signed = paygovSigned({ ...base, SoTien: '16000', MaGiaoDich: 'PG-UPPER-1' });
    const res = await paygov({ ...signed, MaXacThuc: String(signed.MaXacThuc).toUpperCase() });
    expect(res.body.MaLoi).toBe('00');
  });
});

describe('VNPay', () => {
  const base: Record<string, string> = json('events/vnpay/ipn-success.json');

  it('answers 00 for a payment before its dossier, 02 for its repeat, and counts it when the dossier arrives', async () => {
    // Act
    const first = await vnpay(vnpayQuery(base));
    const repeat = await vnpay(vnpayQuery(base));
    await sendPortal('events/portal/dossier-postal-trich-luc.json');
    const d = await dossier(D11);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    expect(repeat.body.RspCode).toBe('02');
    expect(d.fees).toMatchObject({ total: 16000, paid: 16000, paidOnline: true });
  });

  it('answers 04 for an amount that differs from a known dossier, keeps and flags it', async () => {
    // Act
    const res = await vnpay(vnpayQuery({ ...base, vnp_TxnRef: `${D11}_3`, vnp_TransactionNo: '14391999', vnp_Amount: '1500000' }));
    const d = await dossier(D11);

    // Assess
    expect(res.body.RspCode).toBe('04');
    expect(d.fees.paid).toBe(16000);
    expect(d.fees.flagged).toEqual([expect.objectContaining({ amount: 15000 })]);
  });

  it('answers 00 for a failed attempt and records it without counting it', async () => {
    // Act
    const res = await vnpay(
      vnpayQuery({ ...base, vnp_TxnRef: `${D11}_4`, vnp_TransactionNo: '0', vnp_ResponseCode: '24', vnp_TransactionStatus: '02' }),
    );
    const d = await dossier(D11);

    // Assess
    expect(res.body.RspCode).toBe('00');
    expect(
      d.timeline.some(
        (e: { kind: string; success?: boolean; resultCode?: string }) =>
          e.kind === 'payment' && e.resultCode === '24' && e.success === false,
      ),
    ).toBe(true);
    expect(d.fees.paid).toBe(16000);
  });

  it('answers 97 for a bad hash and 01 for a TxnRef not of our form', async () => {
    const forged = await vnpay(vnpayQuery({ ...base, vnp_TxnRef: `${D11}_9` }, 'not-the-secret'));
    const noOrder = await vnpay(vnpayQuery({ ...base, vnp_TxnRef: 'ORDER-12345' }));
    expect(forged.body).toEqual({ RspCode: '97', Message: 'Invalid signature' });
    expect(noOrder.body).toEqual({ RspCode: '01', Message: 'Order not found' });
  });

  it('verifies a hash over values with spaces and Vietnamese text', async () => {
    const res = await vnpay(
      vnpayQuery({
        ...base,
        vnp_TxnRef: `${D11}_5`,
        vnp_TransactionNo: '14392000',
        vnp_ResponseCode: '24',
        vnp_TransactionStatus: '02',
        vnp_OrderInfo: 'Thanh toán lệ phí hồ sơ & phí (02 bản) + bưu chính',
      }),
    );
    expect(res.body.RspCode).toBe('00');
  });
});

describe('VNPost', () => {
  const delivered = json('events/postal/result-delivered.json');
  const send = (body: unknown, secret: string = LOCAL_SECRETS.POSTAL_SECRET) =>
    signedPost(stack.api, '/notifications/postal', body, secret);

  it('applies an event, answers its repeat as duplicate, and returns the result on delivery', async () => {
    // Act
    const collected = await send(json('events/postal/collected.json'));
    const first = await send(delivered);
    const repeat = await send(delivered);
    const d = await dossier(D11);

    // Assess
    expect(collected.body).toEqual({ status: 'applied' });
    expect(first.body).toEqual({ status: 'applied' });
    expect(repeat.body).toEqual({ status: 'duplicate' });
    expect(d.returnedAt).toBe('2024-04-09T15:20:00+07:00');
    expect(d.postal).toEqual({ trackingNumber: 'RR240409111VN', lastEvent: expect.objectContaining({ type: 'RESULT_DELIVERED' }) });
  });

  it.each([
    ['a wrong S10 check digit', { trackingNumber: 'RR240409112VN' }, 'trackingNumber'],
    ['an unknown type', { type: 'LOST' }, 'type'],
    ['a time without offset', { occurredAt: '2024-04-09T15:20:00' }, 'occurredAt'],
  ])('answers 400 for %s, naming the field', async (_, change, field) => {
    const res = await send({ ...delivered, eventId: `EV-BAD-${field}`, ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('answers 401 for a bad signature', async () => {
    const res = await send({ ...delivered, eventId: 'EV-FORGED' }, 'not-the-secret');
    expect(res.status).toBe(401);
  });
});

describe('store failure on the payment routes', () => {
  const dead = () => {
    const client = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    return { client, store: new DynamoDossierStore({ client, tableName: 'motcua-local', dueAt: (r) => r.dueAt }) };
  };
  const ctx = { awsRequestId: 'r1' } as Context;

  it('answers PayGov MaLoi 99 and VNPay RspCode 99, so the platform retries', async () => {
    // Prepare
    const { client, store } = dead();
    const body = JSON.stringify(paygovSigned(json('events/paygov/confirm-success.json')));
    const query = vnpayQuery(json('events/vnpay/ipn-success.json'));

    // Act
    const pg = (await paygovConfirm(store)(
      { body, isBase64Encoded: false, headers: {}, requestContext: { requestId: 'r1' } } as unknown as HttpEvent,
      ctx,
    )) as HttpResult;
    const vp = (await vnpayIpn(store)(
      { rawQueryString: query, headers: {}, requestContext: { requestId: 'r2' } } as unknown as HttpEvent,
      ctx,
    )) as HttpResult;
    client.destroy();

    // Assess
    expect(pg.statusCode).toBe(200);
    expect(JSON.parse(pg.body as string).MaLoi).toBe('99');
    expect(vp.statusCode).toBe(200);
    expect(JSON.parse(vp.body as string).RspCode).toBe('99');
  });
});

describe("identifiers past their bound (CONTRACT 3): the sender's error, never a retry", () => {
  const long = `000.00.12.H57-240401-${'0'.repeat(3000)}`; // a MaHoSo ending in 3,000 digits

  it('answers the portal 400 naming data[0].MaHoSo', async () => {
    // Act
    const res = await signedPost(
      stack.api,
      '/webhooks/portal',
      { service: 'DongBoHoSoMC', data: [{ ...json('events/portal/dossier-online-ho-tich.json').data[0], MaHoSo: long }] },
      LOCAL_SECRETS.PORTAL_SECRET,
    );

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'data[0].MaHoSo' })]);
  });

  it('answers VNPost 400 naming MaHoSo', async () => {
    // Act
    const res = await signedPost(
      stack.api,
      '/notifications/postal',
      { ...json('events/postal/collected.json'), MaHoSo: long },
      LOCAL_SECRETS.POSTAL_SECRET,
    );

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'MaHoSo' })]);
  });

  it('answers PayGov 02 for MaThamChieu carrying such a code, and for a MaGiaoDich of 70,000 characters', async () => {
    // Prepare
    const base = json('events/paygov/confirm-success.json');

    // Act
    const reference = await paygov(paygovSigned({ ...base, MaThamChieu: `dvc${long.replace(/[^A-Za-z0-9]/g, '')}20240401093015` }));
    const tx = await paygov(paygovSigned({ ...base, MaGiaoDich: 'G'.repeat(70_000) }));

    // Assess
    expect([reference.status, reference.body.MaLoi]).toEqual([200, '02']);
    expect([tx.status, tx.body.MaLoi]).toEqual([200, '02']);
  });

  it('answers VNPay 01 for such a vnp_TxnRef', async () => {
    // Act
    const res = await vnpay(vnpayQuery({ ...json('events/vnpay/ipn-success.json'), vnp_TxnRef: `${long}_1` }));

    // Assess
    expect([res.status, res.body.RspCode]).toEqual([200, '01']);
  });

  it('answers 404 to GET /dossiers/<5,000 characters>', async () => {
    // Act
    const res = await adminGet(stack.api, `/dossiers/${'0'.repeat(5000)}`);

    // Assess
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('supervision report route', () => {
  it('counts the period by Vietnam-time receipt date and answers the contract fields', async () => {
    // Act
    const res = await adminGet(stack.api, '/reports/supervision?from=2024-04-01&to=2024-04-02&asOf=2024-04-10T08:00:00%2B07:00');

    // Assess
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['period', 'received', 'payments', 'processing', 'byField', 'feedback']);
    expect(res.body.period).toEqual({ from: '2024-04-01', to: '2024-04-02' });
    expect(res.body.received.byChannel.postal).toBe(1);
    // D3 was paid by two distinct PayGov transactions (PG24040100004521 and PG-UPPER-1), D11 once
    // by VNPay (each transaction counts once, however often delivered); 0004 has a fee, unpaid.
    expect(res.body.payments).toMatchObject({ dossiersWithFees: 3, paidOnline: 2, amountVnd: 48000 });
  });

  it.each([
    ['from=2024-13-01&to=2024-12-31', 'from'],
    ['from=2024-01-01', 'to'],
    ['from=2024-02-01&to=2024-01-01', 'to'],
    ['from=2024-01-01&to=2024-01-31&asOf=yesterday', 'asOf'],
  ])('answers 400 for %s, naming %s', async (query, field) => {
    const res = await adminGet(stack.api, `/reports/supervision?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });
});
