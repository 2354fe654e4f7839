/**
 * Month packs: the dossiers a ward received in a closed month, as the reports read them, in one
 * compressed item. A report over months that are over reads one item per ward-month instead of one
 * per dossier: a province-year of a million dossiers is 1,200 items, read in parallel.
 *
 *   PACK#<ward> / <yyyy-MM>       v (bumped by every write that changes one of the month's dossiers),
 *                                 sv (the v it was built at), count, chunks, builtAt, body (part 0)
 *   PACK#<ward> / <yyyy-MM>#<i>   body part i (a month too large for one item)
 *
 * Exact, never stale: a pack is used only while `sv = v`. The packer reads `v`, then the month's
 * dossiers, and writes the pack only if `v` is still what it read. A writer that changes a dossier
 * of a month old enough to be packed bumps `v` (ADD, no read): a record before its write (its month
 * is in the record), a payment, a postal event or a feedback link after its write (the dossier's
 * month comes back with the write, `ReturnValues`). The one window: a process that dies between
 * such an attachment and its bump leaves the pack in use; the sender, who got no answer, delivers
 * again, and the repeat bumps (README, "Month packs").
 *
 * A dossier in a pack is what the reports need: no applicant data, no alert marks (`forReports`);
 * the reports read the same through the index (`listReceived`), so both ways give one answer.
 */
import { type AttributeValue, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { StoredDossier } from '../core/ports';
import type { TallyState } from '../core/report';

type Item = Record<string, AttributeValue>;

/** A month is packed once it ended this many days ago: most of its late records and payments are in by then. */
export const PACK_AFTER_DAYS = 7;
/** Writers bump from a day earlier than the packer packs, so that clocks a few hours apart change nothing. */
const BUMP_AFTER_DAYS = PACK_AFTER_DAYS - 1;
/** The most bytes of a pack's body in one item (DynamoDB: 400 KB an item, with its other attributes). */
const PART_BYTES = 300 * 1024;
const DAY_MS = 86_400_000;

/** The partition of a ward's packs. */
export const packPk = (ward: string) => `PACK#${ward}`;

/** The instant (epoch ms) month `yyyy-MM` ends, Vietnam time. */
function monthEndMs(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y, m, 1) - 7 * 3_600_000; // the 1st of the next month, 00:00 +07:00
}

/** True when month `yyyy-MM` ended at least `afterDays` before `nowMs`. */
export function monthIsOver(month: string, nowMs: number, afterDays: number = PACK_AFTER_DAYS): boolean {
  return nowMs >= monthEndMs(month) + afterDays * DAY_MS;
}

/** True when a change to a dossier of `month` must bump its pack at `nowMs`. */
export function bumpsPack(month: string, nowMs: number): boolean {
  return monthIsOver(month, nowMs, BUMP_AFTER_DAYS);
}

/** The ward and month of a receipt-index partition key (`RCV#<ward>#<yyyy-MM>`), or null. */
export function packOfReceiptKey(g2pk: string | undefined): { ward: string; month: string } | null {
  const m = /^RCV#(.+)#(\d{4}-\d{2})$/.exec(g2pk ?? '');
  return m ? { ward: m[1], month: m[2] } : null;
}

/**
 * The packer leaves a month alone while it was bumped in the last hour (its dossiers are still
 * being written), and a process bumps a month at most once per half hour: a write in between is
 * covered, since no pack can be built from before it while the month is that fresh. The half hour
 * to spare covers clocks that disagree and writes in flight.
 */
export const PACK_QUIET_MS = 60 * 60_000;
const BUMP_AGAIN_MS = 30 * 60_000;

/** The UpdateItem that bumps a pack's version and stamps the write (creating its head if there is none yet). */
export function bumpCommand(table: string, ward: string, month: string, nowMs: number): UpdateItemCommand {
  return new UpdateItemCommand({
    TableName: table,
    Key: { pk: { S: packPk(ward) }, sk: { S: month } },
    UpdateExpression: 'ADD v :one SET lastWrite = :at',
    ExpressionAttributeValues: { ':one': { N: '1' }, ':at': { N: String(nowMs) } },
  });
}

/** When this process last bumped each ward-month: a month bumped in the last half hour needs no other bump. */
export class PackBumps {
  private readonly last = new Map<string, number>();

  /** True when a write to `ward`/`month` at `nowMs` must bump its pack (and notes it will). */
  due(ward: string, month: string, nowMs: number): boolean {
    if (!bumpsPack(month, nowMs)) return false;
    const key = `${ward}|${month}`;
    const at = this.last.get(key);
    if (at !== undefined && nowMs - at < BUMP_AGAIN_MS && nowMs >= at) return false;
    this.last.set(key, nowMs);
    return true;
  }

  /** Forgets a bump that did not happen (its write failed), so that the next write bumps. */
  forget(ward: string, month: string): void {
    this.last.delete(`${ward}|${month}`);
  }

  /**
   * Bumps the pack of the month a receipt-index key (`g2pk`) names, when that month is old enough
   * and not bumped by this process lately (`due`); a bump whose write fails is forgotten.
   */
  async bumpIfDue(
    g2pk: string | undefined,
    table: string,
    nowMs: number,
    send: (command: UpdateItemCommand) => Promise<unknown>,
  ): Promise<void> {
    const pack = packOfReceiptKey(g2pk);
    if (!pack || !this.due(pack.ward, pack.month, nowMs)) return;
    try {
      await send(bumpCommand(table, pack.ward, pack.month, nowMs));
    } catch (err) {
      this.forget(pack.ward, pack.month);
      throw err;
    }
  }
}

/** A dossier as the reports read it: no applicant data, no alert marks (they are the scan's). */
export function forReports(d: StoredDossier): StoredDossier {
  const record = d.record
    ? { ...d.record, applicant: { name: null, idNumber: null, phone: null, email: null }, summary: null, note: null }
    : null;
  return { ...d, record, alerts: { overdue: null, soon: null } };
}

/**
 * The body of a pack: its dossiers' JSON, deflated, cut in parts that fit an item (the first, in
 * the head beside the summary, `firstPart` bytes at most).
 */
export function packBody(dossiers: StoredDossier[], firstPart = PART_BYTES): Buffer[] {
  const body = deflateRawSync(Buffer.from(JSON.stringify(dossiers), 'utf8'), { level: 6 });
  const parts: Buffer[] = [body.subarray(0, firstPart)];
  for (let i = firstPart; i < body.length; i += PART_BYTES) parts.push(body.subarray(i, i + PART_BYTES));
  return parts;
}

/**
 * What the supervision report needs of a pack, without its dossiers: the tally of each receipt day
 * (Vietnam date) over the dossiers whose place does not depend on the report's clock, and the few
 * that do (open, clock running), whole. Tallied with the report's own rules (`reportDueAt`), so
 * adding a day's state equals adding its dossiers (`test/adapters/month-packs.test.ts`).
 */
export interface PackSummary {
  days: Record<string, TallyState>;
  open: StoredDossier[];
}

/** A summary stored beside the body in the head item; a larger one is not kept (the body serves). */
const SUMMARY_MAX_BYTES = 96 * 1024;

/** A summary as stored: its JSON, deflated; null when too large to keep. */
export function encodeSummary(summary: PackSummary): Buffer | null {
  const bytes = deflateRawSync(Buffer.from(JSON.stringify(summary), 'utf8'), { level: 6 });
  return bytes.length > SUMMARY_MAX_BYTES ? null : bytes;
}

/** The dossiers of a pack's parts, in order. */
export function unpackBody(parts: Uint8Array[]): StoredDossier[] {
  return JSON.parse(inflateRawSync(Buffer.concat(parts)).toString('utf8')) as StoredDossier[];
}

/** How a store sends a request (its own `send`: refusals and outages told apart, requests counted). */
export type Send = <T>(command: object) => Promise<T>;

/**
 * The dossiers of a ward-month's pack when it is current (`sv = v`), else null. One query, read
 * consistently: the head and any further parts.
 */
export async function readPack(
  send: Send,
  table: string,
  ward: string,
  month: string,
  counted: (n: number) => void,
): Promise<StoredDossier[] | null> {
  const out = await send<{ Items?: Item[] }>(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':p': { S: packPk(ward) }, ':a': { S: month }, ':b': { S: `${month}#~` } },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  counted(items.length);
  const head = items.find((i) => i.sk.S === month);
  if (!head?.body?.B || head.sv?.N === undefined || head.sv.N !== (head.v?.N ?? '0')) return null;
  const chunks = Number(head.chunks?.N ?? 1);
  const parts = [head.body.B, ...Array.from({ length: chunks - 1 }, (_, i) => items.find((x) => x.sk.S === `${month}#${i + 1}`)?.body?.B)];
  if (parts.some((p) => p === undefined)) return null; // a part written by a build that lost its race
  return unpackBody(parts as Uint8Array[]);
}

/**
 * Whether a ward-month has a current pack (`sv = v`), and its summary when it keeps one (null: too
 * large to keep, read the body): one GetItem of the head without its body, read consistently.
 */
export async function readPackSummary(
  send: Send,
  table: string,
  ward: string,
  month: string,
  counted: (n: number) => void,
): Promise<{ current: boolean; summary: PackSummary | null }> {
  const out = await send<{ Item?: Item }>(
    new GetItemCommand({
      TableName: table,
      Key: { pk: { S: packPk(ward) }, sk: { S: month } },
      ProjectionExpression: 'v, sv, #s',
      ExpressionAttributeNames: { '#s': 'summary' },
      ConsistentRead: true,
    }),
  );
  const head = out.Item;
  counted(head ? 1 : 0);
  if (!head || head.sv?.N === undefined || head.sv.N !== (head.v?.N ?? '0')) return { current: false, summary: null };
  if (!head.summary?.B) return { current: true, summary: null };
  return { current: true, summary: JSON.parse(inflateRawSync(head.summary.B).toString('utf8')) as PackSummary };
}

/** The version a pack's head holds now (0 when none), and when it was last bumped (epoch ms, or null). */
export async function packVersion(
  send: Send,
  table: string,
  ward: string,
  month: string,
): Promise<{ version: string; lastWrite: number | null }> {
  const out = await send<{ Items?: Item[] }>(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :p AND sk = :m',
      ExpressionAttributeValues: { ':p': { S: packPk(ward) }, ':m': { S: month } },
      ProjectionExpression: 'v, lastWrite',
      ConsistentRead: true,
    }),
  );
  const head = out.Items?.[0];
  return { version: head?.v?.N ?? '0', lastWrite: head?.lastWrite?.N ? Number(head.lastWrite.N) : null };
}

/**
 * Writes a pack built from what was read at version `version` (with its summary, `encodeSummary`,
 * when there is one): the further parts first, then the head, on condition that no writer bumped the version since. False when one did (build it again
 * later: the pack would miss that change).
 */
export async function writePack(
  send: Send,
  table: string,
  ward: string,
  month: string,
  version: string,
  dossiers: StoredDossier[],
  builtAt: string,
  summary: Buffer | null = null,
): Promise<boolean> {
  const parts = packBody(dossiers, PART_BYTES - (summary?.length ?? 0));
  for (let i = 1; i < parts.length; i++) {
    await send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: packPk(ward) }, sk: { S: `${month}#${i}` }, body: { B: parts[i] } } }),
    );
  }
  try {
    await send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: packPk(ward) }, sk: { S: month } },
        UpdateExpression: `SET sv = :v, body = :b, chunks = :n, #c = :count, builtAt = :at${summary ? ', #s = :s' : ' REMOVE #s'}`,
        ConditionExpression: version === '0' ? 'attribute_not_exists(v)' : 'v = :v',
        ExpressionAttributeNames: { '#c': 'count', '#s': 'summary' },
        ExpressionAttributeValues: {
          ...(summary ? { ':s': { B: summary } } : {}),
          ':v': { N: version },
          ':b': { B: parts[0] },
          ':n': { N: String(parts.length) },
          ':count': { N: String(dossiers.length) },
          ':at': { S: builtAt },
        },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
