import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEvent } from '../../functions/core/dossier';
import type { DossierState } from '../../functions/core/dossier';
import { parsePortalMessage, ValidationError } from '../../functions/core/portal';
import type { PortalMessage } from '../../functions/core/portal';
import type { DossierRecord, ProgressStep } from '../../functions/core/types';

type Json = Record<string, unknown>;

/** A complete, valid DongBoHoSoMC record as the portal sends it. */
function dossierJson(overrides: Json = {}): Json {
  return {
    MaHoSo: '000.00.12.H57-240401-0003',
    MaTTHC: '1.001193',
    TenTTHC: 'Thủ tục đăng ký khai sinh',
    MaLinhVuc: 'HT',
    TenLinhVuc: 'Hộ tịch',
    KenhThucHien: 2,
    NgayTiepNhan: '20240401081500',
    NgayHenTra: '20240402170000',
    TrangThaiHoSo: 2,
    NgayCapNhat: '20240401081500',
    ChuHoSo: 'Nguyễn Thị Hồng Nhung',
    SoGiayToChuHoSo: '074190001234',
    SoDienThoai: '0912345678',
    Email: 'hongnhung@example.vn',
    TrichYeuHoSo: 'Đăng ký khai sinh cho con Trần Gia Bảo',
    DonViXuLy: 'Bộ phận Tư pháp - Hộ tịch',
    HinhThuc: 0,
    DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký khai sinh', MaPhiLePhi: 'LP01', Gia: 8000 }],
    DanhSachHoSoBoSung: [],
    DuocThanhToanTrucTuyen: 1,
    HoSoCoThanhPhanSoHoa: 0,
    LoaiDoiTuong: 1,
    GhiChu: 'Nộp trực tuyến mức độ toàn trình',
    ...overrides,
  };
}

/** A complete, valid CapNhatTienDoHoSoMC record. */
function stepJson(overrides: Json = {}): Json {
  return {
    MaHoSo: '000.00.12.H57-240401-0003',
    NguoiXuLy: 'Lê Văn Tâm',
    ChucDanh: 'Công chức Tư pháp - Hộ tịch',
    ThoiDiemXuLy: '20240401091000',
    PhongBanXuLy: 'Bộ phận Tư pháp - Hộ tịch',
    NoiDungXuLy: 'Tiếp nhận hồ sơ',
    TrangThai: 2,
    NgayBatDau: '20240401081500',
    NgayKetThucTheoQuyDinh: '20240402170000',
    ...overrides,
  };
}

const dossiers = (...data: unknown[]): Json => ({ service: 'DongBoHoSoMC', isUpdating: false, data });
const steps = (...data: unknown[]): Json => ({ service: 'CapNhatTienDoHoSoMC', data });

/** The parsed first record of a dossier message. */
function firstRecord(message: PortalMessage): DossierRecord {
  if (message.service !== 'DongBoHoSoMC') throw new Error(`expected DongBoHoSoMC, got ${message.service}`);
  return message.records[0].record;
}

/** The details of the ValidationError that `fn` throws (fails the test when it throws nothing). */
function detailsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const without = (key: string, obj: Json): Json => {
  const copy = { ...obj };
  delete copy[key];
  return copy;
};

describe('parsePortalMessage: dossier records (DongBoHoSoMC)', () => {
  it('maps every DVCQG field to the domain record', () => {
    // Prepare
    const raw = dossierJson({
      NgayTra: '20240402150000',
      NgayKetThucXuLy: '20240402100000',
      DanhSachLePhi: [
        { TenPhiLePhi: 'Lệ phí đăng ký khai sinh', MaPhiLePhi: 'LP01', Gia: 8000 },
        { TenPhiLePhi: 'Phí cấp bản sao trích lục', Gia: '8000', SoLuong: 1 },
      ],
      DanhSachHoSoBoSung: [
        {
          NgayYeuCauBoSung: '20240401140000',
          NgayBoSung: '20240402090000',
          NgayHenTraTruoc: '20240402170000',
          NgayHenTraMoi: '20240403170000',
          LyDoBoSung: 'Thiếu giấy chứng sinh',
        },
      ],
    });

    // Act
    const message = parsePortalMessage(dossiers(raw));

    // Assess
    const expected: DossierRecord = {
      code: '000.00.12.H57-240401-0003',
      procedureCode: '1.001193',
      procedureName: 'Thủ tục đăng ký khai sinh',
      fieldCode: 'HT',
      fieldName: 'Hộ tịch',
      channel: 'online',
      receivedAt: '2024-04-01T08:15:00+07:00',
      dueAt: '2024-04-02T17:00:00+07:00',
      status: 2,
      version: '20240401081500',
      updatedAt: '2024-04-01T08:15:00+07:00',
      applicant: {
        name: 'Nguyễn Thị Hồng Nhung',
        idNumber: '074190001234',
        phone: '0912345678',
        email: 'hongnhung@example.vn',
      },
      summary: 'Đăng ký khai sinh cho con Trần Gia Bảo',
      unit: 'Bộ phận Tư pháp - Hộ tịch',
      returnedAt: '2024-04-02T15:00:00+07:00',
      finishedAt: '2024-04-02T10:00:00+07:00',
      refusedAt: null,
      returnBy: 'desk',
      fees: [
        { name: 'Lệ phí đăng ký khai sinh', code: 'LP01', amount: 8000 },
        { name: 'Phí cấp bản sao trích lục', code: null, amount: 8000 },
      ],
      feeTotal: 16000,
      supplements: [
        {
          requestedAt: '2024-04-01T14:00:00+07:00',
          suppliedAt: '2024-04-02T09:00:00+07:00',
          previousDueAt: '2024-04-02T17:00:00+07:00',
          newDueAt: '2024-04-03T17:00:00+07:00',
        },
      ],
      onlinePayable: true,
      digitised: false,
      subjectType: '1',
      note: 'Nộp trực tuyến mức độ toàn trình',
    };
    expect(message).toEqual({ service: 'DongBoHoSoMC', isUpdating: false, records: [{ record: expected, raw }] });
  });

  it('accepts a record with only the required fields, the optional ones absent', () => {
    // Prepare
    const required = [
      'MaHoSo',
      'MaTTHC',
      'TenTTHC',
      'MaLinhVuc',
      'TenLinhVuc',
      'KenhThucHien',
      'NgayTiepNhan',
      'NgayHenTra',
      'TrangThaiHoSo',
      'NgayCapNhat',
    ];
    const full = dossierJson();
    const minimal = Object.fromEntries(required.map((k) => [k, full[k]]));

    // Act
    const record = firstRecord(parsePortalMessage(dossiers(minimal)));

    // Assess
    expect(record).toMatchObject({
      applicant: { name: null, idNumber: null, phone: null, email: null },
      summary: null,
      unit: null,
      returnedAt: null,
      finishedAt: null,
      refusedAt: null,
      returnBy: null,
      fees: [],
      feeTotal: 0,
      supplements: [],
      onlinePayable: null,
      digitised: null,
      subjectType: null,
      note: null,
    });
  });

  it.each([
    ['KenhThucHien', 1, { channel: 'direct' }],
    ['KenhThucHien', '2', { channel: 'online' }],
    ['KenhThucHien', ' 3 ', { channel: 'postal' }],
    ['TrangThaiHoSo', 10, { status: 10 }],
    ['TrangThaiHoSo', '4', { status: 4 }],
    ['HinhThuc', 1, { returnBy: 'post' }],
    ['HinhThuc', '0', { returnBy: 'desk' }],
    ['HinhThuc', null, { returnBy: null }],
    ['LoaiDoiTuong', '2', { subjectType: '2' }],
    ['MaLinhVuc', 12, { fieldCode: '12' }],
  ])('reads the code %s given as %p', (field, value, expected) => {
    // Prepare
    const body = dossiers(dossierJson({ [field]: value }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record).toMatchObject(expected);
  });

  it.each([
    [1, true],
    ['1', true],
    [true, true],
    [0, false],
    ['0', false],
    [false, false],
    [null, null],
    ['', null],
  ])('reads the yes/no flag given as %p as %p', (value, expected) => {
    // Prepare
    const body = dossiers(dossierJson({ DuocThanhToanTrucTuyen: value, HoSoCoThanhPhanSoHoa: value }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record.onlinePayable).toBe(expected);
    expect(record.digitised).toBe(expected);
  });

  it.each([[null], ['']])('takes NgayHenTra %p as "the portal gave no due date"', (value) => {
    // Prepare
    const body = dossiers(dossierJson({ NgayHenTra: value }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record.dueAt).toBeNull();
  });

  it('keeps NgayCapNhat as sent for the version and as ISO for updatedAt', () => {
    // Prepare
    const body = dossiers(dossierJson({ NgayCapNhat: '20241231235959' }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record.version).toBe('20241231235959');
    expect(record.updatedAt).toBe('2024-12-31T23:59:59+07:00');
  });

  it('trims strings and reads empty optional ones as absent', () => {
    // Prepare
    const body = dossiers(
      dossierJson({
        MaHoSo: ' 000.00.12.H57-240401-0003 ',
        TenTTHC: '  Thủ tục đăng ký khai sinh ',
        ChuHoSo: '  ',
        Email: '',
        GhiChu: null,
        NgayTra: '',
      }),
    );

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record).toMatchObject({
      code: '000.00.12.H57-240401-0003',
      procedureName: 'Thủ tục đăng ký khai sinh',
      applicant: { name: null, email: null },
      note: null,
      returnedAt: null,
    });
  });

  it('keeps unknown DVCQG fields in raw, exactly as received, and out of the record', () => {
    // Prepare
    const raw = dossierJson({ MaDinhDanhHoSo: 'H57.12-0003', DanhSachGiayToKetQua: [{ TenGiayTo: 'Giấy khai sinh' }] });

    // Act
    const message = parsePortalMessage(dossiers(raw));

    // Assess
    if (message.service !== 'DongBoHoSoMC') throw new Error('wrong service');
    expect(message.records[0].raw).toBe(raw);
    expect(message.records[0].record).not.toHaveProperty('MaDinhDanhHoSo');
    expect(message.records[0].record).not.toHaveProperty('DanhSachGiayToKetQua');
  });

  it('does not compare the date inside MaHoSo with NgayTiepNhan', () => {
    // Prepare
    const body = dossiers(dossierJson({ MaHoSo: '000.00.12.H57-240329-0012', NgayTiepNhan: '20240401081500' }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record.code).toBe('000.00.12.H57-240329-0012');
  });

  it.each([['000.00.12.H57-240401-0003'], ['H57-231231-12345'], ['000.00.12.h57-240229-0001']])('accepts the dossier code %s', (code) => {
    // Prepare
    const body = dossiers(dossierJson({ MaHoSo: code }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record.code).toBe(code);
  });

  it.each<[unknown, string]>([
    ['000.00.12.H57-240431-0003', 'no 31 April'],
    ['000.00.12.H57-230229-0003', 'no 29 February in 2023'],
    ['000.00.12.H57-241301-0003', 'month 13'],
    ['000.00.12.H57-240401-003', 'sequence under 4 digits'],
    ['000.00.12.H57-24040-0003', 'date of 5 digits'],
    ['000.00.12.H57240401-0003', 'missing dash'],
    ['-240401-0003', 'no agency code'],
    ['000..12.H57-240401-0003', 'empty agency code part'],
    ['000.00.12.H57_X-240401-0003', 'agency code with an underscore'],
    ['000.00.12.H57-240401-00A3', 'letter in the sequence'],
    ['', 'empty'],
    [12345, 'a number'],
  ])('rejects the dossier code %p (%s) at data[0].MaHoSo', (code) => {
    // Prepare
    const body = dossiers(dossierJson({ MaHoSo: code }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: 'data[0].MaHoSo', message: expect.any(String) }]);
  });

  it.each([
    'MaHoSo',
    'MaTTHC',
    'TenTTHC',
    'MaLinhVuc',
    'TenLinhVuc',
    'KenhThucHien',
    'NgayTiepNhan',
    'NgayHenTra',
    'TrangThaiHoSo',
    'NgayCapNhat',
  ])('names the missing required field %s', (field) => {
    // Prepare
    const body = dossiers(without(field, dossierJson()));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: `data[0].${field}`, message: 'required' }]);
  });

  it.each(['MaTTHC', 'TenTTHC', 'MaLinhVuc', 'TenLinhVuc'])('rejects the required text %s left blank', (field) => {
    // Prepare
    const body = dossiers(dossierJson({ [field]: '   ' }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: `data[0].${field}`, message: 'must not be empty' }]);
  });

  it.each([
    ['NgayTiepNhan', '2024-13-45'],
    ['NgayTiepNhan', '20241345000000'],
    ['NgayTiepNhan', '20240230120000'],
    ['NgayTiepNhan', '2024040108150'],
    ['NgayTiepNhan', ''],
    ['NgayTiepNhan', null],
    ['NgayCapNhat', '20240401246000'],
    ['NgayCapNhat', '2024-04-01T08:15:00+07:00'],
    ['NgayHenTra', '20240431170000'],
    ['NgayHenTra', true],
    ['NgayTra', '20241345000000'],
    ['NgayKetThucXuLy', 'hôm qua'],
    ['NgayTuChoi', '20240001000000'],
  ])('rejects %s = %p at its path', (field, value) => {
    // Prepare
    const body = dossiers(dossierJson({ [field]: value }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: `data[0].${field}`, message: expect.stringContaining('yyyyMMddHHmmss') }]);
  });

  it.each([
    ['KenhThucHien', 0],
    ['KenhThucHien', 4],
    ['KenhThucHien', '2a'],
    ['KenhThucHien', 1.5],
    ['TrangThaiHoSo', 0],
    ['TrangThaiHoSo', 11],
    ['TrangThaiHoSo', '-4'],
    ['TrangThaiHoSo', null],
    ['HinhThuc', 2],
    ['HinhThuc', true],
    ['DuocThanhToanTrucTuyen', 2],
    ['DuocThanhToanTrucTuyen', 'có'],
    ['HoSoCoThanhPhanSoHoa', 'true'],
    ['SoGiayToChuHoSo', 74190001234],
    ['ChuHoSo', { ten: 'Nguyễn Văn A' }],
    ['DanhSachLePhi', { Gia: 8000 }],
    ['DanhSachHoSoBoSung', 'không'],
  ])('rejects %s = %p at its path', (field, value) => {
    // Prepare
    const body = dossiers(dossierJson({ [field]: value }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: `data[0].${field}`, message: expect.any(String) }]);
  });

  it.each([[-1], [1.5], ['1.000'], ['8000đ'], [''], [null], [true]])('rejects the fee amount %p at its path', (gia) => {
    // Prepare
    const fees = [
      { TenPhiLePhi: 'Lệ phí đăng ký khai sinh', Gia: 8000 },
      { TenPhiLePhi: 'Phí cấp bản sao', Gia: gia },
    ];
    const body = dossiers(dossierJson({ DanhSachLePhi: fees }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: 'data[0].DanhSachLePhi[1].Gia', message: expect.any(String) }]);
  });

  it('sums the fees given as numbers and numeric strings, extra fee keys allowed', () => {
    // Prepare
    const fees = [
      { TenPhiLePhi: 'Lệ phí chứng thực', MaPhiLePhi: 'CT01', Gia: '2000', DonViTinh: 'trang' },
      { TenPhiLePhi: 'Lệ phí chứng thực', MaPhiLePhi: 'CT01', Gia: 2000 },
      { TenPhiLePhi: 'Phí miễn', Gia: 0 },
    ];
    const body = dossiers(dossierJson({ DanhSachLePhi: fees }));

    // Act
    const record = firstRecord(parsePortalMessage(body));

    // Assess
    expect(record.fees.map((f) => f.amount)).toEqual([2000, 2000, 0]);
    expect(record.feeTotal).toBe(4000);
  });

  it('names the bad date inside a supplement', () => {
    // Prepare
    const body = dossiers(dossierJson({ DanhSachHoSoBoSung: [{ NgayYeuCauBoSung: '20240401140000', NgayHenTraMoi: '20240230170000' }] }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: 'data[0].DanhSachHoSoBoSung[0].NgayHenTraMoi', message: expect.any(String) }]);
  });

  it('rejects the whole message for one bad record among many, naming data[i]', () => {
    // Prepare
    const records = Array.from({ length: 5 }, (_, i) => dossierJson({ MaHoSo: `000.00.12.H57-240401-000${i + 1}` }));
    records[3] = dossierJson({ MaHoSo: '000.00.12.H57-240401-0004', NgayHenTra: '20241345000000' });

    // Act
    const details = detailsOf(() => parsePortalMessage(dossiers(...records)));

    // Assess
    expect(details).toEqual([{ path: 'data[3].NgayHenTra', message: expect.any(String) }]);
  });

  it('collects the errors of every record before throwing once', () => {
    // Prepare
    const body = {
      service: 'DongBoHoSoMC',
      isUpdating: 'có',
      data: [
        dossierJson({ TrangThaiHoSo: 11 }),
        dossierJson(),
        without('MaTTHC', dossierJson({ DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: -5 }] })),
        'not a record',
      ],
    };

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details.map((d) => d.path)).toEqual([
      'isUpdating',
      'data[0].TrangThaiHoSo',
      'data[2].MaTTHC',
      'data[2].DanhSachLePhi[0].Gia',
      'data[3]',
    ]);
  });

  it.each([
    [undefined, false],
    [true, true],
    [1, true],
    ['0', false],
  ])('reads isUpdating %p as %p', (value, expected) => {
    // Prepare
    const body = { service: 'DongBoHoSoMC', isUpdating: value, data: [dossierJson()] };

    // Act
    const message = parsePortalMessage(body);

    // Assess
    expect(message).toMatchObject({ service: 'DongBoHoSoMC', isUpdating: expected });
  });
});

describe('parsePortalMessage: the Decision 766 fields (TaiLieuNop, DanhSachGiayToKetQua, VNeID)', () => {
  const component = (over: Json = {}): Json => ({ MaThanhPhanHoSo: 'TP01', DuocSoHoa: 0, DuocTaiSuDung: 0, DuocLayTuKhoDMQG: 0, ...over });

  it('leaves the three keys out of a record that carries none of the fields (its hash is unchanged)', () => {
    // Act
    const record = firstRecord(parsePortalMessage(dossiers(dossierJson())));

    // Assess
    expect('documents' in record || 'resultFile' in record || 'vneidVerified' in record).toBe(false);
  });

  it.each<[string, Json[], { digitised: boolean; reused: boolean; fromDataStore: boolean }]>([
    ['no component flagged', [component(), component({ MaThanhPhanHoSo: 2 })], { digitised: false, reused: false, fromDataStore: false }],
    ['one digitised (as a string)', [component(), component({ DuocSoHoa: '1' })], { digitised: true, reused: false, fromDataStore: false }],
    ['reused 1', [component({ DuocTaiSuDung: 1 })], { digitised: false, reused: true, fromDataStore: false }],
    ['reused "2"', [component({ DuocTaiSuDung: '2' })], { digitised: false, reused: true, fromDataStore: false }],
    ['from the data store', [component({ DuocLayTuKhoDMQG: 1, DuocSoHoa: true })], { digitised: true, reused: false, fromDataStore: true }],
    ['the empty list', [], { digitised: false, reused: false, fromDataStore: false }],
  ])('reduces TaiLieuNop to its flags: %s', (_, list, flags) => {
    // Act
    const record = firstRecord(parsePortalMessage(dossiers(dossierJson({ TaiLieuNop: list }))));

    // Assess
    expect(record.documents).toEqual(flags);
  });

  it.each<[unknown, boolean]>([
    [[{ MaGiayToKetQua: 'KQ01', DuongDanTepTinKetQua: 'https://dichvucong.binhduong.gov.vn/kq/KQ01.pdf' }], true],
    [[{ MaGiayToKetQua: 'KQ01', DuongDanTepTinKetQua: '' }, { MaGiayToKetQua: 'KQ02' }], false],
    [
      [
        { MaGiayToKetQua: 'KQ01', DuongDanTepTinKetQua: null },
        { MaGiayToKetQua: 'KQ02', DuongDanTepTinKetQua: 'kq/2.pdf' },
      ],
      true,
    ],
    [[], false],
  ])('reads DanhSachGiayToKetQua %j as resultFile %p', (list, expected) => {
    // Act
    const record = firstRecord(parsePortalMessage(dossiers(dossierJson({ DanhSachGiayToKetQua: list }))));

    // Assess
    expect(record.resultFile).toBe(expected);
  });

  it.each<[unknown, boolean]>([
    [1, true],
    ['1', true],
    [0, false],
    ['0', false],
  ])('reads TaiKhoanDuocXacThucVoiVNeID %p as %p', (value, expected) => {
    // Act
    const record = firstRecord(parsePortalMessage(dossiers(dossierJson({ TaiKhoanDuocXacThucVoiVNeID: value }))));

    // Assess
    expect(record.vneidVerified).toBe(expected);
  });

  it.each<[string, Json, string]>([
    ['a reuse code 3', { TaiLieuNop: [component(), component({ DuocTaiSuDung: 3 })] }, 'data[2].TaiLieuNop[1].DuocTaiSuDung'],
    ['a digitised flag 2', { TaiLieuNop: [component({ DuocSoHoa: 2 })] }, 'data[2].TaiLieuNop[0].DuocSoHoa'],
    ['a data-store flag "yes"', { TaiLieuNop: [component({ DuocLayTuKhoDMQG: 'yes' })] }, 'data[2].TaiLieuNop[0].DuocLayTuKhoDMQG'],
    ['a component that is not an object', { TaiLieuNop: ['TP01'] }, 'data[2].TaiLieuNop[0]'],
    ['TaiLieuNop not a list', { TaiLieuNop: { MaThanhPhanHoSo: 'TP01' } }, 'data[2].TaiLieuNop'],
    [
      'a result file path that is a number',
      { DanhSachGiayToKetQua: [{ MaGiayToKetQua: 'KQ', DuongDanTepTinKetQua: 7 }] },
      'data[2].DanhSachGiayToKetQua[0].DuongDanTepTinKetQua',
    ],
    ['a VNeID flag 2', { TaiKhoanDuocXacThucVoiVNeID: 2 }, 'data[2].TaiKhoanDuocXacThucVoiVNeID'],
    ['101 components', { TaiLieuNop: Array.from({ length: 101 }, () => component()) }, 'data[2].TaiLieuNop'],
  ])('rejects %s, naming its path', (_, over, path) => {
    // Prepare
    const body = dossiers(dossierJson(), dossierJson(), dossierJson(over));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details.map((d) => d.path)).toEqual([path]);
  });
});

describe('parsePortalMessage: progress steps (CapNhatTienDoHoSoMC)', () => {
  it('maps a progress step', () => {
    // Prepare
    const body = steps(stepJson({ TrangThai: '4', MaCanBo: 'CB0012' }));

    // Act
    const message = parsePortalMessage(body);

    // Assess
    const expected: ProgressStep = {
      code: '000.00.12.H57-240401-0003',
      actor: 'Lê Văn Tâm',
      actorTitle: 'Công chức Tư pháp - Hộ tịch',
      at: '2024-04-01T09:10:00+07:00',
      atRaw: '20240401091000',
      department: 'Bộ phận Tư pháp - Hộ tịch',
      content: 'Tiếp nhận hồ sơ',
      status: 4,
      startedAt: '2024-04-01T08:15:00+07:00',
      dueAt: '2024-04-02T17:00:00+07:00',
    };
    expect(message).toEqual({ service: 'CapNhatTienDoHoSoMC', steps: [expected] });
  });

  it('accepts a step with only MaHoSo, ThoiDiemXuLy and TrangThai', () => {
    // Prepare
    const body = steps({ MaHoSo: '000.00.12.H57-240401-0003', ThoiDiemXuLy: '20240401091000', TrangThai: 2 });

    // Act
    const message = parsePortalMessage(body);

    // Assess
    expect(message).toMatchObject({
      steps: [{ actor: null, actorTitle: null, department: null, content: null, startedAt: null, dueAt: null }],
    });
  });

  it.each(['MaHoSo', 'ThoiDiemXuLy', 'TrangThai'])('names the missing required step field %s', (field) => {
    // Prepare
    const body = steps(stepJson(), without(field, stepJson()));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: `data[1].${field}`, message: 'required' }]);
  });

  it.each([
    ['MaHoSo', 'H57-0003'],
    ['ThoiDiemXuLy', '2024-13-45'],
    ['TrangThai', 11],
    ['NgayBatDau', '20240230000000'],
    ['NgayKetThucTheoQuyDinh', '20241345000000'],
    ['NguoiXuLy', 42],
  ])('rejects the step field %s = %p at its path', (field, value) => {
    // Prepare
    const body = steps(stepJson({ [field]: value }));

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: `data[0].${field}`, message: expect.any(String) }]);
  });
});

describe('parsePortalMessage: the envelope', () => {
  it('accepts 500 records', () => {
    // Prepare
    const records = Array.from({ length: 500 }, (_, i) =>
      dossierJson({ MaHoSo: `000.00.12.H57-240401-${String(i + 1).padStart(4, '0')}` }),
    );

    // Act
    const message = parsePortalMessage(dossiers(...records));

    // Assess
    expect(message.service === 'DongBoHoSoMC' && message.records).toHaveLength(500);
  });

  it.each([
    ['no records', [] as unknown],
    ['501 records', Array.from({ length: 501 }, () => dossierJson())],
    ['data not a list', dossierJson()],
    ['data missing', undefined],
  ])('rejects %s at path data', (_label, data) => {
    // Prepare
    const body = { service: 'DongBoHoSoMC', data };

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: 'data', message: expect.any(String) }]);
  });

  it.each([['LayDanhSachHoSo'], [''], [undefined], [7]])('rejects the service %p at path service', (service) => {
    // Prepare
    const body = { service, data: [dossierJson()] };

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: 'service', message: expect.any(String) }]);
  });

  it.each([
    ['null', null],
    ['a list', [dossierJson()]],
    ['a string', 'DongBoHoSoMC'],
    ['a number', 42],
  ])('rejects a body that is %s as a whole', (_label, body) => {
    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details).toEqual([{ path: '', message: expect.any(String) }]);
  });

  it('checks dossier records against the step form when the service says so', () => {
    // Prepare
    const body = steps(dossierJson());

    // Act
    const details = detailsOf(() => parsePortalMessage(body));

    // Assess
    expect(details.map((d) => d.path)).toEqual(['data[0].ThoiDiemXuLy', 'data[0].TrangThai']);
  });

  it('summarises the errors in the message of the ValidationError', () => {
    // Prepare
    const body = dossiers(dossierJson({ NgayHenTra: '20241345000000' }));

    // Act
    const act = () => parsePortalMessage(body);

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/1 error.*data\[0\]\.NgayHenTra/);
  });
});

describe('the sample messages in events/portal', () => {
  const dir = join(__dirname, '../../events/portal');
  const load = (file: string): unknown => JSON.parse(readFileSync(join(dir, file), 'utf8'));

  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('parses %s', (file) => {
    // Prepare
    const body = load(file);

    // Act
    const message = parsePortalMessage(body);

    // Assess
    const count = message.service === 'DongBoHoSoMC' ? message.records.length : message.steps.length;
    expect(count).toBe((body as { data: unknown[] }).data.length);
  });

  it('applies the versions of the birth registration in the order the portal sent them', () => {
    // Prepare
    const files = ['dossier-online-ho-tich.json', 'dossier-update-processing.json', 'dossier-finished-returned.json'];
    const versions = files.map((f) => {
      const message = parsePortalMessage(load(f));
      if (message.service !== 'DongBoHoSoMC') throw new Error(`${f} is not DongBoHoSoMC`);
      return message.records.find((r) => r.record.code === '000.00.12.H57-240401-0003')!.record;
    });

    // Act
    let state: DossierState | null = null;
    const outcomes = versions.map((record) => {
      const result = applyEvent(state, { kind: 'record', record });
      state = result.state;
      return result.outcome;
    });

    // Assess
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(versions.map((r) => r.status)).toEqual([2, 4, 10]);
    expect(state!.record).toMatchObject({ status: 10, feeTotal: 16000, returnedAt: '2024-04-02T08:25:00+07:00' });
  });
});

describe('record size', () => {
  it('rejects a record too large to store, naming it, and keeps the others valid', () => {
    // Prepare
    const sample = JSON.parse(readFileSync('events/portal/dossier-online-ho-tich.json', 'utf8'));
    sample.data[1].TrichYeuHoSo = 'x'.repeat(200 * 1024);

    // Act
    const attempt = () => parsePortalMessage(sample);

    // Assess
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (err) {
      expect((err as ValidationError).details).toEqual([
        expect.objectContaining({ path: 'data[1]', message: expect.stringContaining('record too large') }),
      ]);
    }
  });
});
