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
 * Indexes (sparse):
 *   byDue       g1pk = DUE#<shard 0..7>, g1sk = <due instant UTC ISO>#<key>; only open dossiers
 *               (status 2, 4) with an alert still to send: the scan reads what is due, not the table.
 *               g1pk = OVD#<shard 0..7> (same sort key): open dossiers already alerted overdue for their
 *               current due date, parked where the scan does not read them and the daily digest does.
 *               g1pk = SOON#<shard 0..7> (same sort key): open dossiers alerted due soon for their
 *               current due date; the scan reads them only up to its clock (when they are overdue).
 *               A newer portal record moves the dossier back to DUE# (open) or out (closed).
 *   byReceived  g2pk = RCV#<agency code>#<yyyy-MM> (Vietnam time), g2sk = <receivedAt ISO>#<key>:
 *               the report reads the period's months of each ward, not the table.
 *   WARDS / <agency code>       the ward registry: one item per ward that sent a dossier record
 *   CONFIG / recipients         a province's alert recipients (`npm run recipients`)
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  byDue: { name: 'byDue', partitionKey: 'g1pk', sortKey: 'g1sk' },
  byReceived: { name: 'byReceived', partitionKey: 'g2pk', sortKey: 'g2sk' },
  dueShards: 8,
} as const;
