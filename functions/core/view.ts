/**
 * The dossier as `GET /dossiers/{MaHoSo}` shows it (CONTRACT 4): the portal's names for the
 * procedure fields the integrators know, clear names for the rest, identifiers masked, and one
 * timeline of steps, payments and postal events in time order. Pure: no I/O.
 */
import { overdueWorkingDays } from './calendar';
import type { Risk } from './forecast';
import { maskEmail, maskNumber, scrubIdentifiers } from './mask';
import { isOverdue } from './overdue';
import { countedPayments, paymentSummary } from './payments';
import type { StoredDossier } from './ports';
import { instantMs } from './time';
import type { Payment, PostalEvent, ProgressStep } from './types';

/** One entry of the dossier's timeline. */
export type TimelineEntry =
  | ({ kind: 'step'; at: string } & Omit<ProgressStep, 'code' | 'atRaw' | 'at'>)
  | {
      kind: 'payment';
      at: string;
      source: Payment['source'];
      txId: string;
      amount: number;
      success: boolean;
      resultCode: string;
      counted: boolean;
      flagged: boolean;
    }
  | {
      kind: 'postal';
      at: string;
      eventId: string;
      type: PostalEvent['type'];
      trackingNumber: string;
      postOffice: string | null;
      note: string | null;
    };

/** Masks identifiers inside a free-text value that may be absent. */
const scrub = (value: string | null): string | null => (value == null ? null : scrubIdentifiers(value));

/** The earliest RESULT_DELIVERED: the day the applicant had the result in hand. */
function postalReturn(postal: PostalEvent[]): string | null {
  const delivered = postal.filter((e) => e.type === 'RESULT_DELIVERED').sort((a, b) => instantMs(a.occurredAt) - instantMs(b.occurredAt));
  return delivered[0]?.occurredAt ?? null;
}

/** The returned-at instant: the portal's NgayTra, else the postal delivery of the result. */
export function returnedAt(dossier: StoredDossier): string | null {
  return dossier.record?.returnedAt ?? postalReturn(dossier.postal);
}

/**
 * Composes the read view of a dossier that has a portal record, at the clock `nowIso`; `risk` is
 * the forecast's (null for a dossier that is not open, or when the handler has no statistics).
 */
export function toDossierView(dossier: StoredDossier, steps: ProgressStep[], nowIso: string, risk: Risk | null = null) {
  const record = dossier.record;
  if (!record) throw new Error('a dossier view needs the portal record');
  const fees = paymentSummary(dossier);
  const counted = new Set(countedPayments(dossier).map((p) => `${p.source}#${p.txId}`));
  const flagged = new Set(fees.flagged.map((p) => `${p.source}#${p.txId}`));
  const dueAt = dossier.dueAt ?? record.dueAt;
  const overdue = isOverdue(record, dueAt, nowIso);
  const lastPostal = dossier.postal.at(-1) ?? null;
  const alert = dossier.alerts.overdue;

  const timeline: TimelineEntry[] = [
    ...steps.map(
      (s): TimelineEntry => ({
        kind: 'step',
        at: s.at,
        status: s.status,
        actor: s.actor,
        actorTitle: s.actorTitle,
        department: s.department,
        content: scrub(s.content),
        startedAt: s.startedAt,
        dueAt: s.dueAt,
      }),
    ),
    ...dossier.payments.map(
      (p): TimelineEntry => ({
        kind: 'payment',
        at: p.at,
        source: p.source,
        txId: p.txId,
        amount: p.amount,
        success: p.success,
        resultCode: p.resultCode,
        counted: counted.has(`${p.source}#${p.txId}`),
        flagged: flagged.has(`${p.source}#${p.txId}`),
      }),
    ),
    ...dossier.postal.map(
      (e): TimelineEntry => ({
        kind: 'postal',
        at: e.occurredAt,
        eventId: e.eventId,
        type: e.type,
        trackingNumber: e.trackingNumber,
        postOffice: e.postOffice,
        note: scrub(e.note),
      }),
    ),
  ].sort((a, b) => instantMs(a.at) - instantMs(b.at) || a.kind.localeCompare(b.kind));

  return {
    MaHoSo: record.code,
    MaTTHC: record.procedureCode,
    TenTTHC: record.procedureName,
    MaLinhVuc: record.fieldCode,
    TenLinhVuc: record.fieldName,
    channel: record.channel,
    status: record.status,
    receivedAt: record.receivedAt,
    dueAt,
    dueAtFromPortal: record.dueAt !== null,
    finishedAt: record.finishedAt,
    returnedAt: returnedAt(dossier),
    refusedAt: record.refusedAt,
    updatedAt: record.updatedAt,
    unit: record.unit,
    // Free text typed at the desk may carry an ID number or a phone: masked like the fields.
    summary: scrub(record.summary),
    returnBy: record.returnBy,
    applicant: {
      name: record.applicant.name,
      idNumber: maskNumber(record.applicant.idNumber),
      phone: maskNumber(record.applicant.phone),
      email: maskEmail(record.applicant.email),
    },
    fees: {
      total: fees.total,
      paid: fees.paid,
      paidOnline: fees.paidOnline,
      items: record.fees,
      flagged: fees.flagged.map((p) => ({ source: p.source, txId: p.txId, amount: p.amount, at: p.at })),
    },
    supplements: record.supplements,
    postal: {
      trackingNumber: lastPostal?.trackingNumber ?? null,
      lastEvent: lastPostal ? { type: lastPostal.type, occurredAt: lastPostal.occurredAt, postOffice: lastPostal.postOffice } : null,
    },
    overdue: {
      isOverdue: overdue,
      workingDaysOverdue: overdue && dueAt ? overdueWorkingDays(dueAt, nowIso) : 0,
      alertedAt: alert && alert.dueAt === dueAt ? alert.at : null,
    },
    risk,
    timeline,
  };
}
