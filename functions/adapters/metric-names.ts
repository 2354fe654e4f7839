/**
 * The names of motcua's CloudWatch metrics, shared by the code that emits them
 * (`metrics.ts`) and the stack that alarms on them (`infra/api-stack.ts`). No imports: the CDK app
 * reads this file without loading Powertools.
 */

/** The CloudWatch namespace (also POWERTOOLS_METRICS_NAMESPACE of every function). */
export const METRICS_NAMESPACE = 'Motcua';

/** The value of the `service` dimension that every motcua metric carries. */
export const METRICS_SERVICE = 'motcua';

/**
 * Counts with no dimension but `service`, added during an invocation and written as one EMF line
 * when it ends.
 * - RecordsReceived / Applied / Duplicate / Stale: portal dossier records (DongBoHoSoMC), as the
 *   answer counts them; StepsReceived: progress steps (CapNhatTienDoHoSoMC).
 * - PaymentsReceived: authenticated, well-formed PayGov and VNPay messages stored (failed attempts
 *   included); PaymentsDuplicate: a transaction already stored; PaymentsFlagged: a new VNPay
 *   payment whose amount differs from the dossier's fee total (known only once the portal record
 *   has arrived; PayGov's amount is judged in the report).
 * - PostalEventsReceived: VNPost notifications stored.
 * - FeedbackReceived / Applied / Duplicate / Stale: feedback items (DongBoPhanAnhKienNghi), as the
 *   answer counts them; FeedbackFlagged: feedback items a scan newly flagged overdue;
 *   FeedbackOverdueOpen: a gauge, written by the daily digest: open items past their deadline.
 * - EmailsSent: emails SES accepted (alerts and the daily digest).
 * - OverdueOpen: a gauge, written by the daily digest only: the open dossiers past their
 *   appointment that morning (the digest reads the whole overdue set; the scan does not).
 */
export type CountMetric =
  | 'RecordsReceived'
  | 'RecordsApplied'
  | 'RecordsDuplicate'
  | 'RecordsStale'
  | 'StepsReceived'
  | 'PaymentsReceived'
  | 'PaymentsDuplicate'
  | 'PaymentsFlagged'
  | 'PostalEventsReceived'
  | 'FeedbackReceived'
  | 'FeedbackApplied'
  | 'FeedbackDuplicate'
  | 'FeedbackStale'
  | 'FeedbackFlagged'
  | 'FeedbackOverdueOpen'
  | 'EmailsSent'
  | 'OverdueOpen';

/**
 * `Rejected` (dimension `Reason`): a request answered with an error, by its contract error code
 * (bad_signature, invalid_payload, payload_too_large, invalid_request, not_found,
 * store_unavailable, queue_unavailable, internal) or the payment platforms' equivalents
 * (bad_checksum for PayGov's MaXacThuc, bad_signature, bad_order and invalid_payload for VNPay).
 */
export const REJECTED = 'Rejected';

/** `DossiersFlagged` (dimension `Level`: overdue / soon): dossiers newly flagged by a scan. */
export const DOSSIERS_FLAGGED = 'DossiersFlagged';
