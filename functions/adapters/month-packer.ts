/**
 * The jobs around month packs and the receipt-month index, apart from the store the Lambdas that
 * ingest use (each bundle carries only what it runs):
 * - `packMonths`: the daily job that packs the months that are over (month-packs.ts);
 * - `backfillMonthIndex`: step 2 of the index migration (README, "Changing the indexes").
 */
import { type AttributeValue, type DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { StoredDossier } from '../core/ports';
import { dependsOnClock, reportDueAt, safeVnDate, SupervisionTally } from '../core/report';
import { mapLimit } from './dynamodb-reads';
import { isConditionFailure, type RequestInput, sendChecked } from './dynamodb-limits';
import type { DynamoDossierStore } from './dynamodb-store';
import { encodeSummary, monthIsOver, PACK_QUIET_MS, type PackSummary, packVersion, readPack, type Send, writePack } from './month-packs';
import { INDEXES_V1, monthsBetween, WARDS_PK } from './table-schema';

type Item = Record<string, AttributeValue>;

/** Writes at once during the backfill. */
const WRITE_CONCURRENCY = 16;

/** What the jobs need: the dossier store's reads, and the table it is on. */
export interface PackerDeps {
  store: Pick<DynamoDossierStore, 'listWards' | 'listWardMonths' | 'listReceivedByIndex'>;
  client: DynamoDBClient;
  table: string;
  /** Epoch ms (tests and the bench set it). */
  now?: () => number;
}

function sender(deps: PackerDeps): Send {
  return <T>(command: object) =>
    sendChecked(
      'DynamoDB (month packs)',
      (command as { input: RequestInput }).input,
      () => deps.client.send(command as never) as Promise<T>,
    );
}

/** The last day (`yyyy-MM-dd`) of month `yyyy-MM`. */
function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/**
 * Packs every month of every ward that is over (`PACK_AFTER_DAYS`) and has no current pack, at
 * most `limit` of them and until the wall clock reads `until` (the daily job's share): what the
 * reports then read in one item each. Returns how many it packed, and how many a concurrent write
 * made it leave for the next run.
 */
export async function packMonths(
  deps: PackerDeps,
  limit = Number.POSITIVE_INFINITY,
  until = Number.POSITIVE_INFINITY,
): Promise<{ packed: number; changed: number }> {
  const send = sender(deps);
  const now = deps.now ?? Date.now;
  let packed = 0;
  let changed = 0;
  for (const ward of await deps.store.listWards()) {
    for (const month of await deps.store.listWardMonths(ward)) {
      if (packed + changed >= limit || Date.now() > until) return { packed, changed };
      if (!monthIsOver(month, now())) continue;
      if (await readPack(send, deps.table, ward, month, () => undefined)) continue;
      const { version, lastWrite } = await packVersion(send, deps.table, ward, month);
      // Still being written (a bump in the last hour): packed by a later run (month-packs.ts).
      if (lastWrite !== null && now() - lastWrite < PACK_QUIET_MS) continue;
      const dossiers: StoredDossier[] = [];
      for await (const d of deps.store.listReceivedByIndex(`${month}-01`, lastDay(month), ward, month)) dossiers.push(d);
      if (
        await writePack(
          send,
          deps.table,
          ward,
          month,
          version,
          dossiers,
          new Date(now()).toISOString(),
          encodeSummary(packSummary(dossiers)),
        )
      )
        packed++;
      else changed++;
    }
  }
  return { packed, changed };
}

/**
 * The backfill of step 2 of the index migration: gives every dossier and feedback item of the
 * receipt months [fromMonth, toMonth] that the release before wrote its `g2k` (what byReceiptMonth
 * sorts by), read through the first generation's index, and lists each ward's months in the
 * registry. Safe to run again (an item that has one is left). Returns how many items it gave one,
 * and how many ward-months had items.
 */
export async function backfillMonthIndex(
  deps: PackerDeps,
  fromMonth: string,
  toMonth: string,
  log: (line: string) => void = () => undefined,
): Promise<{ items: number; months: number }> {
  const send = sender(deps);
  let items = 0;
  let months = 0;
  for (const ward of await deps.store.listWards()) {
    for (const month of monthsBetween(`${fromMonth}-01`, `${toMonth}-01`)) {
      let found = 0;
      for (const prefix of ['RCV', 'FBR']) {
        let start: Item | undefined;
        do {
          const page = await send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
            new QueryCommand({
              TableName: deps.table,
              IndexName: INDEXES_V1.received.name,
              KeyConditionExpression: 'g2pk = :m',
              ExpressionAttributeValues: { ':m': { S: `${prefix}#${ward}#${month}` } },
              ProjectionExpression: 'pk, sk, g2k',
              ExclusiveStartKey: start,
            }),
          );
          const list = page.Items ?? [];
          found += list.length;
          const given = await mapLimit(
            list.filter((i) => !i.g2k),
            WRITE_CONCURRENCY,
            (i) => giveMonthKey(send, deps.table, i, (i.pk.S as string).slice(2)),
          );
          items += given.filter(Boolean).length;
          start = page.LastEvaluatedKey;
        } while (start);
      }
      if (found === 0) continue;
      months++;
      await send(
        new UpdateItemCommand({
          TableName: deps.table,
          Key: { pk: { S: WARDS_PK }, sk: { S: ward } },
          UpdateExpression: 'ADD months :m',
          ExpressionAttributeValues: { ':m': { SS: [month] } },
        }),
      );
      log(`${ward} ${month}: ${found} item(s)`);
    }
  }
  return { items, months };
}

/** Sets `g2k` on item `key` (a dossier's or a feedback item's) unless it has one; false when it had. */
async function giveMonthKey(send: Send, table: string, key: Item, g2k: string): Promise<boolean> {
  try {
    await send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression: 'SET g2k = :k',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(g2k)',
        ExpressionAttributeValues: { ':k': { S: g2k } },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The summary of a pack's dossiers. */
export function packSummary(dossiers: readonly StoredDossier[]): PackSummary {
  const days = new Map<string, SupervisionTally>();
  const open: StoredDossier[] = [];
  for (const d of dossiers) {
    if (dependsOnClock(d)) {
      open.push(d);
      continue;
    }
    const day = safeVnDate(d.record?.receivedAt);
    if (!day) continue; // no report counts it
    let tally = days.get(day);
    if (!tally) {
      tally = new SupervisionTally({ from: day, to: day, asOf: '1970-01-01T00:00:00Z', dueAt: reportDueAt });
      days.set(day, tally);
    }
    tally.add(d);
  }
  return { days: Object.fromEntries([...days].map(([day, t]) => [day, t.state()])), open };
}
