import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paygovAnswer, paygovChecksum, parsePaygovConfirm } from '../../functions/adapters/paygov';

const SECRET = 'local-paygov-secret';
const OLD_SECRET = 'previous-paygov-secret';

type Message = Record<string, unknown>;

function base(overrides: Message = {}): Message {
  return {
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
    ...overrides,
  };
}

/** The checksum computed straight from the contract's words, independent of paygovChecksum. */
function contractChecksum(m: Message, secret: string): string {
  const line = `${m.LoaiBanTin}|${m.MaLoi}|${m.MaDoiTac}|${m.MaThamChieu}|${m.SoTien}|${m.MaTienTe}|${m.MaGiaoDich}|${m.MaNganHang}|${m.ThoiGianGD}|${m.ThongTinGiaoDich}|${secret}`;
  return createHash('sha256').update(Buffer.from(line, 'utf8')).digest('hex');
}

/** A message signed as PayGov signs it. */
function signed(overrides: Message = {}, secret = SECRET): string {
  const m = base(overrides);
  return JSON.stringify({ ...m, MaXacThuc: contractChecksum(m, secret) });
}

describe('paygovChecksum', () => {
  it('is the lowercase hex SHA-256 of the fields and the secret joined by |', () => {
    // Prepare
    const m = base();

    // Act
    const sum = paygovChecksum(m, SECRET);

    // Assess
    expect(sum).toBe(contractChecksum(m, SECRET));
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives 16000 and "16000" the same checksum', () => {
    // Prepare
    const asNumber = base({ SoTien: 16000 });
    const asString = base({ SoTien: '16000' });

    // Act
    const sums = [paygovChecksum(asNumber, SECRET), paygovChecksum(asString, SECRET)];

    // Assess
    expect(sums[0]).toBe(sums[1]);
  });

  it('ignores MaXacThuc and any extra field', () => {
    // Prepare
    const plain = base();
    const extra = { ...base(), MaXacThuc: 'abc', GhiChu: 'x' };

    // Act
    const sums = [paygovChecksum(plain, SECRET), paygovChecksum(extra, SECRET)];

    // Assess
    expect(sums[0]).toBe(sums[1]);
  });
});

describe('parsePaygovConfirm: ok', () => {
  it('reads a successful payment', () => {
    // Prepare
    const body = Buffer.from(signed(), 'utf8');

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result).toEqual({
      kind: 'ok',
      payment: {
        source: 'paygov',
        txId: 'PG24040100004521',
        key: '0000012H572404010003',
        code: null,
        amount: 16000,
        success: true,
        resultCode: '00',
        at: '2024-04-01T09:33:42+07:00',
        bank: 'VCB',
        reference: 'dvc0000012H57240401000320240401093015',
      },
    });
  });

  it.each([
    ['05', false],
    ['01', false],
    ['0', false],
    ['00', true],
  ])('MaLoi %s → success %s', (code, success) => {
    // Prepare
    const body = signed({ MaLoi: code });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment).toMatchObject({ success, resultCode: code });
  });

  it.each([
    ['a number', 16000, 16000],
    ['a numeric string', '16000', 16000],
    ['zero', 0, 0],
    ['leading zeros', '016000', 16000],
  ])('SoTien as %s', (_name, soTien, amount) => {
    // Prepare
    const body = signed({ SoTien: soTien });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment.amount).toBe(amount);
  });

  it.each([
    ['upper case', (s: string) => s.toUpperCase()],
    ['mixed case', (s: string) => s.slice(0, 10).toUpperCase() + s.slice(10)],
  ])('accepts MaXacThuc in %s', (_name, recase) => {
    // Prepare
    const m = base();
    const body = JSON.stringify({ ...m, MaXacThuc: recase(contractChecksum(m, SECRET)) });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it('accepts the previous secret during a rotation', () => {
    // Prepare
    const body = signed({}, OLD_SECRET);

    // Act
    const result = parsePaygovConfirm(body, [SECRET, OLD_SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it.each([
    ['the sample reference', 'dvc0000012H57240401000320240401093015', '0000012H572404010003'],
    ['lower-case letters in the code', 'dvc0000012h57240402001120240402141005', '0000012H572404020011'],
    ['DVC in capitals', 'DVC0000012H57240402001120240402141005', '0000012H572404020011'],
    ['a longer sequence', 'dvcH57240402001234520240402141005', 'H572404020012345'],
  ])('finds the dossier key in %s', (_name, reference, key) => {
    // Prepare
    const body = signed({ MaThamChieu: reference });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment.key).toBe(key);
  });

  it('keeps an empty MaNganHang as bank null', () => {
    // Prepare
    const body = signed({ MaNganHang: '' });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment.bank).toBeNull();
  });

  it('accepts an empty ThongTinGiaoDich and extra fields', () => {
    // Prepare
    const m = base({ ThongTinGiaoDich: '' });
    const body = JSON.stringify({ ...m, MaXacThuc: contractChecksum(m, SECRET), PhienBan: '2.0' });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it('reads the committed samples once signed', () => {
    // Prepare
    const samples = ['confirm-success.json', 'confirm-failed.json'].map((f) =>
      JSON.parse(readFileSync(join(__dirname, '../../events/paygov', f), 'utf8')),
    );
    const bodies = samples.map((m) => JSON.stringify({ ...m, MaXacThuc: paygovChecksum(m, SECRET) }));

    // Act
    const results = bodies.map((b) => parsePaygovConfirm(b, [SECRET]));

    // Assess
    expect(results.map((r) => r.kind === 'ok' && [r.payment.key, r.payment.success, r.payment.amount])).toEqual([
      ['0000012H572404010003', true, 16000],
      ['0000012H572404020011', false, 16000],
    ]);
  });
});

describe('parsePaygovConfirm: bad_checksum', () => {
  it.each([
    ['another secret', () => signed({}, 'wrong-secret')],
    ['a field changed after signing', () => JSON.stringify({ ...JSON.parse(signed()), SoTien: 160000 })],
    [
      'a checksum over the fields in another order',
      () => {
        const m = base();
        const line = `${m.MaLoi}|${m.LoaiBanTin}|${m.MaDoiTac}|${m.MaThamChieu}|${m.SoTien}|${m.MaTienTe}|${m.MaGiaoDich}|${m.MaNganHang}|${m.ThoiGianGD}|${m.ThongTinGiaoDich}|${SECRET}`;
        return JSON.stringify({ ...m, MaXacThuc: createHash('sha256').update(line).digest('hex') });
      },
    ],
    [
      'a checksum without the secret',
      () => {
        const m = base();
        return JSON.stringify({ ...m, MaXacThuc: paygovChecksum(m, '') });
      },
    ],
    ['an empty MaXacThuc', () => JSON.stringify({ ...base(), MaXacThuc: '' })],
    ['a truncated MaXacThuc', () => JSON.stringify({ ...base(), MaXacThuc: contractChecksum(base(), SECRET).slice(0, 63) })],
    ['a MaXacThuc that is not hex', () => JSON.stringify({ ...base(), MaXacThuc: 'z'.repeat(64) })],
    ['MaXacThuc as a number', () => JSON.stringify({ ...base(), MaXacThuc: 12345 })],
  ])('%s', (_name, build) => {
    // Prepare
    const body = build();

    // Act
    const result = parsePaygovConfirm(body, [SECRET, OLD_SECRET]);

    // Assess
    expect(result).toEqual({ kind: 'bad_checksum' });
  });

  it('no secret configured', () => {
    // Prepare
    const body = signed();

    // Act
    const result = parsePaygovConfirm(body, []);

    // Assess
    expect(result).toEqual({ kind: 'bad_checksum' });
  });

  it('checks the checksum before the values: a bad reference with a bad checksum is 01', () => {
    // Prepare
    const body = signed({ MaThamChieu: 'HS-0003' }, 'wrong-secret');

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result).toEqual({ kind: 'bad_checksum' });
  });
});

describe('parsePaygovConfirm: malformed', () => {
  it.each([
    ['not JSON', '{"MaLoi":"00",'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"00"'],
  ])('%s', (_name, body) => {
    // Prepare
    const secrets = [SECRET];

    // Act
    const result = parsePaygovConfirm(body, secrets);

    // Assess
    expect(result.kind).toBe('malformed');
  });

  it.each([
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
    'MaXacThuc',
  ])('%s missing', (field) => {
    // Prepare
    const m = JSON.parse(signed());
    delete m[field];

    // Act
    const result = parsePaygovConfirm(JSON.stringify(m), [SECRET]);

    // Assess
    expect(result.kind).toBe('malformed');
    expect(result.kind === 'malformed' && result.message).toContain(field);
  });

  it.each([
    ['null', null],
    ['a boolean', true],
    ['an object', { value: 16000 }],
    ['an array', [16000]],
  ])('a field that is %s', (_name, value) => {
    // Prepare
    const body = signed({ SoTien: value });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind).toBe('malformed');
  });

  it.each([
    ['MaThamChieu without the dvc prefix', { MaThamChieu: '0000012H57240401000320240401093015' }, 'MaThamChieu'],
    ['MaThamChieu without the request time', { MaThamChieu: 'dvc0000012H572404010003' }, 'MaThamChieu'],
    ['MaThamChieu with punctuation left in', { MaThamChieu: 'dvc000.00.12.H57-240401-000320240401093015' }, 'MaThamChieu'],
    ['MaThamChieu with an impossible request time', { MaThamChieu: 'dvc0000012H57240401000320241301093015' }, 'MaThamChieu'],
    ['MaThamChieu with nothing between dvc and the time', { MaThamChieu: 'dvc20240401093015' }, 'MaThamChieu'],
    ['an empty MaThamChieu', { MaThamChieu: '' }, 'MaThamChieu'],
    ['SoTien with a fraction', { SoTien: 16000.5 }, 'SoTien'],
    ['SoTien as a decimal string', { SoTien: '16000.00' }, 'SoTien'],
    ['SoTien negative', { SoTien: -16000 }, 'SoTien'],
    ['SoTien as a negative string', { SoTien: '-16000' }, 'SoTien'],
    ['SoTien with a thousands separator', { SoTien: '16.000' }, 'SoTien'],
    ['SoTien empty', { SoTien: '' }, 'SoTien'],
    ['SoTien beyond a safe integer', { SoTien: '90071992547409930' }, 'SoTien'],
    ['MaTienTe in dollars', { MaTienTe: 'USD' }, 'MaTienTe'],
    ['an empty MaLoi', { MaLoi: '' }, 'MaLoi'],
    ['an empty MaGiaoDich', { MaGiaoDich: '  ' }, 'MaGiaoDich'],
    ['ThoiGianGD in ISO form', { ThoiGianGD: '2024-04-01T09:33:42+07:00' }, 'ThoiGianGD'],
    ['ThoiGianGD on 30 February', { ThoiGianGD: '20240230093342' }, 'ThoiGianGD'],
    ['ThoiGianGD empty', { ThoiGianGD: '' }, 'ThoiGianGD'],
  ])('%s (correctly signed)', (_name, overrides, field) => {
    // Prepare
    const body = signed(overrides);

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind).toBe('malformed');
    expect(result.kind === 'malformed' && result.message).toContain(field);
  });

  it.each([['vnd'], ['704']])('MaTienTe %s is dong', (currency) => {
    // Prepare
    const body = signed({ MaTienTe: currency });

    // Act
    const result = parsePaygovConfirm(body, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });
});

describe('paygovAnswer', () => {
  it.each([
    ['00', /thành công/i],
    ['01', /mã xác thực/i],
    ['02', /không hợp lệ/i],
    ['99', /lỗi hệ thống/i],
  ] as const)('%s has a Vietnamese description', (code, text) => {
    // Prepare
    const expectedCode = code;

    // Act
    const answer = paygovAnswer(code);

    // Assess
    expect(answer.MaLoi).toBe(expectedCode);
    expect(answer.MoTaLoi).toMatch(text);
    expect(Object.keys(answer)).toEqual(['MaLoi', 'MoTaLoi']);
  });

  it('takes a message of our own', () => {
    // Prepare
    const message = 'Giao dịch đã được ghi nhận trước đó';

    // Act
    const answer = paygovAnswer('00', message);

    // Assess
    expect(answer).toEqual({ MaLoi: '00', MoTaLoi: message });
  });
});
