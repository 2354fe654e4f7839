/**
 * The one thing the Lambdas read from the procedure catalog: a procedure's processing time, for
 * the overdue rule when the portal sends no NgayHenTra. From `processing-days.generated.ts`, a
 * code → days table generated from `procedures.json`, so a bundle does not carry the catalog's
 * names and fees (about 13 KB of every Lambda). `procedures.ts` has the whole catalog.
 */
import { PROCESSING_DAYS } from './processing-days.generated';

// DVCQG sometimes sends the code with an agency suffix ("1.001193.000.00.00.H57"): the first
// `d.dddddd` part is the procedure.
const CODE = /^\s*(\d\.\d{6})(?:\.|\s*$)/;

/** The catalog's MaTTHC a portal code names (an agency suffix is dropped), or null when it has none. */
export function catalogCode(code: string): string | null {
  return CODE.exec(code)?.[1] ?? null;
}

/** Statutory processing days of the procedure with this MaTTHC (as `procedureByCode`), or null when not in the catalog. */
export function processingDaysOf(code: string): number | null {
  const key = catalogCode(code);
  return key !== null && Object.hasOwn(PROCESSING_DAYS, key) ? PROCESSING_DAYS[key] : null;
}
