/**
 * `rebuild-dossier` against dynalite: deliveries go through the handlers' logic in process (the
 * raw log and the state written exactly as live), the dossier item is then lost or corrupted, and
 * the rebuild from the raw log gives back the same `GET /dossiers/{MaHoSo}` view, alert marks and
 * due-index placement included.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { encodeRecord } from '../../functions/adapters/record-codec';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { logger } from '../../functions/adapters/logger';
import { paygovChecksum } from '../../functions/adapters/paygov';
import { DynamoRawLog, rawEvents } from '../../functions/adapters/raw-log';
import { vnpaySign } from '../../functions/adapters/vnpay';
import { s10 } from '../../functions/adapters/vnpost';
import { main, parseArgs, rebuildDossier } from '../../functions/cli/rebuild-dossier';
import { effectiveDueAt } from '../../functions/core/overdue';
import { dossierKey } from '../../functions/core/types';
import { feedbackWebhook } from '../../functions/handlers/feedback-webhook';
import { getDossier } from '../../functions/handlers/get-dossier';
import { paygovConfirm } from '../../functions/handlers/paygov-confirm';
import { portalWebhook } from '../../functions/handlers/portal-webhook';
import { postalNotification } from '../../functions/handlers/postal-notification';
import { vnpayIpn } from '../../functions/handlers/vnpay-ipn';
import { ensureTable, startDynamo, type DynamoEmulator } from '../../infra/local/emulators';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const CODE = '000.00.12.H57-240401-0003';
const OTHER = '000.00.12.H57-240401-0004';
const KEY = dossierKey(CODE);
const NOW = Date.parse('2024-04-05T09:00:00+07:00');
const PAYGOV_SECRET = process.env.PAYGOV_SECRET || 'local-paygov-secret';
const VNPAY_SECRET = process.env.VNPAY_HASH_SECRET || 'local-vnpay-secret';

let dynamo: DynamoEmulator;
let tableNo = 0;

beforeAll(async () => {
  // The handlers log every delivery; the test's output should show the test.
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  dynamo = await startDynamo({ createTable: false });
}, 30_000);
afterAll(async () => {
  jest.restoreAllMocks();
  await dynamo?.stop();
});

interface World {
  store: DynamoDossierStore;
  raw: DynamoRawLog;
  tableName: string;
}

/** A fresh table per test, and the store as the Lambdas wire it. */
async function world(): Promise<World> {
  const tableName = `rebuild-${++tableNo}`;
  await ensureTable(dynamo.client, tableName);
  return {
    store: new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => effectiveDueAt(r) }),
    raw: new DynamoRawLog(dynamo.client, tableName),
    tableName,
  };
}

let requestNo = 0;
const context = { awsRequestId: 'ctx' } as Context;

/** An API Gateway event as the handler receives it (past the signature middleware). */
function request(over: Partial<HttpEvent>): HttpEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'test' },
    isBase64Encoded: false,
    requestContext: { requestId: `req-${++requestNo}` },
    ...over,
  } as unknown as HttpEvent;
}

const at = (iso: string) => () => Date.parse(iso);

function dossierJson(code: string, over: Record<string, unknown> = {}) {
  return {
    MaHoSo: code,
    MaTTHC: '1.001193',
    TenTTHC: 'Thủ tục đăng ký khai sinh',
    MaLinhVuc: 'HT',
    TenLinhVuc: 'Hộ tịch',
    KenhThucHien: 3,
    NgayTiepNhan: '20240401081500',
    NgayHenTra: '20240403170000',
    TrangThaiHoSo: 2,
    NgayCapNhat: '20240401081500',
    ChuHoSo: 'Nguyễn Thị Hồng',
    SoGiayToChuHoSo: '074190001234',
    SoDienThoai: '0912345678',
    DonViXuLy: 'Bộ phận Tư pháp - Hộ tịch',
    HinhThuc: 1,
    DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký khai sinh', MaPhiLePhi: 'LP01', Gia: 16000 }],
    ...over,
  };
}

const portal = (store: DynamoDossierStore, when: string, envelope: unknown) =>
  portalWebhook(store, at(when))(request({ body: JSON.stringify(envelope) }), context);

const postal = (store: DynamoDossierStore, when: string, event: Record<string, unknown>) =>
  postalNotification(store, at(when))(request({ body: JSON.stringify(event) }), context);

function paygov(store: DynamoDossierStore, when: string, fields: Record<string, string | number>) {
  const body = { ...fields, MaXacThuc: paygovChecksum(fields, PAYGOV_SECRET) };
  return paygovConfirm(store, at(when))(request({ body: JSON.stringify(body) }), context);
}

const vnpay = (store: DynamoDossierStore, when: string, params: Record<string, string>) =>
  vnpayIpn(store, at(when))(request({ rawQueryString: vnpaySign(params, VNPAY_SECRET), body: undefined }), context);

const parseBody = (result: HttpResult) => JSON.parse(String(result.body));

/**
 * A week of one postal-channel dossier (and a neighbour sharing its partitions): collected by
 * VNPost before its code existed, a duplicate delivery, steps, a PayGov payment, a failed VNPay
 * attempt, a newer record, delivery to the agency; then an overdue alert mark.
 */
async function deliverWeek(store: DynamoDossierStore, scan: 'parked' | 'pending' = 'parked'): Promise<void> {
  const tracking = s10('EB', '12345678');
  const answers = [
    await postal(store, '2024-03-30T15:00:00+07:00', {
      eventId: 'VNP-1',
      trackingNumber: tracking,
      MaHoSo: CODE,
      type: 'COLLECTED',
      occurredAt: '2024-03-30T14:55:00+07:00',
    }),
    await portal(store, '2024-04-01T08:16:00+07:00', {
      service: 'DongBoHoSoMC',
      isUpdating: false,
      data: [dossierJson(CODE), dossierJson(OTHER)],
    }),
    await portal(store, '2024-04-01T08:17:00+07:00', {
      service: 'DongBoHoSoMC',
      isUpdating: false,
      data: [dossierJson(CODE), dossierJson(OTHER)],
    }),
    await portal(store, '2024-04-01T10:01:00+07:00', {
      service: 'CapNhatTienDoHoSoMC',
      data: [
        {
          MaHoSo: CODE,
          NguoiXuLy: 'Trần Văn An',
          ChucDanh: 'Công chức',
          ThoiDiemXuLy: '20240401081500',
          PhongBanXuLy: 'Một cửa',
          NoiDungXuLy: 'Tiếp nhận',
          TrangThai: 2,
        },
        {
          MaHoSo: CODE,
          NguoiXuLy: 'Lê Thị Bình',
          ChucDanh: 'Công chức',
          ThoiDiemXuLy: '20240401100000',
          PhongBanXuLy: 'Tư pháp',
          NoiDungXuLy: 'Thụ lý',
          TrangThai: 4,
        },
        { MaHoSo: OTHER, ThoiDiemXuLy: '20240401100000', TrangThai: 4 },
      ],
    }),
    await paygov(store, '2024-04-01T10:05:00+07:00', {
      LoaiBanTin: 'XacNhanThanhToan',
      MaLoi: '00',
      MaDoiTac: 'UBNDBINHAN',
      MaThamChieu: `dvc${KEY}20240401100200`,
      SoTien: 16000,
      MaTienTe: 'VND',
      MaGiaoDich: 'PG240401000123',
      MaNganHang: 'VCB',
      ThoiGianGD: '20240401100400',
      ThongTinGiaoDich: 'Le phi khai sinh',
    }),
    await vnpay(store, '2024-04-01T10:06:00+07:00', {
      vnp_TmnCode: 'BINHAN01',
      vnp_Amount: '1600000',
      vnp_BankCode: 'NCB',
      vnp_BankTranNo: '',
      vnp_CardType: 'ATM',
      vnp_PayDate: '20240401100600',
      vnp_OrderInfo: 'Thanh toan le phi',
      vnp_TxnRef: `${CODE}_1`,
      vnp_TransactionNo: '14000001',
      vnp_ResponseCode: '24',
      vnp_TransactionStatus: '02',
    }),
    await portal(store, '2024-04-02T10:01:00+07:00', {
      service: 'DongBoHoSoMC',
      data: [dossierJson(CODE, { TrangThaiHoSo: 4, NgayCapNhat: '20240402100000' })],
    }),
    await postal(store, '2024-04-02T11:00:00+07:00', {
      eventId: 'VNP-2',
      trackingNumber: tracking,
      MaHoSo: CODE,
      type: 'DELIVERED_TO_AGENCY',
      occurredAt: '2024-04-02T10:50:00+07:00',
      postOffice: 'Bưu cục Bình An',
    }),
  ];
  // Every delivery taken: a failing one would make the test prove nothing.
  expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
  expect(parseBody(answers[4])).toMatchObject({ MaLoi: '00' });
  expect(parseBody(answers[5])).toMatchObject({ RspCode: '00' });
  // The scan's work: it claimed the dossier for the overdue alert of its current due date, and
  // (`parked`) committed its run and parked it, or (`pending`) has not got that far yet.
  const marked = await store.markAlerted(KEY, '20240402100000', 'overdue', PENDING_MARK);
  expect(marked).toBe(true);
  if (scan === 'parked') await store.parkAlerted(KEY, '20240402100000', 'overdue', PENDING_MARK.runId);
}

/** The claim of the scan in `deliverWeek`. */
const PENDING_MARK = {
  dueAt: '2024-04-03T17:00:00+07:00',
  at: '2024-04-04T08:00:00+07:00',
  runId: '20240404080000-0a0b0c0d',
  claimedAt: '2024-04-04T08:00:02+07:00',
  pending: true,
};

/** `GET /dossiers/{MaHoSo}` at the test's clock: the view, or the status code when there is none. */
async function view(store: DynamoDossierStore, code = CODE): Promise<unknown> {
  try {
    return parseBody(await getDossier(store, () => NOW)(request({ pathParameters: { MaHoSo: code } })));
  } catch (err) {
    return (err as { statusCode?: number }).statusCode;
  }
}

/** Loses everything of the dossier item but its alert marks (what a bad manual edit might do). */
async function stripToMarks(tableName: string, alsoKeep: (name: string) => boolean = () => false): Promise<void> {
  const Key = { pk: { S: `D#${KEY}` }, sk: { S: 'A' } };
  const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: tableName, Key }));
  const kept = Object.fromEntries(
    Object.entries(Item!).filter(([name]) => ['pk', 'sk', 'alOverdue', 'alSoon'].includes(name) || alsoKeep(name)),
  );
  expect(Object.keys(kept)).toContain('alOverdue');
  await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: kept }));
}

async function keysOf(list: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of list) out.push(d.key);
  return out;
}

describe('rebuildDossier', () => {
  it('gives back the same view, alert mark and due-index placement after the record, attachments and a step are lost', async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store);
    const before = await view(store);
    const otherBefore = await view(store, OTHER);
    await stripToMarks(tableName);
    await dynamo.client.send(
      new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `D#${KEY}` }, sk: { S: 'S#20240401100000#4' } } }),
    );
    expect(await view(store)).toBe(404);
    const lines: string[] = [];

    // Act
    const result = await rebuildDossier({ store, raw, code: CODE, now: () => NOW, log: (l) => lines.push(l) });

    // Assess
    expect(result).toMatchObject({
      key: KEY,
      from: '2024-03-29',
      to: '2024-04-05',
      written: true,
      verified: true,
      refused: null,
      unreadable: [],
    });
    expect(result.messagesRead).toBe(8);
    expect(result.diff).toMatchObject({
      record: { stored: null, rebuilt: { version: '20240402100000', status: 4 }, change: 'added' },
      payments: { stored: 0, rebuilt: 2, removed: [] },
      postal: { stored: 0, rebuilt: 2, added: ['VNP-1', 'VNP-2'] },
      steps: { stored: 1, rebuilt: 2, added: ['20240401100000#4'] },
    });
    expect(await view(store)).toEqual(before);
    expect(before).toMatchObject({ status: 4, fees: { total: 16000, paid: 16000 }, overdue: { alertedAt: '2024-04-04T08:00:00+07:00' } });
    expect(await view(store, OTHER)).toEqual(otherBefore);
    // Alerted overdue for its current due date: where the digest reads it, not the scan.
    expect(await keysOf(store.listAlertedOverdue())).toContain(KEY);
    expect(await keysOf(store.listDueBy('2024-04-10T00:00:00+07:00'))).not.toContain(KEY);
    expect(lines.join('\n')).toContain('alert marks kept: overdue');
    expect(lines.join('\n')).not.toContain('074190001234');
  });

  it("keeps a scan's pending claim pending, and the dossier where the scans read it", async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store, 'pending');
    await stripToMarks(tableName);

    const lines: string[] = [];

    // Act
    const result = await rebuildDossier({ store, raw, code: CODE, now: () => NOW, log: (l) => lines.push(l) });
    const due = await keysOf(store.listDueBy('2024-04-10T00:00:00+07:00'));
    const digest = await keysOf(store.listAlertedOverdue());
    // Its run, once committed, still parks it (the same record version).
    await store.parkAlerted(KEY, '20240402100000', 'overdue', PENDING_MARK.runId);

    // Assess
    expect(result).toMatchObject({ written: true, verified: true });
    expect(lines.join('\n')).toContain(
      `alert marks kept: overdue (due 2024-04-03T17:00:00+07:00, at 2024-04-04T08:00:00+07:00, pending in run ${PENDING_MARK.runId})`,
    );
    // Where its run parks it, or a later scan settles or takes over the claim: not out of their reach.
    expect(due).toContain(KEY);
    expect(digest).not.toContain(KEY);
    const { pending: _, ...settled } = PENDING_MARK;
    expect((await store.getDossier(KEY))?.dossier.alerts).toEqual({ overdue: settled, soon: null });
    expect(await keysOf(store.listAlertedOverdue())).toContain(KEY);
  });

  it('keeps the links of the feedback items that name the dossier, and reads their raw messages as no event of it', async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store);
    const feedback = new DynamoFeedbackStore({ client: dynamo.client, tableName });
    const item = {
      MaPhanAnh: '1022.20240403.0042',
      NguonTiepNhan: '1022',
      MaDonVi: '000.00.12.H57',
      KenhTiepNhan: 1,
      NgayTiepNhan: '20240403083000',
      TieuDe: 'Chưa nhận được kết quả',
      NoiDung: `Hồ sơ ${CODE} đã quá hẹn.`,
      PhanLoai: 1,
      TrangThai: 2,
      NgayCapNhat: '20240403090000',
      MaHoSo: CODE,
    };
    await feedbackWebhook({ raw: store, store: feedback }, at('2024-04-03T09:00:05+07:00'))(
      request({ body: JSON.stringify({ service: 'DongBoPhanAnhKienNghi', data: [item] }) }),
      context,
    );
    const links = (await store.getDossier(KEY))!.dossier.feedback;
    const before = await view(store);
    await stripToMarks(tableName, (name) => name.startsWith('F#'));

    // Act
    const result = await rebuildDossier({ store, raw, code: CODE, now: () => NOW });

    // Assess
    expect(links).toEqual([{ id: item.MaPhanAnh, ward: '000.00.12.H57', version: '20240403090000' }]);
    expect(result).toMatchObject({ written: true, verified: true, refused: null, unreadable: [] });
    expect(await view(store)).toEqual(before);
    expect((await store.getDossier(KEY))!.dossier.feedback).toEqual(links);
  });

  it('rebuilds a dossier item deleted outright, all but the alert mark that only the item held', async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store);
    const before = (await view(store)) as { overdue: Record<string, unknown> };
    await dynamo.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `D#${KEY}` }, sk: { S: 'A' } } }));

    // Act
    const result = await rebuildDossier({ store, raw, code: CODE, now: () => NOW });

    // Assess
    expect(result).toMatchObject({ written: true, verified: true });
    expect(await view(store)).toEqual({ ...before, overdue: { ...before.overdue, alertedAt: null } });
    // Unmarked, so back where the scan reads it: the next scan alerts it once more.
    expect(await keysOf(store.listDueBy('2024-04-10T00:00:00+07:00'))).toContain(KEY);
  });

  it('refills the versions seen, so a late repeat of an older record still counts as a duplicate', async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store);
    await dynamo.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `D#${KEY}` }, sk: { S: 'A' } } }));
    await rebuildDossier({ store, raw, code: CODE, now: () => NOW });

    // Act
    const repeat = await portal(store, '2024-04-05T09:30:00+07:00', { service: 'DongBoHoSoMC', data: [dossierJson(CODE)] });

    // Assess
    expect(parseBody(repeat)).toEqual({ received: 1, applied: 0, duplicate: 1, stale: 0 });
  });

  it('reports a corrupted item on a dry run, refuses to drop what the log does not back, and repairs it with --force', async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store);
    const before = await view(store);
    const key = { pk: { S: `D#${KEY}` }, sk: { S: 'A' } };
    const stored = (await store.getDossier(KEY))!.dossier.record!;
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET rz = :rz, #p = :p',
        ExpressionAttributeNames: { '#p': 'P#paygov#BOGUS' },
        ExpressionAttributeValues: {
          ':rz': { B: encodeRecord({ ...stored, status: 10 }) },
          ':p': {
            M: {
              source: { S: 'paygov' },
              txId: { S: 'BOGUS' },
              key: { S: KEY },
              code: { NULL: true },
              amount: { N: '1' },
              success: { BOOL: true },
              resultCode: { S: '00' },
              at: { S: '2024-04-01T10:00:00+07:00' },
              bank: { NULL: true },
              reference: { S: 'x' },
            },
          },
        },
      }),
    );
    const corrupted = await view(store);

    // Act
    const dry = await rebuildDossier({ store, raw, code: CODE, now: () => NOW, dryRun: true });
    const afterDry = await view(store);
    const refused = await rebuildDossier({ store, raw, code: CODE, now: () => NOW });
    const afterRefusal = await view(store);
    const forced = await rebuildDossier({ store, raw, code: CODE, now: () => NOW, force: true });

    // Assess
    expect(dry.diff).toMatchObject({
      record: { stored: { status: 10 }, rebuilt: { status: 4 }, change: 'changed' },
      payments: { removed: ['paygov#BOGUS'] },
    });
    expect(dry.diff!.losses).toEqual(['payment paygov#BOGUS']);
    expect(dry.written).toBe(false);
    expect(afterDry).toEqual(corrupted);
    expect(refused).toMatchObject({ written: false, refused: expect.stringContaining('paygov#BOGUS') });
    expect(afterRefusal).toEqual(corrupted);
    expect(forced).toMatchObject({ written: true, verified: true });
    expect(await view(store)).toEqual(before);
  });

  it('writes nothing on a dry run of a lost item', async () => {
    // Prepare
    const { store, raw, tableName } = await world();
    await deliverWeek(store);
    await dynamo.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `D#${KEY}` }, sk: { S: 'A' } } }));

    // Act
    const result = await rebuildDossier({ store, raw, code: CODE, now: () => NOW, dryRun: true });

    // Assess
    expect(result).toMatchObject({ written: false, verified: null, refused: null, diff: { record: { change: 'added' } } });
    expect(await view(store)).toBe(404);
  });

  it('refuses when a message that names the dossier no longer parses, unless forced', async () => {
    // Prepare
    const { store, raw } = await world();
    await deliverWeek(store);
    await store.saveRaw({
      source: 'portal',
      deliveryId: 'req-broken',
      receivedAt: '2024-04-03T09:00:00+07:00',
      headers: {},
      body: Buffer.from(`{"service":"DongBoHoSoMC","data":[{"MaHoSo":"${CODE}"`),
    });

    // Act
    const refused = await rebuildDossier({ store, raw, code: CODE, now: () => NOW });
    const forced = await rebuildDossier({ store, raw, code: CODE, now: () => NOW, force: true });

    // Assess
    expect(refused.unreadable).toEqual([expect.objectContaining({ deliveryId: 'req-broken', mayConcernDossier: true })]);
    expect(refused).toMatchObject({ written: false, refused: expect.stringContaining('cannot be read') });
    expect(forced).toMatchObject({ written: true, verified: true });
  });

  it('refuses a dossier the log has never seen', async () => {
    // Prepare
    const { store, raw } = await world();
    await deliverWeek(store);

    // Act
    const result = await rebuildDossier({ store, raw, code: '000.00.12.H57-240401-0999', now: () => NOW });

    // Assess
    expect(result).toMatchObject({ written: false, eventsFound: 0, refused: expect.stringContaining('no raw message') });
  });
});

describe('DynamoRawLog', () => {
  it('reassembles a message stored in several chunks', async () => {
    // Prepare
    const { store, raw } = await world();
    // Random bytes hardly compress: over 300 KB gzipped, so the store cuts it into two chunks.
    const big = Buffer.from(randomBytes(400 * 1024).toString('base64'));
    await store.saveRaw({
      source: 'portal',
      deliveryId: 'req-big',
      receivedAt: '2024-04-01T08:00:00+07:00',
      body: big,
      headers: { 'content-type': 'application/json' },
    });

    // Act
    const read = [];
    for await (const entry of raw.readDay('2024-04-01')) read.push(entry);

    // Assess
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({
      ok: true,
      message: { source: 'portal', deliveryId: 'req-big', headers: { 'content-type': 'application/json' } },
    });
    expect(read[0].ok && read[0].message.body.equals(big)).toBe(true);
  });

  it('re-parses PayGov and VNPay messages without their secrets', () => {
    // Prepare
    const fields = {
      LoaiBanTin: 'XacNhanThanhToan',
      MaLoi: '00',
      MaDoiTac: 'UBNDBINHAN',
      MaThamChieu: `dvc${KEY}20240401100200`,
      SoTien: '16000',
      MaTienTe: 'VND',
      MaGiaoDich: 'PG1',
      MaNganHang: 'VCB',
      ThoiGianGD: '20240401100400',
      ThongTinGiaoDich: 'x',
    };
    const paygovBody = JSON.stringify({ ...fields, MaXacThuc: paygovChecksum(fields, 'a-secret-rotated-out-long-ago') });
    const vnpayQuery = vnpaySign(
      {
        vnp_Amount: '1600000',
        vnp_PayDate: '20240401100600',
        vnp_TxnRef: `${CODE}_7`,
        vnp_ResponseCode: '00',
        vnp_TransactionStatus: '00',
        vnp_TransactionNo: '9',
      },
      'another-old-secret',
    );
    const message = (source: string, body: string) => ({
      source,
      deliveryId: 'd',
      receivedAt: '2024-04-01T10:05:00+07:00',
      headers: {},
      body: Buffer.from(body),
    });

    // Act
    const pg = rawEvents(message('paygov', paygovBody));
    const vp = rawEvents(message('vnpay', vnpayQuery));

    // Assess
    expect(pg).toEqual([
      { kind: 'payment', payment: expect.objectContaining({ source: 'paygov', txId: 'PG1', key: KEY, amount: 16000, success: true }) },
    ]);
    expect(vp).toEqual([
      {
        kind: 'payment',
        payment: expect.objectContaining({ source: 'vnpay', txId: `${CODE}_7`, key: KEY, code: CODE, amount: 16000, success: true }),
      },
    ]);
  });
});

describe('the command line', () => {
  it('defaults to the local table and endpoint, and reads --since', () => {
    // Act
    const local = parseArgs([CODE, '--dry-run'], { DYNAMODB_PORT: '8123' });
    const aws = parseArgs([CODE, '--table', 'MotcuaStateful-Table', '--since=2024-03-01', '--force'], {});

    // Assess
    expect(local).toEqual({
      kind: 'run',
      args: { code: CODE, table: 'motcua-local', endpoint: 'http://127.0.0.1:8123', since: null, dryRun: true, force: false },
    });
    expect(aws).toEqual({
      kind: 'run',
      args: { code: CODE, table: 'MotcuaStateful-Table', endpoint: null, since: '2024-03-01', dryRun: false, force: true },
    });
    expect(parseArgs([], {}).kind).toBe('error');
    expect(parseArgs(['000000012H572404010003'], {}).kind).toBe('error'); // no date to start from
  });

  it('rebuilds through main against an endpoint and table, exit code 0', async () => {
    // Prepare
    const { store, tableName } = await world();
    await deliverWeek(store);
    const before = await view(store);
    await stripToMarks(tableName);
    const out: string[] = [];

    // Act
    const code = await main(
      [CODE, '--table', tableName, '--endpoint', dynamo.endpoint],
      { AWS_REGION: 'ap-southeast-1' },
      (l) => out.push(l),
      (l) => out.push(l),
      () => NOW,
    );

    // Assess
    expect(code).toBe(0);
    expect(out.at(-1)).toMatch(/now matches the raw log/);
    expect(await view(store)).toEqual(before);
  });
});
