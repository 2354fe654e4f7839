/**
 * The ports the handlers talk to. Adapters in `functions/adapters/` implement them (DynamoDB, SQS,
 * SES); the core and the handlers know only these shapes.
 */
import type { DossierRecord, Outcome, Payment, PostalEvent, ProgressStep } from './types';

/** A message as it arrived, kept before anything is derived from it. */
export interface RawMessage {
  /** `portal`, `paygov`, `vnpay`, `postal`. */
  source: string;
  /** Unique id of this delivery (the HTTP request id). */
  deliveryId: string;
  receivedAt: string; // ISO +07:00
  /** The body bytes as received (for VNPay, the raw query string). */
  body: Buffer;
  /** Selected request headers worth keeping for audit (never an Authorization header). */
  headers: Record<string, string>;
}

/** What the alert scan wrote on a dossier, per level, for the due date it was alerted at. */
export interface AlertMark {
  dueAt: string;
  at: string; // when the alert was queued
}

/** A dossier as the store holds it: the newest portal record plus everything attached to it. */
export interface StoredDossier {
  key: string;
  code: string;
  /** The due date the store indexed the dossier under (portal's NgayHenTra or computed), or null. */
  dueAt: string | null;
  /** null while only payments, steps or postal events have arrived. */
  record: DossierRecord | null;
  payments: Payment[];
  postal: PostalEvent[];
  alerts: { overdue: AlertMark | null; soon: AlertMark | null };
}

/** A portal record offered to the store together with its raw JSON (kept in its history). */
export interface OfferedRecord {
  record: DossierRecord;
  raw: unknown;
}

/** The persistence port. Every write is idempotent: offering the same thing twice is harmless. */
export interface DossierStore {
  saveRaw(message: RawMessage): Promise<void>;
  offerRecords(records: OfferedRecord[]): Promise<Outcome[]>;
  offerSteps(steps: ProgressStep[]): Promise<Outcome[]>;
  /** Adds a payment attempt (keyed by source and txId); `duplicate` when already there. */
  offerPayment(payment: Payment): Promise<Outcome>;
  /** Adds a postal event (keyed by eventId); `duplicate` when already there. */
  offerPostalEvent(event: PostalEvent): Promise<Outcome>;
  /** The dossier and its timeline steps, by key (see `dossierKey`), or null. */
  getDossier(key: string): Promise<{ dossier: StoredDossier; steps: ProgressStep[] } | null>;
  /** Dossiers whose `receivedAt` falls on the Vietnam-time dates [from, to] (YYYY-MM-DD). */
  listReceived(from: string, to: string): AsyncIterable<StoredDossier>;
  /** Open dossiers (status 2, 4) still pending an alert, with a due date at or before `until`. */
  listDueBy(until: string): AsyncIterable<StoredDossier>;
  /**
   * Marks the dossier alerted at `level` for `mark.dueAt`, provided its record is still at
   * `version`; false when it already was marked for that due date or the record changed since.
   * Marking the overdue level also takes the dossier out of the due index (nothing left to send).
   */
  markAlerted(key: string, version: string, level: 'overdue' | 'soon', mark: AlertMark): Promise<boolean>;
  /** Takes a dossier whose alerts are all sent out of the due index (the scan's clean-up). */
  dropFromDueIndex(key: string, version: string): Promise<void>;
}

/** Thrown by an adapter when the store cannot take a write now: the handler answers 503 / 99. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
