/**
 * `npm run rebuild -- <MaHoSo> [--table NAME] [--endpoint URL] [--since YYYY-MM-DD] [--dry-run] [--force]`
 *
 * Rebuilds one dossier's state from the raw log: every accepted message is kept as received
 * (CONTRACT 3) before anything is derived from it, so the log is the truth the state can be
 * derived from again after a bug, a bad manual edit or a lost item.
 *
 * 1. Read the raw partitions (`RAW#<yyyy-MM-dd>`, Vietnam dates) from 3 days before the date in
 *    MaHoSo (`yyMMdd`), or from `--since`, to today (Vietnam dates). The margin: events may
 *    precede the code. VNPost collects a postal-channel dossier from the applicant (`COLLECTED`)
 *    days before the desk receives it and issues the code, and a payment or step of a dossier
 *    whose code was issued offline and typed in later can be delivered before that date. Three
 *    days cover a national postal delivery; pass an earlier `--since` for anything older.
 * 2. Reassemble, gunzip and re-parse each message with the handlers' parsers
 *    (`adapters/raw-log.ts`; signatures are not checked again: the log holds accepted messages
 *    only), keep this dossier's events (`dossierKey` equality) and fold them with the pure fold
 *    (`core/dossier.ts`).
 * 3. Print what differs from the stored state (record version and status, payments, postal
 *    events, steps). `--dry-run` stops here.
 * 4. Rewrite, through the store's own idempotent writes: replace the dossier item by one holding
 *    only its code and alert marks (kept, so that no overdue alert goes out twice), delete the
 *    step items the log does not back, then offer every record version in arrival order (this
 *    also refills the versions seen, `seen`, so a late repeat still counts as a duplicate), the
 *    steps, payments and postal events. An open dossier already alerted for its current due date
 *    is parked back where the scan would park it (`keepAsAlerted`).
 * 5. Catch up: read today's (and yesterday's) partition again and offer what arrived meanwhile. A
 *    handler keeps the raw message before it writes the state, so a delivery whose state write
 *    went to the old item is found here, and any later one writes to the new item itself.
 * 6. Read the state back and compare it with the fold: exit 1 if they differ.
 *
 * Safety: the rewrite is refused (exit 1) without `--force` when it would drop something the log
 * does not back (a stored payment, postal event or step no message carries, a stored record newer
 * than any in the log), or when a message that names this dossier can no longer be read or
 * parsed. Usually that means the window is too short (`--since`); `--force` says the log is right.
 * Alert marks are the one thing the log cannot rebuild (the scan writes them): they are kept. If
 * the dossier item was deleted outright they are gone with it, and the next scan alerts the
 * dossier once more (the alert ledger holds them per run, with no index by dossier to read back).
 *
 * Where: without `--table` the local stack's table (`motcua-local` on
 * `http://127.0.0.1:$DYNAMODB_PORT`, default 8000); with `--table` (the stack's output) the AWS
 * table in the default region and credentials, unless `--endpoint` is given too.
 *
 * Exit codes: 0 rebuilt (or printed, `--dry-run`), 1 failed, refused (a dry run too, when a real run
 * would be refused) or not verified, 2 bad arguments.
 */
import { isDeepStrictEqual } from 'node:util';
import { eventKey, foldEvents, paymentKey, recordHash, stepKey, type DossierState } from '../core/dossier';
import { effectiveDueAt } from '../core/overdue';
import type { AlertMark, OfferedRecord, StoredDossier } from '../core/ports';
import { parseCompact, vnDate } from '../core/time';
import { dossierKey, type ProgressStep } from '../core/types';
import { DynamoDossierStore } from '../adapters/dynamodb-store';
import { DynamoRawLog, mentionsDossier, rawEvents, type RawEvent, type RawLogReader } from '../adapters/raw-log';
import { HOST, TABLE_NAME } from '../../infra/local/settings';
import { main as backfillMain } from './backfill-month-index';
import { cliDynamoClient, runCli, runCommand, scanArgs, tableEndpoint, type ParsedCommand } from './run-cli';

/** Days read before the date inside MaHoSo (see the module comment). */
export const LOOKBACK_DAYS = 3;
/** Partitions read at once: a long-open dossier spans hundreds of days. */
const DAY_CONCURRENCY = 8;
/** How often the reset is retried when a scan marks the dossier between our read and our write. */
const RESET_ATTEMPTS = 3;
/** Ids listed per collection in the diff; the rest are counted. */
const LIST_MAX = 10;
const OPEN_STATUSES = new Set([2, 4]);

/** What the rebuild needs of the store (the DynamoDB store has it all). */
export type RebuildStore = Pick<
  DynamoDossierStore,
  | 'getDossier'
  | 'listSteps'
  | 'offerRecords'
  | 'offerSteps'
  | 'offerPayment'
  | 'offerPostalEvent'
  | 'resetDossierItem'
  | 'deleteSteps'
  | 'keepAsAlerted'
>;

/** Inputs of `rebuildDossier`. */
export interface RebuildOptions {
  store: RebuildStore;
  raw: RawLogReader;
  /** MaHoSo (its key form works too with `since`). */
  code: string;
  /** First day read (`YYYY-MM-DD`); default: the date in MaHoSo minus `LOOKBACK_DAYS`. */
  since?: string;
  dryRun?: boolean;
  /** Rewrite even when that drops what the log does not back (see the module comment). */
  force?: boolean;
  now?: () => number;
  log?: (line: string) => void;
}

/** One collection (payments, postal events, steps) compared by identity. */
export interface CollectionDiff {
  stored: number;
  rebuilt: number;
  /** Ids only the rebuilt state has. */
  added: string[];
  /** Ids only the stored state has (a rewrite drops them). */
  removed: string[];
  /** Ids in both with different content (the log's wins). */
  changed: string[];
}

/** A record in the diff: only what identifies it (the record itself carries citizen data). */
export interface RecordBrief {
  version: string;
  status: number;
}

/** The stored state against the rebuilt one. */
export interface StateDiff {
  record: {
    stored: RecordBrief | null;
    rebuilt: RecordBrief | null;
    change: 'same' | 'added' | 'changed' | 'removed' | 'stored-newer';
  };
  payments: CollectionDiff;
  postal: CollectionDiff;
  steps: CollectionDiff;
  same: boolean;
  /** What a rewrite would drop that no raw message backs (needs `force`). */
  losses: string[];
}

/** A message that could not be read back or re-parsed. */
export interface UnreadableMessage {
  source: string;
  deliveryId: string;
  receivedAt: string;
  problem: string;
  /** It names this dossier (or cannot tell: a chunk is missing). */
  mayConcernDossier: boolean;
}

/** What `rebuildDossier` found and did. */
export interface RebuildResult {
  key: string;
  from: string;
  to: string;
  messagesRead: number;
  /** Events of this dossier in the log (repeats included). */
  eventsFound: number;
  unreadable: UnreadableMessage[];
  diff: StateDiff | null;
  written: boolean;
  /** After a write: the stored state matches the fold. null when nothing was written. */
  verified: boolean | null;
  /** Why nothing was written, when it was refused. */
  refused: string | null;
}

const CODE_DATE = /-(\d{6})-\d{4,}$/;

/** The Vietnam-time date inside MaHoSo (`yyMMdd`), or null when it has none. */
export function codeDate(code: string): string | null {
  const m = CODE_DATE.exec(code.trim());
  const iso = m ? parseCompact(`20${m[1]}000000`) : null;
  return iso ? iso.slice(0, 10) : null;
}

/** `day` plus `n` calendar days (`YYYY-MM-DD`). */
export function addDays(day: string, n: number): string {
  const ms = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The dates from `from` to `to`, both included. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** JSON-equal: stored items come back through DynamoDB's marshalling, so compare as JSON. */
const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

function compareCollections<T>(stored: Map<string, T>, rebuilt: Map<string, T>): CollectionDiff {
  const diff: CollectionDiff = { stored: stored.size, rebuilt: rebuilt.size, added: [], removed: [], changed: [] };
  for (const [id, item] of rebuilt) {
    if (!stored.has(id)) diff.added.push(id);
    else if (!sameJson(stored.get(id), item)) diff.changed.push(id);
  }
  for (const id of stored.keys()) if (!rebuilt.has(id)) diff.removed.push(id);
  return diff;
}

/** What the store holds of a dossier: the item (null when missing) and the step items. */
export interface StoredState {
  dossier: StoredDossier | null;
  steps: ProgressStep[];
}

/** Reads the stored state; the steps also when the dossier item is missing. */
async function readStored(store: RebuildStore, key: string): Promise<StoredState> {
  const found = await store.getDossier(key);
  return found ?? { dossier: null, steps: await store.listSteps(key) };
}

/** Compares the stored state with the rebuilt one (null: none). */
export function diffState(stored: StoredState, rebuilt: DossierState | null): StateDiff {
  const sRec = stored.dossier?.record ?? null;
  const rRec = rebuilt?.record ?? null;
  const brief = (r: typeof sRec): RecordBrief | null => (r ? { version: r.version, status: r.status } : null);
  let change: StateDiff['record']['change'];
  if (!sRec && !rRec) change = 'same';
  else if (!sRec) change = 'added';
  else if (!rRec) change = 'removed';
  else if (sRec.version > rRec.version) change = 'stored-newer';
  else change = recordHash(sRec) === rebuilt!.recordHash ? 'same' : 'changed';

  const payments = compareCollections(
    new Map((stored.dossier?.payments ?? []).map((p) => [paymentKey(p), p])),
    new Map(Object.values(rebuilt?.payments ?? {}).map((p) => [paymentKey(p), p])),
  );
  const postal = compareCollections(
    new Map((stored.dossier?.postal ?? []).map((e) => [e.eventId, e])),
    new Map(Object.values(rebuilt?.postal ?? {}).map((e) => [e.eventId, e])),
  );
  const steps = compareCollections(
    new Map(stored.steps.map((s) => [stepKey(s), s])),
    new Map(Object.values(rebuilt?.steps ?? {}).map((s) => [stepKey(s), s])),
  );

  const losses: string[] = [];
  if (change === 'removed') losses.push(`the stored record v${sRec!.version}`);
  if (change === 'stored-newer') losses.push(`the stored record v${sRec!.version}, newer than any in the log (v${rRec!.version})`);
  for (const [name, d] of [
    ['payment', payments],
    ['postal event', postal],
    ['step', steps],
  ] as const) {
    for (const id of d.removed) losses.push(`${name} ${id}`);
  }
  const untouched = (d: CollectionDiff) => d.added.length + d.removed.length + d.changed.length === 0;
  return {
    record: { stored: brief(sRec), rebuilt: brief(rRec), change },
    payments,
    postal,
    steps,
    same: change === 'same' && untouched(payments) && untouched(postal) && untouched(steps),
    losses,
  };
}

const listed = (ids: string[]) =>
  ids.length > LIST_MAX ? `${ids.slice(0, LIST_MAX).join(', ')}, … (${ids.length - LIST_MAX} more)` : ids.join(', ');

/** The diff as lines a person reads: ids and versions only, never record content. */
export function formatDiff(diff: StateDiff): string[] {
  const rec = (r: RecordBrief | null) => (r ? `v${r.version} status ${r.status}` : 'none');
  const { record } = diff;
  const lines = [
    record.change === 'same'
      ? `record:   ${rec(record.rebuilt)} (same)`
      : `record:   stored ${rec(record.stored)} → rebuilt ${rec(record.rebuilt)} (${record.change})`,
  ];
  for (const [name, d] of [
    ['payments', diff.payments],
    ['postal', diff.postal],
    ['steps', diff.steps],
  ] as const) {
    const parts = [
      d.added.length ? `+${d.added.length} (${listed(d.added)})` : '',
      d.removed.length ? `-${d.removed.length} (${listed(d.removed)})` : '',
      d.changed.length ? `~${d.changed.length} (${listed(d.changed)})` : '',
    ].filter(Boolean);
    lines.push(`${`${name}:`.padEnd(10)}stored ${d.stored}, rebuilt ${d.rebuilt}; ${parts.length ? parts.join(' ') : 'same'}`);
  }
  return lines;
}

/** This dossier's events in the log's days, in arrival order, and what could not be read. */
async function readEvents(raw: RawLogReader, key: string, days: string[], skip: Set<string> = new Set()) {
  const perDay = new Array<{ events: RawEvent[]; read: string[]; unreadable: UnreadableMessage[] }>(days.length);
  let next = 0;
  // Days in parallel, results in day order: the order of record versions is the arrival order.
  const worker = async () => {
    while (next < days.length) {
      const i = next++;
      const out = { events: [] as RawEvent[], read: [] as string[], unreadable: [] as UnreadableMessage[] };
      for await (const entry of raw.readDay(days[i])) {
        if (!entry.ok) {
          // A chunk missing or a body that does not gunzip: what it was about cannot be told.
          const { source, deliveryId, receivedAt, problem } = entry;
          out.unreadable.push({ source, deliveryId, receivedAt, problem, mayConcernDossier: true });
          continue;
        }
        const { message } = entry;
        const id = `${message.receivedAt}#${message.deliveryId}`;
        if (skip.has(id)) continue;
        out.read.push(id);
        try {
          out.events.push(...rawEvents(message).filter((e) => eventKey(e) === key));
        } catch (err) {
          out.unreadable.push({
            source: message.source,
            deliveryId: message.deliveryId,
            receivedAt: message.receivedAt,
            problem: (err as Error).message.split('\n')[0],
            mayConcernDossier: mentionsDossier(message.body, key),
          });
        }
      }
      perDay[i] = out;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DAY_CONCURRENCY, days.length) }, worker));
  return {
    events: perDay.flatMap((d) => d.events),
    read: perDay.flatMap((d) => d.read),
    unreadable: perDay.flatMap((d) => d.unreadable),
  };
}

/** Offers events to the store the way the handlers do; every write is idempotent. */
async function offerAll(store: RebuildStore, events: RawEvent[]): Promise<void> {
  const records: OfferedRecord[] = events.flatMap((e) => (e.kind === 'record' ? [{ record: e.record, raw: e.raw ?? null }] : []));
  // One call: the store writes the versions of one dossier in the order given (arrival order).
  if (records.length > 0) await store.offerRecords(records);
  const steps = events.flatMap((e) => (e.kind === 'step' ? [e.step] : []));
  if (steps.length > 0) await store.offerSteps(steps);
  for (const e of events) {
    if (e.kind === 'payment') await store.offerPayment(e.payment);
    else if (e.kind === 'postal') await store.offerPostalEvent(e.event);
  }
}

/** Rebuilds one dossier from the raw log (see the module comment); never throws on a refusal. */
export async function rebuildDossier(opts: RebuildOptions): Promise<RebuildResult> {
  const { store, raw } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const key = dossierKey(opts.code);
  const to = vnDate(now());
  const fromCode = codeDate(opts.code);
  const from = opts.since ?? (fromCode ? addDays(fromCode, -LOOKBACK_DAYS) : null);
  if (!from) throw new Error(`${opts.code} has no date (yyMMdd) to start reading from: pass --since YYYY-MM-DD`);
  const result: RebuildResult = {
    key,
    from,
    to,
    messagesRead: 0,
    eventsFound: 0,
    unreadable: [],
    diff: null,
    written: false,
    verified: null,
    refused: null,
  };
  const days = from <= to ? daysBetween(from, to) : [];

  log(`rebuild ${opts.code} (key ${key}): reading the raw log ${from} … ${to} (${days.length} day${days.length === 1 ? '' : 's'})`);
  const first = await readEvents(raw, key, days);
  result.messagesRead = first.read.length + first.unreadable.length;
  result.eventsFound = first.events.length;
  result.unreadable = first.unreadable;
  log(`read ${result.messagesRead} message(s), ${first.events.length} event(s) of this dossier, ${first.unreadable.length} unreadable`);
  for (const u of first.unreadable) {
    log(
      `  unreadable ${u.source} ${u.receivedAt} ${u.deliveryId}: ${u.problem}${u.mayConcernDossier ? ' (may concern this dossier)' : ''}`,
    );
  }

  let events = first.events;
  const rebuilt = foldEvents(events).get(key) ?? null;
  const stored = await readStored(store, key);
  result.diff = diffState(stored, rebuilt);
  for (const line of formatDiff(result.diff)) log(line);
  const marks = stored.dossier?.alerts;
  if (marks?.overdue || marks?.soon) {
    const shown = (['overdue', 'soon'] as const).flatMap((l) =>
      marks[l]
        ? [`${l} (due ${marks[l]!.dueAt}, at ${marks[l]!.at}${marks[l]!.pending ? `, pending in run ${marks[l]!.runId}` : ''})`]
        : [],
    );
    log(`alert marks kept: ${shown.join(', ')}`);
  }

  if (!rebuilt) {
    result.refused = `no raw message of ${opts.code} between ${from} and ${to}: nothing to rebuild from (try --since)`;
  } else if (!opts.force) {
    const suspect = first.unreadable.filter((u) => u.mayConcernDossier);
    if (result.diff.losses.length > 0) {
      result.refused = `the rewrite would drop what no raw message backs: ${listed(result.diff.losses)} (read from an earlier --since, or pass --force)`;
    } else if (suspect.length > 0) {
      result.refused = `${suspect.length} message(s) that may concern this dossier cannot be read (listed above); pass --force to rebuild without them`;
    }
  }
  if (result.refused) {
    log(`${opts.dryRun ? 'dry run: a rewrite would be refused' : 'refused'}: ${result.refused}`);
    return result;
  }
  if (opts.dryRun) {
    log(result.diff.same ? 'dry run: the stored state already matches the log; nothing written' : 'dry run: nothing written');
    return result;
  }

  // 4. Rewrite. The marks are re-read with the reset's condition, so a scan that marks the
  // dossier in between is not undone (its mark would be lost and its alert sent again).
  let reset = false;
  let current = stored;
  for (let attempt = 0; attempt < RESET_ATTEMPTS && !reset; attempt++) {
    if (attempt > 0) current = await readStored(store, key);
    reset = await store.resetDossierItem(
      key,
      rebuilt!.code,
      current.dossier?.alerts ?? { overdue: null, soon: null },
      current.dossier?.feedback ?? [],
    );
  }
  if (!reset) throw new Error(`the alert marks of ${key} kept changing during the rebuild: run it again`);
  result.written = true;
  const stepDiff = diffState(current, rebuilt).steps;
  const dropSteps = new Set([...stepDiff.removed, ...stepDiff.changed]);
  await store.deleteSteps(current.steps.filter((s) => dropSteps.has(stepKey(s))));
  await offerAll(store, events);

  // 5. Catch up with what arrived while we read and wrote (from yesterday: a delivery stamped
  // just before midnight may be written just after).
  const yesterday = addDays(to, -1);
  // biome-ignore lint/complexity/useMathMinMax: the later of two dates as text; Math.max takes numbers
  const catchUpDays = daysBetween(yesterday < from ? from : yesterday, vnDate(now()));
  const late = await readEvents(raw, key, catchUpDays, new Set(first.read));
  if (late.events.length > 0) {
    log(`catch-up: ${late.events.length} event(s) arrived during the rebuild`);
    await offerAll(store, late.events);
    events = [...events, ...late.events];
  }
  const expected = foldEvents(events).get(key)!;

  // An open dossier alerted for its current due date goes back where the scan would park it at
  // its next run: overdue where only the daily digest reads it, due soon where it waits to be overdue.
  // A pending mark stays where the scan reads it: its run parks it, or a later scan settles or
  // takes over the claim (see `core/scan.ts`).
  let back = await readStored(store, key);
  const record = back.dossier?.record;
  const alerts = back.dossier?.alerts;
  const dueAt = back.dossier?.dueAt;
  const settledAt = (mark: AlertMark | null | undefined) => mark?.dueAt === dueAt && !mark?.pending;
  const parked = settledAt(alerts?.overdue) ? 'overdue' : settledAt(alerts?.soon) ? 'soon' : null;
  if (record && dueAt && parked && OPEN_STATUSES.has(record.status)) {
    await store.keepAsAlerted(key, record.version, parked);
    back = await readStored(store, key);
  }

  // 6. Verify.
  const check = diffState(back, expected);
  result.verified = check.same;
  if (check.same) log(`rebuilt ${opts.code}: the stored state now matches the raw log`);
  else {
    log('NOT verified: the stored state still differs from the raw log (a concurrent write? run it again):');
    for (const line of formatDiff(check)) log(`  ${line}`);
  }
  return result;
}

// ---- command line -----------------------------------------------------------------------------

/** Usage text. */
export const USAGE = `Rebuild one dossier's state from the raw log.

Usage:
  npm run rebuild -- <MaHoSo> [--table NAME] [--endpoint URL] [--since YYYY-MM-DD] [--dry-run] [--force]
  npm run rebuild -- --month-index [--from YYYY-MM] [--to YYYY-MM] [--table NAME] [--endpoint URL]

Options:
  --table NAME        the DynamoDB table (AWS: the stack's output); default: the local stack's
                      ${TABLE_NAME} on http://${HOST}:$DYNAMODB_PORT (8000)
  --endpoint URL      a DynamoDB endpoint (default: none with --table, i.e. AWS)
  --since YYYY-MM-DD  first day of the raw log read (default: the date in MaHoSo minus ${LOOKBACK_DAYS} days)
  --dry-run           print the differences, write nothing
  --force             rewrite even when that drops what no raw message backs
  --month-index       instead of one dossier: step 2 of an index migration (README, "Changing the
                      indexes"), the key of the receipt-month index for every item of the months
                      [--from, --to] (default: the last 36 months); npm run backfill-month-index
  -h, --help          this help
`;

/** A validated command line. */
export interface RebuildArgs {
  code: string;
  table: string;
  endpoint: string | null;
  since: string | null;
  dryRun: boolean;
  force: boolean;
}

/** Reads the command line (after the script name). */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedCommand<RebuildArgs> {
  const scanned = scanArgs(argv, { flags: ['--dry-run', '--force'], values: ['--table', '--endpoint', '--since'], positional: true });
  if (scanned.kind !== 'ok') return scanned;
  const { values, flags, positional } = scanned;
  if (positional.length !== 1)
    return { kind: 'error', message: positional.length ? `one MaHoSo expected, got ${positional.length}` : 'MaHoSo is missing' };
  const code = positional[0].trim();
  if (!dossierKey(code)) return { kind: 'error', message: `not a dossier code: ${JSON.stringify(code)}` };
  const since = values.get('--since') ?? null;
  if (since !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(since) || parseCompact(`${since.replace(/-/g, '')}000000`) === null)) {
    return { kind: 'error', message: `invalid --since: ${JSON.stringify(since)}, expected YYYY-MM-DD` };
  }
  if (since === null && !codeDate(code)) return { kind: 'error', message: `${code} has no date (yyMMdd): pass --since YYYY-MM-DD` };
  const table = values.get('--table');
  const endpoint = tableEndpoint(table, values.get('--endpoint'), env);
  return {
    kind: 'run',
    args: { code, table: table ?? TABLE_NAME, endpoint, since, dryRun: flags.has('--dry-run'), force: flags.has('--force') },
  };
}

/** Runs the command; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  now: () => number = Date.now,
): Promise<number> {
  // The index backfill of a migration goes through the rebuild command as well (its own module).
  if (argv.includes('--month-index')) {
    return backfillMain(
      argv.filter((a) => a !== '--month-index'),
      env,
      out,
      err,
    );
  }
  return runCommand(
    parseArgs(argv, env),
    USAGE,
    { out, err },
    (args) => cliDynamoClient(args.endpoint, env),
    async (args, client) => {
      const store = new DynamoDossierStore({ client, tableName: args.table, dueAt: (record) => effectiveDueAt(record) });
      const result = await rebuildDossier({
        store,
        raw: new DynamoRawLog(client, args.table),
        code: args.code,
        since: args.since ?? undefined,
        dryRun: args.dryRun,
        force: args.force,
        now,
        log: out,
      });
      if (result.refused) return 1;
      return result.verified === false ? 1 : 0;
    },
  );
}

if (require.main === module) runCli((argv) => main(argv));
