/**
 * Observability of the handlers: the EMF metrics they write (names, dimensions, values) and their
 * log lines (the delivery id, MaHoSo; never an ID number, a phone or an email), read from what this
 * process writes to its own stdout and stderr. The exported middy handlers run unchanged; only
 * their ports come from memory, as in the fuzz tests.
 */
import { restoreMetricsEnv } from './metrics-on'; // first: turns EMF on before metrics.ts loads
import type { Context, SQSEvent } from 'aws-lambda';
import { secretValues } from '../../functions/adapters/config';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { paygovChecksum } from '../../functions/adapters/paygov';
import { signBody } from '../../functions/adapters/signature';
import { encodeQueueMessage } from '../../functions/adapters/sqs-alert-queue';
import { vnpaySign } from '../../functions/adapters/vnpay';
import { StoreUnavailableError } from '../../functions/core/ports';
import { dossierKey } from '../../functions/core/types';
import { handler as notifierHandler } from '../../functions/handlers/alert-notifier';
import { handler as digestHandler } from '../../functions/handlers/daily-digest';
import { handler as feedbackHandler } from '../../functions/handlers/feedback-webhook';
import { handler as getFeedbackHandler } from '../../functions/handlers/get-feedback';
import { handler as getDossierHandler } from '../../functions/handlers/get-dossier';
import { handler as scanHandler } from '../../functions/handlers/overdue-scan';
import { handler as paygovHandler } from '../../functions/handlers/paygov-confirm';
import { handler as portalHandler } from '../../functions/handlers/portal-webhook';
import { handler as postalHandler } from '../../functions/handlers/postal-notification';
import { handler as vnpayHandler } from '../../functions/handlers/vnpay-ipn';
import { FakeMailer } from './alert-fakes';
import { DOSSIER, fuzzPorts, httpEvent, localEnvironment, POSTAL, postEvent, resetPorts, STEP } from './fuzz-support';

const mockMailer = new FakeMailer();

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
    alertMailer: () => mockMailer,
    alertRecipients: async () => ({ default: ['chutich@binhan.local'], byField: {} }),
    releaseAlertMessages: async () => undefined,
  };
});

// ---- what the process writes -----------------------------------------------------------------

let written: string[] = [];
let spies: jest.SpyInstance[] = [];

beforeEach(() => {
  written = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
});

afterEach(() => {
  for (const spy of spies) spy.mockRestore();
});

/** Every line written, parsed (each one a whole JSON object: one line per log item or EMF blob). */
function lines(): Record<string, any>[] {
  return written
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

interface MetricLine {
  namespace: string;
  dimensions: string[][];
  /** Dimension values, e.g. { service: 'motcua', Reason: 'bad_signature' }. */
  dims: Record<string, string>;
  values: Record<string, number | number[]>;
}

/** The EMF lines written so far. */
function metricLines(): MetricLine[] {
  return lines()
    .filter((l) => l._aws)
    .map((l) => {
      const [directive] = l._aws.CloudWatchMetrics;
      const names: string[] = directive.Metrics.map((m: { Name: string }) => m.Name);
      const dimensionNames = [...new Set<string>(directive.Dimensions.flat())];
      return {
        namespace: directive.Namespace,
        dimensions: directive.Dimensions,
        dims: Object.fromEntries(dimensionNames.map((d) => [d, l[d]])),
        values: Object.fromEntries(names.map((n) => [n, l[n]])),
      };
    });
}

/** The log lines (not EMF) with `message`. */
function logLines(message?: string): Record<string, any>[] {
  return lines().filter((l) => !l._aws && (message === undefined || l.message === message));
}

/** The citizen's identifiers of DOSSIER (the sample carries them on purpose). */
const PERSONAL = [DOSSIER.SoGiayToChuHoSo, DOSSIER.SoDienThoai, DOSSIER.Email];

/** Runs `fn` outside a test with the process's output held back (seeding in a beforeAll). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const held = [
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true),
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true),
  ];
  try {
    return await fn();
  } finally {
    for (const spy of held) spy.mockRestore();
  }
}

function expectNothingPersonal(): void {
  const text = written.join('');
  for (const value of PERSONAL) expect(text).not.toContain(value);
}

// ---- requests --------------------------------------------------------------------------------

let restoreEnv: () => void;
const secrets = { portal: '', postal: '', feedback: '', paygov: '', vnpay: '' };

beforeAll(async () => {
  restoreEnv = localEnvironment();
  [secrets.portal] = await secretValues('PORTAL_SECRET');
  [secrets.feedback] = await secretValues('FEEDBACK_SECRET');
  [secrets.postal] = await secretValues('POSTAL_SECRET');
  [secrets.paygov] = await secretValues('PAYGOV_SECRET');
  [secrets.vnpay] = await secretValues('VNPAY_HASH_SECRET');
  resetPorts();
});

afterAll(() => {
  restoreEnv();
  restoreMetricsEnv();
});

const context = (id: string) =>
  ({
    functionName: 'motcua-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:motcua-test',
    memoryLimitInMB: '256',
    awsRequestId: id,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

type Handler = (event: unknown, context: Context) => Promise<any>;
const invoke = (h: unknown, event: unknown, id = 'invocation-1') => (h as Handler)(event, context(id));

function signed(path: string, body: unknown, secret: string): HttpEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return postEvent(path, text, { 'x-motcua-signature': signBody(secret, Buffer.from(text, 'utf8'), Math.floor(Date.now() / 1000)) });
}

const records = (...data: unknown[]) => ({ service: 'DongBoHoSoMC', isUpdating: false, data });

/** A VNPay IPN for DOSSIER, signed unless told otherwise. */
function ipn(over: Record<string, string> = {}, secret = secrets.vnpay): HttpEvent {
  const params = {
    vnp_TmnCode: 'BINHAN01',
    vnp_Amount: '1600000', // 16 000 VND: DOSSIER's fees total 8 000
    vnp_BankCode: 'NCB',
    vnp_PayDate: '20240401093342',
    vnp_OrderInfo: `Thanh toan le phi ho so ${DOSSIER.MaHoSo}`,
    vnp_TxnRef: `${DOSSIER.MaHoSo}_1`,
    vnp_TransactionNo: '14391876',
    vnp_ResponseCode: '00',
    vnp_TransactionStatus: '00',
    ...over,
  };
  return httpEvent('GET', '/payments/vnpay/ipn', { rawQueryString: vnpaySign(params, secret) });
}

const requestId = (event: HttpEvent) => event.requestContext.requestId;

// ---- tests -----------------------------------------------------------------------------------

describe('portal webhook', () => {
  beforeEach(() => resetPorts());

  it('writes one EMF line per delivery with the record counts (Motcua, service=motcua only)', async () => {
    // Act
    const first = (await invoke(portalHandler, signed('/webhooks/portal', records(DOSSIER), secrets.portal))) as HttpResult;
    const second = (await invoke(portalHandler, signed('/webhooks/portal', records(DOSSIER), secrets.portal))) as HttpResult;

    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(metricLines()).toEqual([
      {
        namespace: 'Motcua',
        dimensions: [['service']],
        dims: { service: 'motcua' },
        values: { RecordsReceived: 1, RecordsApplied: 1, RecordsDuplicate: 0, RecordsStale: 0 },
      },
      {
        namespace: 'Motcua',
        dimensions: [['service']],
        dims: { service: 'motcua' },
        values: { RecordsReceived: 1, RecordsApplied: 0, RecordsDuplicate: 1, RecordsStale: 0 },
      },
    ]);
  });

  it('logs the delivery id and the MaHoSo on one line, never the ID number, phone or email', async () => {
    // Prepare
    const event = signed('/webhooks/portal', records(DOSSIER), secrets.portal);

    // Act
    await invoke(portalHandler, event, 'lambda-request-7');

    // Assess
    const [line] = logLines('portal delivery');
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'motcua',
      deliveryId: requestId(event),
      MaHoSo: [DOSSIER.MaHoSo],
      portalService: 'DongBoHoSoMC',
      function_request_id: 'lambda-request-7',
      received: 1,
      applied: 1,
    });
    expect(logLines().filter((l) => l.level !== 'INFO' && l.level !== 'DEBUG')).toEqual([]); // no warning either
    expectNothingPersonal();
  });

  it('counts progress steps as StepsReceived', async () => {
    // Act
    await invoke(portalHandler, signed('/webhooks/portal', { service: 'CapNhatTienDoHoSoMC', data: [STEP] }, secrets.portal));

    // Assess
    expect(metricLines().map((m) => m.values)).toEqual([{ StepsReceived: 1 }]);
    expect(logLines('portal delivery')[0]).toMatchObject({ MaHoSo: [STEP.MaHoSo] });
  });
});

describe('feedback webhook and read', () => {
  beforeEach(() => resetPorts());

  /** A feedback item whose words and citizen data must never reach a log line. */
  const ITEM = {
    MaPhanAnh: '1022.20240312.0042',
    NguonTiepNhan: '1022',
    MaDonVi: '000.00.12.H57',
    KenhTiepNhan: 1,
    NgayTiepNhan: '20240312091500',
    TieuDe: 'Cán bộ hẹn lên hẹn xuống',
    NoiDung: 'Tôi bị yêu cầu bổ sung giấy tờ nhiều lần, số của tôi 0987654321.',
    PhanLoai: 2,
    TrangThai: 2,
    NgayCapNhat: '20240312100000',
    MaHoSo: DOSSIER.MaHoSo,
    NguoiPhanAnh: 'Phạm Thị Lan',
    SoDienThoai: '0987654321',
    Email: 'lan.pham@gmail.com',
    DiaChi: '7 Đường số 9',
  };
  const WORDS = [ITEM.TieuDe, 'bổ sung giấy tờ', ITEM.SoDienThoai, ITEM.Email, ITEM.NguoiPhanAnh, ITEM.DiaChi];
  const feedback = (...data: unknown[]) => ({ service: 'DongBoPhanAnhKienNghi', data });

  it('counts FeedbackReceived / Applied / Duplicate / Stale and logs the ids and counts, never the words or data', async () => {
    // Prepare
    const event = signed('/webhooks/feedback', feedback(ITEM, ITEM), secrets.feedback);

    // Act
    const res = (await invoke(feedbackHandler, event, 'lambda-request-9')) as HttpResult;
    await invoke(getFeedbackHandler, httpEvent('GET', `/feedback/${ITEM.MaPhanAnh}`, { pathParameters: { MaPhanAnh: ITEM.MaPhanAnh } }));

    // Assess
    expect(res.statusCode).toBe(200);
    expect(metricLines().map((m) => m.values)).toEqual([
      { FeedbackReceived: 2, FeedbackApplied: 1, FeedbackDuplicate: 1, FeedbackStale: 0 },
    ]);
    expect(logLines('feedback delivery')[0]).toMatchObject({
      deliveryId: requestId(event),
      function_request_id: 'lambda-request-9',
      MaPhanAnh: [ITEM.MaPhanAnh],
      MaHoSo: [DOSSIER.MaHoSo],
      received: 2,
      applied: 1,
      duplicate: 1,
    });
    const text = written.join('');
    for (const word of WORDS) expect(text).not.toContain(word);
  });

  it('a rejected item: one Rejected line (invalid_payload), and no word of it in the log', async () => {
    // Act
    const res = (await invoke(
      feedbackHandler,
      signed('/webhooks/feedback', feedback({ ...ITEM, TrangThai: 4 }), secrets.feedback),
    )) as HttpResult;

    // Assess
    expect(res.statusCode).toBe(400);
    expect(metricLines()).toEqual([
      {
        namespace: 'Motcua',
        dimensions: [['service', 'Reason']],
        dims: { service: 'motcua', Reason: 'invalid_payload' },
        values: { Rejected: 1 },
      },
    ]);
    const text = written.join('');
    for (const word of WORDS) expect(text).not.toContain(word);
  });
});

describe('rejected requests: one Rejected line with its Reason, nothing else counted', () => {
  beforeEach(() => resetPorts());

  const tooBig = () => postEvent('/webhooks/portal', 'x'.repeat(5 * 1024 * 1024 + 1));
  const paygovBadChecksum = () => {
    const message = {
      LoaiBanTin: 'CONFIRM',
      MaLoi: '00',
      MaDoiTac: 'UBND.BINHAN',
      MaThamChieu: 'dvc0000012H57240401000320240401093015',
      SoTien: 16000,
      MaTienTe: 'VND',
      MaGiaoDich: 'PG1',
      MaNganHang: 'VCB',
      ThoiGianGD: '20240401093342',
      ThongTinGiaoDich: 'x',
    };
    return postEvent(
      '/payments/paygov/confirm',
      JSON.stringify({ ...message, MaXacThuc: paygovChecksum(message, `${secrets.paygov}-not`) }),
    );
  };

  it.each<[string, string, () => HttpEvent, unknown]>([
    ['an unsigned portal delivery', 'bad_signature', () => postEvent('/webhooks/portal', JSON.stringify(records(DOSSIER))), portalHandler],
    ['a portal body over 5 MiB', 'payload_too_large', tooBig, portalHandler],
    [
      'a signed portal body that is not JSON',
      'invalid_payload',
      () => signed('/webhooks/portal', '{"service":', secrets.portal),
      portalHandler,
    ],
    [
      'an invalid portal record',
      'invalid_payload',
      () => signed('/webhooks/portal', records({ ...DOSSIER, NgayTiepNhan: 'hôm qua' }), secrets.portal),
      portalHandler,
    ],
    ['a PayGov confirmation with a wrong MaXacThuc', 'bad_checksum', paygovBadChecksum, paygovHandler],
    ['a VNPay IPN signed with another secret', 'bad_signature', () => ipn({}, 'not-the-secret'), vnpayHandler],
    ['a VNPay IPN for an order not of our form', 'bad_order', () => ipn({ vnp_TxnRef: 'ORDER-1' }), vnpayHandler],
    ['a VNPay IPN with a fractional amount', 'invalid_payload', () => ipn({ vnp_Amount: '1600050' }), vnpayHandler],
    [
      'a read of an unknown dossier',
      'not_found',
      () => httpEvent('GET', '/dossiers/x', { pathParameters: { MaHoSo: 'X' } }),
      getDossierHandler,
    ],
  ])('%s: Reason=%s', async (_what, reason, event, handler) => {
    // Act
    await invoke(handler, event());

    // Assess
    expect(metricLines()).toEqual([
      { namespace: 'Motcua', dimensions: [['service', 'Reason']], dims: { service: 'motcua', Reason: reason }, values: { Rejected: 1 } },
    ]);
    expect(fuzzPorts.store.raw).toHaveLength(0);
  });

  it('store unavailable: Rejected=store_unavailable, and the warning carries the delivery id (a key of the invocation)', async () => {
    // Prepare
    const event = signed('/webhooks/portal', records(DOSSIER), secrets.portal);
    const saveRaw = jest
      .spyOn(fuzzPorts.store, 'saveRaw')
      .mockRejectedValueOnce(new StoreUnavailableError('DynamoDB PutItem failed: throttled'));

    // Act
    const res = (await invoke(portalHandler, event)) as HttpResult;
    saveRaw.mockRestore();

    // Assess
    expect(res.statusCode).toBe(503);
    expect(metricLines().map((m) => [m.dims.Reason, m.values])).toEqual([['store_unavailable', { Rejected: 1 }]]);
    expect(logLines('store unavailable')).toEqual([expect.objectContaining({ level: 'WARN', deliveryId: requestId(event) })]);
  });
});

describe('payments and postal events', () => {
  beforeAll(async () => {
    resetPorts();
    await quietly(() => invoke(portalHandler, signed('/webhooks/portal', records(DOSSIER), secrets.portal)));
  });

  it('VNPay: a wrong amount for a known dossier is PaymentsFlagged once; its repeat is PaymentsDuplicate', async () => {
    // Prepare
    const event = ipn();

    // Act
    const first = (await invoke(vnpayHandler, event)) as HttpResult;
    const again = (await invoke(vnpayHandler, ipn())) as HttpResult;

    // Assess
    expect([JSON.parse(first.body!).RspCode, JSON.parse(again.body!).RspCode]).toEqual(['04', '04']);
    expect(metricLines().map((m) => m.values)).toEqual([
      { PaymentsFlagged: 1, PaymentsReceived: 1 },
      { PaymentsDuplicate: 1, PaymentsReceived: 1 },
    ]);
    expect(logLines('vnpay ipn')[0]).toMatchObject({ deliveryId: requestId(event), MaHoSo: DOSSIER.MaHoSo, answer: '04' });
    expectNothingPersonal();
  });

  it('PayGov: PaymentsReceived, logged with the delivery id and the dossier key (all PayGov names)', async () => {
    // Prepare
    const message = {
      LoaiBanTin: 'CONFIRM',
      MaLoi: '00',
      MaDoiTac: 'UBND.BINHAN',
      MaThamChieu: 'dvc0000012H57240401000320240401093015',
      SoTien: 8000,
      MaTienTe: 'VND',
      MaGiaoDich: 'PG2',
      MaNganHang: 'VCB',
      ThoiGianGD: '20240401093342',
      ThongTinGiaoDich: 'x',
    };
    const event = postEvent('/payments/paygov/confirm', JSON.stringify({ ...message, MaXacThuc: paygovChecksum(message, secrets.paygov) }));

    // Act
    const res = (await invoke(paygovHandler, event)) as HttpResult;

    // Assess
    expect(JSON.parse(res.body!).MaLoi).toBe('00');
    expect(metricLines().map((m) => m.values)).toEqual([{ PaymentsReceived: 1 }]);
    expect(logLines('paygov confirmation')[0]).toMatchObject({ deliveryId: requestId(event), dossierKey: dossierKey(DOSSIER.MaHoSo) });
  });

  it('VNPost: PostalEventsReceived, logged with the delivery id and MaHoSo', async () => {
    // Prepare
    const event = signed('/notifications/postal', POSTAL, secrets.postal);

    // Act
    await invoke(postalHandler, event);

    // Assess
    expect(metricLines().map((m) => m.values)).toEqual([{ PostalEventsReceived: 1 }]);
    expect(logLines('postal event')[0]).toMatchObject({ deliveryId: requestId(event), MaHoSo: POSTAL.MaHoSo });
  });
});

describe('scan, notifier and digest', () => {
  it('DossiersFlagged by Level, EmailsSent, OverdueOpen; no delivery id outside HTTP requests', async () => {
    // Prepare: one dossier due 2024-04-02 17:00, still open
    resetPorts();
    mockMailer.sent.length = 0;
    await invoke(portalHandler, signed('/webhooks/portal', records(DOSSIER), secrets.portal));
    written = [];

    // Act
    await invoke(scanHandler, { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2024-04-04T02:00:00Z' }, 'scan-1');
    const scanLines = metricLines();
    written = [];
    const sqsEvent: SQSEvent = {
      Records: fuzzPorts.queue.drain().map((message, i) => ({
        messageId: `m${i}`,
        receiptHandle: `rh${i}`,
        body: encodeQueueMessage(message),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:motcua-alerts',
        awsRegion: 'ap-southeast-1',
      })),
    };
    await invoke(notifierHandler, sqsEvent, 'notifier-1');
    const notifierLines = metricLines();
    written = [];
    await invoke(digestHandler, { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2024-04-05T00:30:00Z' }, 'digest-1');
    const digestLines = metricLines();

    // Assess
    expect(scanLines).toEqual([
      {
        namespace: 'Motcua',
        dimensions: [['service', 'Level']],
        dims: { service: 'motcua', Level: 'overdue' },
        values: { DossiersFlagged: 1 },
      },
      {
        namespace: 'Motcua',
        dimensions: [['service', 'Level']],
        dims: { service: 'motcua', Level: 'soon' },
        values: { DossiersFlagged: 0 },
      },
      // The feedback part of the same scan: no item is past its deadline.
      { namespace: 'Motcua', dimensions: [['service']], dims: { service: 'motcua' }, values: { FeedbackFlagged: 0 } },
    ]);
    expect(notifierLines.map((m) => m.values)).toEqual([{ EmailsSent: 1 }]);
    expect(digestLines).toEqual([
      {
        namespace: 'Motcua',
        dimensions: [['service']],
        dims: { service: 'motcua' },
        values: { OverdueOpen: 1, FeedbackOverdueOpen: 0, EmailsSent: 1 },
      },
    ]);
    expect(mockMailer.sent).toHaveLength(2);
    const digestLog = logLines('daily digest')[0];
    expect(digestLog).toMatchObject({ function_request_id: 'digest-1', overdue: 1 });
    expect(digestLog.deliveryId).toBeUndefined(); // the portal request's key did not outlive it
  });
});
