/**
 * The PayGov payment confirmation (CONTRACT 3.3): the callback of the national online payment
 * platform, its `MaXacThuc` checksum and its answer. Pure: node:crypto only.
 *
 * Glossary (PayGov → `Payment`):
 *   MaThamChieu   reference   `dvc` + MaHoSo without non-alphanumerics + request time yyyyMMddHHmmss
 *                 key         dossierKey of the middle part (PayGov never gives MaHoSo itself)
 *   MaLoi         resultCode  `00` paid; anything else a failed attempt (success = false)
 *   SoTien        amount      whole VND
 *   MaGiaoDich    txId        the transaction: the same id twice is a duplicate
 *   MaNganHang    bank
 *   ThoiGianGD    at          yyyyMMddHHmmss Vietnam time → ISO +07:00
 *
 * Rules where the contract is silent:
 * - A field counts as present when its key is there with a string or number value; an empty
 *   string is present (the checksum covers it as ``). Fields whose meaning we use then have a form
 *   that `` fails (MaLoi non-empty, SoTien digits, MaGiaoDich non-empty, ThoiGianGD a valid time,
 *   MaThamChieu as above), so for them an empty string ends as `malformed` anyway; an empty
 *   MaNganHang becomes `bank: null`. null, booleans, objects and arrays are `malformed`.
 * - The checksum is verified before the values are validated: an unauthenticated sender learns
 *   nothing about our validation, and a message PayGov really signed but we cannot read is `02`.
 * - MaThamChieu must be `dvc` (any case) + at least one letter or digit followed by the 10 digits
 *   yyMMdd + sequence that end every MaHoSo, + a valid 14-digit time; otherwise `malformed`.
 * - Bounds (CONTRACT 3): MaThamChieu at most 100 characters, the dossier code inside it at most 64,
 *   MaGiaoDich at most 64; MaLoi and MaNganHang, which the payment keeps, at most 64. Longer is
 *   `malformed`: these end up in keys and attribute names, and the store could never take them.
 * - MaTienTe must be `VND` (any case) or its ISO 4217 number `704`: `Payment.amount` is VND, and
 *   a foreign amount recorded as dong would be wrong.
 * - SoTien: a JSON integer or a string of digits, 0 or more; a fraction, sign or exponent is
 *   `malformed`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { CODE_MAX, charCount, ID_MAX } from '../core/identifiers';
import { parseCompact } from '../core/time';
import { dossierKey, type Payment } from '../core/types';

/** The fields `MaXacThuc` covers, in the order it covers them. */
export const PAYGOV_SIGNED_FIELDS = [
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
] as const;

/** The PayGov answer codes this endpoint gives. */
export type PaygovCode = '00' | '01' | '02' | '99';

/** Outcome of reading one confirmation. */
export type PaygovParse = { kind: 'malformed'; message: string } | { kind: 'bad_checksum' } | { kind: 'ok'; payment: Payment };

const MESSAGES: Record<PaygovCode, string> = {
  '00': 'Thành công: đã nhận thông báo thanh toán',
  '01': 'Sai mã xác thực (MaXacThuc)',
  '02': 'Thông điệp không hợp lệ',
  '99': 'Lỗi hệ thống, đề nghị gửi lại sau',
};

/** Fields kept in a key, an attribute name or the payment, with their most characters. */
const BOUNDED: [string, number][] = [
  ['MaThamChieu', ID_MAX.MaThamChieu],
  ['MaGiaoDich', ID_MAX.MaGiaoDich],
  ['MaLoi', CODE_MAX],
  ['MaNganHang', CODE_MAX],
];

const REFERENCE = /^dvc([A-Za-z0-9]+\d{10})(\d{14})$/i;
const DIGITS = /^\d+$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** `MaXacThuc` of a confirmation: lowercase hex SHA-256 of the signed fields and the secret. */
export function paygovChecksum(fields: Record<string, unknown>, secret: string): string {
  const line = [...PAYGOV_SIGNED_FIELDS.map((name) => String(fields[name])), secret].join('|');
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

/** The JSON answer PayGov expects, with a Vietnamese description (or the given one). */
export function paygovAnswer(code: PaygovCode, message?: string): { MaLoi: PaygovCode; MoTaLoi: string } {
  return { MaLoi: code, MoTaLoi: message ?? MESSAGES[code] };
}

function checksumMatches(received: string, fields: Record<string, unknown>, secrets: string[]): boolean {
  if (!SHA256_HEX.test(received)) return false;
  const got = Buffer.from(received.toLowerCase(), 'hex');
  let match = false;
  for (const secret of secrets) {
    if (!secret) continue; // an unset secret must never verify
    const expected = Buffer.from(paygovChecksum(fields, secret), 'hex');
    // Every secret is tried even after a match, so the time taken does not tell which one matched.
    if (timingSafeEqual(got, expected)) match = true;
  }
  return match;
}

/** Reads a PayGov confirmation: checks its fields, its `MaXacThuc`, then turns it into a `Payment`. */
export function parsePaygovConfirm(rawBody: Buffer | string, secrets: string[]): PaygovParse {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', message: 'the body is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'malformed', message: 'the body is not a JSON object' };
  }
  const m = json as Record<string, unknown>;

  const missing = [...PAYGOV_SIGNED_FIELDS, 'MaXacThuc'].filter((name) => typeof m[name] !== 'string' && typeof m[name] !== 'number');
  if (missing.length > 0) return { kind: 'malformed', message: `missing, or not a string or number: ${missing.join(', ')}` };
  const s = (name: string): string => String(m[name]);

  if (!checksumMatches(s('MaXacThuc'), m, secrets)) return { kind: 'bad_checksum' };

  // The identifiers' bounds first (CONTRACT 3): each ends up in a key or an attribute name.
  const tooLong = BOUNDED.find(([name, max]) => charCount(s(name)) > max);
  if (tooLong) return { kind: 'malformed', message: `${tooLong[0]} is longer than ${tooLong[1]} characters` };
  const reference = REFERENCE.exec(s('MaThamChieu'));
  if (!reference || parseCompact(reference[2]) === null) {
    return { kind: 'malformed', message: 'MaThamChieu is not dvc + MaHoSo (letters and digits) + yyyyMMddHHmmss' };
  }
  if (reference[1].length > ID_MAX.MaHoSo) {
    return { kind: 'malformed', message: `MaThamChieu names a dossier code longer than ${ID_MAX.MaHoSo} characters` };
  }
  const currency = s('MaTienTe').toUpperCase();
  if (currency !== 'VND' && currency !== '704') return { kind: 'malformed', message: 'MaTienTe is not VND' };
  const amount = typeof m.SoTien === 'number' ? m.SoTien : DIGITS.test(s('SoTien')) ? Number(s('SoTien')) : NaN;
  if (!Number.isSafeInteger(amount) || amount < 0) {
    return { kind: 'malformed', message: 'SoTien is not a whole, non-negative number of VND' };
  }
  const resultCode = s('MaLoi').trim();
  if (resultCode === '') return { kind: 'malformed', message: 'MaLoi is empty' };
  const txId = s('MaGiaoDich').trim();
  if (txId === '') return { kind: 'malformed', message: 'MaGiaoDich is empty' };
  const at = parseCompact(s('ThoiGianGD'));
  if (at === null) return { kind: 'malformed', message: 'ThoiGianGD is not a valid yyyyMMddHHmmss time' };
  const bank = s('MaNganHang').trim();

  return {
    kind: 'ok',
    payment: {
      source: 'paygov',
      txId,
      key: dossierKey(reference[1]),
      code: null,
      amount,
      success: resultCode === '00',
      resultCode,
      at,
      bank: bank === '' ? null : bank,
      reference: s('MaThamChieu'),
    },
  };
}
