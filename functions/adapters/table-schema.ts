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
