/**
 * The DynamoDB `AlertLedger`, in the dossier table (see `table-schema.ts`):
 *
 *   RUN#<runId> / M                  the manifest: the scan's clock, alerts queued per level, closedAt
 *   RUN#<runId> / A#<level>#<key>    one alert message received (a plain put: a repeat rewrites it);
 *                                    a feedback item's: A#feedback#<MaPhanAnh>
 *   RUN#<runId> / L#<level>#<email>  a short lease on one email while it is being sent, and its tries
 *   RUN#<runId> / S#<level>#<email>  one email settled (sent, refused for good, or unconfirmed): a conditional put
 *   ALERTRUNS#OPEN / <runId>          the runs whose emails are not all settled (the scan's sweep);
 *                                    written last by the scan, it is the run's commit point
 *
 * Every item carries `expiresAt` (epoch seconds, 90 days on): the table's TTL attribute, if enabled.
 * Single-item writes only (the local emulator has no transactions).
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  alertIdentity,
  MAX_SEND_TRIES,
  StoreUnavailableError,
  type AlertLedger,
  type AlertRunState,
  type RunAlert,
  type RunManifest,
  type SlotClaim,
  type SlotOutcome,
} from '../core/ports';
import { type RequestInput, sendChecked } from './dynamodb-limits';

type Item = Record<string, AttributeValue>;

const OPEN_PK = 'ALERTRUNS#OPEN';
const MANIFEST_SK = 'M';
const RETAIN_S = 90 * 24 * 3600;
const BATCH_MAX = 25;

const runPk = (runId: string) => `RUN#${runId}`;

function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** The DynamoDB `AlertLedger`. */
export class DynamoAlertLedger implements AlertLedger {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + RETAIN_S;
  }

  /** Sends a command: a refusal for good is `StoreRefusedError`, an outage `StoreUnavailableError` (`sendChecked`). */
  private async send<T>(command: object): Promise<T> {
    return sendChecked(
      'DynamoDB (alert ledger)',
      (command as { input: RequestInput }).input,
      () => this.client.send(command as never) as Promise<T>,
    );
  }

  private put(
    item: Record<string, unknown>,
    condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ) {
    return this.send(
      new PutItemCommand({
        TableName: this.table,
        Item: marshall({ ...item, expiresAt: this.expiresAt() }, { removeUndefinedValues: true }),
        ...(condition
          ? {
              ConditionExpression: condition.expression,
              ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
              ...(condition.values ? { ExpressionAttributeValues: marshall(condition.values) } : {}),
            }
          : {}),
      }),
    );
  }

  async saveManifest(manifest: RunManifest): Promise<void> {
    await this.put({
      pk: runPk(manifest.runId),
      sk: MANIFEST_SK,
      runId: manifest.runId,
      clock: manifest.clock,
      startedAt: manifest.startedAt,
      overdue: manifest.counts.overdue,
      soon: manifest.counts.soon,
      feedback: manifest.counts.feedback,
    });
  }

  async openRun(runId: string, startedAt: string): Promise<void> {
    await this.put({ pk: OPEN_PK, sk: runId, runId, startedAt });
  }

  /** One item by key, read consistently (or undefined). */
  private async getItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.send<{ Item?: Item }>(
      new GetItemCommand({ TableName: this.table, Key: marshall({ pk, sk }), ConsistentRead: true }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  async isCommitted(runId: string): Promise<boolean> {
    // The open item first: `closeRun` stamps the manifest before it deletes that item, so an
    // open item gone by now means a closed manifest by the time it is read.
    if (await this.getItem(OPEN_PK, runId)) return true;
    return typeof (await this.getItem(runPk(runId), MANIFEST_SK))?.closedAt === 'string';
  }

  async abandonRun(runId: string): Promise<void> {
    await this.send(new DeleteItemCommand({ TableName: this.table, Key: marshall({ pk: OPEN_PK, sk: runId }) }));
  }

  async recordAlerts(alerts: RunAlert[]): Promise<void> {
    // One item per (run, level, dossier): a message delivered twice, even twice in one batch, is
    // one item (BatchWriteItem refuses two puts of one key in a request).
    const items = new Map<string, Item>();
    const recordedAt = new Date(this.now()).toISOString();
    for (const alert of alerts) {
      const sk = `A#${alertIdentity(alert)}`;
      items.set(
        `${alert.runId}|${sk}`,
        marshall({ pk: runPk(alert.runId), sk, alert, recordedAt, expiresAt: this.expiresAt() }, { removeUndefinedValues: true }),
      );
    }
    const all = [...items.values()];
    for (let i = 0; i < all.length; i += BATCH_MAX) {
      let requests: WriteRequest[] = all.slice(i, i + BATCH_MAX).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 5) throw new StoreUnavailableError('DynamoDB left alert items unprocessed after retries');
        const out = await this.send<{ UnprocessedItems?: Record<string, WriteRequest[]> }>(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = out.UnprocessedItems?.[this.table] ?? [];
        if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async loadRun(runId: string): Promise<AlertRunState> {
    const state: AlertRunState = { manifest: null, alerts: [], feedback: [], settled: new Set(), closed: false };
    let start: Item | undefined;
    do {
      const page = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: runPk(runId) } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        const sk = String(item.sk);
        if (sk === MANIFEST_SK) {
          state.manifest = {
            runId: item.runId,
            clock: item.clock,
            startedAt: item.startedAt,
            counts: {
              overdue: Number(item.overdue ?? 0),
              soon: Number(item.soon ?? 0),
              ...(item.feedback === undefined ? {} : { feedback: Number(item.feedback) }),
            },
          };
          state.closed = typeof item.closedAt === 'string';
        } else if (sk.startsWith('A#')) {
          const alert = item.alert as RunAlert;
          if (alert.level === 'feedback') state.feedback!.push(alert);
          else state.alerts.push(alert);
        } else if (sk.startsWith('S#')) {
          state.settled.add(sk.slice(2));
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return state;
  }

  async claimSlot(runId: string, slot: string, owner: string, untilMs: number): Promise<SlotClaim> {
    const now = this.now();
    const key = marshall({ pk: runPk(runId), sk: `L#${slot}` });
    const update = (expression: string, condition: string, names: Record<string, string>, values: Record<string, unknown>) =>
      this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#u': 'until', '#o': 'owner', ...names },
          ExpressionAttributeValues: marshall({ ':owner': owner, ':until': untilMs, ':exp': this.expiresAt(), ...values }),
        }),
      ).then(
        () => true,
        (err: unknown) => {
          if (isConditionFailure(err)) return false;
          throw err;
        },
      );
    // A new lease counts a try, in the same write; a definite failure deletes the lease
    // (`releaseSlot`), so only tries that ended without a word stay counted.
    const taken = await update(
      'SET #o = :owner, #u = :until, expiresAt = :exp ADD #t :one',
      'attribute_not_exists(pk) OR (#u < :now AND #o <> :owner AND (attribute_not_exists(#t) OR #t < :max))',
      { '#t': 'tries' },
      { ':one': 1, ':now': now, ':max': MAX_SEND_TRIES },
    );
    if (taken) return 'claimed';
    // The uncommon paths. The holder itself renews its lease (it knows how its own try went).
    if (await update('SET #u = :until, expiresAt = :exp', '#o = :owner', {}, {})) return 'claimed';
    // Held by someone else, or its tries ran out: one more read tells which.
    const lease = await this.getItem(runPk(runId), `L#${slot}`);
    const expired = lease !== undefined && Number(lease.until) < now;
    return expired && Number(lease.tries ?? 0) >= MAX_SEND_TRIES ? 'exhausted' : 'busy';
  }

  async releaseSlot(runId: string, slot: string, owner: string): Promise<void> {
    try {
      await this.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: marshall({ pk: runPk(runId), sk: `L#${slot}` }),
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: marshall({ ':owner': owner }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // someone else's lease by now: leave it
    }
  }

  async settleSlot(runId: string, slot: string, outcome: SlotOutcome): Promise<boolean> {
    try {
      await this.put({ pk: runPk(runId), sk: `S#${slot}`, ...outcome }, { expression: 'attribute_not_exists(pk)' });
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async closeRun(runId: string, at: string): Promise<void> {
    try {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ pk: runPk(runId), sk: MANIFEST_SK }),
          UpdateExpression: 'SET closedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':at': at }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    await this.send(new DeleteItemCommand({ TableName: this.table, Key: marshall({ pk: OPEN_PK, sk: runId }) }));
  }

  async listOpenRuns(): Promise<{ runId: string; startedAt: string }[]> {
    const out: { runId: string; startedAt: string }[] = [];
    let start: Item | undefined;
    do {
      const page = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: OPEN_PK } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        out.push({ runId: String(item.runId), startedAt: String(item.startedAt) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
