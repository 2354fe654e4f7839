/**
 * Wards in one deployment (a province runs one motcua for all of its wards): the agency code at
 * the head of `MaHoSo` (`<agency code>-<yyMMdd>-<daily sequence>`, Circular 01/2018/TT-VPCP
 * art. 19) says which ward's desk received the dossier. Pure: no I/O.
 */

/** An agency code: dot-separated letters and digits, e.g. `000.00.12.H57`. */
export const AGENCY_CODE = /^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*$/;

/** The longest agency code accepted in a query (the DVCQG codes are 13 characters). */
export const MAX_WARD_CODE = 40;

/** The canonical form of an agency code: trimmed, upper case (the portal's codes are upper case). */
export function normaliseWard(code: string): string {
  return code.trim().toUpperCase();
}

/** True when `value` is an agency code (any case). */
export function isWardCode(value: string): boolean {
  return value.length > 0 && value.length <= MAX_WARD_CODE && AGENCY_CODE.test(value.trim());
}

/**
 * The ward of a dossier: its agency code, upper case. `MaHoSo` is validated by the portal parser;
 * a code without the `-<yyMMdd>-<digits>` tail (never stored) is its own ward.
 */
export function wardOf(code: string): string {
  const m = /^(.+?)-\d{6}-\d+$/.exec(code.trim());
  return normaliseWard(m ? m[1] : code);
}
