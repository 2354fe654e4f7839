import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HashAlgorithm, VNPay } from 'vnpay';
import { buildPaymentUrlSearchParams, calculateSecureHash } from 'vnpay/utils';
import { parseVnpayIpn, vnpayAnswer, vnpaySign, type VnpayCode } from '../../functions/adapters/vnpay';

const SECRET = 'local-vnpay-secret';
const OLD_SECRET = 'previous-vnpay-secret';

type Params = Record<string, string>;

function ipn(overrides: Params = {}): Params {
  return {
    vnp_TmnCode: 'BINHAN01',
    vnp_Amount: '1600000',
    vnp_BankCode: 'NCB',
    vnp_BankTranNo: 'VNP14391876',
    vnp_CardType: 'ATM',
    vnp_PayDate: '20240402152130',
    vnp_OrderInfo: 'Thanh toán lệ phí hồ sơ 000.00.12.H57-240402-0011',
    vnp_TxnRef: '000.00.12.H57-240402-0011_2',
    vnp_TransactionNo: '14391876',
    vnp_ResponseCode: '00',
    vnp_TransactionStatus: '00',
    ...overrides,
  };
}

/** Signs as the `vnpay` npm package (lehuygiang28/vnpay) does: an implementation not ours. */
function signedByPackage(params: Params, secret = SECRET): string {
  const data = buildPaymentUrlSearchParams(params).toString();
  const hash = calculateSecureHash({ secureSecret: secret, data, hashAlgorithm: HashAlgorithm.SHA512, bufferEncode: 'utf-8' });
  return `${data}&vnp_SecureHash=${hash}`;
}

/** PHP's `urlencode`, as VNPay's PHP sample uses it: only A-Z a-z 0-9 - _ . stay, space is +. */
function phpUrlencode(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9_.-]/.test(c)) return c;
      if (c === ' ') return '+';
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** VNPay's PHP sample (vnpay_ipn.php): ksort, skip empty, urlencode key and value, hash_hmac sha512. */
function signedByPhpSample(params: Params, secret = SECRET): string {
  const keys = Object.keys(params)
    .filter((k) => k.startsWith('vnp_') && params[k] !== '')
    .sort();
  const data = keys.map((k) => `${phpUrlencode(k)}=${phpUrlencode(params[k])}`).join('&');
  return `${data}&vnp_SecureHash=${createHmac('sha512', secret).update(data).digest('hex')}`;
}

/** VNPay's Node.js sample (sortObject): encodeURIComponent, then %20 → +. */
function signedByNodeSample(params: Params, secret = SECRET): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const keys = Object.keys(params)
    .filter((k) => params[k] !== '')
    .sort();
  const data = keys.map((k) => `${enc(k)}=${enc(params[k])}`).join('&');
  return `${data}&vnp_SecureHash=${createHmac('sha512', secret).update(Buffer.from(data, 'utf-8')).digest('hex')}`;
}

/** The package's own verdict on a query string, as a merchant using it would get it. */
function packageVerifies(query: string, secret = SECRET): boolean {
  const vnpay = new VNPay({ tmnCode: 'BINHAN01', secureSecret: secret, hashAlgorithm: HashAlgorithm.SHA512 });
  const result = vnpay.verifyIpnCall(Object.fromEntries(new URLSearchParams(query)) as never);
  return result.isVerified;
}

const ORDER_INFOS: [string, string][] = [
  ['plain ASCII', 'Thanh toan le phi ho so 000.00.12.H57-240402-0011'],
  ['Vietnamese diacritics', 'Thanh toán lệ phí cấp bản sao trích lục hộ tịch – Nguyễn Thị Hồng'],
  ['spaces, +, & and /', 'Phí 16.000đ + lệ phí & phí dịch vụ / hồ sơ số 11'],
  ['= ? # % and a colon', 'a=b?c#d 100% :x'],
  ['leading and trailing spaces', '  Nộp lệ phí  '],
  ['precomposed and combining marks', 'Hồ sơ Ho\u0302\u0300 so\u031B'],
];

const RISKY_ORDER_INFOS: [string, string][] = [
  ['parentheses', 'Lệ phí (hộ tịch)'],
  ['an asterisk', 'Mã *0011*'],
  ['! and an apostrophe', "Đã nộp! Citizen's copy"],
  ['a tilde', 'Khoảng ~16.000đ'],
];

describe('vnpaySign', () => {
  it('signs exactly the contract string: sorted, empty dropped, form-encoded, HMAC-SHA512', () => {
    // Prepare
    const params = { vnp_TxnRef: '000.00.12.H57-240402-0011_2', vnp_Amount: 1600000, vnp_BankTranNo: '', vnp_OrderInfo: 'Lệ phí hồ sơ' };
    const data = 'vnp_Amount=1600000&vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+h%E1%BB%93+s%C6%A1&vnp_TxnRef=000.00.12.H57-240402-0011_2';
    const hash = createHmac('sha512', SECRET).update(data).digest('hex');

    // Act
    const query = vnpaySign(params, SECRET);

    // Assess
    expect(query).toBe(`${data}&vnp_SecureHash=${hash}`);
  });

  it('leaves out an existing hash, vnp_SecureHashType, null, undefined and non-vnp_ keys', () => {
    // Prepare
    const params = {
      ...ipn(),
      vnp_SecureHash: 'old',
      vnp_SecureHashType: 'HmacSHA512',
      vnp_BankTranNo: null,
      utm_source: 'x',
      vnp_CardType: undefined,
    };

    // Act
    const query = vnpaySign(params, SECRET);

    // Assess
    const keys = [...new URLSearchParams(query).keys()];
    expect(keys).not.toEqual(expect.arrayContaining(['vnp_SecureHashType', 'utm_source', 'vnp_BankTranNo', 'vnp_CardType']));
    expect(keys.filter((k) => k === 'vnp_SecureHash')).toHaveLength(1);
    expect(keys.slice(0, -1)).toEqual([...keys.slice(0, -1)].sort());
  });
});

describe('interoperability with the vnpay npm package (an independent implementation)', () => {
  it.each(ORDER_INFOS)('the package verifies what we sign: %s', (_name, orderInfo) => {
    // Prepare
    const params = ipn({ vnp_OrderInfo: orderInfo });

    // Act
    const query = vnpaySign(params, SECRET);

    // Assess
    expect(packageVerifies(query)).toBe(true);
    expect(packageVerifies(query, 'wrong-secret')).toBe(false);
  });

  it.each([...ORDER_INFOS, ...RISKY_ORDER_INFOS])('we verify what the package signs: %s', (_name, orderInfo) => {
    // Prepare
    const query = signedByPackage(ipn({ vnp_OrderInfo: orderInfo }));

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it.each([...ORDER_INFOS, ...RISKY_ORDER_INFOS])('we build the same string the package does: %s', (_name, orderInfo) => {
    // Prepare
    const params = ipn({ vnp_OrderInfo: orderInfo, vnp_BankTranNo: '' });

    // Act
    const ours = vnpaySign(params, SECRET);

    // Assess
    expect(ours).toBe(signedByPackage(params));
  });

  it.each(RISKY_ORDER_INFOS)('the package verifies what we sign, even with %s', (_name, orderInfo) => {
    // Prepare
    const query = vnpaySign(ipn({ vnp_OrderInfo: orderInfo }), SECRET);

    // Act
    const verified = packageVerifies(query);

    // Assess
    expect(verified).toBe(true);
  });
});

describe("VNPay's own PHP and Node.js samples (reimplemented here)", () => {
  it.each([...ORDER_INFOS, ...RISKY_ORDER_INFOS])('a hash made by the PHP sample is accepted: %s', (_name, orderInfo) => {
    // Prepare
    const query = signedByPhpSample(ipn({ vnp_OrderInfo: orderInfo }));

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
    expect(result.kind === 'ok' && result.payment.txId).toBe('000.00.12.H57-240402-0011_2');
  });

  it.each([...ORDER_INFOS, ...RISKY_ORDER_INFOS])('a hash made by the Node.js sample is accepted: %s', (_name, orderInfo) => {
    // Prepare
    const query = signedByNodeSample(ipn({ vnp_OrderInfo: orderInfo }));

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it.each(RISKY_ORDER_INFOS)('the samples really do encode %s differently from URLSearchParams', (_name, orderInfo) => {
    // Prepare
    const params = ipn({ vnp_OrderInfo: orderInfo });

    // Act
    const strings = [vnpaySign(params, SECRET), signedByPhpSample(params), signedByNodeSample(params)].map((q) =>
      q.replace(/&vnp_SecureHash=.*$/, ''),
    );

    // Assess
    expect(new Set(strings).size).toBeGreaterThan(1);
  });

  it.each([
    ['PHP', signedByPhpSample],
    ['Node.js', signedByNodeSample],
  ])('a %s-sample hash over other values is still rejected', (_name, sign) => {
    // Prepare
    const query = sign(ipn({ vnp_OrderInfo: 'Lệ phí (hộ tịch)' })).replace('vnp_Amount=1600000', 'vnp_Amount=100');

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result).toEqual({ kind: 'bad_signature' });
  });
});

describe('parseVnpayIpn: ok', () => {
  it('reads a paid order', () => {
    // Prepare
    const query = vnpaySign(ipn(), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result).toEqual({
      kind: 'ok',
      amountVnd: 16000,
      payment: {
        source: 'vnpay',
        txId: '000.00.12.H57-240402-0011_2',
        key: '0000012H572404020011',
        code: '000.00.12.H57-240402-0011',
        amount: 16000,
        success: true,
        resultCode: '00',
        at: '2024-04-02T15:21:30+07:00',
        bank: 'NCB',
        reference: '000.00.12.H57-240402-0011_2',
      },
    });
  });

  it.each([
    [
      'cancelled by the customer',
      { vnp_ResponseCode: '24', vnp_TransactionStatus: '02', vnp_TransactionNo: '0' },
      '000.00.12.H57-240402-0011_2#0#24',
    ],
    ['declined by the bank', { vnp_ResponseCode: '51', vnp_TransactionStatus: '02' }, '000.00.12.H57-240402-0011_2#14391876#51'],
    ['response 00 but transaction status 02', { vnp_TransactionStatus: '02' }, '000.00.12.H57-240402-0011_2#14391876#00'],
    ['no transaction status', { vnp_TransactionStatus: '' }, '000.00.12.H57-240402-0011_2#14391876#00'],
    ['no transaction number', { vnp_ResponseCode: '11', vnp_TransactionNo: '' }, '000.00.12.H57-240402-0011_2##11'],
  ])('a failed attempt (%s) is recorded under its own id', (_name, overrides, txId) => {
    // Prepare
    const query = vnpaySign(ipn(overrides), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment).toMatchObject({ success: false, txId, reference: '000.00.12.H57-240402-0011_2' });
  });

  it.each([
    ['upper-case hash', (q: string) => q.replace(/vnp_SecureHash=(\w+)$/, (_m, h: string) => `vnp_SecureHash=${h.toUpperCase()}`)],
    ['a leading ?', (q: string) => `?${q}`],
    ['vnp_SecureHashType appended', (q: string) => `${q}&vnp_SecureHashType=HmacSHA512`],
    ['a parameter that is not vnp_', (q: string) => `${q}&utm_source=zalo`],
    ['an empty vnp_ parameter (dropped from the hash)', (q: string) => `vnp_BankTranNo=&${q}`],
    ['parameters in another order', (q: string) => q.split('&').reverse().join('&')],
  ])('accepts %s', (_name, alter) => {
    // Prepare
    const query = alter(vnpaySign(ipn({ vnp_BankTranNo: '' }), SECRET));

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it('accepts the previous secret during a rotation', () => {
    // Prepare
    const query = vnpaySign(ipn(), OLD_SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET, OLD_SECRET]);

    // Assess
    expect(result.kind).toBe('ok');
  });

  it('keeps an absent bank code as null', () => {
    // Prepare
    const query = vnpaySign(ipn({ vnp_BankCode: '' }), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment.bank).toBeNull();
  });

  it.each([
    ['ipn-success.json', true, '000.00.12.H57-240402-0011_2'],
    ['ipn-failed.json', false, '000.00.12.H57-240402-0011_1#0#24'],
  ])('reads the committed sample %s once signed', (file, success, txId) => {
    // Prepare
    const params = JSON.parse(readFileSync(join(__dirname, '../../events/vnpay', file), 'utf8'));

    // Act
    const result = parseVnpayIpn(vnpaySign(params, SECRET), [SECRET]);

    // Assess
    expect(result.kind === 'ok' && result.payment).toMatchObject({ success, txId, amount: 16000, key: '0000012H572404020011' });
  });
});

describe('parseVnpayIpn: bad_signature (97)', () => {
  it.each([
    ['another secret', () => vnpaySign(ipn(), 'wrong-secret')],
    ['the amount changed after signing', () => vnpaySign(ipn(), SECRET).replace('vnp_Amount=1600000', 'vnp_Amount=100')],
    [
      'the response code changed after signing',
      () => vnpaySign(ipn({ vnp_ResponseCode: '24' }), SECRET).replace('vnp_ResponseCode=24', 'vnp_ResponseCode=00'),
    ],
    ['a parameter added after signing', () => `${vnpaySign(ipn(), SECRET)}&vnp_BankTranNo2=X`],
    ['a parameter removed after signing', () => vnpaySign(ipn(), SECRET).replace(/vnp_CardType=ATM&/, '')],
    ['no hash', () => vnpaySign(ipn(), SECRET).replace(/&vnp_SecureHash=.*$/, '')],
    ['an empty hash', () => vnpaySign(ipn(), SECRET).replace(/vnp_SecureHash=.*$/, 'vnp_SecureHash=')],
    ['a truncated hash', () => vnpaySign(ipn(), SECRET).slice(0, -2)],
    ['a hash that is not hex', () => vnpaySign(ipn(), SECRET).replace(/.$/, 'z')],
    [
      'a SHA-256 HMAC',
      () => {
        const data = vnpaySign(ipn(), SECRET).replace(/&vnp_SecureHash=.*$/, '');
        return `${data}&vnp_SecureHash=${createHmac('sha256', SECRET).update(data).digest('hex')}`;
      },
    ],
    ['a vnp_ parameter given twice', () => `${vnpaySign(ipn(), SECRET)}&vnp_Amount=1600000`],
    [
      'the hash given twice',
      () => {
        const q = vnpaySign(ipn(), SECRET);
        return `${q}&${q.slice(q.indexOf('vnp_SecureHash='))}`;
      },
    ],
    ['an empty query', () => ''],
  ])('%s', (_name, build) => {
    // Prepare
    const query = build();

    // Act
    const result = parseVnpayIpn(query, [SECRET, OLD_SECRET]);

    // Assess
    expect(result).toEqual({ kind: 'bad_signature' });
  });

  it('no secret configured', () => {
    // Prepare
    const query = vnpaySign(ipn(), SECRET);

    // Act
    const result = parseVnpayIpn(query, []);

    // Assess
    expect(result).toEqual({ kind: 'bad_signature' });
  });

  it('is checked first: a bad order with a bad hash is 97', () => {
    // Prepare
    const query = vnpaySign(ipn({ vnp_TxnRef: 'ORDER-1', vnp_Amount: '1' }), 'wrong-secret');

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result).toEqual({ kind: 'bad_signature' });
  });
});

describe('parseVnpayIpn: bad_order (01)', () => {
  it.each([
    ['not a dossier code', 'ORDER-20240402-1'],
    ['the code without the attempt number', '000.00.12.H57-240402-0011'],
    ['an empty attempt number', '000.00.12.H57-240402-0011_'],
    ['a non-digit attempt number', '000.00.12.H57-240402-0011_a'],
    ['a dash instead of _', '000.00.12.H57-240402-0011-2'],
    ['a sequence of three digits', '000.00.12.H57-240402-011_2'],
    ['an impossible date in the code', '000.00.12.H57-241302-0011_2'],
    ['the code with its punctuation stripped', '0000012H572404020011_2'],
    ['an empty agency code', '-240402-0011_2'],
    ['no vnp_TxnRef', ''],
    ['a dossier code of 65 characters', `000.00.12.H57-240402-${'1'.repeat(44)}_1`],
    ['101 characters', `000.00.12.H57-240402-${'1'.repeat(43)}_${'2'.repeat(36)}`],
    ['3,000 digits at the end of the code', `000.00.12.H57-240402-${'1'.repeat(3000)}_1`],
  ])('%s', (_name, txnRef) => {
    // Prepare
    const query = vnpaySign(ipn({ vnp_TxnRef: txnRef }), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind).toBe('bad_order');
  });

  it('takes a vnp_TxnRef of exactly 100 characters around a dossier code of exactly 64', () => {
    // Prepare
    const code = `000.00.12.H57-240402-${'1'.repeat(43)}`;
    const txnRef = `${code}_${'2'.repeat(35)}`;
    const query = vnpaySign(ipn({ vnp_TxnRef: txnRef }), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect([code.length, txnRef.length]).toEqual([64, 100]);
    expect(result).toMatchObject({ kind: 'ok', payment: { code, reference: txnRef } });
  });

  it('is checked before the amount', () => {
    // Prepare
    const query = vnpaySign(ipn({ vnp_TxnRef: 'ORDER-1', vnp_Amount: '1' }), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result.kind).toBe('bad_order');
  });
});

describe('parseVnpayIpn: malformed', () => {
  it.each([
    ['not a multiple of 100', '1600050', '04'],
    ['a fraction', '16000.00', '04'],
    ['negative', '-1600000', '04'],
    ['with a thousands separator', '1,600,000', '04'],
    ['missing', '', '04'],
    ['beyond a safe integer', '900719925474099300', '04'],
  ])('vnp_Amount %s → RspCode %s', (_name, amount, rspCode) => {
    // Prepare
    const query = vnpaySign(ipn({ vnp_Amount: amount }), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result).toMatchObject({ kind: 'malformed', rspCode });
  });

  it.each([
    ['no vnp_PayDate', { vnp_PayDate: '' }, 'vnp_PayDate'],
    ['vnp_PayDate in ISO form', { vnp_PayDate: '2024-04-02T15:21:30' }, 'vnp_PayDate'],
    ['vnp_PayDate on 31 April', { vnp_PayDate: '20240431152130' }, 'vnp_PayDate'],
    ['no vnp_ResponseCode', { vnp_ResponseCode: '' }, 'vnp_ResponseCode'],
    ['vnp_TransactionNo of 65 characters', { vnp_TransactionNo: '1'.repeat(65) }, 'vnp_TransactionNo'],
    ['vnp_BankCode of 65 characters', { vnp_BankCode: 'ệ'.repeat(65) }, 'vnp_BankCode'],
    ['vnp_ResponseCode of 65 characters', { vnp_ResponseCode: '9'.repeat(65) }, 'vnp_ResponseCode'],
  ])('%s → RspCode 01, never 99 (which VNPay would retry forever)', (_name, overrides, field) => {
    // Prepare
    const query = vnpaySign(ipn(overrides), SECRET);

    // Act
    const result = parseVnpayIpn(query, [SECRET]);

    // Assess
    expect(result).toMatchObject({ kind: 'malformed', rspCode: '01' });
    expect(result.kind === 'malformed' && result.message).toContain(field);
  });
});

describe('vnpayAnswer', () => {
  it.each<[VnpayCode, string]>([
    ['00', 'Confirm Success'],
    ['01', 'Order not found'],
    ['02', 'Order already confirmed'],
    ['04', 'Invalid amount'],
    ['97', 'Invalid signature'],
    ['99', 'Unknown error'],
  ])('%s → %s', (code, message) => {
    // Prepare
    const expected = { RspCode: code, Message: message };

    // Act
    const answer = vnpayAnswer(code);

    // Assess
    expect(answer).toEqual(expected);
    expect(Object.keys(answer)).toEqual(['RspCode', 'Message']);
  });
});
