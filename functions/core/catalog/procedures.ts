/**
 * The catalog of ward-level administrative procedures (TTHC cấp xã) a Bình Dương ward's one-stop
 * desk handles: processing time in working days, the fee in VND and whether the procedure is
 * inter-agency (liên thông). The overdue rule uses `processingDays` when the portal sends no
 * NgayHenTra; the portal's own MaLinhVuc / TenLinhVuc stay authoritative for a dossier.
 *
 * Data: `procedures.json`. Choices and their limits:
 * - MaTTHC are the national codes of the DVCQG procedure database. Most were cross-checked against
 *   published provincial lists; two Thi đua, khen thưởng codes (1.000775, 1.000748) and 1.001022,
 *   1.001612 are from memory and should be checked against the province's current decision
 *   publishing its procedure list. Names follow the national database, shortened where the
 *   province's list does.
 * - MaLinhVuc is this project's short key per field (`HT` Hộ tịch, `CT` Chứng thực, …); DVCQG
 *   field codes differ between provincial systems, so nothing here depends on them.
 * - The list spans the periods the pipeline serves. Land registration, construction permits and
 *   household businesses were district-level in Bình Dương until 30/6/2025 and moved to the ward
 *   with the two-tier local government of 1/7/2025 (Decree 168/2025/NĐ-CP for household
 *   businesses); they are listed with the post-2025 codes. Religion procedures carry the codes of
 *   Decree 95/2023/NĐ-CP (from 30/3/2024).
 * - `fee` is the base charge of one case (chứng thực bản sao: the first page; land: fee plus the
 *   appraisal charge for an individual). The province's HĐND resolutions set the exact amounts and
 *   exemptions; the portal's DanhSachLePhi remains the source for what a dossier owes.
 * - `processingDays` is the statutory time at the ward; "ngay trong ngày" procedures count as
 *   1 working day, which is what the receipt slip promises for a dossier received after 15:00.
 *   The Lambdas read it from `processing-days.generated.ts`: after editing the JSON, run
 *   `npx tsx functions/core/catalog/generate-processing-days.ts` (the catalog test checks it).
 */
import { catalogCode } from './processing-days';
import catalog from './procedures.json';

/** One procedure of the catalog, under the portal's field names. */
export interface Procedure {
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  /** Statutory processing time at the ward, in working days (fractions allowed: 0.5 = 4 hours). */
  processingDays: number;
  /** Base fee in whole VND; 0 when free. */
  fee: number;
  /** Liên thông: other agencies take part in the decision. */
  interAgency: boolean;
}

/** Every procedure of the catalog. */
export const PROCEDURES: readonly Procedure[] = catalog.procedures;

/** Field code → field name. */
export const FIELDS: Readonly<Record<string, string>> = catalog.fields;

const BY_CODE: ReadonlyMap<string, Procedure> = new Map(PROCEDURES.map((p) => [p.MaTTHC, p]));

/** The procedure with this MaTTHC (an agency suffix is ignored), or null when not in the catalog. */
export function procedureByCode(code: string): Procedure | null {
  const key = catalogCode(code);
  return key === null ? null : (BY_CODE.get(key) ?? null);
}
