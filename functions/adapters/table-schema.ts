/**
 * The one DynamoDB table: key and index names shared by the CDK stack, the local stack's table
 * creation and the store adapter. Changing a name here is a data migration: a test pins them.
 *
 * Items (pk / sk):
 *   D#<key> / A                 the dossier: newest portal record, the versions seen (`seen`),
 *                               payments (P#…), postal events (E#…), alert marks
 *   D#<key> / S#<at>#<status>   one progress step (timeline)
 *   RAW#<yyyy-MM-dd> / <iso>#<deliveryId>#<chunk>   an inbound message as received (gzip, chunked)
 *   RUN#<runId> / M | A#… | L#… | S#…   an alert scan run: manifest, alerts received, email leases,
 *                               emails settled (the alert ledger, `dynamodb-alert-ledger.ts`)
 *   ALERTRUNS#OPEN / <runId>    alert runs whose emails are not all settled yet
 *   F#<MaPhanAnh> / A           a feedback item (`dynamodb-feedback-store.ts`): newest version (`rec`,
 *                               `ver`, `hash`), versions seen (`seen`), deadline (`dueAt`), alert mark,
 *                               the dossier its link is on (`link`)
 *   D#<key> / A, attribute F#<MaPhanAnh>   a feedback item naming the dossier: {id, ward, version}
 * Indexes (sparse):
 *   byDue       g1pk = DUE#<shard 0..7>, g1sk = <due instant UTC ISO>#<key>; only open dossiers
 *               (status 2, 4) with an alert still to send: the scan reads what is due, not the table.
 *               g1pk = OVD#<shard 0..7> (same sort key): open dossiers already alerted overdue for their
 *               current due date, parked where the scan does not read them and the daily digest does.
 *               g1pk = SOON#<shard 0..7> (same sort key): open dossiers alerted due soon for their
 *               current due date; the scan reads them only up to its clock (when they are overdue).
 *               A newer portal record moves the dossier back to DUE# (open) or out (closed).
 *               g1pk = FBDUE#<shard> / FBOVD#<shard>, g1sk = <deadline UTC ISO>#<MaPhanAnh>: open feedback
 *               items not yet alerted for their deadline (the scan reads them up to its clock) / alerted
 *               (the daily digest reads them).
 *   byReceived  g2pk = RCV#<agency code>#<yyyy-MM> (Vietnam time), g2sk = <receivedAt ISO>#<key>:
 *               the report reads the period's months of each ward, not the table.
 *               g2pk = FBR#<agency code>#<yyyy-MM>, g2sk = <receivedAt ISO>#<MaPhanAnh>: feedback items.
 *   WARDS / <agency code>       the ward registry: one item per ward that sent a dossier record or a
 *                               feedback item
 *   CONFIG / recipients         a province's alert recipients (`npm run recipients`)
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  byDue: { name: 'byDue', partitionKey: 'g1pk', sortKey: 'g1sk' },
  byReceived: { name: 'byReceived', partitionKey: 'g2pk', sortKey: 'g2sk' },
  dueShards: 8,
} as const;

/** An index's projection: everything, its keys only, or its keys and the attributes named. */
export type Projection = { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };

/** A global secondary index of the table. */
export interface IndexSpec {
  name: string;
  partitionKey: string;
  sortKey: string;
  projection: Projection;
}

/**
 * The indexes of the second generation (README, "Changing the indexes"):
 * - byDueDate projects what the scans and the digest read of an item (the record, its version, due
 *   date and alert marks, a feedback item's too), and nothing a payment or a postal event writes:
 *   those attach to the dossier item without touching the index.
 * - byReceiptMonth projects the keys only, sorted by the dossier key (`g2k`): a record version
 *   rewrites no index entry unless its receipt month changes; reports read closed months from month
 *   packs and the rest by key. Items the release before wrote have no `g2k` until the backfill
 *   (`npm run backfill-month-index`) gives it to them: step 2 of INDEX_STEPS.
 */
export const INDEXES_V2 = {
  due: {
    name: 'byDueDate',
    partitionKey: TABLE.byDue.partitionKey,
    sortKey: TABLE.byDue.sortKey,
    projection: { type: 'INCLUDE', attributes: ['code', 'rz', 'rec', 'ver', 'dueAt', 'alOverdue', 'alSoon', 'alFeedback'] },
  },
  received: {
    name: 'byReceiptMonth',
    partitionKey: TABLE.byReceived.partitionKey,
    // The dossier key (or MaPhanAnh) alone: a record whose receipt time moves within its month
    // rewrites no index entry (with the receipt time in the sort key it was a delete and a put).
    sortKey: 'g2k',
    projection: { type: 'KEYS_ONLY' },
  },
} as const satisfies Record<'due' | 'received', IndexSpec>;

/** The indexes of the first generation (projection ALL), read until the second one is built. */
export const INDEXES_V1 = {
  due: { ...TABLE.byDue, projection: { type: 'ALL' } },
  received: { ...TABLE.byReceived, projection: { type: 'ALL' } },
} as const satisfies Record<'due' | 'received', IndexSpec>;

/** Which generation of the indexes the code reads: `v2` unless the deployment says `v1` (READ_INDEXES). */
export type IndexGeneration = 'v1' | 'v2';

/** The indexes the code reads in `generation`. */
export function readIndexes(generation: IndexGeneration): Record<'due' | 'received', IndexSpec> {
  return generation === 'v1' ? INDEXES_V1 : INDEXES_V2;
}

/**
 * The steps from the first generation of indexes to the second, one deploy each: CloudFormation
 * creates or deletes one global secondary index per table update. Each step lists the indexes the
 * table has and the generation the functions read. A new table starts at the last step.
 */
export const INDEX_STEPS: readonly { indexes: readonly IndexSpec[]; read: IndexGeneration }[] = [
  // 0: the release before (the functions of this release read the same).
  { indexes: [INDEXES_V1.due, INDEXES_V1.received], read: 'v1' },
  // 1, 2: the new indexes are added, one per deploy. DynamoDB fills byDueDate from the items there
  // (the same keys as byDue); byReceiptMonth gets the items the backfill gives a `g2k` after step 2.
  { indexes: [INDEXES_V1.due, INDEXES_V1.received, INDEXES_V2.due], read: 'v1' },
  { indexes: [INDEXES_V1.due, INDEXES_V1.received, INDEXES_V2.due, INDEXES_V2.received], read: 'v1' },
  // 3: the functions read the new ones (CloudFormation finished the previous step only once they were ACTIVE).
  { indexes: [INDEXES_V1.due, INDEXES_V1.received, INDEXES_V2.due, INDEXES_V2.received], read: 'v2' },
  // 4, 5: the old ones go, one per deploy, once nothing reads them.
  { indexes: [INDEXES_V1.received, INDEXES_V2.due, INDEXES_V2.received], read: 'v2' },
  { indexes: [INDEXES_V2.due, INDEXES_V2.received], read: 'v2' },
];

/** The last step: where a new deployment and the local stack start. */
export const FINAL_INDEX_STEP = INDEX_STEPS.length - 1;

/** The attribute of a dossier item that links a feedback item to it: `F#<MaPhanAnh>`. */
export const FEEDBACK_LINK_PREFIX = 'F#';

/** The partition of the ward registry: one item per agency code seen (sk). */
export const WARDS_PK = 'WARDS';

/** Spreads a due index over `TABLE.dueShards` partitions so that no single one runs hot at province scale. */
export function dueShard(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h % TABLE.dueShards;
}

/** Months (`yyyy-MM`) covered by the Vietnam-time dates [from, to]: the byReceived partitions of a period. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number);
  const [ty, tm] = to.slice(0, 7).split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
