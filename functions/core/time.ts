/**
 * Vietnam time (Asia/Ho_Chi_Minh: UTC+7, no daylight saving). The portal and the payment platforms
 * speak `yyyyMMddHHmmss` in Vietnam time; everything the pipeline writes is ISO 8601 with `+07:00`.
 */

const OFFSET_MS = 7 * 3600 * 1000;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * The Vietnam-time years of the instants accepted from senders (`parseCompact`, `normaliseIso`).
 * No dossier, payment or postal event lies outside them, and within them every instant derived
 * later (a due date up to thousands of working days on, a scan's due-soon horizon) keeps the
 * four-digit year `toVnIso` writes and `instantMs` reads. From year 10000 on `toVnIso` writes
 * `+010000-…`, which nothing reads back: a record received in 9999 would end in a RangeError.
 */
export const ACCEPTED_YEARS = { first: 1900, last: 2999 } as const;

const acceptedYear = (year: number): boolean => year >= ACCEPTED_YEARS.first && year <= ACCEPTED_YEARS.last;

/** Parses `yyyyMMddHHmmss` (Vietnam time) into an ISO string with `+07:00`; null when invalid or outside ACCEPTED_YEARS. */
export function parseCompact(value: string): string | null {
  const m = COMPACT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (!acceptedYear(y)) return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null; // 31/02 and the like
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`;
}

/** Formats an instant (Date or epoch ms) as ISO 8601 in Vietnam time, second precision. */
export function toVnIso(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return `${new Date(ms + OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** Formats an instant as `yyyyMMddHHmmss` in Vietnam time. */
export function toCompact(instant: Date | number): string {
  return toVnIso(instant).slice(0, 19).replace(/[-T:]/g, '');
}

/** Epoch milliseconds of an ISO 8601 string with an offset (or Z); NaN when it is not one. */
export function instantMs(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return NaN;
  return Date.parse(iso);
}

/** Normalises any ISO 8601 instant with an offset to Vietnam time; null when invalid or outside ACCEPTED_YEARS. */
export function normaliseIso(iso: string): string | null {
  const ms = instantMs(iso);
  if (Number.isNaN(ms) || !acceptedYear(new Date(ms + OFFSET_MS).getUTCFullYear())) return null;
  return toVnIso(ms);
}

/** The Vietnam-time calendar date (`YYYY-MM-DD`) of an instant. */
export function vnDate(instant: string | Date | number): string {
  const ms = typeof instant === 'string' ? instantMs(instant) : typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of a Vietnam-time wall clock (`YYYY-MM-DD`, hour, minute). */
export function vnWallClock(date: string, hour = 0, minute = 0): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d, hour, minute) - OFFSET_MS;
}
