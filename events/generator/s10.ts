/**
 * UPU S10 item identifiers (CONTRACT 3.5): two letters, eight digits, a check digit, two letters.
 * Self-contained so the generator does not depend on the adapter being written in parallel.
 */
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];

/** The S10 check digit of an eight-digit serial number. */
export function s10CheckDigit(eight: string): number {
  const sum = [...eight].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i], 0);
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

/** A full S10 identifier, e.g. `s10('EB', '12345678')` → `EB123456785VN`. */
export function s10(prefix: string, eight: string, country = 'VN'): string {
  return `${prefix}${eight}${s10CheckDigit(eight)}${country}`;
}
