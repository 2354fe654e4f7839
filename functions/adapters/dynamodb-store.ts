/**
 * The DynamoDB implementation of the `DossierStore` port (one table, see `table-schema.ts`).
 *
 * dynalite (the local emulator) has no transactions, so every write is a single-item conditional
 * write that is safe to repeat:
 * - a portal record: one conditional UpdateItem of the dossier item (`ver < :ver`), no read first;
 *   its history item goes in a BatchWriteItem with the batch's others (25 per request);
 * - a step: a conditional PutItem of its own item (the key is its identity);
 * - a payment or postal event: a conditional SET of one attribute of the dossier item, named by the
 *   transaction or event id, so each is counted once however often it is delivered.
 * Reads happen only on the uncommon path (a condition failed: duplicate or stale?).
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { recordHash } from '../core/dossier';
import {
  StoreUnavailableError,
  type AlertLevel,
  type AlertMark,
  type DossierStore,
  type FeedbackLink,
  type OfferedRecord,
  type OverdueIndex,
  type RawMessage,
  type StoredDossier,
  type TallySink,
} from '../core/ports';
import { instantMs, vnDate } from '../core/time';
import { wardOf } from '../core/ward';
import { dossierKey, type DossierRecord, type Outcome, type Payment, type PostalEvent, type ProgressStep } from '../core/types';
import { claimMark, keepParked, parkMark, takeOverMark, unindex, unmarkMark } from './alert-mark-writes';
import { isConditionFailure, type RequestInput, sendChecked } from './dynamodb-limits';
import { rawItems } from './raw-items';
import { mapLimit, queryPages, receiptMonthQuery, wholeItems } from './dynamodb-reads';
import { forReports, PackBumps, readPack, readPackSummary } from './month-packs';
import { decodeRecord, encodeRecord } from './record-codec';
import {
  dueShard,
  FEEDBACK_LINK_PREFIX,
  type IndexGeneration,
  type IndexSpec,
  monthsBetween,
  readIndexes,
  TABLE,
  WARDS_PK,
} from './table-schema';

const BATCH_MAX = 25;
/** How many dossiers of one request are written at once. */
const WRITE_CONCURRENCY = 16;
const PAY_PREFIX = 'P#';
const POSTAL_PREFIX = 'E#';
const ALERT_ATTR = { overdue: 'alOverdue', soon: 'alSoon' } as const;
const OPEN_STATUSES = new Set([2, 4]);

/** Options of the store: the table, and how to compute a record's due date for the due index. */
export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The due date the scan will use (the portal's NgayHenTra or a computed one). */
  dueAt: (record: DossierRecord) => string | null;
  /** Clock for audit stamps (tests fix it). */
  now?: () => number;
  /** Which generation of the indexes to read (README, "Changing the indexes"); default v2. */
  indexes?: IndexGeneration;
  /** Whether reports read current month packs (default true; false: every dossier by index, as tests compare). */
  readPacks?: boolean;
}

type Item = Record<string, AttributeValue>;

/** Which counter a command adds to (instanceof: minified bundles rename classes). */
function writeOp(command: object): 'put' | 'update' | 'batch' | null {
  if (command instanceof PutItemCommand) return 'put';
  if (command instanceof UpdateItemCommand) return 'update';
  if (command instanceof BatchWriteItemCommand) return 'batch';
  return null;
}

const dossierPk = (key: string) => `D#${key}`;
const STATE_SK = 'A';

/** The DynamoDB `DossierStore`. */
/**
 * The writes of the dossier store, and the reads the ingest handlers make (a dossier by key, the
 * wards): all an ingest Lambda bundles (`DynamoDossierStore` adds the reports', the scan's and the
 * rebuild's, which it does not run).
 */
export class DynamoDossierWriter
  implements
    Pick<DossierStore, 'saveRaw' | 'offerRecords' | 'offerSteps' | 'offerPayment' | 'offerPostalEvent' | 'getDossier' | 'listWards'>
{
  protected readonly client: DynamoDBClient;
  protected readonly table: string;
  protected readonly dueOf: (record: DossierRecord) => string | null;
  protected readonly now: () => number;
  protected readonly indexes: Record<'due' | 'received', IndexSpec>;
  protected readonly readPacks: boolean;
  /** Write requests sent, by operation, and the write units they consumed: the benchmark reads them. */
  readonly writeRequests = { put: 0, update: 0, batch: 0 };
  consumedWriteUnits = 0;

  constructor(opts: DynamoStoreOptions) {
    this.client = opts.client;
    this.table = opts.tableName;
    this.dueOf = opts.dueAt;
    this.now = opts.now ?? Date.now;
    this.indexes = readIndexes(opts.indexes ?? 'v2');
    this.readPacks = opts.readPacks ?? true;
  }

  /**
   * Sends a command: what DynamoDB refuses for good becomes `StoreRefusedError`, what it cannot take
   * now `StoreUnavailableError` (`sendChecked`).
   */
  protected async send<T>(command: object): Promise<T> {
    const op = writeOp(command);
    if (op) {
      this.writeRequests[op]++;
      (command as { input: { ReturnConsumedCapacity?: string } }).input.ReturnConsumedCapacity = 'TOTAL';
    }
    const input = (command as { input: RequestInput }).input;
    const out = await sendChecked(`DynamoDB ${op ?? 'read'}`, input, () => this.client.send(command as never));
    const consumed = (out as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
    if (op) for (const c of [consumed ?? []].flat()) this.consumedWriteUnits += c.CapacityUnits ?? 0;
    return out as T;
  }

  /**
   * A conditional UpdateItem of the dossier item: true when it was written, false when its
   * condition failed (the answer the callers turn into duplicate, stale or "someone else did").
   */
  protected async updateDossierIf(
    key: string,
    input: Pick<
      ConstructorParameters<typeof UpdateItemCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    return (await this.updateDossierOrOld(key, input)).written;
  }

  /**
   * The same conditional UpdateItem, and when its condition failed, the item it was checked against
   * (DynamoDB returns it with `ReturnValuesOnConditionCheckFailure`, billed as the failed write
   * already is; `old` is undefined where the emulator does not return it).
   */
  protected async updateDossierOrOld(
    key: string,
    input: Pick<
      ConstructorParameters<typeof UpdateItemCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues' | 'ReturnValues'
    >,
  ): Promise<{ written: true; previous: Item | undefined } | { written: false; old: Item | undefined }> {
    try {
      const out = await this.send<{ Attributes?: Item }>(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: dossierPk(key) }, sk: { S: STATE_SK } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...input,
        }),
      );
      return { written: true, previous: out.Attributes };
    } catch (err) {
      if (isConditionFailure(err)) return { written: false, old: (err as { Item?: Item }).Item };
      throw err;
    }
  }

  /** BatchWriteItem with the retries of unprocessed items that the API asks for. */
  protected async batchWrite(all: WriteRequest[]): Promise<void> {
    for (let i = 0; i < all.length; i += BATCH_MAX) {
      let requests = all.slice(i, i + BATCH_MAX);
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 5) throw new StoreUnavailableError('DynamoDB left items unprocessed after retries');
        const out = await this.send<{ UnprocessedItems?: Record<string, WriteRequest[]> }>(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = out.UnprocessedItems?.[this.table] ?? [];
        if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async saveRaw(message: RawMessage): Promise<void> {
    const items = rawItems(message);
    if (items.length === 1) {
      await this.send(new PutItemCommand({ TableName: this.table, Item: items[0] }));
    } else {
      await this.batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
    }
  }

  /** Wards already in the registry, as far as this process knows (one write per ward and cold start). */
  private readonly registeredWards = new Set<string>();

  /**
   * Lists the wards of `records` in the ward registry (`WARDS / <agency code>`), with the receipt
   * months they have dossiers of (`months`: the packer's list), before any of their dossiers is
   * written, so a province-wide read never misses a ward. Idempotent: the first sighting is kept.
   * One write per ward and new month per process.
   */
  private async registerWards(records: OfferedRecord[]): Promise<void> {
    const fresh = new Map<string, Set<string>>();
    for (const { record } of records) {
      const ward = wardOf(record.code);
      const month = vnDate(record.receivedAt).slice(0, 7);
      if (this.registeredWards.has(`${ward}|${month}`)) continue;
      fresh.set(ward, (fresh.get(ward) ?? new Set()).add(month));
    }
    await mapLimit([...fresh], WRITE_CONCURRENCY, async ([ward, months]) => {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: WARDS_PK }, sk: { S: ward } },
          UpdateExpression: 'SET firstSeen = if_not_exists(firstSeen, :t) ADD months :m',
          ExpressionAttributeValues: { ':t': { S: new Date(this.now()).toISOString() }, ':m': { SS: [...months] } },
        }),
      );
      for (const month of months) this.registeredWards.add(`${ward}|${month}`);
    });
  }

  /** The receipt months of a ward's dossiers (the registry's `months`), in order. */
  async listWardMonths(ward: string): Promise<string[]> {
    const out = await this.send<{ Item?: Item }>(
      new GetItemCommand({ TableName: this.table, Key: { pk: { S: WARDS_PK }, sk: { S: ward } }, ProjectionExpression: 'months' }),
    );
    return [...(out.Item?.months?.SS ?? [])].sort();
  }

  /** Bumps the pack of the month `g2pk` names, when that month is old enough to be packed (`PackBumps`). */
  protected bumpPackOf(g2pk: string | undefined): Promise<void> {
    return this.bumps.bumpIfDue(g2pk, this.table, this.now(), (command) => this.send(command));
  }

  private readonly bumps = new PackBumps();

  async listWards(): Promise<string[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: WARDS_PK } },
      ProjectionExpression: 'sk',
    });
    return items.map((i) => i.sk.S as string).sort();
  }

  async offerRecords(records: OfferedRecord[]): Promise<Outcome[]> {
    await this.registerWards(records);
    // Versions of one dossier go in request order, so that the counts match an in-order delivery;
    // different dossiers go in parallel.
    const lanes = new Map<string, number[]>();
    records.forEach((r, i) => {
      const key = dossierKey(r.record.code);
      lanes.set(key, [...(lanes.get(key) ?? []), i]);
    });
    const outcomes = new Array<Outcome>(records.length);
    const hashes = records.map((r) => recordHash(r.record));
    await mapLimit([...lanes.values()], WRITE_CONCURRENCY, async (lane) => {
      for (const i of lane) outcomes[i] = await this.offerRecord(records[i].record, hashes[i]);
    });
    return outcomes;
  }

  private async offerRecord(record: DossierRecord, hash: string): Promise<Outcome> {
    const key = dossierKey(record.code);
    const due = this.dueOf(record);
    const seenAs = `${record.version}#${hash.slice(0, 16)}`;
    const values: Record<string, unknown> = {
      ':code': record.code,
      ':rz': encodeRecord(record),
      ':ver': record.version,
      ':seen': new Set([seenAs]),
      ':due': due,
      ':g2pk': receivedPk(wardOf(record.code), vnDate(record.receivedAt).slice(0, 7)),
      ':g2sk': `${record.receivedAt}#${key}`,
      ':g2k': key,
    };
    // The record compressed (`record-codec.ts`); `rec` and `hash` are what the release before wrote.
    let update = 'SET #c = :code, rz = :rz, #v = :ver, #d = :due, g2pk = :g2pk, g2sk = :g2sk, g2k = :g2k';
    let remove = ' REMOVE rec, #h';
    if (OPEN_STATUSES.has(record.status) && due) {
      update += ', g1pk = :g1pk, g1sk = :g1sk';
      values[':g1pk'] = duePk('DUE', key);
      values[':g1sk'] = dueSk(key, due);
    } else {
      remove += ', g1pk, g1sk';
    }
    // The versions seen (NgayCapNhat and content), so a late repeat of an older one is told apart
    // from a stale record without a history item per version: the raw log keeps the records.
    update += `${remove} ADD #s :seen`;
    const newer = await this.updateDossierOrOld(key, {
      ReturnValues: 'UPDATED_OLD',
      UpdateExpression: update,
      ConditionExpression: 'attribute_not_exists(#v) OR #v < :ver',
      // Every attribute by placeholder: `hash` is a reserved word, and others may become one.
      ExpressionAttributeNames: { '#c': 'code', '#v': 'ver', '#h': 'hash', '#d': 'dueAt', '#s': 'seen' },
      ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
    });
    if (newer.written) {
      // A month old enough to be packed: its pack is stale now, and that of the month the dossier
      // left if its receipt date moved (month-packs.ts).
      await this.bumpPackOf(values[':g2pk'] as string);
      const before = newer.previous?.g2pk?.S;
      if (before && before !== values[':g2pk']) await this.bumpPackOf(before);
      return 'applied';
    }
    // A repeat of a version whose process died before its bump (the portal retries what got no
    // answer) bumps it now; otherwise this changes nothing a pack holds.
    await this.bumpPackOf(newer.old?.g2pk?.S);
    // Not newer than what is stored: a version seen before (duplicate) or not (stale, and from now
    // on seen). The item the condition was checked against tells a duplicate with no other request;
    // otherwise one conditional write decides it, with no read.
    if (newer.old?.seen?.SS?.includes(seenAs)) return 'duplicate';
    const unseen = await this.updateDossierIf(key, {
      UpdateExpression: 'ADD #s :seen',
      ConditionExpression: 'attribute_exists(pk) AND NOT contains(#s, :one)',
      ExpressionAttributeNames: { '#s': 'seen' },
      ExpressionAttributeValues: { ':seen': { SS: [seenAs] }, ':one': { S: seenAs } },
    });
    return unseen ? 'stale' : 'duplicate';
  }

  async offerSteps(steps: ProgressStep[]): Promise<Outcome[]> {
    return mapLimit(steps, WRITE_CONCURRENCY, async (step) => {
      try {
        await this.send(
          new PutItemCommand({
            TableName: this.table,
            Item: marshall(
              { pk: dossierPk(dossierKey(step.code)), sk: `S#${step.atRaw}#${step.status}`, step },
              { removeUndefinedValues: true },
            ),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'applied' as const;
      } catch (err) {
        if (isConditionFailure(err)) return 'duplicate' as const;
        throw err;
      }
    });
  }

  /**
   * Sets one attribute of the dossier item unless it exists: the once-only write of an attachment.
   * Both ways (written, or there already) the dossier's month pack is bumped when it may be packed:
   * a repeat of a delivery whose process died before its bump bumps it then (month-packs.ts).
   */
  private async attachOnce(key: string, attr: string, value: unknown, code: string | null): Promise<Outcome> {
    const values: Record<string, unknown> = { ':v': value };
    let update = 'SET #a = :v';
    if (code) {
      update += ', #c = if_not_exists(#c, :code)';
      values[':code'] = code;
    }
    const out = await this.updateDossierOrOld(key, {
      ReturnValues: 'ALL_OLD',
      UpdateExpression: update,
      ConditionExpression: 'attribute_not_exists(#a)',
      ExpressionAttributeNames: code ? { '#a': attr, '#c': 'code' } : { '#a': attr },
      ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
    });
    await this.bumpPackOf((out.written ? out.previous : out.old)?.g2pk?.S);
    return out.written ? 'applied' : 'duplicate';
  }

  offerPayment(payment: Payment): Promise<Outcome> {
    return this.attachOnce(payment.key, `${PAY_PREFIX}${payment.source}#${payment.txId}`, payment, payment.code);
  }

  offerPostalEvent(event: PostalEvent): Promise<Outcome> {
    return this.attachOnce(dossierKey(event.code), `${POSTAL_PREFIX}${event.eventId}`, event, event.code);
  }

  async getDossier(key: string): Promise<{ dossier: StoredDossier; steps: ProgressStep[] } | null> {
    const [state, steps] = await Promise.all([
      this.send<{ Item?: Item }>(
        new GetItemCommand({ TableName: this.table, Key: { pk: { S: dossierPk(key) }, sk: { S: STATE_SK } }, ConsistentRead: true }),
      ),
      this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': { S: dossierPk(key) }, ':s': { S: 'S#' } },
        ConsistentRead: true,
      }),
    ]);
    if (!state.Item) return null;
    return {
      dossier: toStoredDossier(state.Item),
      steps: steps.map((i) => unmarshall(i).step as ProgressStep),
    };
  }

  /** Every item of a query, following the pages. */
  protected async queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    for await (const page of this.queryPages(input)) out.push(...page);
    return out;
  }

  protected queryPages(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): AsyncGenerator<Item[]> {
    return queryPages(input, this.table, (c) => this.send(c), this.countRead);
  }

  /** Items read by index queries and batch reads since the store was made: the benchmark reads it. */
  itemsRead = 0;

  /** Adds to `itemsRead`: what the reads report. */
  protected readonly countRead = (n: number): void => {
    this.itemsRead += n;
  };
}

/** The DynamoDB `DossierStore`: the writer, and the reads of the reports, the scan and the rebuild. */
export class DynamoDossierStore extends DynamoDossierWriter implements DossierStore, OverdueIndex {
  /** The whole items behind a page of the receipt index (`wholeItems`). */
  private wholeItems(page: Item[]): Promise<Item[]> {
    return wholeItems(page, this.indexes.received, this.table, (c) => this.send(c), this.countRead);
  }

  async *listReceived(from: string, to: string, ward?: string): AsyncIterable<StoredDossier> {
    const wards = ward === undefined ? await this.listWards() : [ward];
    for (const w of wards) yield* this.listReceivedInWard(from, to, w);
  }

  private async *listReceivedInWard(from: string, to: string, ward: string): AsyncIterable<StoredDossier> {
    for (const month of monthsBetween(from, to)) yield* this.listReceivedInMonth(from, to, ward, month);
  }

  /** The dossiers of one ward-month received on [from, to]: from its pack when current, else by index. */
  private async *listReceivedInMonth(from: string, to: string, ward: string, month: string): AsyncIterable<StoredDossier> {
    const packed = !this.readPacks ? null : await readPack((c) => this.send(c), this.table, ward, month, this.countRead);
    if (!packed) {
      yield* this.listReceivedByIndex(from, to, ward, month);
      return;
    }
    for (const d of packed) {
      const day = d.record ? vnDate(d.record.receivedAt) : '';
      if (day >= from && day <= to) yield d;
    }
  }

  /**
   * The supervision report's shorter way (`DossierStore.tallyReceived`): a month with a current
   * pack adds its summary (the states of the days in the period, then its open dossiers, month-packs.ts)
   * without reading its dossiers; any other month adds what `listReceived` yields (a month with no
   * current pack straight from the index). The heads of the period's months are read at once.
   */
  async tallyReceived(tally: TallySink, from: string, to: string, ward: string): Promise<number> {
    const months = monthsBetween(from, to);
    const heads = this.readPacks
      ? await mapLimit(months, WRITE_CONCURRENCY, (month) => readPackSummary((c) => this.send(c), this.table, ward, month, this.countRead))
      : months.map(() => ({ current: false, summary: null }));
    let counted = 0;
    for (const [i, month] of months.entries()) {
      const { current, summary } = heads[i];
      if (!summary) {
        // No current pack: the index, without reading the head again; a current one too large to
        // keep a summary: its body.
        const dossiers = current ? this.listReceivedInMonth(from, to, ward, month) : this.listReceivedByIndex(from, to, ward, month);
        for await (const d of dossiers) {
          tally.add(d);
          counted++;
        }
        continue;
      }
      for (const [day, state] of Object.entries(summary.days)) {
        if (day < from || day > to) continue;
        tally.addState(state);
        counted += state.received.total;
      }
      for (const d of summary.open) {
        tally.add(d);
        counted++;
      }
    }
    return counted;
  }

  /** The dossiers of one ward-month received on the Vietnam dates [from, to], through the receipt index. */
  async *listReceivedByIndex(from: string, to: string, ward: string, month: string): AsyncIterable<StoredDossier> {
    for await (const page of this.queryPages(receiptMonthQuery(this.indexes.received, receivedPk(ward, month), from, to))) {
      for (const item of await this.wholeItems(page)) {
        const d = toStoredDossier(item);
        const day = d.record ? vnDate(d.record.receivedAt) : '';
        if (day >= from && day <= to) yield forReports(d);
      }
    }
  }

  async *listDueBy(until: string, soonUntil: string = until): AsyncIterable<StoredDossier> {
    yield* this.listDuePartitions('DUE', until);
    yield* this.listDuePartitions('SOON', soonUntil);
  }

  /** The dossiers of the due index's `<prefix>#<shard>` partitions, every shard, due by `upTo` if given. */
  private async *listDuePartitions(prefix: DuePrefix, upTo?: string): AsyncIterable<StoredDossier> {
    const bound = upTo === undefined ? null : `${new Date(instantMs(upTo)).toISOString()}#\uffff`;
    for (let shard = 0; shard < TABLE.dueShards; shard++) {
      for await (const page of this.queryPages({
        IndexName: this.indexes.due.name,
        KeyConditionExpression: bound === null ? 'g1pk = :p' : 'g1pk = :p AND g1sk <= :u',
        ExpressionAttributeValues: { ':p': { S: `${prefix}#${shard}` }, ...(bound === null ? {} : { ':u': { S: bound } }) },
      })) {
        for (const item of page) yield toStoredDossier(item);
      }
    }
  }

  async markAlerted(key: string, version: string, level: 'overdue' | 'soon', mark: AlertMark): Promise<boolean> {
    // The dossier stays in the partition the scan read it from (due, or due soon when now overdue)
    // until its run is committed and `parkAlerted` moves it: a scan after a crash finds the claim.
    return this.updateDossierIf(key, claimMark(ALERT_ATTR[level], version, mark));
  }

  async dropFromDueIndex(key: string, version: string): Promise<void> {
    // A failed condition means a newer record re-indexed the dossier itself: leave it.
    await this.updateDossierIf(key, unindex(version));
  }

  // ---- OverdueIndex: alerted-overdue dossiers stay findable for the daily digest ----

  async unmarkAlerted(key: string, level: 'overdue' | 'soon', mark: AlertMark): Promise<void> {
    await this.updateDossierIf(key, unmarkMark(ALERT_ATTR[level], mark));
  }

  async takeOverAlerted(key: string, version: string, level: AlertLevel, fromRunId: string, mark: AlertMark): Promise<boolean> {
    return this.updateDossierIf(key, takeOverMark(ALERT_ATTR[level], version, fromRunId, mark));
  }

  async parkAlerted(key: string, version: string, level: AlertLevel, runId: string): Promise<void> {
    // Where `keepAsAlerted` would put it: overdue where the digest reads it, due soon where the scan reads it once overdue.
    await parkMark((write) => this.updateDossierIf(key, write), ALERT_ATTR[level], version, runId, parkedPk(key, level));
  }

  async keepAsAlerted(key: string, version: string, level: AlertLevel): Promise<void> {
    // A failed condition means a newer record re-indexed the dossier itself: leave it.
    await this.updateDossierIf(key, keepParked(version, parkedPk(key, level)));
  }

  async *listAlertedOverdue(): AsyncIterable<StoredDossier> {
    yield* this.listDuePartitions('OVD');
  }

  // ---- Rebuild from the raw log (`functions/cli/rebuild-dossier.ts`) ----

  /**
   * Replaces the dossier item by one holding only its code and the alert marks `alerts`, provided
   * the stored marks are still those (false otherwise: a scan marked it since they were read). The
   * rebuild's first write: the marks survive it, so no alert is sent twice while the item refills.
   */
  async resetDossierItem(key: string, code: string, alerts: StoredDossier['alerts'], feedback: FeedbackLink[] = []): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions: string[] = [];
    const item: Record<string, unknown> = { pk: dossierPk(key), sk: STATE_SK, code };
    // The feedback items naming the dossier are not in the portal's raw messages: they are kept.
    for (const link of feedback) item[`${FEEDBACK_LINK_PREFIX}${link.id}`] = link;
    for (const level of ['overdue', 'soon'] as const) {
      const attr = ALERT_ATTR[level];
      const mark = alerts[level];
      names[`#${level}`] = attr;
      if (!mark) {
        conditions.push(`attribute_not_exists(#${level})`);
        continue;
      }
      item[attr] = mark;
      Object.assign(names, { '#due': 'dueAt', '#at': 'at', '#pending': 'pending' });
      Object.assign(values, { [`:${level}Due`]: mark.dueAt, [`:${level}At`]: mark.at });
      const same = [`#${level}.#due = :${level}Due`, `#${level}.#at = :${level}At`];
      // Pending or settled as read: a run that parked it meanwhile must not see its mark pending again.
      if (mark.pending) {
        values[':true'] = true;
        same.push(`#${level}.#pending = :true`);
      } else {
        same.push(`attribute_not_exists(#${level}.#pending)`);
      }
      if (mark.runId) {
        names['#run'] = 'runId';
        values[`:${level}Run`] = mark.runId;
        same.push(`#${level}.#run = :${level}Run`);
      }
      conditions.push(`(${same.join(' AND ')})`);
    }
    try {
      await this.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: marshall(values) } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** A dossier's progress steps, also while its dossier item is missing (`getDossier` is null then). */
  async listSteps(key: string): Promise<ProgressStep[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': { S: dossierPk(key) }, ':s': { S: 'S#' } },
      ConsistentRead: true,
    });
    return items.map((i) => unmarshall(i).step as ProgressStep);
  }

  /** Deletes progress step items (a rebuild drops those no raw message backs, or that differ from it). */
  async deleteSteps(steps: ProgressStep[]): Promise<void> {
    await this.batchWrite(
      steps.map((step) => ({
        DeleteRequest: { Key: { pk: { S: dossierPk(dossierKey(step.code)) }, sk: { S: `S#${step.atRaw}#${step.status}` } } },
      })),
    );
  }
}

/** The byReceived partition of a ward's month (yyyy-MM, Vietnam time). */
function receivedPk(ward: string, month: string): string {
  return `RCV#${ward}#${month}`;
}

/** The partitions of the due index: pending alerts, alerted due soon, alerted overdue. */
type DuePrefix = 'DUE' | 'SOON' | 'OVD';

/** A dossier's partition of the due index under `prefix` (its shard is the same under every prefix). */
function duePk(prefix: DuePrefix, key: string): string {
  return `${prefix}#${dueShard(key)}`;
}

/** Where a dossier alerted at `level` waits in the due index. */
function parkedPk(key: string, level: AlertLevel): string {
  return duePk(level === 'overdue' ? 'OVD' : 'SOON', key);
}

/** The due index sort key: the due instant in UTC ISO (sorts as text), then the key. */
function dueSk(key: string, dueIso: string): string {
  return `${new Date(instantMs(dueIso)).toISOString()}#${key}`;
}

/** Turns the dossier item into the port's shape. */
export function toStoredDossier(item: Item): StoredDossier {
  const plain = unmarshall(item);
  // The compressed record (`rz`), or the map the release before wrote (`rec`).
  const record: DossierRecord | null = plain.rz ? decodeRecord(plain.rz as Uint8Array) : ((plain.rec as DossierRecord) ?? null);
  const payments: Payment[] = [];
  const postal: PostalEvent[] = [];
  const feedback: FeedbackLink[] = [];
  for (const [name, value] of Object.entries(plain)) {
    if (name.startsWith(PAY_PREFIX)) payments.push(value as Payment);
    else if (name.startsWith(POSTAL_PREFIX)) postal.push(value as PostalEvent);
    else if (name.startsWith(FEEDBACK_LINK_PREFIX)) {
      // A link names its item and ward (the feedback store writes them so); anything else is skipped.
      const link = value as Partial<FeedbackLink> | null;
      if (typeof link?.id === 'string' && typeof link.ward === 'string') feedback.push(link as FeedbackLink);
    }
  }
  const key = String(plain.pk).slice(2);
  return {
    key,
    code: plain.code ?? record?.code ?? key,
    dueAt: plain.dueAt ?? null,
    record,
    payments: payments.sort((a, b) => a.at.localeCompare(b.at) || a.txId.localeCompare(b.txId)),
    postal: postal.sort((a, b) => instantMs(a.occurredAt) - instantMs(b.occurredAt) || a.eventId.localeCompare(b.eventId)),
    alerts: { overdue: plain[ALERT_ATTR.overdue] ?? null, soon: plain[ALERT_ATTR.soon] ?? null },
    feedback: feedback.sort((a, b) => a.id.localeCompare(b.id)),
  };
}
