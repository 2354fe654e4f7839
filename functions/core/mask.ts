/**
 * Masking of the citizen's identifiers wherever they leave the store (answers, logs, emails):
 * enough stays visible for a desk officer to recognise a number the citizen reads out, not enough
 * to use it.
 */

/** Masks a digit string keeping the first 4 and last 2 characters: `079212345612` → `0792******12`. */
export function maskNumber(value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  const s = String(value).replace(/\s+/g, '');
  if (s.length <= 6) return '*'.repeat(s.length);
  return `${s.slice(0, 4)}${'*'.repeat(s.length - 6)}${s.slice(-2)}`;
}

/** Masks an email keeping the first two characters of the local part and the domain. */
export function maskEmail(value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  const at = value.lastIndexOf('@');
  if (at < 1) return maskNumber(value);
  const local = value.slice(0, at);
  return `${local.slice(0, Math.min(2, local.length - 1))}***${value.slice(at)}`;
}

// Anything shaped like an email address (broad on purpose: a missed address is a leak, an
// over-masked word is only untidy).
const EMAIL_IN_TEXT = /[^\s@]+@[^\s@]+/g;
// Nine or more digits, maybe with a leading + and spaces, dots or dashes between them: an ID
// number (CMND 9, CCCD 12 digits) or a phone (10 digits, +84 …). Dates (dd/MM/yyyy) and dossier
// codes have shorter runs and are left alone.
const NUMBER_IN_TEXT = /\+?\d(?:[ .-]?\d){8,}/g;

/** Masks ID numbers, phones and email addresses found inside a free-text value. */
export function scrubIdentifiers(value: string): string {
  return value
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m) ?? '***')
    .replace(NUMBER_IN_TEXT, (m) => maskNumber(m.replace(/[ .-]/g, '')) ?? '***');
}
