/**
 * Reading whole items behind an index page: what the stores share when an index projects less than
 * the item (KEYS_ONLY, INCLUDE), so that the same read path serves every generation of the indexes.
 */
import { type AttributeValue, BatchGetItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '../core/ports';
import type { IndexSpec } from './table-schema';

type Item = Record<string, AttributeValue>;

/** Keys one BatchGetItem may ask for, and how many such requests go at once. */
const BATCH_GET_MAX = 100;
const READ_CONCURRENCY = 8;

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Every page of a Query on `table`, following `LastEvaluatedKey`; `counted` hears each page's items
 * read (what DynamoDB scanned, before any filter). `send` is the store's own.
 */
export async function* queryPages(
  input: Omit<QueryCommandInput, 'TableName'>,
  table: string,
  send: (command: QueryCommand) => Promise<unknown>,
  counted: (n: number) => void,
): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    const page = (await send(new QueryCommand({ ...input, TableName: table, ExclusiveStartKey: start }))) as {
      Items?: Item[];
      LastEvaluatedKey?: Item;
      ScannedCount?: number;
    };
    counted(page.ScannedCount ?? page.Items?.length ?? 0);
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * The whole items behind `page`, a page of `index`: the page itself when the index projects them
 * (ALL), else read by key, 100 keys a request, 8 requests at once, in the page's order (an item gone
 * meanwhile is skipped). `send` is the store's own (refusal or outage told apart); `counted` hears
 * how many items each request returned.
 */
export async function wholeItems(
  page: Item[],
  index: IndexSpec,
  table: string,
  send: (command: BatchGetItemCommand) => Promise<unknown>,
  counted: (n: number) => void = () => undefined,
): Promise<Item[]> {
  if (index.projection.type === 'ALL' || page.length === 0) return page;
  const keys = page.map((i) => ({ pk: i.pk, sk: i.sk }));
  const found = new Map<string, Item>();
  const chunks = Array.from({ length: Math.ceil(keys.length / BATCH_GET_MAX) }, (_, c) =>
    keys.slice(c * BATCH_GET_MAX, (c + 1) * BATCH_GET_MAX),
  );
  await mapLimit(chunks, READ_CONCURRENCY, async (chunk) => {
    let wanted: Item[] = chunk;
    for (let attempt = 0; wanted.length > 0; attempt++) {
      if (attempt > 5) throw new StoreUnavailableError('DynamoDB left keys unprocessed after retries');
      const out = (await send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: wanted } } }))) as {
        Responses?: Record<string, Item[]>;
        UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
      };
      const items = out.Responses?.[table] ?? [];
      for (const item of items) found.set(`${item.pk.S}|${item.sk.S}`, item);
      counted(items.length);
      wanted = out.UnprocessedKeys?.[table]?.Keys ?? [];
      if (wanted.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  });
  return keys.flatMap((k) => {
    const item = found.get(`${k.pk.S}|${k.sk.S}`);
    return item ? [item] : [];
  });
}

/**
 * The query of a receipt-month partition for the dates [from, to]: by the receipt time in the sort
 * key of the first generation (`g2sk`), the whole month in the second (sorted by key: the caller
 * keeps the dates it wants).
 */
export function receiptMonthQuery(
  index: IndexSpec,
  partition: string,
  from: string,
  to: string,
): { IndexName: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, AttributeValue> } {
  if (index.sortKey === 'g2sk') {
    return {
      IndexName: index.name,
      KeyConditionExpression: 'g2pk = :m AND g2sk BETWEEN :a AND :b',
      ExpressionAttributeValues: {
        ':m': { S: partition },
        ':a': { S: `${from}T00:00:00+07:00` },
        ':b': { S: `${to}T23:59:59+07:00\uffff` },
      },
    };
  }
  return { IndexName: index.name, KeyConditionExpression: 'g2pk = :m', ExpressionAttributeValues: { ':m': { S: partition } } };
}
