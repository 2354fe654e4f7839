/**
 * The identifiers senders give us, and their bounds (CONTRACT 3, "Identifiers"). Each of them ends
 * up in a DynamoDB key or attribute name (`D#<key>`, `P#<source>#<MaGiaoDich>`, `E#<eventId>`), so a
 * message that breaks a bound is invalid, answered as the sender's error, before anything is
 * stored: never a store failure that the sender would retry forever. Pure: no I/O.
 */
import { parseCompact } from './time';
import { AGENCY_CODE } from './ward';

/** The most characters each identifier may have (CONTRACT 3). */
export const ID_MAX = {
  MaHoSo: 64,
  MaPhanAnh: 64,
  MaGiaoDich: 64,
  vnp_TransactionNo: 64,
  eventId: 64,
  trackingNumber: 64,
  MaThamChieu: 100,
  vnp_TxnRef: 100,
} as const;

/**
 * The most characters of the other short codes a payment keeps (PayGov's MaLoi and MaNganHang,
 * VNPay's vnp_ResponseCode and vnp_BankCode): the contract bounds them only by what the store can
 * hold; real ones are a few letters.
 */
export const CODE_MAX = 64;

/** Characters as people count them (code points): a Vietnamese letter is one. */
export function charCount(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * The dossier code of Circular 01/2018/TT-VPCP art. 19: `<agency code>-<yyMMdd>-<daily sequence of
 * 4+ digits>`, e.g. `000.00.12.H57-240401-0003`. Group 1 is the agency code (the ward), group 2 the
 * date.
 */
export const DOSSIER_CODE_FORM = new RegExp(`^(${AGENCY_CODE.source.slice(1, -1)})-(\\d{6})-\\d{4,}$`);

/** What is wrong with `value` as a dossier code (MaHoSo), or null when it is one. */
export function dossierCodeProblem(value: string): string | null {
  if (charCount(value) > ID_MAX.MaHoSo) return `expected at most ${ID_MAX.MaHoSo} characters, got ${charCount(value)}`;
  const m = DOSSIER_CODE_FORM.exec(value);
  if (!m) return 'expected a dossier code <agency code>-<yyMMdd>-<4+ digits>, e.g. 000.00.12.H57-240401-0003';
  // The date inside is not compared with NgayTiepNhan (online dossiers get their code on submission),
  // but it must be a date.
  if (parseCompact(`20${m[2]}000000`) === null) return 'the date inside the dossier code (yyMMdd) is not a valid date';
  return null;
}

/** True when `value` is a dossier code within its bound. */
export function isDossierCode(value: string): boolean {
  return dossierCodeProblem(value) === null;
}

/** What is wrong with `value` as an identifier of at most `max` characters, or null. */
export function idProblem(value: string, max: number): string | null {
  if (value.length === 0) return 'must not be empty';
  const n = charCount(value);
  return n > max ? `expected at most ${max} characters, got ${n}` : null;
}
