/**
 * What the dashboard keeps of a dossier: a few numbers and codes, derived once (when the dossier is
 * read) with the supervision report's own rules (`isReceived`, `processingBucket`,
 * `finishingInstant`, `paymentSummary`), so a page over many periods, months and wards is
 * arithmetic on small objects. No citizen data: no applicant, no summary, no note.
 *
 * `reportOfFacts` gives exactly `SupervisionTally`'s report over the same dossiers (a property
 * test holds them equal): the headline figures are CONTRACT 5's.
 */
import { paymentSummary } from '../payments';
import type { StoredDossier } from '../ports';
import {
  type FieldFigures,
  type ProcessingBucket,
  finishingInstant,
  isReceived,
  processingBucket,
  type SupervisionReport,
} from '../report';
import { instantMs, vnDate } from '../time';
import type { Channel, Status } from '../types';
import { wardOf } from '../ward';

/** One received dossier, as the dashboard counts it. */
export interface DossierFact {
  code: string; // MaHoSo
  ward: string;
  fieldCode: string; // MaLinhVuc
  fieldName: string; // TenLinhVuc
  /** When the record that gave `fieldName` was last changed (the newest name wins). */
  nameAtMs: number;
  procedureCode: string; // MaTTHC
  procedureName: string; // TenTTHC
  unit: string | null; // DonViXuLy
  channel: Channel;
  receivedMs: number;
  /** Vietnam date of receipt. */
  receivedDay: string;
  status: Status;
  /** The due instant (ms), NaN when none is known. */
  dueMs: number;
  dueAt: string | null;
  /** When it was finished (status 9, 10), or NaN. */
  finishMs: number;
  /** When the record last changed (a withdrawal happened by then). */
  updatedMs: number;
  /** The bucket of a finished or withdrawn dossier (clock-independent), or null while open. */
  closed: Exclude<ProcessingBucket, 'openOnTime' | 'openOverdue'> | null;
  hasFees: boolean;
  paidOnline: boolean;
  paidVnd: number;
}

/** A fact about a received dossier, or null when the dossier is not received (1, 3) or has no record. */
export function toFact(dossier: StoredDossier, dueAt: string | null): DossierFact | null {
  const record = dossier.record;
  if (!record || !isReceived(record.status)) return null;
  const receivedMs = instantMs(record.receivedAt);
  if (Number.isNaN(receivedMs)) return null;
  const bucket = processingBucket(dossier, dueAt, Number.NEGATIVE_INFINITY);
  const closed = bucket === 'openOnTime' || bucket === 'openOverdue' ? null : bucket;
  const finished = record.status === 9 || record.status === 10 ? finishingInstant(dossier) : null;
  const fees = paymentSummary(dossier);
  const updatedMs = instantMs(record.updatedAt);
  return {
    code: record.code,
    ward: wardOf(record.code),
    fieldCode: record.fieldCode,
    fieldName: record.fieldName,
    nameAtMs: Number.isNaN(updatedMs) ? Number.NEGATIVE_INFINITY : updatedMs,
    procedureCode: record.procedureCode,
    procedureName: record.procedureName,
    unit: record.unit,
    channel: record.channel,
    receivedMs,
    receivedDay: vnDate(receivedMs),
    status: record.status,
    dueMs: dueAt ? instantMs(dueAt) : Number.NaN,
    dueAt,
    finishMs: finished ? instantMs(finished) : Number.NaN,
    updatedMs,
    closed,
    hasFees: record.feeTotal > 0,
    paidOnline: record.feeTotal > 0 && fees.paidOnline,
    paidVnd: fees.paid,
  };
}

/** Status 2 or 4: the clock runs (CONTRACT 6). */
export function isRunning(fact: Pick<DossierFact, 'status'>): boolean {
  return fact.status === 2 || fact.status === 4;
}

/** The report's bucket of a fact at the report clock (`processingBucket`, from the stored parts). */
export function bucketAt(fact: DossierFact, asOfMs: number): ProcessingBucket {
  if (fact.closed) return fact.closed;
  return isRunning(fact) && !Number.isNaN(fact.dueMs) && asOfMs > fact.dueMs ? 'openOverdue' : 'openOnTime';
}

/** A ratio in [0, 1] rounded to 4 decimals; 0 when there is nothing to divide by (the report's rule). */
export function rate(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.round((part / whole) * 10_000) / 10_000;
}

/** The dossier part of the supervision report (CONTRACT 5): its feedback block comes from the feedback source. */
export type DossierReport = Omit<SupervisionReport, 'feedback'>;

/** CONTRACT 5's report over the facts received on the dates [from, to], at the clock `asOfMs`. */
export function reportOfFacts(facts: Iterable<DossierFact>, from: string, to: string, asOfMs: number): DossierReport {
  const received = { total: 0, byChannel: { direct: 0, online: 0, postal: 0 } };
  let dossiersWithFees = 0;
  let paidOnline = 0;
  let amountVnd = 0;
  const buckets: Record<ProcessingBucket, number> = {
    finishedEarly: 0,
    finishedOnTime: 0,
    finishedLate: 0,
    openOnTime: 0,
    openOverdue: 0,
    withdrawn: 0,
  };
  const fields = new Map<string, FieldFigures & { nameAtMs: number }>();
  for (const f of facts) {
    if (f.receivedDay < from || f.receivedDay > to) continue;
    received.total++;
    received.byChannel[f.channel]++;
    if (f.hasFees) {
      dossiersWithFees++;
      if (f.paidOnline) paidOnline++;
    }
    amountVnd += f.paidVnd;
    const bucket = bucketAt(f, asOfMs);
    buckets[bucket]++;
    let field = fields.get(f.fieldCode);
    if (!field) {
      field = { MaLinhVuc: f.fieldCode, TenLinhVuc: f.fieldName, received: 0, finishedLate: 0, openOverdue: 0, nameAtMs: f.nameAtMs };
      fields.set(f.fieldCode, field);
    } else if (f.nameAtMs > field.nameAtMs) {
      field.TenLinhVuc = f.fieldName;
      field.nameAtMs = f.nameAtMs;
    }
    field.received++;
    if (bucket === 'finishedLate') field.finishedLate++;
    if (bucket === 'openOverdue') field.openOverdue++;
  }
  const finished = buckets.finishedEarly + buckets.finishedOnTime + buckets.finishedLate;
  return {
    period: { from, to },
    received,
    payments: { dossiersWithFees, paidOnline, onlineRate: rate(paidOnline, dossiersWithFees), amountVnd },
    processing: { ...buckets, onTimeRate: rate(buckets.finishedEarly + buckets.finishedOnTime, finished) },
    byField: [...fields.values()]
      .sort((a, b) => (a.MaLinhVuc < b.MaLinhVuc ? -1 : a.MaLinhVuc > b.MaLinhVuc ? 1 : 0))
      .map(({ nameAtMs: _, ...f }) => f),
  };
}
