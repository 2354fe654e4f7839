/**
 * Bad input is the sender's error, never a retry (issue 9), against the real store: the exported
 * handlers run unchanged (middy chains, wiring, the DynamoDB adapter) on dynalite over the network.
 * - Each route, given an identifier past its bound (CONTRACT 3, "Identifiers"), answers its
 *   "malformed" answer (400 naming the field, PayGov 02, VNPay 01, a read 404), and keeps nothing:
 *   no item, no raw message.
 * - A refusal that still reaches a handler (DynamoDB's ValidationException for an item grown past
 *   400 KB) is a 400 logged at error level with the delivery id, not a 503.
 * - Fuzz: identifiers at and past each bound, in ASCII, Vietnamese letters and emoji, never get a
 *   5xx, a 503 or a 99; what is taken can be read back; what is refused left nothing behind.
 * Where dynalite is laxer than DynamoDB (UTF-8 key sizes, index keys, attribute names, item sizes)
 * the adapter's own checks hold the line: test/unit/identifier-bounds.test.ts tests them in
 * DynamoDB's units, and the last test here shows one refused before it reaches the emulator.
 */
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { logger } from '../../functions/adapters/logger';
import { paygovChecksum } from '../../functions/adapters/paygov';
import { signBody } from '../../functions/adapters/signature';
import { vnpaySign } from '../../functions/adapters/vnpay';
import { dossierStore } from '../../functions/adapters/wiring';
import { handler as getDossierHandler } from '../../functions/handlers/get-dossier';
import { handler as paygovHandler } from '../../functions/handlers/paygov-confirm';
import { handler as portalHandler } from '../../functions/handlers/portal-webhook';
import { handler as postalHandler } from '../../functions/handlers/postal-notification';
import { handler as vnpayHandler } from '../../functions/handlers/vnpay-ipn';
import { StoreRefusedError } from '../../functions/core/ports';
import { dossierKey } from '../../functions/core/types';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { record } from '../fixtures/records';
import { DOSSIER, httpEvent, lambdaContext, localEnvironment, POSTAL, postEvent, STEP } from '../unit/fuzz-support';

const TABLE = 'bounds';
const SECRETS = {
  portal: 'local-portal-secret',
  postal: 'local-postal-secret',
  paygov: 'local-paygov-secret',
  vnpay: 'local-vnpay-secret',
};
const ENV = ['TABLE_NAME', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

let dynamo: DynamoEmulator;
let client: DynamoDBClient;
let restoreEnv: () => void;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
  await ensureTable(dynamo.client, TABLE);
  client = dynamo.client;
  // The handlers build their store from the environment, as on Lambda: here, dynalite.
  for (const k of ENV) savedEnv[k] = process.env[k];
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_REGION: 'ap-southeast-1',
  });
  restoreEnv = localEnvironment();
  logger.setLogLevel('SILENT');
});

afterAll(async () => {
  restoreEnv();
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  await dynamo.stop();
});

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
const invoke = (h: unknown, event: HttpEvent) => (h as Handler)(event, lambdaContext);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Every item of the table, by key (a Scan: fine for a test's small table). */
async function tableKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start, ProjectionExpression: 'pk, sk' }));
    for (const i of page.Items ?? []) keys.add(`${i.pk.S}|${i.sk.S}`);
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return keys;
}

/** The items `act` added to the table. */
async function addedBy(act: () => Promise<HttpResult>): Promise<{ res: HttpResult; added: string[] }> {
  const before = await tableKeys();
  const res = await act();
  const after = await tableKeys();
  return { res, added: [...after].filter((k) => !before.has(k)) };
}

const body = (res: HttpResult) => JSON.parse(res.body as string);

// ---- messages as their senders build them -----------------------------------------------------

/** A dossier code of exactly `n` characters (n >= 25). */
const codeOf = (n: number) => `000.00.12.H57-240402-${'1'.repeat(n - 21)}`;

function signed(path: string, message: unknown, secret: string): HttpEvent {
  const text = JSON.stringify(message);
  return postEvent(path, text, { 'x-motcua-signature': signBody(secret, text, nowSeconds()) });
}

const portal = (service: string, item: Record<string, unknown>) => signed('/webhooks/portal', { service, data: [item] }, SECRETS.portal);
const postal = (over: Record<string, unknown>) => signed('/notifications/postal', { ...POSTAL, ...over }, SECRETS.postal);

function paygov(over: Record<string, unknown>): HttpEvent {
  const m = {
    LoaiBanTin: 'CONFIRM',
    MaLoi: '00',
    MaDoiTac: 'UBND.BINHAN',
    MaThamChieu: 'dvc0000012H57240401000320240401093015',
    SoTien: 16000,
    MaTienTe: 'VND',
    MaGiaoDich: `PG${Date.now()}${Math.random()}`,
    MaNganHang: 'VCB',
    ThoiGianGD: '20240401093342',
    ThongTinGiaoDich: 'Nộp lệ phí',
    ...over,
  };
  return postEvent('/payments/paygov/confirm', JSON.stringify({ ...m, MaXacThuc: paygovChecksum(m, SECRETS.paygov) }));
}

function vnpay(over: Record<string, string>): HttpEvent {
  const params = {
    vnp_TmnCode: 'BINHAN01',
    vnp_Amount: '1600000',
    vnp_BankCode: 'NCB',
    vnp_CardType: 'ATM',
    vnp_PayDate: '20240402152130',
    vnp_OrderInfo: 'Thanh toán lệ phí',
    vnp_TxnRef: '000.00.12.H57-240402-0011_2',
    vnp_TransactionNo: '14391876',
    vnp_ResponseCode: '24',
    vnp_TransactionStatus: '02',
    ...over,
  };
  const query = vnpaySign(params, SECRETS.vnpay);
  return httpEvent('GET', '/payments/vnpay/ipn', {
    rawQueryString: query,
    queryStringParameters: Object.fromEntries(new URLSearchParams(query)),
  });
}

const getDossier = (code: string) =>
  httpEvent('GET', `/dossiers/${encodeURIComponent(code)}`, { pathParameters: { MaHoSo: encodeURIComponent(code) } });

// ---- every route, one identifier past its bound ---------------------------------------------------

describe("an identifier past its bound is the sender's error, on every route, and nothing is kept", () => {
  it.each<[string, () => HttpEvent, unknown, number, unknown]>([
    [
      'portal record: MaHoSo ending in 3,000 digits',
      () => portal('DongBoHoSoMC', { ...DOSSIER, MaHoSo: codeOf(3021) }),
      portalHandler,
      400,
      { error: expect.objectContaining({ code: 'invalid_payload', details: [expect.objectContaining({ path: 'data[0].MaHoSo' })] }) },
    ],
    [
      'portal step: MaHoSo of 65 characters',
      () => portal('CapNhatTienDoHoSoMC', { ...STEP, MaHoSo: codeOf(65) }),
      portalHandler,
      400,
      { error: expect.objectContaining({ details: [expect.objectContaining({ path: 'data[0].MaHoSo' })] }) },
    ],
    [
      'VNPost: MaHoSo ending in 3,000 digits',
      () => postal({ MaHoSo: codeOf(3021) }),
      postalHandler,
      400,
      { error: expect.objectContaining({ details: [expect.objectContaining({ path: 'MaHoSo' })] }) },
    ],
    [
      'VNPost: eventId of 65 Vietnamese letters',
      () => postal({ eventId: 'ệ'.repeat(65) }),
      postalHandler,
      400,
      { error: expect.objectContaining({ details: [expect.objectContaining({ path: 'eventId' })] }) },
    ],
    [
      'PayGov: MaThamChieu carrying a code of 3,000 digits',
      () => paygov({ MaThamChieu: `dvc${'1'.repeat(3000)}20240401093015` }),
      paygovHandler,
      200,
      { MaLoi: '02', MoTaLoi: expect.stringContaining('MaThamChieu') },
    ],
    [
      'PayGov: MaGiaoDich of 70,000 characters',
      () => paygov({ MaGiaoDich: 'G'.repeat(70_000) }),
      paygovHandler,
      200,
      { MaLoi: '02', MoTaLoi: expect.stringContaining('MaGiaoDich') },
    ],
    [
      'VNPay: vnp_TxnRef carrying a code of 3,000 digits',
      () => vnpay({ vnp_TxnRef: `${codeOf(3021)}_1` }),
      vnpayHandler,
      200,
      { RspCode: '01', Message: 'Order not found' },
    ],
    [
      'VNPay: vnp_TransactionNo of 65 digits',
      () => vnpay({ vnp_TransactionNo: '7'.repeat(65) }),
      vnpayHandler,
      200,
      { RspCode: '01', Message: 'Order not found' },
    ],
    [
      'GET /dossiers/<5,000 characters>',
      () => getDossier('0'.repeat(5000)),
      getDossierHandler,
      404,
      { error: expect.objectContaining({ code: 'not_found' }) },
    ],
    [
      'GET /dossiers/<a code of 65 characters>',
      () => getDossier(codeOf(65)),
      getDossierHandler,
      404,
      { error: expect.objectContaining({ code: 'not_found' }) },
    ],
  ])('%s', async (_name, event, handler, status, answer) => {
    // Act
    const { res, added } = await addedBy(() => invoke(handler, event()));

    // Assess
    expect(res.statusCode).toBe(status);
    expect(body(res)).toEqual(answer);
    expect(added).toEqual([]);
  });

  it('takes every identifier at its bound, Vietnamese letters and all, and reads the dossier back', async () => {
    // Prepare
    const code = codeOf(64);
    const events = [
      portal('DongBoHoSoMC', { ...DOSSIER, MaHoSo: code, DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: 16000 }] }),
      portal('CapNhatTienDoHoSoMC', { ...STEP, MaHoSo: code }),
      postal({ MaHoSo: code, eventId: 'ệ'.repeat(64) }),
      paygov({ MaThamChieu: `dvc${dossierKey(code)}20240401093015`, MaGiaoDich: '🎉'.repeat(64), SoTien: 16000 }),
      vnpay({ vnp_TxnRef: `${code}_${'2'.repeat(100 - 65)}`, vnp_TransactionNo: 'ệ'.repeat(64) }),
    ];
    const handlers = [portalHandler, portalHandler, postalHandler, paygovHandler, vnpayHandler];

    // Act
    const answers = [];
    for (const [i, e] of events.entries()) answers.push(body(await invoke(handlers[i], e)));
    const read = await invoke(getDossierHandler, getDossier(code));

    // Assess
    expect(answers).toEqual([
      expect.objectContaining({ applied: 1 }),
      expect.objectContaining({ applied: 1 }),
      { status: 'applied' },
      expect.objectContaining({ MaLoi: '00' }),
      expect.objectContaining({ RspCode: '00' }),
    ]);
    expect(read.statusCode).toBe(200);
    expect(body(read)).toMatchObject({ MaHoSo: code, fees: { total: 16000, paid: 16000 } });
    expect(body(read).timeline.length).toBeGreaterThanOrEqual(4);
  });
});

// ---- a refusal that reaches a handler ----------------------------------------------------------

describe('a store refusal that reaches a handler', () => {
  it('is a 400 logged at error level with the delivery id, never a 503: a dossier item grown past 400 KB', async () => {
    // Prepare: one dossier with postal events until DynamoDB (here dynalite) refuses the item's size.
    const code = '000.00.12.H57-240402-9001';
    const note = 'Ghi chú của bưu tá '.repeat(105); // about 2 KB, within the 2,000-character bound
    let refusedAt = -1;
    let last: HttpResult | undefined;
    const errors = jest.spyOn(logger, 'error');
    for (let i = 0; i < 400 && refusedAt < 0; i++) {
      last = await invoke(postalHandler, postal({ MaHoSo: code, eventId: `EV-${i}`, note: note.slice(0, 2000) }));
      if (last.statusCode !== 200) refusedAt = i;
    }

    // Act: the same refused event, sent again as a sender would retry.
    const again = await invoke(postalHandler, postal({ MaHoSo: code, eventId: `EV-${refusedAt}`, note: note.slice(0, 2000) }));

    // Assess
    expect(refusedAt).toBeGreaterThan(100);
    for (const res of [last as HttpResult, again]) {
      expect(res.statusCode).toBe(400);
      expect(body(res)).toEqual({ error: { code: 'invalid_payload', message: expect.stringContaining('cannot be stored') } });
    }
    const logged = errors.mock.calls.filter(([message]) => message === 'store refused the message');
    expect(logged.length).toBe(2);
    expect(logged[0][1]).toEqual(expect.objectContaining({ deliveryId: expect.stringMatching(/^fuzz-/) }));
    errors.mockRestore();
  });

  it('is refused by the adapter before it leaves when dynalite would take what DynamoDB refuses (UTF-8 key size)', async () => {
    // Prepare: 683 Vietnamese letters are 683 UTF-16 units (dynalite takes them) but 2,049 bytes.
    const store = dossierStore();
    const before = await tableKeys();

    // Act
    const refused = store.offerPayment({
      source: 'paygov',
      txId: 'T1',
      key: 'ệ'.repeat(683),
      code: null,
      amount: 1,
      success: true,
      resultCode: '00',
      at: '2024-04-01T09:00:00+07:00',
      bank: null,
      reference: 'x',
    });

    // Assess
    await expect(refused).rejects.toBeInstanceOf(StoreRefusedError);
    await expect(refused).rejects.toThrow(/partition key pk is \d+ bytes/);
    expect(await tableKeys()).toEqual(before);
  });

  it('is StoreRefusedError from the adapter for a record no parser would pass (a code of 3,000 characters)', async () => {
    // Act
    const refused = dossierStore().offerRecords([{ record: record({ code: codeOf(3021) }), raw: {} }]);

    // Assess
    await expect(refused).rejects.toBeInstanceOf(StoreRefusedError);
  });
});

// ---- fuzz: identifiers at and past each bound ---------------------------------------------------

/** A string of `n` characters of one kind: ASCII, a Vietnamese letter (3 UTF-8 bytes), an emoji (4). */
const sized = (lengths: number[]) =>
  fc.tuple(fc.constantFrom(...lengths), fc.constantFrom('9', 'A', 'ệ', 'Đ', '🎉')).map(([n, c]) => c.repeat(n));

/** Answers that say "retry later" or "we broke": never allowed here. */
function expectNoRetryNoFailure(res: HttpResult): void {
  expect(res.statusCode).toBeLessThan(500);
  const b = body(res);
  expect(b?.MaLoi).not.toBe('99');
  expect(b?.RspCode).not.toBe('99');
}

describe('fuzz against dynalite: identifiers at and past each bound', () => {
  let n = 0;
  const fresh = () => `000.00.12.H57-240402-${String(5000 + ++n).padStart(4, '0')}`;

  it('VNPost eventId and MaHoSo: 200 and readable, or 400 and nothing kept', async () => {
    await fc.assert(
      fc.asyncProperty(sized([1, 63, 64, 65, 100, 683, 3000]), fc.constantFrom(25, 64, 65, 700), async (eventId, codeLength) => {
        // Prepare
        const code = codeLength === 25 ? fresh() : codeOf(codeLength);

        // Act
        const { res, added } = await addedBy(() => invoke(postalHandler, postal({ MaHoSo: code, eventId })));

        // Assess
        expectNoRetryNoFailure(res);
        const fits = [...eventId].length <= 64 && code.length <= 64;
        expect(res.statusCode).toBe(fits ? 200 : 400);
        if (!fits) expect(added).toEqual([]);
        else if (body(res).status === 'applied') expect(added.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it('PayGov MaGiaoDich and MaThamChieu: 00 and kept, or 02 and nothing kept', async () => {
    await fc.assert(
      fc.asyncProperty(sized([1, 64, 65, 700, 22_000]), fc.constantFrom(11, 64, 65, 2000), async (tx, keyLength) => {
        // Prepare
        const reference = `dvc${'1'.repeat(keyLength)}20240401093015`;

        // Act
        const { res, added } = await addedBy(() => invoke(paygovHandler, paygov({ MaGiaoDich: tx, MaThamChieu: reference })));

        // Assess
        expectNoRetryNoFailure(res);
        const fits = [...tx].length <= 64 && keyLength <= 64;
        expect(body(res).MaLoi).toBe(fits ? '00' : '02');
        if (!fits) expect(added).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('VNPay vnp_TxnRef and vnp_TransactionNo: 00 and kept, or 01 and nothing kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        sized([1, 64, 65, 300]),
        fc.constantFrom(25, 64, 65, 90),
        fc.integer({ min: 1, max: 40 }),
        async (no, codeLength, attempt) => {
          // Prepare
          const txnRef = `${codeLength === 25 ? fresh() : codeOf(codeLength)}_${'3'.repeat(attempt)}`;

          // Act
          const { res, added } = await addedBy(() => invoke(vnpayHandler, vnpay({ vnp_TxnRef: txnRef, vnp_TransactionNo: no })));

          // Assess
          expectNoRetryNoFailure(res);
          const fits = [...no].length <= 64 && codeLength <= 64 && txnRef.length <= 100;
          expect(body(res).RspCode).toBe(fits ? '00' : '01');
          if (!fits) expect(added).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('portal MaHoSo in records and steps: 200, or 400 naming data[i].MaHoSo and nothing kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(25, 63, 64, 65, 683, 3021), fc.boolean(), async (codeLength, asStep) => {
        // Prepare
        const code = codeLength === 25 ? fresh() : codeOf(codeLength);
        const event = asStep
          ? portal('CapNhatTienDoHoSoMC', { ...STEP, MaHoSo: code })
          : portal('DongBoHoSoMC', { ...DOSSIER, MaHoSo: code });

        // Act
        const { res, added } = await addedBy(() => invoke(portalHandler, event));

        // Assess
        expectNoRetryNoFailure(res);
        expect(res.statusCode).toBe(code.length <= 64 ? 200 : 400);
        if (code.length > 64) {
          expect(body(res).error.details[0].path).toBe('data[0].MaHoSo');
          expect(added).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('GET /dossiers/{MaHoSo}: 200 or 404 for any length and any letters, never a store failure', async () => {
    await fc.assert(
      fc.asyncProperty(sized([1, 25, 64, 65, 683, 2049, 5000]), async (code) => {
        // Act
        const res = await invoke(getDossierHandler, getDossier(code));

        // Assess
        expect([200, 404]).toContain(res.statusCode);
      }),
      { numRuns: 40 },
    );
  });
});
