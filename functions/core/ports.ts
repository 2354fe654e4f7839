/**
 * The ports the handlers talk to. Adapters in `functions/adapters/` implement them (DynamoDB, SQS,
 * SES); the core and the handlers know only these shapes.
 */
import type { FeedbackItem, FeedbackSource } from './feedback';
import type { TallyState } from './report';

/** What `tallyReceived` adds to: a supervision tally (`core/report.ts`, SupervisionTally). */
export interface TallySink {
  add(dossier: StoredDossier): void;
  addState(state: TallyState): void;
}
import { dossierKey, type DossierRecord, type Outcome, type Payment, type PostalEvent, type ProgressStep } from './types';

/** A message as it arrived, kept before anything is derived from it. */
export interface RawMessage {
  /** `portal`, `paygov`, `vnpay`, `postal`, `feedback`. */
  source: string;
  /** Unique id of this delivery (the HTTP request id). */
  deliveryId: string;
  receivedAt: string; // ISO +07:00
  /** The body bytes as received (for VNPay, the raw query string). */
  body: Buffer;
  /** Selected request headers worth keeping for audit (never an Authorization header). */
  headers: Record<string, string>;
}

/**
 * What the alert scan wrote on a dossier (per level) or a feedback item, for the due date it was
 * alerted at. A mark is `pending` from the claim until its run is committed to the alert ledger
 * and the subject parked (see `core/scan.ts`); marks written before crash recovery existed have no
 * `runId` and are settled.
 */
export interface AlertMark {
  dueAt: string;
  at: string; // the scan's clock when the dossier was claimed (the read view's `alertedAt`)
  /** The scan run that claimed it. */
  runId?: string;
  /** When it was claimed (wall clock, ISO): how long its run may still be alive. */
  claimedAt?: string;
  /** Claimed; the run may not have reached the ledger yet. Absent once settled. */
  pending?: boolean;
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
  /** The feedback items whose newest version names this dossier (`MaHoSo`); absent: none known. */
  feedback?: FeedbackLink[];
}

/** A feedback item naming a dossier, as the dossier keeps it (the scorecard's MDHL.3 reads it). */
export interface FeedbackLink {
  /** MaPhanAnh. */
  id: string;
  /** The item's ward (MaDonVi). */
  ward: string;
  /** NgayCapNhat of the item's version that named the dossier: a link only yields to a newer one. */
  version: string;
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
  /**
   * Dossiers whose `receivedAt` falls on the Vietnam-time dates [from, to] (YYYY-MM-DD): of one
   * ward (its agency code, upper case; see `core/ward.ts`), or of every ward when `ward` is absent.
   */
  listReceived(from: string, to: string, ward?: string): AsyncIterable<StoredDossier>;
  /**
   * Optional: adds the dossiers `listReceived(from, to, ward)` would yield to a supervision tally,
   * the same counts by a shorter way (a store with month summaries); resolves to how many received
   * dossiers it counted.
   */
  tallyReceived?(tally: TallySink, from: string, to: string, ward: string): Promise<number>;
  /** The agency codes of every ward that has sent a dossier record, in order. */
  listWards(): Promise<string[]>;
  /**
   * Open dossiers (status 2, 4) still pending an alert, with a due date at or before `until`, and
   * those already alerted due soon, with a due date at or before `soonUntil` (default `until`):
   * the scan asks for these up to its clock only, when they become overdue.
   */
  listDueBy(until: string, soonUntil?: string): AsyncIterable<StoredDossier>;
  /**
   * Claims the dossier at `level` for `mark.dueAt` (a pending mark), provided its record is still
   * at `version`; false when it already was marked for that due date or the record changed since.
   * The dossier stays where the scan read it until `parkAlerted`.
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

/**
 * Thrown by an adapter when the store refuses what it is given for good (a key or item over its
 * limits, an invalid attribute): the message's fault, not an outage. The handler answers 400 (or
 * the platform's "malformed" code), never 503 / 99, since a retry could never succeed.
 */
export class StoreRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreRefusedError';
  }
}

// ---- Overdue alerts (CONTRACT 6): the scan, the alert queue, the notifier's ledger, the mailer ----

/** The two alert levels of CONTRACT 6. */
export type AlertLevel = 'overdue' | 'soon';

/** What a run alerts about: dossiers at a level, or feedback items overdue (CONTRACT 6, last paragraph). */
export type RunLevel = AlertLevel | 'feedback';

/** One dossier newly flagged by a scan run: everything its alert email needs, nothing about the applicant. */
export interface DueAlert {
  runId: string;
  level: AlertLevel;
  code: string; // MaHoSo
  procedureName: string; // TenTTHC
  fieldCode: string; // MaLinhVuc
  fieldName: string; // TenLinhVuc
  dueAt: string;
  /** Working days past due at the scan's clock; 0 for a due-soon alert. */
  workingDaysOverdue: number;
  unit: string | null; // DonViXuLy
  receivedAt: string;
}

/** One feedback item newly flagged overdue by a scan run: what its email lists, none of the citizen's words or data. */
export interface FeedbackAlert {
  runId: string;
  level: 'feedback';
  id: string; // MaPhanAnh
  source: FeedbackSource; // NguonTiepNhan
  ward: string; // MaDonVi
  receivedAt: string;
  dueAt: string;
  /** Working days past the deadline at the scan's clock. */
  workingDaysOverdue: number;
  dossierCode: string | null; // MaHoSo
}

/** An alert of a run: a dossier's or a feedback item's (told apart by `level`). */
export type RunAlert = DueAlert | FeedbackAlert;

/** The ledger's name of an alert within its run: one per (level, dossier key or MaPhanAnh). */
export function alertIdentity(alert: RunAlert): string {
  return alert.level === 'feedback' ? `feedback#${alert.id}` : `${alert.level}#${dossierKey(alert.code)}`;
}

/** A message of the alert queue: one flagged dossier or feedback item, or a nudge to deliver a run's emails. */
export type AlertQueueMessage =
  | { kind: 'alert'; alert: DueAlert }
  | { kind: 'feedback'; alert: FeedbackAlert }
  /** `force`: deliver what the ledger holds even if some of the run's alerts never arrived. */
  | { kind: 'flush'; runId: string; force: boolean };

/** The alert queue (SQS). */
export interface AlertQueue {
  /** Queues `messages` in order; resolves with those it could not queue (empty when all went) and why. */
  send(messages: AlertQueueMessage[]): Promise<{ unsent: AlertQueueMessage[]; error: unknown }>;
}

/** What a scan run queued: the notifier knows the run is complete when it has received this many. */
export interface RunManifest {
  runId: string;
  /** The scan's clock (an admin may have set it). */
  clock: string;
  /** When the run really started (wall clock, ISO): the scan's sweep ages open runs by it. */
  startedAt: string;
  /** Alerts queued per level; `feedback` only in runs of the feedback scan. */
  counts: Record<AlertLevel, number> & { feedback?: number };
}

/** A run as the ledger holds it. */
export interface AlertRunState {
  manifest: RunManifest | null;
  /** The dossier alert messages received so far (one per dossier and level). */
  alerts: DueAlert[];
  /** The feedback alert messages received so far (one per item); absent: none. */
  feedback?: FeedbackAlert[];
  /** Email slots (`<level>#<recipient>`) already settled: accepted by SES, or refused for good. */
  settled: Set<string>;
  /** Every email of the run is settled. */
  closed: boolean;
}

/** The answer of `AlertLedger.claimSlot`. */
export type SlotClaim = 'claimed' | 'busy' | 'exhausted';

/** Leases of one email slot that may end without a word before it is given up: at most one repeat. */
export const MAX_SEND_TRIES = 2;

/**
 * How one email slot ended: accepted by SES, refused for good, or `unconfirmed` (its tries ran out
 * without a word: maybe sent, maybe twice; never tried again).
 */
export interface SlotOutcome {
  outcome: 'sent' | 'refused' | 'unconfirmed';
  at: string;
  messageId: string | null;
  dossiers: number;
  reason?: string;
}

/**
 * The notifier's memory of each scan run: its manifest, the alerts received, and which emails went
 * out. Every write is idempotent, so a redelivered or split batch never mails twice.
 */
export interface AlertLedger {
  /** Writes the run's manifest (after its alerts). The run is not committed until `openRun`. */
  saveManifest(manifest: RunManifest): Promise<void>;
  /** Lists the run as open: a scan run's commit point, after its alerts and manifest, before any message is queued. */
  openRun(runId: string, startedAt: string): Promise<void>;
  /** Records a run's alerts: the scan before it commits the run, the notifier as they arrive (idempotent: one item per run, level and dossier). */
  recordAlerts(alerts: RunAlert[]): Promise<void>;
  loadRun(runId: string): Promise<AlertRunState>;
  /**
   * Takes a short lease on an email slot and counts the try: `busy` while another invocation
   * holds it; `exhausted` when `MAX_SEND_TRIES` leases of it ended without a word (each may have
   * been sent: SES takes no idempotency key), so it must not be sent again.
   */
  claimSlot(runId: string, slot: string, owner: string, untilMs: number): Promise<SlotClaim>;
  /** Gives the lease back after a send that definitely failed: that try is not counted. */
  releaseSlot(runId: string, slot: string, owner: string): Promise<void>;
  /** Records how a slot ended, once; false when it was already settled. */
  settleSlot(runId: string, slot: string, outcome: SlotOutcome): Promise<boolean>;
  /** Marks the run delivered and takes it off the open list. */
  closeRun(runId: string, at: string): Promise<void>;
  /**
   * Whether a scan run reached its commit point (`openRun`): listed open, or already delivered.
   * A run that did not can never be delivered: its claims may be taken over.
   */
  isCommitted(runId: string): Promise<boolean>;
  /** Takes an uncommitted run off the open list, if `openRun` went through after all (the scan's error path). */
  abandonRun(runId: string): Promise<void>;
  /** Runs opened and not yet closed (oldest first). */
  listOpenRuns(): Promise<{ runId: string; startedAt: string }[]>;
}

/** One email to one recipient. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends email (SES). Throws `MailRefusedError` when a retry cannot help; anything else is transient. */
export interface AlertMailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The mail service refused this email for good (unverified address, rejected content). */
export class MailRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailRefusedError';
  }
}

/**
 * What the scan and the daily digest need from the store beyond `DossierStore`: dossiers alerted
 * overdue stay findable (the digest lists every overdue open dossier) without a table scan.
 */
export interface OverdueIndex {
  /** Undoes a `markAlerted` claim (of `mark.runId`) whose run could not be committed: the next scan flags it again. */
  unmarkAlerted(key: string, level: AlertLevel, mark: AlertMark): Promise<void>;
  /**
   * Claims for `mark.runId` a dossier whose pending mark at `level` (same due date) belongs to run
   * `fromRunId`, which died before committing; false when that mark changed or the record did.
   */
  takeOverAlerted(key: string, version: string, level: AlertLevel, fromRunId: string, mark: AlertMark): Promise<boolean>;
  /**
   * Settles the pending mark of `runId` at `level` once its run is committed: the dossier goes out
   * of the scan's reach (overdue where the digest reads it, due soon where the scan reads it once
   * overdue) if its record is still `version`; else (a newer record indexed it) only the mark settles.
   */
  parkAlerted(key: string, version: string, level: AlertLevel, runId: string): Promise<void>;
  /**
   * Parks again an open dossier already alerted at `level` for its due date (a newer record put it
   * back among the pending ones): overdue where only the digest reads it, due soon where the scan
   * reads it once it is overdue.
   */
  keepAsAlerted(key: string, version: string, level: AlertLevel): Promise<void>;
  /** Open dossiers alerted overdue for their current due date (until a newer record moves or closes them). */
  listAlertedOverdue(): AsyncIterable<StoredDossier>;
}

// ---- Citizens' feedback (CONTRACT 3.6): a store of its own over the same table ----

/** A feedback item as the store holds it: the newest version, its deadline, its alert mark. */
export interface StoredFeedback {
  id: string; // MaPhanAnh
  item: FeedbackItem;
  /** The deadline the store indexed the item under: `HanXuLy`, or the computed one. */
  dueAt: string;
  /**
   * The overdue alert claimed (`pending`) or sent for `alert.dueAt` (a deadline moved since makes
   * it alertable again), or null.
   */
  alert: AlertMark | null;
}

/** A feedback item offered to the store together with its raw JSON. */
export interface OfferedFeedback {
  item: FeedbackItem;
  raw: unknown;
}

/**
 * The persistence port of feedback items. Every write is idempotent: offering the same thing twice
 * is harmless. The raw message goes through `DossierStore.saveRaw` (one raw log for every source).
 */
export interface FeedbackStore {
  /**
   * Offers items (newest `NgayCapNhat` wins; outcomes as CONTRACT 3.2): also registers each item's
   * ward, and links the item to the dossier it names (see `StoredDossier.feedback`).
   */
  offerFeedback(items: OfferedFeedback[]): Promise<Outcome[]>;
  /** One item by `MaPhanAnh`, or null. */
  getFeedback(id: string): Promise<StoredFeedback | null>;
  /**
   * Items whose `receivedAt` falls on the Vietnam-time dates [from, to] (YYYY-MM-DD), of one ward
   * (upper-case agency code), or of every ward of the registry when `ward` is absent.
   */
  listFeedbackReceived(from: string, to: string, ward?: string): AsyncIterable<StoredFeedback>;
  /**
   * Open items (status 1–3) due at or before `until` and not yet parked as alerted for their
   * deadline: never alerted for it, or claimed by a run that has not parked them yet.
   */
  listFeedbackDue(until: string): AsyncIterable<StoredFeedback>;
  /** Open items alerted overdue for their current deadline (the daily digest lists them). */
  listFeedbackAlerted(): AsyncIterable<StoredFeedback>;
  /**
   * Claims the item for `mark.dueAt` (a pending mark), provided it is still at `version`; false
   * when it already was marked for that deadline, or changed since. The item stays where the scan
   * read it until `parkFeedbackAlerted` (as `DossierStore.markAlerted`).
   */
  markFeedbackAlerted(id: string, version: string, mark: AlertMark): Promise<boolean>;
  /**
   * Claims for `mark.runId` an item whose pending mark (same deadline) belongs to run `fromRunId`,
   * which died before committing; false when that mark changed or the item did.
   */
  takeOverFeedbackAlerted(id: string, version: string, fromRunId: string, mark: AlertMark): Promise<boolean>;
  /**
   * Settles the pending mark of `runId` once its run is committed: the item goes out of the scan's
   * reach, where the digest reads it, if it is still `version`; else (a newer version indexed it)
   * only the mark settles.
   */
  parkFeedbackAlerted(id: string, version: string, runId: string): Promise<void>;
  /** Undoes a claim (of `mark.runId`) whose run could not be committed: the next scan flags the item again. */
  unmarkFeedbackAlerted(id: string, mark: AlertMark): Promise<void>;
  /** Parks again an item already alerted for its deadline that a newer version put back among the pending ones. */
  keepFeedbackAlerted(id: string, version: string): Promise<void>;
  /** Takes an item that can no longer be overdue out of the due index (the scan's clean-up). */
  dropFeedbackFromDue(id: string, version: string): Promise<void>;
}
