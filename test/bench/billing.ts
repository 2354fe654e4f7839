/**
 * What DynamoDB on demand bills, measured on the emulator: the bench wraps an SDK client with
 * `meter()`, and every request the code under test sends is billed the way DynamoDB bills it,
 * whatever the emulator itself reports (dynalite counts the base table only, in UTF-16 units).
 *
 * Writes (WRU): the base table by the larger of the item before and after, in 1 KB units of UTF-8
 * (at least 1), a failed conditional write by the item it was checked against; and every global
 * secondary index the write touches: an index entry that appears or goes is one write of its size,
 * one whose key changes is a delete and a put, one whose projected attributes change an update of
 * the larger size, one that does not change costs nothing. An index entry is the table's key
 * attributes, the index's key attributes and what the index projects (ALL: the whole item).
 * Reads (RRU): per request, the items returned in 4 KB units (a strongly consistent read 1 unit
 * per 4 KB, an eventually consistent one half), at least one unit (0.5 eventually consistent).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 *
 * To know an item before and after a write, the meter reads it through a second client that it
 * does not bill: the bench pays that time, never the figures.
 */
import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  type GlobalSecondaryIndexDescription,
} from '@aws-sdk/client-dynamodb';
import { itemBytes } from '../../functions/adapters/dynamodb-limits';

type Item = Record<string, AttributeValue>;

/** A global secondary index as the meter needs it. */
export interface IndexSpec {
  name: string;
  keys: string[];
  /** 'ALL', 'KEYS_ONLY', or the attributes of an INCLUDE projection. */
  projection: 'ALL' | 'KEYS_ONLY' | string[];
}

/** The table's key attributes and indexes. */
export interface TableSpec {
  keys: string[];
  indexes: IndexSpec[];
}

const KB = 1024;
const units = (bytes: number, size: number) => Math.max(1, Math.ceil(bytes / size));

/** The entry `item` has in `index`, or null when it lacks one of the index's key attributes. */
export function indexEntry(item: Item | null, index: IndexSpec, table: TableSpec): Item | null {
  if (!item || index.keys.some((k) => item[k] === undefined)) return null;
  if (index.projection === 'ALL') return item;
  const keep = new Set([...table.keys, ...index.keys, ...(index.projection === 'KEYS_ONLY' ? [] : index.projection)]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
}

const same = (a: Item, b: Item) =>
  JSON.stringify(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1))) ===
  JSON.stringify(Object.entries(b).sort(([x], [y]) => (x < y ? -1 : 1)));
const sameKeys = (a: Item, b: Item, keys: string[]) => keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

/** Write units of one index for an item going from `before` to `after`. */
export function indexWriteUnits(before: Item | null, after: Item | null, index: IndexSpec, table: TableSpec): number {
  const b = indexEntry(before, index, table);
  const a = indexEntry(after, index, table);
  if (!b && !a) return 0;
  if (!b) return units(itemBytes(a as Item), KB);
  if (!a) return units(itemBytes(b), KB);
  if (!sameKeys(a, b, index.keys)) return units(itemBytes(b), KB) + units(itemBytes(a), KB);
  if (same(a, b)) return 0;
  return units(Math.max(itemBytes(a), itemBytes(b)), KB);
}

/** Write units of a successful write of one item, by place: `table` and each index name. */
export function writeUnits(before: Item | null, after: Item | null, table: TableSpec): Record<string, number> {
  const out: Record<string, number> = { table: units(Math.max(before ? itemBytes(before) : 0, after ? itemBytes(after) : 0), KB) };
  for (const index of table.indexes) out[index.name] = indexWriteUnits(before, after, index, table);
  return out;
}

/** The bill so far, by label (the bench names what it is doing) and place. */
export class Bill {
  /** Write units by label, then by place (`table`, index names). */
  readonly writes = new Map<string, Record<string, number>>();
  /** Read units, items and UTF-8 bytes returned, by label. */
  readonly reads = new Map<string, { units: number; items: number; bytes: number; requests: number }>();
  /** Write requests by label (a BatchWriteItem counts each of its items). */
  readonly writeRequests = new Map<string, number>();
  /** What the bench is doing now; every request is billed under it. */
  label = 'other';

  addWrite(placeUnits: Record<string, number>): void {
    const w = this.writes.get(this.label) ?? {};
    for (const [place, n] of Object.entries(placeUnits)) w[place] = (w[place] ?? 0) + n;
    this.writes.set(this.label, w);
    this.writeRequests.set(this.label, (this.writeRequests.get(this.label) ?? 0) + 1);
  }

  addRead(items: Item[], consistent: boolean): void {
    const bytes = items.reduce((sum, i) => sum + itemBytes(i), 0);
    const r = this.reads.get(this.label) ?? { units: 0, items: 0, bytes: 0, requests: 0 };
    r.units += units(bytes, 4 * KB) * (consistent ? 1 : 0.5);
    r.items += items.length;
    r.bytes += bytes;
    r.requests++;
    this.reads.set(this.label, r);
  }

  /** Total write units under `label`, every place. */
  wru(label: string): number {
    return Object.values(this.writes.get(label) ?? {}).reduce((a, b) => a + b, 0);
  }
}

/** The key and indexes of `tableName`, read from the emulator (so the meter follows the table's definition). */
export async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableSpec> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const keys = (Table?.KeySchema ?? []).map((k) => k.AttributeName as string);
  const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((g: GlobalSecondaryIndexDescription) => ({
    name: g.IndexName as string,
    keys: (g.KeySchema ?? []).map((k) => k.AttributeName as string),
    projection:
      g.Projection?.ProjectionType === 'INCLUDE'
        ? (g.Projection.NonKeyAttributes ?? [])
        : ((g.Projection?.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY'),
  }));
  return { keys, indexes };
}

type Input = Record<string, unknown> & {
  TableName?: string;
  Key?: Item;
  Item?: Item;
  ConsistentRead?: boolean;
  ReturnValuesOnConditionCheckFailure?: string;
};

/**
 * Bills every request `client` sends to `tableName` into `bill`. `peek` is another client on the
 * same emulator, used to read items before and after a write (not billed).
 */
export function meter(client: DynamoDBClient, peek: DynamoDBClient, tableName: string, table: TableSpec, bill: Bill): void {
  const keyOf = (item: Item): Item => Object.fromEntries(table.keys.map((k) => [k, item[k]]));
  const read = async (key: Item): Promise<Item | null> =>
    (await peek.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item ?? null;

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? '';
      const input = args.input as Input;
      const writes: Item[] =
        name === 'BatchWriteItemCommand'
          ? Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>)
              .flat()
              .map((r) => (r.PutRequest ? keyOf(r.PutRequest.Item) : (r.DeleteRequest?.Key as Item)))
          : ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(name)
            ? [input.Key ?? keyOf(input.Item as Item)]
            : [];
      const before = await Promise.all(writes.map(read));
      try {
        const out = await next(args);
        const output = out.output as {
          Items?: Item[];
          Item?: Item;
          Responses?: Record<string, Item[]>;
          UnprocessedItems?: Record<string, unknown[]>;
        };
        if (writes.length > 0) {
          const after = await Promise.all(writes.map(read));
          for (const [i, b] of before.entries()) bill.addWrite(writeUnits(b, after[i], table));
        } else if (name === 'QueryCommand' || name === 'ScanCommand') {
          bill.addRead(output.Items ?? [], input.ConsistentRead === true);
        } else if (name === 'GetItemCommand') {
          bill.addRead(output.Item ? [output.Item] : [], input.ConsistentRead === true);
        } else if (name === 'BatchGetItemCommand') {
          bill.addRead(Object.values(output.Responses ?? {}).flat(), false);
        }
        return out;
      } catch (err) {
        // A failed condition is billed by the item it was checked against; no index is written.
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') {
          for (const b of before) bill.addWrite({ table: units(b ? itemBytes(b) : 0, KB) });
          // As DynamoDB answers `ReturnValuesOnConditionCheckFailure: ALL_OLD` (dynalite ignores it):
          // the item the condition was checked against, at no further cost.
          const failed = err as { Item?: Item };
          if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && failed.Item === undefined && before[0]) failed.Item = before[0];
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'billingMeter' },
  );
}
