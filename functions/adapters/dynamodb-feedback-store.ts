/**
 * The DynamoDB `FeedbackStore` (CONTRACT 3.6): feedback items in the one table, beside the
 * dossiers (keys and index names from `table-schema.ts`).
 *
 * Writes, each a single-item conditional write that is safe to repeat (no transactions):
 * - a version of an item: one conditional UpdateItem of `F#<MaPhanAnh> / A`
 *   (`attribute_not_exists(ver) OR ver < :ver`, which also adds the version to `seen`), no read
 *   first; `ReturnValues: ALL_OLD` hands back the version it replaced on the same request. A
 *   version not newer costs one more conditional write (`ADD seen` unless present): duplicate or stale.
 * - the link to the dossier the item names (`MaHoSo`): the attribute `F#<MaPhanAnh>` of the
 *   dossier item `D#<key> / A` = {id, ward, version}, written by each applied version that names a
 *   dossier: SET on that dossier (created under its key if the portal has not sent it yet, as
 *   payments are), REMOVE on the one the previous version named if another, then the item records
 *   where its link now is (`link`). Each step is conditional on versions (a link only yields to a
 *   newer version), so racing deliveries converge; a crash in between is repaired when the sender
 *   retries: the retry is a duplicate, and a duplicate re-checks the link (one GetItem). Feedback
 *   is a few items a month per ward: the up to three extra writes per version cost next to nothing.
 * - the ward registry (`WARDS / <agency code>`), once per ward and container, before its items.
 *
 * Indexes: `byReceived` (`FBR#<ward>#<yyyy-MM>`: the report reads a period's months) and `byDue`
 * (`FBDUE#<shard>` for open items not yet alerted for their deadline, read by the scan up to its
 * clock; `FBOVD#<shard>` once alerted, read by the daily digest). A closed item leaves `byDue`.
 *
 * The scan's claim writes are the dossier store's (both use `alert-mark-writes.ts`), on the one mark
 * `alFeedback`: a claim marks the item `pending` with its run and leaves it in `FBDUE#`; the park
 * (conditional on the mark's run) moves it to `FBOVD#` and settles the mark; a take-over replaces
 * a dead run's pending mark (conditional on that run). A mark without `runId` (written before
 * claims could be recovered, when the claim itself moved the item) is settled.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  type QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { feedbackDueAt, feedbackHash, isOpenFeedback, seenAs, type FeedbackItem } from '../core/feedback';
import {
  StoreUnavailableError,
  type AlertMark,
  type FeedbackStore,
  type OfferedFeedback,
  type RawMessage,
  type StoredFeedback,
} from '../core/ports';
import { instantMs, vnDate } from '../core/time';
import { dossierKey, type Outcome } from '../core/types';
import { rawItems } from './raw-items';
import {
  dueShard,
  FEEDBACK_LINK_PREFIX,
  monthsBetween,
  TABLE,
  WARDS_PK,
  type IndexGeneration,
  type IndexSpec,
  readIndexes,
} from './table-schema';
import { mapLimit, queryPages, receiptMonthQuery, wholeItems } from './dynamodb-reads';
import { PackBumps } from './month-packs';
import { type ApplyMarkWrite, claimMark, keepParked, parkMark, takeOverMark, unindex, unmarkMark } from './alert-mark-writes';
import { isConditionFailure, type RequestInput, sendChecked } from './dynamodb-limits';

/** Items of one request written at once. */
const WRITE_CONCURRENCY = 16;
const STATE_SK = 'A';
const ALERT_ATTR = 'alFeedback';

type Item = Record<string, AttributeValue>;
type UpdateInput = ConstructorParameters<typeof UpdateItemCommand>[0];

const itemPk = (id: string) => `F#${id}`;
const dossierPk = (key: string) => `D#${key}`;

/** The byReceived partition of a ward's month (yyyy-MM, Vietnam time). */
const receivedPk = (ward: string, month: string) => `FBR#${ward}#${month}`;
/** The due index partitions: pending alerts, alerted overdue. */
type DuePrefix = 'FBDUE' | 'FBOVD';
const duePk = (prefix: DuePrefix, id: string) => `${prefix}#${dueShard(id)}`;
/** The due index sort key: the deadline in UTC ISO (sorts as text), then the id. */
const dueSk = (id: string, dueIso: string) => `${new Date(instantMs(dueIso)).toISOString()}#${id}`;

/** Where an item's dossier link is: the dossier key and the ward the link carries. */
interface LinkPlace {
  key: string;
  ward: string;
}

/** Options of the store. */
export interface DynamoFeedbackStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Clock for audit stamps (tests fix it). */
  now?: () => number;
  /** Which generation of the indexes to read (README, "Changing the indexes"); default v2. */
  indexes?: IndexGeneration;
}

/** The DynamoDB `FeedbackStore`. */
export class DynamoFeedbackStore implements FeedbackStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly now: () => number;
  /** Items read by queries since the store was made: the benchmark reads it. */
  itemsRead = 0;
  /** Write requests sent: the benchmark reads it. */
  writeRequests = 0;

  private readonly indexes: Record<'due' | 'received', IndexSpec>;

  constructor(opts: DynamoFeedbackStoreOptions) {
    this.client = opts.client;
    this.table = opts.tableName;
    this.now = opts.now ?? Date.now;
    this.indexes = readIndexes(opts.indexes ?? 'v2');
  }

  /** Sends a command: a refusal for good is `StoreRefusedError`, an outage `StoreUnavailableError` (`sendChecked`). */
  private async send<T>(command: object): Promise<T> {
    if (command instanceof UpdateItemCommand || command instanceof BatchWriteItemCommand) this.writeRequests++;
    return sendChecked(
      'DynamoDB (feedback)',
      (command as { input: RequestInput }).input,
      () => this.client.send(command as never) as Promise<T>,
    );
  }

  /** A conditional UpdateItem: the old item (ALL_OLD) when written, null when its condition failed. */
  private async updateIf(pk: string, input: Omit<UpdateInput, 'TableName' | 'Key'>): Promise<Item | null> {
    try {
      const out = await this.send<{ Attributes?: Item }>(
        new UpdateItemCommand({ TableName: this.table, Key: { pk: { S: pk }, sk: { S: STATE_SK } }, ...input }),
      );
      return out.Attributes ?? {};
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }

  /**
   * Keeps a message as received in the raw log shared by every source (the same items the dossier
   * store writes): the feedback webhook then bundles this store alone.
   */
  async saveRaw(message: RawMessage): Promise<void> {
    const items = rawItems(message);
    for (let i = 0; i < items.length; i += 25) {
      let requests: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 5) throw new StoreUnavailableError('DynamoDB left raw message chunks unprocessed after retries');
        const out = await this.send<{ UnprocessedItems?: Record<string, WriteRequest[]> }>(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = out.UnprocessedItems?.[this.table] ?? [];
        if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  /** Wards already in the registry, as far as this process knows (one write per ward and cold start). */
  private readonly registeredWards = new Set<string>();

  /** Lists the items' wards in the ward registry before any of their items is written (idempotent). */
  private async registerWards(items: OfferedFeedback[]): Promise<void> {
    const fresh = [...new Set(items.map((o) => o.item.ward))].filter((w) => !this.registeredWards.has(w));
    await mapLimit(fresh, WRITE_CONCURRENCY, async (ward) => {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: WARDS_PK }, sk: { S: ward } },
          UpdateExpression: 'SET firstSeen = if_not_exists(firstSeen, :t)',
          ExpressionAttributeValues: { ':t': { S: new Date(this.now()).toISOString() } },
        }),
      );
      this.registeredWards.add(ward);
    });
  }

  async offerFeedback(items: OfferedFeedback[]): Promise<Outcome[]> {
    await this.registerWards(items);
    // Versions of one item go in request order (the counts then match an in-order delivery);
    // different items go in parallel.
    const lanes = new Map<string, number[]>();
    items.forEach((o, i) => {
      lanes.set(o.item.id, [...(lanes.get(o.item.id) ?? []), i]);
    });
    const outcomes = new Array<Outcome>(items.length);
    await mapLimit([...lanes.values()], WRITE_CONCURRENCY, async (lane) => {
      for (const i of lane) outcomes[i] = await this.offerOne(items[i].item);
    });
    return outcomes;
  }

  private async offerOne(item: FeedbackItem): Promise<Outcome> {
    const hash = feedbackHash(item);
    const seen = seenAs(item, hash);
    const due = feedbackDueAt(item);
    const values: Record<string, unknown> = {
      ':id': item.id,
      ':rec': item,
      ':ver': item.version,
      ':hash': hash,
      ':seen': new Set([seen]),
      ':due': due,
      ':ward': item.ward,
      ':g2pk': receivedPk(item.ward, vnDate(item.receivedAt).slice(0, 7)),
      ':g2sk': `${item.receivedAt}#${item.id}`,
      ':g2k': item.id,
    };
    let update = 'SET #i = :id, #r = :rec, #v = :ver, #h = :hash, #d = :due, #w = :ward, g2pk = :g2pk, g2sk = :g2sk, g2k = :g2k';
    let remove = '';
    if (isOpenFeedback(item.status)) {
      update += ', g1pk = :g1pk, g1sk = :g1sk';
      values[':g1pk'] = duePk('FBDUE', item.id);
      values[':g1sk'] = dueSk(item.id, due);
    } else {
      remove = ' REMOVE g1pk, g1sk';
    }
    const old = await this.updateIf(itemPk(item.id), {
      UpdateExpression: `${update}${remove} ADD #s :seen`,
      ConditionExpression: 'attribute_not_exists(#v) OR #v < :ver',
      ExpressionAttributeNames: { '#i': 'id', '#r': 'rec', '#v': 'ver', '#h': 'hash', '#d': 'dueAt', '#w': 'ward', '#s': 'seen' },
      ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
      ReturnValues: 'ALL_OLD',
    });
    if (old) {
      await this.relink(item, linkOf(old));
      return 'applied';
    }
    // Not newer than what is stored: seen before (duplicate) or not (stale, and from now on seen).
    const unseen = await this.updateIf(itemPk(item.id), {
      UpdateExpression: 'ADD #s :seen',
      ConditionExpression: 'attribute_exists(pk) AND NOT contains(#s, :one)',
      ExpressionAttributeNames: { '#s': 'seen' },
      ExpressionAttributeValues: { ':seen': { SS: [seen] }, ':one': { S: seen } },
    });
    if (unseen) return 'stale';
    await this.repairLink(item.id);
    return 'duplicate';
  }

  /**
   * Puts the item's dossier link where its newest version `item` says (`from`: where it was): the
   * link carries the version that wrote it, so it is rewritten by every version naming a dossier
   * (the state then does not depend on the order of delivery). Nothing to do when neither the old
   * nor the new version names one.
   */
  private async relink(item: FeedbackItem, from: LinkPlace | null): Promise<void> {
    const to: LinkPlace | null = item.dossierCode ? { key: dossierKey(item.dossierCode), ward: item.ward } : null;
    if (!from && !to) return;
    const attr = `${FEEDBACK_LINK_PREFIX}${item.id}`;
    const names = { '#f': attr, '#fv': 'version' };
    if (to) {
      // Created under the dossier's key if the portal has not sent it yet; `code` as a payment sets it.
      const linked = await this.updateIf(dossierPk(to.key), {
        ReturnValues: 'ALL_OLD',
        UpdateExpression: 'SET #f = :link, #c = if_not_exists(#c, :code)',
        ConditionExpression: 'attribute_not_exists(#f) OR #f.#fv <= :ver',
        ExpressionAttributeNames: { ...names, '#c': 'code' },
        ExpressionAttributeValues: marshall({
          ':link': { id: item.id, ward: item.ward, version: item.version },
          ':ver': item.version,
          ':code': item.dossierCode,
        }),
      });
      await this.bumpPackOf(linked);
    }
    if (from && from.key !== to?.key) {
      // Only a link an older version wrote: a newer one naming that dossier keeps it.
      const unlinked = await this.updateIf(dossierPk(from.key), {
        ReturnValues: 'ALL_OLD',
        UpdateExpression: 'REMOVE #f',
        ConditionExpression: '#f.#fv < :ver',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall({ ':ver': item.version }),
      });
      await this.bumpPackOf(unlinked);
    }
    // Also when the place is the same: the condition tells whether a newer version took over meanwhile.
    const recorded = await this.updateIf(itemPk(item.id), {
      UpdateExpression: to ? 'SET #l = :to' : 'REMOVE #l',
      ConditionExpression: '#v = :ver',
      ExpressionAttributeNames: { '#l': 'link', '#v': 'ver' },
      ExpressionAttributeValues: marshall(to ? { ':ver': item.version, ':to': to } : { ':ver': item.version }),
    });
    if (!recorded && to) {
      // A newer version took over meanwhile and links from what it saw: take back our own link,
      // unless that newer version wrote the same one since.
      await this.updateIf(dossierPk(to.key), {
        UpdateExpression: 'REMOVE #f',
        ConditionExpression: '#f.#fv = :ver',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall({ ':ver': item.version }),
      });
    }
  }

  /**
   * A dossier's links are in the reports (the scorecard's MDHL.3): when the dossier's month may be
   * packed, a link written or removed makes its pack stale (month-packs.ts). `dossier`: the item
   * before the write (null when the condition failed: nothing changed).
   */
  private bumpPackOf(dossier: Item | null): Promise<void> {
    return this.bumps.bumpIfDue(dossier?.g2pk?.S, this.table, this.now(), (command) => this.send(command));
  }

  private readonly bumps = new PackBumps();

  /** After a duplicate (a sender's retry): finishes a link move a crash may have cut short. */
  private async repairLink(id: string): Promise<void> {
    const out = await this.send<{ Item?: Item }>(
      new GetItemCommand({ TableName: this.table, Key: { pk: { S: itemPk(id) }, sk: { S: STATE_SK } }, ConsistentRead: true }),
    );
    if (!out.Item) return;
    const item = unmarshall(out.Item).rec as FeedbackItem;
    const recorded = linkOf(out.Item);
    const wanted = item.dossierCode ? dossierKey(item.dossierCode) : null;
    // The usual duplicate (no crash): the link is where the newest version puts it.
    if ((recorded?.key ?? null) === wanted && (wanted === null || recorded?.ward === item.ward)) return;
    await this.relink(item, recorded);
  }

  async getFeedback(id: string): Promise<StoredFeedback | null> {
    const out = await this.send<{ Item?: Item }>(
      new GetItemCommand({ TableName: this.table, Key: { pk: { S: itemPk(id) }, sk: { S: STATE_SK } }, ConsistentRead: true }),
    );
    return out.Item?.rec ? toStoredFeedback(out.Item) : null;
  }

  private queryPages(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): AsyncGenerator<Item[]> {
    return queryPages(
      input,
      this.table,
      (c) => this.send(c),
      (n) => {
        this.itemsRead += n;
      },
    );
  }

  async *listFeedbackReceived(from: string, to: string, ward?: string): AsyncIterable<StoredFeedback> {
    const wards = ward === undefined ? await this.listWards() : [ward];
    for (const w of wards) {
      for (const month of monthsBetween(from, to)) {
        for await (const page of this.queryPages(receiptMonthQuery(this.indexes.received, receivedPk(w, month), from, to))) {
          const whole = await wholeItems(
            page,
            this.indexes.received,
            this.table,
            (c) => this.send(c),
            (n) => {
              this.itemsRead += n;
            },
          );
          for (const item of whole) {
            const stored = toStoredFeedback(item);
            const day = vnDate(stored.item.receivedAt);
            if (day >= from && day <= to) yield stored;
          }
        }
      }
    }
  }

  /** The agency codes of the ward registry (wards that sent a dossier record or a feedback item), in order. */
  async listWards(): Promise<string[]> {
    const wards: string[] = [];
    for await (const page of this.queryPages({
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: WARDS_PK } },
      ProjectionExpression: 'sk',
    })) {
      for (const item of page) wards.push(item.sk.S as string);
    }
    return wards.sort();
  }

  async *listFeedbackDue(until: string): AsyncIterable<StoredFeedback> {
    yield* this.listDuePartitions('FBDUE', until);
  }

  async *listFeedbackAlerted(): AsyncIterable<StoredFeedback> {
    yield* this.listDuePartitions('FBOVD');
  }

  /** The items of the due index's `<prefix>#<shard>` partitions, every shard, due by `upTo` if given. */
  private async *listDuePartitions(prefix: DuePrefix, upTo?: string): AsyncIterable<StoredFeedback> {
    const bound = upTo === undefined ? null : `${new Date(instantMs(upTo)).toISOString()}#\uffff`;
    for (let shard = 0; shard < TABLE.dueShards; shard++) {
      for await (const page of this.queryPages({
        IndexName: this.indexes.due.name,
        KeyConditionExpression: bound === null ? 'g1pk = :p' : 'g1pk = :p AND g1sk <= :u',
        ExpressionAttributeValues: { ':p': { S: `${prefix}#${shard}` }, ...(bound === null ? {} : { ':u': { S: bound } }) },
      })) {
        for (const item of page) yield toStoredFeedback(item);
      }
    }
  }

  /** Applies a scan write to the item (see `alert-mark-writes.ts`); false when its condition failed. */
  private applyMarkWrite(id: string): ApplyMarkWrite {
    return async (write) => (await this.updateIf(itemPk(id), write)) !== null;
  }

  async markFeedbackAlerted(id: string, version: string, mark: AlertMark): Promise<boolean> {
    // The item stays in the partition the scan read it from until its run is committed and
    // `parkFeedbackAlerted` moves it: a scan after a crash finds the claim.
    return this.applyMarkWrite(id)(claimMark(ALERT_ATTR, version, mark));
  }

  async takeOverFeedbackAlerted(id: string, version: string, fromRunId: string, mark: AlertMark): Promise<boolean> {
    return this.applyMarkWrite(id)(takeOverMark(ALERT_ATTR, version, fromRunId, mark));
  }

  async parkFeedbackAlerted(id: string, version: string, runId: string): Promise<void> {
    // Into the alerted partition of the same index, where the digest reads it.
    await parkMark(this.applyMarkWrite(id), ALERT_ATTR, version, runId, duePk('FBOVD', id));
  }

  async unmarkFeedbackAlerted(id: string, mark: AlertMark): Promise<void> {
    await this.applyMarkWrite(id)(unmarkMark(ALERT_ATTR, mark));
  }

  async keepFeedbackAlerted(id: string, version: string): Promise<void> {
    // A failed condition means a newer version re-indexed the item itself: leave it.
    await this.applyMarkWrite(id)(keepParked(version, duePk('FBOVD', id)));
  }

  async dropFeedbackFromDue(id: string, version: string): Promise<void> {
    await this.applyMarkWrite(id)(unindex(version));
  }
}

/** Where the stored item says its dossier link is, or null. */
function linkOf(item: Item): LinkPlace | null {
  const link = item.link?.M;
  return link?.key?.S && link.ward?.S ? { key: link.key.S, ward: link.ward.S } : null;
}

/** Turns the feedback item into the port's shape. */
export function toStoredFeedback(item: Item): StoredFeedback {
  const plain = unmarshall(item);
  const rec = plain.rec as FeedbackItem;
  return { id: rec.id, item: rec, dueAt: plain.dueAt ?? feedbackDueAt(rec), alert: plain[ALERT_ATTR] ?? null };
}
