/**
 * Scan bench: 100,000 closed, paused or not-yet-due dossiers and 100 overdue ones, offered to
 * dynalite (a child process, in memory) through the real store; then the real scan
 * (`runOverdueScan`) with the real DynamoDB ledger and SQS queue (fauxqs) at a fixed clock, timed,
 * its reads counted; then the same scan again (the overdue dossiers, alerted and parked, have left
 * the DUE# partitions: it should read next to nothing). The store's UpdateItems of a scan are its
 * claims and, once its run is committed, its parks: two per flagged dossier.
 *
 * Items read are counted twice: by the store (`itemsRead`, the ScannedCount of its index queries)
 * and by a middleware on each DynamoDB client (every Query / GetItem / Scan response), so that a
 * read the scan makes through another path (the ledger's open-run list) is counted too.
 *
 * An addendum, printed apart so as not to blur the requirement's ratio: 50 due-soon dossiers, which
 * a scan flags once and parks in the SOON# partitions, read again only once they are overdue.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { SqsAlertQueue } from '../../functions/adapters/sqs-alert-queue';
import { dueSoonHorizon } from '../../functions/core/calendar';
import { effectiveDueAt } from '../../functions/core/overdue';
import type { OfferedRecord } from '../../functions/core/ports';
import { newRunId, runOverdueScan, type ScanResult } from '../../functions/core/scan';
import type { Status } from '../../functions/core/types';
import {
  CREDENTIALS,
  ensureTable,
  sqsClient,
  startDynamo,
  startSqs,
  type DynamoEmulator,
  type SqsEmulator,
} from '../../infra/local/emulators';
import { REGION } from '../../infra/local/settings';
import { categoryOf, dossierRecord, SCAN_CLOCK, type Category } from './scan-data';

const TABLE_NAME = 'bench-scan';
/** Records per `offerRecords` call (the store writes 16 of a call at once). */
const DEFAULT_BATCH = 500;
/** `offerRecords` calls in flight: 4 × 16 = 64 writes in flight (dynalite is saturated well before). */
const DEFAULT_CALLS_IN_FLIGHT = 4;

export interface ScanBenchOptions {
  /** Closed, paused or not-yet-due dossiers. */
  quiet?: number;
  overdue?: number;
  /** Due-soon dossiers of the addendum (0: no addendum). */
  dueSoon?: number;
  /** Records per `offerRecords` call, and calls in flight. */
  batch?: number;
  callsInFlight?: number;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

/** Requests and items read by one SDK client, counted from its responses. */
class Tally {
  reads = 0;
  readonly requests = new Map<string, number>();

  snapshot(): { reads: number; requests: Map<string, number> } {
    return { reads: this.reads, requests: new Map(this.requests) };
  }

  /** Requests per command since `before`, e.g. `UpdateItem 100, PutItem 2`. */
  since(before: { requests: Map<string, number> }): string {
    const parts: string[] = [];
    for (const [name, n] of this.requests) {
      const d = n - (before.requests.get(name) ?? 0);
      if (d > 0) parts.push(`${name.replace(/Command$/, '')} ${d}`);
    }
    return parts.join(', ') || 'none';
  }
}

type Next = (args: unknown) => Promise<{ output: Record<string, unknown> }>;

/** Adds a middleware that counts the client's requests and the items its responses say were read. */
function tallied<C extends DynamoDBClient | SQSClient>(client: C, tally: Tally): C {
  const middleware = (next: Next, context: { commandName?: string }) => async (args: unknown) => {
    const name = context.commandName ?? 'unknown';
    tally.requests.set(name, (tally.requests.get(name) ?? 0) + 1);
    const result = await next(args);
    const out = result.output;
    if (name === 'QueryCommand' || name === 'ScanCommand') tally.reads += Number(out.ScannedCount ?? 0);
    else if (name === 'GetItemCommand') tally.reads += out.Item ? 1 : 0;
    else if (name === 'BatchGetItemCommand') {
      for (const items of Object.values((out.Responses ?? {}) as Record<string, unknown[]>)) tally.reads += items.length;
    }
    return result;
  };
  (client as DynamoDBClient).middlewareStack.add(middleware as never, { step: 'initialize', name: 'benchTally' });
  return client;
}

/** Runs `fn` over `n` indexes with `limit` in flight. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** Time spent awaiting each port method during a scan (the scan awaits them one at a time). */
class PortTimes {
  readonly calls = new Map<string, { n: number; ms: number }>();

  add(name: string, ms: number): void {
    const c = this.calls.get(name) ?? { n: 0, ms: 0 };
    c.n++;
    c.ms += ms;
    this.calls.set(name, c);
  }

  text(): string {
    return [...this.calls].map(([name, c]) => `${name} ${c.n} × ${c.ms.toFixed(0)} ms`).join(', ');
  }
}

/** `port` with every method timed into `times` (promises until settled, async iterables per `next`). */
function timed<T extends object>(port: T, label: string, times: () => PortTimes): T {
  return new Proxy(port, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const name = `${label}.${String(prop)}`;
      return (...args: unknown[]) => {
        const started = performance.now();
        const out = value.apply(target, args);
        if (out && typeof out.then === 'function') {
          return (out as Promise<unknown>).finally(() => times().add(name, performance.now() - started));
        }
        if (out && typeof out[Symbol.asyncIterator] === 'function') {
          return (async function* () {
            const it = (out as AsyncIterable<unknown>)[Symbol.asyncIterator]();
            let spent = performance.now() - started;
            try {
              for (;;) {
                const t = performance.now();
                const step = await it.next();
                spent += performance.now() - t;
                if (step.done) return;
                yield step.value;
              }
            } finally {
              times().add(name, spent);
            }
          })();
        }
        times().add(name, performance.now() - started);
        return out;
      };
    },
  });
}

/** Prints the scan bench. */
export async function benchScan(opts: ScanBenchOptions = {}): Promise<void> {
  const quiet = opts.quiet ?? 100_000;
  const overdue = opts.overdue ?? 100;
  const dueSoon = opts.dueSoon ?? 50;
  const total = quiet + overdue;
  const batch = opts.batch ?? DEFAULT_BATCH;
  const callsInFlight = opts.callsInFlight ?? DEFAULT_CALLS_IN_FLIGHT;
  console.log(`\n## Overdue scan (${fmt(quiet)} closed or not-yet-due dossiers and ${overdue} overdue; clock ${SCAN_CLOCK})`);

  let dynamo: DynamoEmulator | null = null;
  let sqs: SqsEmulator | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const clients: { destroy(): void }[] = [];
  try {
    dynamo = await startDynamo({ child: true, createTable: false });
    sqs = await startSqs();
    await ensureTable(dynamo.client, TABLE_NAME);

    const dynamoClient = () => {
      const c = new DynamoDBClient({
        region: REGION,
        endpoint: dynamo!.endpoint,
        credentials: CREDENTIALS,
        maxAttempts: 3,
        requestHandler: { httpAgent: agent },
      });
      clients.push(c);
      return c;
    };
    const storeTally = new Tally();
    const ledgerTally = new Tally();
    const queueTally = new Tally();
    const store = new DynamoDossierStore({
      client: tallied(dynamoClient(), storeTally),
      tableName: TABLE_NAME,
      dueAt: (r) => effectiveDueAt(r),
    });
    const ledger = new DynamoAlertLedger(tallied(dynamoClient(), ledgerTally), TABLE_NAME);
    const queueClient = tallied(sqsClient(sqs.endpoint), queueTally);
    clients.push(queueClient);
    const queue = new SqsAlertQueue(queueClient, sqs.alerts.url);
    const queueDepth = async () => {
      const out = await sqs!.client.send(
        new GetQueueAttributesCommand({ QueueUrl: sqs!.alerts.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? NaN);
    };

    // ---- Populate: `batch` records per offerRecords call, `callsInFlight` calls at once ----
    const counts = new Map<string, number>();
    const count = (category: Category, status: Status) =>
      counts.set(`${category} ${status}`, (counts.get(`${category} ${status}`) ?? 0) + 1);
    let applied = 0;
    let done = 0;
    let tenth = 1;
    const t0 = performance.now();
    await pool(Math.ceil(total / batch), callsInFlight, async (b) => {
      const records: OfferedRecord[] = [];
      for (let i = b * batch; i < Math.min(total, (b + 1) * batch); i++) {
        const { category, status } = categoryOf(i, total, overdue);
        count(category, status);
        records.push({ record: dossierRecord(i + 1, category, status), raw: null });
      }
      const outcomes = await store.offerRecords(records);
      applied += outcomes.filter((o) => o === 'applied').length;
      done += records.length;
      while (tenth <= 10 && done >= (tenth * total) / 10) {
        const s = (performance.now() - t0) / 1000;
        process.stderr.write(`  populating: ${fmt(done)}/${fmt(total)} dossiers, ${s.toFixed(0)} s (${fmt(done / s)} records/s)\n`);
        tenth++;
      }
    });
    const loadS = (performance.now() - t0) / 1000;
    if (applied !== total) throw new Error(`populating: ${applied} of ${total} records applied`);
    const n = (category: Category, statuses: Status[]) => statuses.reduce((s, st) => s + (counts.get(`${category} ${st}`) ?? 0), 0);
    const w = store.writeRequests;
    console.log(
      `populated through the store in ${loadS.toFixed(1)} s (${fmt(total / loadS)} records/s, ${batch} records per offerRecords call, ${callsInFlight} calls in flight; ` +
        `${fmt(w.update)} UpdateItem, ${fmt(w.put)} PutItem, ${fmt(w.batch)} BatchWriteItem; load average now ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
    );
    console.log(
      `  closed ${fmt(n('closed', [3, 7, 9, 10]))} (status 10: ${fmt(n('closed', [10]))}, 9: ${fmt(n('closed', [9]))}, 3: ${fmt(n('closed', [3]))}, 7: ${fmt(n('closed', [7]))}); ` +
        `paused ${fmt(n('paused', [5, 6, 8]))} (5/6/8); open, due 9 April–31 May: ${fmt(n('open', [2, 4]))}; overdue (status 2/4, due 18 March–3 April): ${fmt(n('overdue', [2, 4]))}`,
    );

    // ---- The scans ----
    // Warm the clients with reads that change nothing (SDK first-use costs stay out of the timing).
    for await (const _ of store.listDueBy('2000-01-01T00:00:00+07:00')) throw new Error('nothing is due in 2000');
    await ledger.listOpenRuns();
    await queueClient.send(new GetQueueAttributesCommand({ QueueUrl: sqs.alerts.url, AttributeNames: ['QueueArn'] }));

    let times = new PortTimes();
    const ports = {
      store: timed(store, 'store', () => times),
      ledger: timed(ledger, 'ledger', () => times),
      queue: timed(queue, 'queue', () => times),
    };
    const scan = async () => {
      times = new PortTimes();
      const before = {
        index: store.itemsRead,
        store: storeTally.snapshot(),
        ledger: ledgerTally.snapshot(),
        queue: queueTally.snapshot(),
        writes: { ...store.writeRequests },
      };
      const started = performance.now();
      const result: ScanResult = await runOverdueScan({ ...ports, now: SCAN_CLOCK, runId: newRunId(SCAN_CLOCK) });
      const ms = performance.now() - started;
      const index = store.itemsRead - before.index;
      const storeReads = storeTally.reads - before.store.reads;
      const ledgerReads = ledgerTally.reads - before.ledger.reads;
      if (storeReads !== index) console.log(`  (odd: the store's client read ${storeReads} items, its itemsRead counter says ${index})`);
      if (result.scanned !== index) console.log(`  (odd: the scan reports ${result.scanned} scanned, the due index queries read ${index})`);
      if (result.sweepError) console.log(`  (the sweep failed: ${(result.sweepError as Error).message})`);
      return {
        ms,
        result,
        index,
        read: storeReads + ledgerReads,
        ledgerReads,
        requests: `store ${storeTally.since(before.store)}; ledger ${ledgerTally.since(before.ledger)}; SQS ${queueTally.since(before.queue)}`,
        times: times.text(),
      };
    };
    const readText = (s: Awaited<ReturnType<typeof scan>>) =>
      `${plural(s.read, 'item')} read (${fmt(s.index)} from the due index, ${fmt(s.ledgerReads)} from the ledger's open-run list)`;

    const first = await scan();
    console.log(
      `scan over ${fmt(total)} dossiers (${overdue} overdue): ${first.ms.toFixed(0)} ms, ${readText(first)}, ${fmt(first.result.flagged)} flagged, ` +
        `${fmt(first.result.alertsQueued)} queued; items read / flagged = ${(first.read / first.result.flagged).toFixed(2)}` +
        ` (due index alone: ${(first.index / first.result.flagged).toFixed(2)})`,
    );
    console.log(`  requests: ${first.requests}; alert queue depth after: ${await queueDepth()}`);
    console.log(`  time awaiting the ports: ${first.times}`);

    const second = await scan();
    console.log(
      `second scan at the same clock: ${second.ms.toFixed(0)} ms, ${readText(second)}, ${fmt(second.result.flagged)} flagged, ` +
        `${fmt(second.result.alertsQueued)} queued, ${plural(second.result.runsNudged, 'open run')} nudged`,
    );
    console.log(`  requests: ${second.requests}; alert queue depth after: ${await queueDepth()}`);
    console.log(`  time awaiting the ports: ${second.times}`);
    let parked = 0;
    for await (const _ of store.listAlertedOverdue()) parked++;
    console.log(`  overdue dossiers parked in the OVD# partitions (the daily digest's): ${fmt(parked)}`);

    // ---- Addendum: due-soon dossiers, parked until they are overdue ----
    if (dueSoon > 0) {
      const soon: OfferedRecord[] = Array.from({ length: dueSoon }, (_, j) => ({
        record: dossierRecord(total + j + 1, 'soon', j % 2 ? 4 : 2),
        raw: null,
      }));
      await store.offerRecords(soon);
      console.log(
        `addendum: ${dueSoon} due-soon dossiers added (status 2/4, due by the horizon ${dueSoonHorizon(SCAN_CLOCK)}), same clock`,
      );
      const third = await scan();
      console.log(
        `  scan: ${third.ms.toFixed(0)} ms, ${readText(third)}, ${fmt(third.result.flagged)} flagged (due soon), ${fmt(third.result.alertsQueued)} queued, ` +
          `${plural(third.result.runsNudged, 'open run')} nudged`,
      );
      const fourth = await scan();
      console.log(
        `  again: ${fourth.ms.toFixed(0)} ms, ${readText(fourth)}, ${fmt(fourth.result.flagged)} flagged, ` +
          `${plural(fourth.result.runsNudged, 'open run')} nudged (due-soon dossiers wait in SOON#, read again once overdue)`,
      );
    }
  } finally {
    for (const c of clients) c.destroy();
    agent.destroy();
    await sqs?.stop().catch((err) => console.error('stopping fauxqs:', err));
    await dynamo?.stop().catch((err) => console.error('stopping dynalite:', err));
  }
}
