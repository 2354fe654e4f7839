/**
 * What is overdue or at risk right now, read through the due indexes (never the whole table): the
 * lists the daily digest mails and the dashboard shows. Identifiers, procedures, units and dates
 * only: no applicant data, no citizen's words.
 */
import type { FeedbackLine, RiskLine } from './alert-email';
import { overdueWorkingDays } from './calendar';
import { isFeedbackOverdue } from './feedback';
import { assessRisk, type ForecastStats } from './forecast';
import { isOverdue } from './overdue';
import type { DossierStore, FeedbackStore, OverdueIndex, StoredDossier, StoredFeedback } from './ports';
import { wardOf } from './ward';

/** An overdue open dossier, as the digest and the dashboard list it. */
export interface OverdueDossier {
  code: string; // MaHoSo
  ward: string;
  procedureName: string; // TenTTHC
  fieldCode: string; // MaLinhVuc
  fieldName: string; // TenLinhVuc
  unit: string | null; // DonViXuLy
  receivedAt: string;
  dueAt: string;
  workingDaysOverdue: number;
}

/** The due index as these lists read it. */
export type DueListStore = Pick<DossierStore, 'listDueBy'> & Pick<OverdueIndex, 'listAlertedOverdue'>;

/** An instant past every due date: the whole pending part of the due index. */
const EVERY_DUE_DATE = '2999-12-31T23:59:59+07:00';

/** Every overdue open dossier at `asOf`, once each: those alerted (parked) and those still pending. */
export async function overdueOpenDossiers(store: DueListStore, asOf: string): Promise<OverdueDossier[]> {
  const seen = new Map<string, OverdueDossier>();
  const take = (d: StoredDossier) => {
    const record = d.record;
    const dueAt = d.dueAt ?? record?.dueAt ?? null;
    if (!record || !dueAt || seen.has(d.key) || !isOverdue(record, dueAt, asOf)) return;
    seen.set(d.key, {
      code: record.code,
      ward: wardOf(record.code),
      procedureName: record.procedureName,
      fieldCode: record.fieldCode,
      fieldName: record.fieldName,
      unit: record.unit,
      receivedAt: record.receivedAt,
      dueAt,
      workingDaysOverdue: overdueWorkingDays(dueAt, asOf),
    });
  };
  for await (const d of store.listAlertedOverdue()) take(d);
  for await (const d of store.listDueBy(asOf)) take(d);
  return [...seen.values()];
}

/** Every feedback item open past its deadline at `asOf`, once each (none of the citizen's words or data). */
export async function overdueFeedbackItems(
  store: Pick<FeedbackStore, 'listFeedbackDue' | 'listFeedbackAlerted'>,
  asOf: string,
): Promise<FeedbackLine[]> {
  const seen = new Map<string, FeedbackLine>();
  const take = ({ item, dueAt }: StoredFeedback) => {
    if (seen.has(item.id) || !isFeedbackOverdue(item, dueAt, asOf)) return;
    seen.set(item.id, {
      id: item.id,
      source: item.source,
      ward: item.ward,
      receivedAt: item.receivedAt,
      dueAt,
      workingDaysOverdue: overdueWorkingDays(dueAt, asOf),
      dossierCode: item.dossierCode,
    });
  };
  for await (const f of store.listFeedbackAlerted()) take(f);
  for await (const f of store.listFeedbackDue(asOf)) take(f);
  return [...seen.values()];
}

/** A dossier at risk, with its ward and the forecast's basis. */
export type AtRiskDossier = RiskLine & { ward: string; fieldCode: string; basis: 'MaTTHC' | 'MaLinhVuc' | null };

/** The open running dossiers (2, 4) not yet overdue at `asOf` that the wards' statistics put at risk of finishing late. */
export async function atRiskDossiers(store: DueListStore, stats: Map<string, ForecastStats>, asOf: string): Promise<AtRiskDossier[]> {
  const seen = new Map<string, AtRiskDossier>();
  for await (const d of store.listDueBy(EVERY_DUE_DATE)) {
    const record = d.record;
    const dueAt = d.dueAt ?? record?.dueAt ?? null;
    if (!record || !dueAt || seen.has(d.key) || isOverdue(record, dueAt, asOf)) continue;
    const ward = wardOf(record.code);
    const risk = assessRisk(d, stats.get(ward) ?? null, asOf);
    if (!risk?.atRisk) continue;
    seen.set(d.key, {
      code: record.code,
      ward,
      procedureName: record.procedureName,
      fieldCode: record.fieldCode,
      fieldName: record.fieldName,
      dueAt,
      workingDaysOverdue: 0,
      unit: record.unit,
      spentWorkingHours: risk.spentWorkingHours,
      leftWorkingHours: risk.leftWorkingHours,
      p90WorkingHours: risk.p90WorkingHours,
      basis: risk.basis,
    });
  }
  return [...seen.values()];
}
