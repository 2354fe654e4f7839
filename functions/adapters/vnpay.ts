/**
 * The VNPay instant payment notification (CONTRACT 3.4, VNPay API 2.1.0): its `vnp_SecureHash`,
 * its order reference and its answer. Pure: node:crypto only.
 *
 * Glossary (VNPay → `Payment`):
 *   vnp_TxnRef          reference   `<MaHoSo>_<digits>`: one payment order of the dossier
 *                       txId        vnp_TxnRef for a success; `<TxnRef>#<TransactionNo>#<ResponseCode>`
 *                                   for a failed attempt (a paid order may follow failed tries)
 *   vnp_Amount          amount      VND × 100 on the wire, whole VND in the Payment
 *   vnp_ResponseCode    resultCode  paid when it and vnp_TransactionStatus are both `00`
 *   vnp_PayDate         at          yyyyMMddHHmmss Vietnam time → ISO +07:00
 *   vnp_BankCode        bank
 *
 * Checks run in VNPay's own order (its IPN sample): signature (97), order (01), amount (04), then
 * the rest. Rules where the contract is silent:
 * - Only `vnp_` parameters are signed (VNPay's samples skip any other); a missing hash is `97`.
 * - The signed string is built the contract's way (URLSearchParams, as VNPay's own Java and the
 *   `vnpay` npm package do). Because VNPay's PHP sample (`urlencode`) and Node.js sample
 *   (`encodeURIComponent`, then `%20` → `+`) differ from it only on ! ' ( ) * ~, a hash over either
 *   of those strings is accepted too. It is no weaker: each encoding decodes back to exactly one
 *   parameter set, so no encoding lets a hash over one set of values pass for another.
 * - A `vnp_` parameter given twice is `97`: it is not clear which value was signed.
 * - vnp_Amount not a whole multiple of 100 (or not digits) is `malformed` with RspCode `04`
 *   (Invalid amount). Any other unreadable field of a correctly signed message (no vnp_PayDate or
 *   an invalid one, no vnp_ResponseCode, an identifier over its bound: vnp_TxnRef over 100
 *   characters, vnp_TransactionNo over 64, vnp_ResponseCode or vnp_BankCode over 64) is answered
 *   `01`: VNPay's list has no "malformed", and `99` (the contract's "the store failed") would make
 *   VNPay retry a message that can never be read. The log and the `Rejected` metric show it.
 * - A missing vnp_TransactionStatus counts as not paid (a failed attempt), never as paid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CODE_MAX, charCount, ID_MAX, isDossierCode } from '../core/identifiers';
import { parseCompact } from '../core/time';
import { dossierKey, type Payment } from '../core/types';

/** The VNPay answer codes this endpoint gives. */
export type VnpayCode = '00' | '01' | '02' | '04' | '97' | '99';

/** Outcome of reading one IPN. `rspCode` says how to answer a malformed one (see the header). */
export type VnpayParse =
  | { kind: 'bad_signature' }
  | { kind: 'bad_order'; message: string }
  | { kind: 'malformed'; message: string; rspCode: '04' | '01' }
  | { kind: 'ok'; payment: Payment; amountVnd: number };

/** A parameter value as a caller may hold it. */
export type VnpayParams = Record<string, string | number | null | undefined>;

const MESSAGES: Record<VnpayCode, string> = {
  '00': 'Confirm Success',
  '01': 'Order not found',
  '02': 'Order already confirmed',
  '04': 'Invalid amount',
  '97': 'Invalid signature',
  '99': 'Unknown error',
};

/**
 * `<MaHoSo>_<digits>`, at most 100 characters, MaHoSo as the portal parser accepts it
 * (`isDossierCode`, core/identifiers.ts: `000.00.12.H57-240401-0003`, at most 64 characters).
 */
const TXN_REF = /^(.+)_\d+$/;
/** Parameters kept in a key, an attribute name or the payment, with their most characters (CONTRACT 3). */
const BOUNDED: [string, number][] = [
  ['vnp_TransactionNo', ID_MAX.vnp_TransactionNo],
  ['vnp_ResponseCode', CODE_MAX],
  ['vnp_BankCode', CODE_MAX],
];
const SHA512_HEX = /^[0-9a-fA-F]{128}$/;
const DIGITS = /^\d+$/;
const UNSIGNED = new Set(['vnp_SecureHash', 'vnp_SecureHashType']);

/** The signed parameters: `vnp_` ones except the hash fields, empty values dropped, by name. */
function signedEntries(params: Iterable<[string, string]>): [string, string][] {
  return [...params]
    .filter(([key, value]) => key.startsWith('vnp_') && !UNSIGNED.has(key) && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The contract's encoding: application/x-www-form-urlencoded as URLSearchParams writes it. */
function formEncoded(entries: [string, string][]): string {
  return new URLSearchParams(entries).toString();
}

/** VNPay's Node.js sample: encodeURIComponent with spaces as `+`. */
function nodeSampleEncoded(entries: [string, string][]): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

/** VNPay's PHP sample: `urlencode`, which also escapes `*`. */
function phpSampleEncoded(entries: [string, string][]): string {
  return formEncoded(entries).replace(/\*/g, '%2A');
}

function hmacHex(secret: string, data: string): string {
  return createHmac('sha512', secret).update(data, 'utf8').digest('hex');
}

/** The full query string VNPay would send: signed parameters plus `vnp_SecureHash`. */
export function vnpaySign(params: VnpayParams, secret: string): string {
  const entries = signedEntries(
    Object.entries(params)
      .filter((e): e is [string, string | number] => e[1] !== null && e[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const data = formEncoded(entries);
  return `${data}&vnp_SecureHash=${hmacHex(secret, data)}`;
}

/** VNPay's `{RspCode, Message}` answer for a code. */
export function vnpayAnswer(code: VnpayCode): { RspCode: VnpayCode; Message: string } {
  return { RspCode: code, Message: MESSAGES[code] };
}

function hashMatches(received: string, entries: [string, string][], secrets: string[]): boolean {
  if (!SHA512_HEX.test(received)) return false;
  const got = Buffer.from(received.toLowerCase(), 'hex');
  const encoded = new Set([formEncoded(entries), nodeSampleEncoded(entries), phpSampleEncoded(entries)]);
  let match = false;
  for (const secret of secrets) {
    if (!secret) continue; // an unset secret must never verify
    for (const data of encoded) {
      // No early exit: the time taken does not tell which secret or encoding matched.
      if (timingSafeEqual(got, Buffer.from(hmacHex(secret, data), 'hex'))) match = true;
    }
  }
  return match;
}

/** Reads a VNPay IPN query string: verifies `vnp_SecureHash`, then turns it into a `Payment`. */
export function parseVnpayIpn(rawQueryString: string, secrets: string[]): VnpayParse {
  const query = new URLSearchParams(rawQueryString.startsWith('?') ? rawQueryString.slice(1) : rawQueryString);
  const seen = new Set<string>();
  for (const key of query.keys()) {
    if (key.startsWith('vnp_') && seen.has(key)) return { kind: 'bad_signature' };
    seen.add(key);
  }
  const hash = query.get('vnp_SecureHash');
  if (!hash || !hashMatches(hash, signedEntries(query.entries()), secrets)) return { kind: 'bad_signature' };

  const txnRef = query.get('vnp_TxnRef') ?? '';
  const order = charCount(txnRef) <= ID_MAX.vnp_TxnRef ? TXN_REF.exec(txnRef) : null;
  // A code with an impossible date, or too long, names no dossier the portal could have sent.
  if (!order || !isDossierCode(order[1])) {
    return { kind: 'bad_order', message: `vnp_TxnRef is not <MaHoSo>_<digits> of at most ${ID_MAX.vnp_TxnRef} characters` };
  }
  const code = order[1];
  const tooLong = BOUNDED.find(([name, max]) => charCount(query.get(name) ?? '') > max);
  if (tooLong) return { kind: 'malformed', message: `${tooLong[0]} is longer than ${tooLong[1]} characters`, rspCode: '01' };

  const rawAmount = query.get('vnp_Amount') ?? '';
  const cents = DIGITS.test(rawAmount) ? Number(rawAmount) : NaN;
  if (!Number.isSafeInteger(cents) || cents % 100 !== 0) {
    return { kind: 'malformed', message: 'vnp_Amount is not a whole number of VND × 100', rspCode: '04' };
  }
  const amountVnd = cents / 100;

  const responseCode = query.get('vnp_ResponseCode') ?? '';
  if (responseCode === '') return { kind: 'malformed', message: 'vnp_ResponseCode is missing', rspCode: '01' };
  const at = parseCompact(query.get('vnp_PayDate') ?? '');
  if (at === null) {
    return { kind: 'malformed', message: 'vnp_PayDate is not a valid yyyyMMddHHmmss time', rspCode: '01' };
  }
  const success = responseCode === '00' && query.get('vnp_TransactionStatus') === '00';
  const bank = query.get('vnp_BankCode') ?? '';
  const transactionNo = query.get('vnp_TransactionNo') ?? '';

  return {
    kind: 'ok',
    amountVnd,
    payment: {
      source: 'vnpay',
      // One order is paid at most once, so a success is keyed by the order; failed tries of the
      // same order are distinct attempts and must not collide with it or with each other.
      txId: success ? txnRef : `${txnRef}#${transactionNo}#${responseCode}`,
      key: dossierKey(code),
      code,
      amount: amountVnd,
      success,
      resultCode: responseCode,
      at,
      bank: bank === '' ? null : bank,
      reference: txnRef,
    },
  };
}
