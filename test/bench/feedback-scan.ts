/**
 * Feedback scan bench: 10,000 answered feedback items and 20 open past their deadline, offered to
 * dynalite (a child process, in memory) through the real feedback store; then the real feedback
 * scan (`runFeedbackScan`) with the real DynamoDB ledger and SQS queue (fauxqs) at a fixed clock,
 * timed, its reads counted by a middleware on the DynamoDB client (every Query / GetItem response
 * the store and the ledger get); then the same scan again (the 20, alerted, have left the due
 * partitions: it should read nothing).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { SqsAlertQueue } from '../../functions/adapters/sqs-alert-queue';
import type { FeedbackItem } from '../../functions/core/feedback';
import { feedbackRunId, runFeedbackScan } from '../../functions/core/feedback-scan';
import type { OfferedFeedback } from '../../functions/core/ports';
import { newRunId } from '../../functions/core/scan';
import { toCompact, toVnIso } from '../../functions/core/time';
import { CREDENTIALS, ensureTable, startDynamo, startSqs, type DynamoEmulator, type SqsEmulator } from '../../infra/local/emulators';
import { REGION } from '../../infra/local/settings';

const TABLE_NAME = 'bench-feedback-scan';
/** The scan's clock: a Thursday morning. */
const CLOCK = '2024-06-06T09:00:00+07:00';
const BATCH = 500;
const CALLS_IN_FLIGHT = 4;

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** A realistic item: `answered` ones received over the first months of 2024, the overdue ones in March and still in progress. */
function item(i: number, answered: boolean): FeedbackItem {
  const received = Date.parse('2024-01-02T01:00:00Z') + (i % 120) * 86_400_000 + (i % 97) * 60_000;
  const overdueReceived = Date.parse('2024-03-04T02:00:00Z') + (i % 20) * 3_600_000;
  const at = answered ? received : overdueReceived;
  return {
    id: `${answered ? '1022' : 'PAKN'}.${toCompact(at).slice(0, 8)}.${String(i).padStart(6, '0')}`,
    source: answered ? '1022' : 'DVCQG',
    ward: '000.00.12.H57',
    channel: 1,
    receivedAt: toVnIso(at),
    title: 'Chậm trả kết quả hồ sơ',
    content: 'Tôi nộp hồ sơ đã quá hẹn mà chưa nhận được kết quả, liên hệ 0912345678.',
    category: 1,
    status: answered ? 5 : 3,
    version: toCompact(at + 3 * 86_400_000),
    updatedAt: toVnIso(at + 3 * 86_400_000),
    deadline: null,
    answeredAt: answered ? toVnIso(at + 2 * 86_400_000) : null,
    answer: answered ? 'Đã trả lời.' : null,
    rating: answered ? 1 : null,
    dossierCode: null,
    field: 'HT',
    citizen: { name: 'Nguyễn Văn An', phone: '0912345678', email: null, address: null },
  };
}

/** Items read and requests made through a client, from its responses. */
function tallied(client: DynamoDBClient, tally: { reads: number; requests: Map<string, number> }): DynamoDBClient {
  type Next = (args: unknown) => Promise<{ output: Record<string, unknown> }>;
  const middleware = (next: Next, context: { commandName?: string }) => async (args: unknown) => {
    const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
    tally.requests.set(name, (tally.requests.get(name) ?? 0) + 1);
    const result = await next(args);
    if (name === 'Query' || name === 'Scan') tally.reads += Number(result.output.ScannedCount ?? 0);
    else if (name === 'GetItem') tally.reads += result.output.Item ? 1 : 0;
    return result;
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'benchTally' });
  return client;
}

/** Prints the feedback scan bench. */
export async function benchFeedbackScan(opts: { answered?: number; overdue?: number } = {}): Promise<void> {
  const answered = opts.answered ?? 10_000;
  const overdue = opts.overdue ?? 20;
  console.log(`\n## Feedback scan (${fmt(answered)} answered feedback items and ${overdue} open past their deadline; clock ${CLOCK})`);
  let dynamo: DynamoEmulator | null = null;
  let sqs: SqsEmulator | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    dynamo = await startDynamo({ child: true, createTable: false });
    sqs = await startSqs();
    await ensureTable(dynamo.client, TABLE_NAME);
    const tally = { reads: 0, requests: new Map<string, number>() };
    const dynamoClient = tallied(
      new DynamoDBClient({ region: REGION, endpoint: dynamo.endpoint, credentials: CREDENTIALS, requestHandler: { httpAgent: agent } }),
      tally,
    );
    const store = new DynamoFeedbackStore({ client: dynamoClient, tableName: TABLE_NAME });
    const ledger = new DynamoAlertLedger(dynamoClient, TABLE_NAME);
    const queue = new SqsAlertQueue(sqs.client, sqs.alerts.url);

    const all: OfferedFeedback[] = [
      ...Array.from({ length: answered }, (_, i) => ({ item: item(i, true), raw: {} })),
      ...Array.from({ length: overdue }, (_, i) => ({ item: item(answered + i, false), raw: {} })),
    ];
    let t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CALLS_IN_FLIGHT }, async () => {
        while (next < all.length) {
          const start = next;
          next += BATCH;
          await store.offerFeedback(all.slice(start, start + BATCH));
        }
      }),
    );
    const populateS = (performance.now() - t0) / 1000;
    console.log(`populate ${fmt(all.length)} items through the store: ${fmt(populateS, 1)} s (${fmt(all.length / populateS)} items/s)`);

    const scan = async (runId: string) => {
      const reads = tally.reads;
      const requests = new Map(tally.requests);
      const started = performance.now();
      const result = await runFeedbackScan({ store, ledger, queue, now: CLOCK, runId: feedbackRunId(runId) });
      const ms = performance.now() - started;
      const made = [...tally.requests]
        .map(([name, n]) => [name, n - (requests.get(name) ?? 0)] as const)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      return { result, ms, read: tally.reads - reads, made };
    };
    t0 = performance.now();
    const first = await scan(newRunId(CLOCK));
    console.log(
      `scan: ${fmt(first.ms)} ms, ${first.read} items read, ${first.result.flagged} flagged, ${first.result.alertsQueued} queued: ` +
        `items read / flagged = ${fmt(first.read / Math.max(1, first.result.flagged), 2)} (target <= 1.2)`,
    );
    console.log(`  requests: ${first.made}`);
    const second = await scan(newRunId(CLOCK));
    console.log(
      `second scan at the same clock: ${fmt(second.ms)} ms, ${second.read} items read, ${second.result.flagged} flagged (${second.made})`,
    );
  } finally {
    agent.destroy();
    await sqs?.stop();
    await dynamo?.stop();
  }
}
