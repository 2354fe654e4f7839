/**
 * Which online payments count as paid (CONTRACT 3.3, 3.4, 5): successful, for exactly the
 * dossier's fee total, each transaction once however often the platform delivered it. A payment
 * for another amount is kept and flagged for review, never counted. Pure: no I/O.
 */
import type { DossierRecord, Payment } from './types';

/** The part of a stored dossier the payment rules read. */
export interface PaymentsOfDossier {
  record: DossierRecord | null;
  payments: Payment[];
}

/** A dossier's fees as the read API and the report show them. */
export interface PaymentSummary {
  /** The fee total (sum of `Gia`); 0 while the portal record has not arrived. */
  total: number;
  /** VND of the counted online payments. */
  paid: number;
  /** At least one counted online payment. */
  paidOnline: boolean;
  /** Successful payments whose amount differs from the fee total: kept for a human to review. */
  flagged: Payment[];
}

/** The identity of a transaction across deliveries: the store is keyed the same way. */
function transactionKey(payment: Payment): string {
  return `${payment.source}#${payment.txId}`;
}

/** The first occurrence of each transaction, in the given order. */
function oncePerTransaction(payments: Iterable<Payment>): Payment[] {
  const seen = new Set<string>();
  const out: Payment[] = [];
  for (const payment of payments) {
    const key = transactionKey(payment);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(payment);
  }
  return out;
}

/** The payments that count as paid: successful, for exactly the fee total, each transaction once. */
export function countedPayments(dossier: PaymentsOfDossier): Payment[] {
  const record = dossier.record;
  // Without the portal record the fee total is unknown, so no amount can be proven right yet;
  // the payment is attached and counts as soon as the record arrives.
  if (!record) return [];
  // A dossier without fees has nothing to pay: a "payment" of 0 VND would make it look paid
  // online and inflate the online-payment figures of dossiers that never had fees.
  if (!(record.feeTotal > 0)) return [];
  // Filter before deduplicating, so a failed delivery stored under the same id cannot hide a
  // successful one.
  return oncePerTransaction(dossier.payments.filter((p) => p.success && p.amount === record.feeTotal));
}

/** Successful payments whose amount is not the fee total (kept and flagged for review). */
export function flaggedPayments(dossier: PaymentsOfDossier): Payment[] {
  const record = dossier.record;
  if (!record) return [];
  return oncePerTransaction(dossier.payments.filter((p) => p.success && p.amount !== record.feeTotal));
}

/** The dossier's fee total, counted online payments and flagged amounts. */
export function paymentSummary(dossier: PaymentsOfDossier): PaymentSummary {
  const counted = countedPayments(dossier);
  return {
    total: dossier.record?.feeTotal ?? 0,
    paid: counted.reduce((sum, p) => sum + p.amount, 0),
    paidOnline: counted.length > 0,
    flagged: flaggedPayments(dossier),
  };
}
