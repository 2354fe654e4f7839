/**
 * DynamoDB's hard limits, checked by the adapters before a request leaves, and the line between a
 * request the store refuses for good and a store that cannot answer now.
 *
 * Why check here at all: DynamoDB refuses a key or an item over its limits with a
 * `ValidationException`, which is the message's fault (a retry can never succeed), but the local
 * emulator (dynalite) is laxer than DynamoDB in three ways, so tests against it would not see what
 * AWS refuses: it counts key and item sizes in UTF-16 code units where DynamoDB counts UTF-8 bytes
 * (a Vietnamese letter is 1 unit but 2–3 bytes), it does not check the index key attributes, and it
 * takes attribute names of any length. The checks below are DynamoDB's, in DynamoDB's units:
 * - a partition key value at most 2,048 bytes, a sort key value at most 1,024 (table and indexes);
 * - an attribute name at most 65,535 bytes;
 * - an item at most 400 KB: the UTF-8 lengths of its attribute names and values.
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html)
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { StoreRefusedError, StoreUnavailableError } from '../core/ports';
import { TABLE } from './table-schema';

/** DynamoDB's limits, in bytes. */
export const DYNAMO_LIMITS = {
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
  attributeNameBytes: 65535,
  itemBytes: 400 * 1024,
} as const;

type Item = Record<string, AttributeValue>;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Bytes of a number as DynamoDB sizes it: about one byte per two significant digits, plus one. */
function numberBytes(n: string): number {
  const digits = n.replace(/^[-+]?0*|[.eE].*$/g, '').length || 1;
  return Math.ceil(digits / 2) + 1;
}

/** Bytes of one attribute value as DynamoDB counts it (documents: 3 bytes + 1 per element). */
export function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberBytes(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS) return v.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (v.BS) return v.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (v.L) return 3 + v.L.reduce((sum, e) => sum + 1 + valueBytes(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueBytes(e), 0);
  return 0;
}

/** The size of an item as DynamoDB bills and limits it: names and values, UTF-8. */
export function itemBytes(item: Item): number {
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueBytes(v), 0);
}

/** The key attribute pairs of the table and its indexes. */
const KEY_PAIRS = [
  [TABLE.partitionKey, TABLE.sortKey],
  [TABLE.byDue.partitionKey, TABLE.byDue.sortKey],
  [TABLE.byReceived.partitionKey, TABLE.byReceived.sortKey],
  [TABLE.byReceived.partitionKey, 'g2k'],
] as const;

/** Why DynamoDB would refuse these key attributes (table or index keys present in `attrs`), or null. */
function keyProblem(attrs: Item): string | null {
  for (const [pk, sk] of KEY_PAIRS) {
    const p = attrs[pk];
    if (p?.S !== undefined && utf8(p.S) > DYNAMO_LIMITS.partitionKeyBytes) {
      return `partition key ${pk} is ${utf8(p.S)} bytes (at most ${DYNAMO_LIMITS.partitionKeyBytes})`;
    }
    const s = attrs[sk];
    if (s?.S !== undefined && utf8(s.S) > DYNAMO_LIMITS.sortKeyBytes) {
      return `sort key ${sk} is ${utf8(s.S)} bytes (at most ${DYNAMO_LIMITS.sortKeyBytes})`;
    }
  }
  return null;
}

function nameProblem(names: Iterable<string>): string | null {
  for (const name of names) {
    if (utf8(name) > DYNAMO_LIMITS.attributeNameBytes) {
      return `an attribute name is ${utf8(name)} bytes (at most ${DYNAMO_LIMITS.attributeNameBytes})`;
    }
  }
  return null;
}

function itemProblem(item: Item): string | null {
  const bytes = itemBytes(item);
  if (bytes > DYNAMO_LIMITS.itemBytes) return `the item is ${bytes} bytes (at most ${DYNAMO_LIMITS.itemBytes})`;
  return keyProblem(item) ?? nameProblem(Object.keys(item));
}

/** The parts of a request input this check reads (PutItem, UpdateItem, GetItem, DeleteItem, BatchWriteItem). */
export interface RequestInput {
  Key?: Item;
  Item?: Item;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  /** BatchWriteItem's requests per table, or BatchGetItem's keys per table. */
  RequestItems?: Record<string, { PutRequest?: { Item?: Item }; DeleteRequest?: { Key?: Item } }[] | { Keys?: Item[] }>;
}

/**
 * Why DynamoDB would refuse this request for good, or null. For an update, what the request
 * itself carries is checked (key, names, the values written); the size of the item after it is
 * known only to DynamoDB, whose `ValidationException` `classifyStoreError` also reads as a refusal.
 */
export function requestProblem(input: RequestInput): string | null {
  if (input.Key) {
    const p = keyProblem(input.Key);
    if (p) return p;
  }
  if (input.Item) {
    const p = itemProblem(input.Item);
    if (p) return p;
  }
  if (input.ExpressionAttributeNames) {
    const p = nameProblem(Object.values(input.ExpressionAttributeNames));
    if (p) return p;
  }
  if (input.ExpressionAttributeValues) {
    const bytes = Object.values(input.ExpressionAttributeValues).reduce((sum, v) => sum + valueBytes(v), 0);
    if (bytes > DYNAMO_LIMITS.itemBytes) return `the values written are ${bytes} bytes (an item holds at most ${DYNAMO_LIMITS.itemBytes})`;
  }
  for (const requests of Object.values(input.RequestItems ?? {})) {
    if (!Array.isArray(requests)) {
      for (const key of requests.Keys ?? []) {
        const p = keyProblem(key);
        if (p) return p;
      }
      continue;
    }
    for (const r of requests) {
      const p = (r.PutRequest?.Item && itemProblem(r.PutRequest.Item)) || (r.DeleteRequest?.Key && keyProblem(r.DeleteRequest.Key));
      if (p) return p;
    }
  }
  return null;
}

/** A write whose condition failed (by name: a minified bundle may carry its own copy of the class). */
export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * Errors by which DynamoDB refuses a request for what it is (a key or item too large, an invalid
 * attribute): sending it again can never succeed. Everything else that is not a failed condition
 * (throttling, timeouts, 5xx, connection errors, a missing table or a denied role, which a deploy
 * fixes) is an outage: the sender retries.
 */
const REFUSALS = new Set(['ValidationException', 'SerializationException', 'ItemCollectionSizeLimitExceededException']);

/** True for DynamoDB's refusal of a request for good (see `REFUSALS`). */
export function isRefusal(err: unknown): boolean {
  return REFUSALS.has((err as { name?: string })?.name ?? '');
}

/**
 * The adapters' one way to send a DynamoDB request: refused before it leaves when it breaks a hard
 * limit (`StoreRefusedError`), and a failure told apart: a failed condition is rethrown as is (the
 * caller decides what it means), a refusal is `StoreRefusedError`, anything else
 * `StoreUnavailableError`. `what` names the store in the messages.
 */
export async function sendChecked<T>(what: string, input: RequestInput, send: () => Promise<T>): Promise<T> {
  const problem = requestProblem(input);
  if (problem) throw new StoreRefusedError(`${what}: DynamoDB would refuse this request: ${problem}`);
  try {
    return await send();
  } catch (err) {
    if (isConditionFailure(err)) throw err;
    if (isRefusal(err)) throw new StoreRefusedError(`${what}: DynamoDB refused the request: ${(err as Error).message}`, { cause: err });
    throw new StoreUnavailableError(`${what} failed: ${(err as Error).message}`, { cause: err });
  }
}
