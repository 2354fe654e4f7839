/**
 * Feedback alerts end to end through the real adapters: the feedback store and the alert ledger on
 * dynalite, the alert queue on fauxqs, the notifier's logic with a recording mailer. The scan reads
 * only what is due, the ledger keeps the run (manifest count `feedback`, one item per MaPhanAnh),
 * the queue carries the feedback wire form, and each recipient gets one email for the run.
 */
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store';
import { logger } from '../../functions/adapters/logger';
import { SqsAlertQueue } from '../../functions/adapters/sqs-alert-queue';
import { feedbackRunId, runFeedbackScan } from '../../functions/core/feedback-scan';
import { alertNotifier } from '../../functions/handlers/alert-notifier';
import { ensureTable, startDynamo, startSqs, type DynamoEmulator, type SqsEmulator } from '../../infra/local/emulators';
import { FakeMailer } from '../unit/alert-fakes';
import { feedbackItem } from '../unit/feedback-fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let dynamo: DynamoEmulator;
let sqs: SqsEmulator;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  dynamo = await startDynamo({ createTable: false });
  sqs = await startSqs();
  await ensureTable(dynamo.client, 'feedback-alerts');
}, 30_000);
afterAll(async () => {
  await sqs?.stop();
  await dynamo?.stop();
});

async function receiveAll(count: number): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < count) {
    const page = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.alerts.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (!page.Messages?.length) break;
    out.push(...page.Messages);
  }
  return out;
}

const asRecord = (m: Message): SQSRecord =>
  ({
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body!,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:motcua-alerts',
    awsRegion: 'ap-southeast-1',
  }) as SQSRecord;

it('scans, records, queues and mails the overdue feedback of two wards, once', async () => {
  // Prepare: 5 answered, 1 not yet due, 2 overdue in H57, 1 overdue in H58
  const store = new DynamoFeedbackStore({ client: dynamo.client, tableName: 'feedback-alerts' });
  const ledger = new DynamoAlertLedger(dynamo.client, 'feedback-alerts');
  const queue = new SqsAlertQueue(sqs.client, sqs.alerts.url);
  const item = (n: number, over: Parameters<typeof feedbackItem>[0] = {}) => ({
    item: feedbackItem({ id: `PAKN.${n}`, ...over }),
    raw: {},
  });
  await store.offerFeedback([
    ...[1, 2, 3, 4, 5].map((n) => item(n, { status: 5, answeredAt: '2024-03-20T10:00:00+07:00' })),
    item(6, { status: 3, receivedAt: '2024-03-28T09:00:00+07:00' }),
    item(7, { status: 2, dossierCode: '000.00.12.H57-240401-0003' }),
    item(8, { status: 1, source: 'DVCQG' }),
    item(9, { status: 3, ward: '000.00.12.H58' }),
  ]);
  const now = '2024-04-04T09:00:00+07:00';
  const runId = feedbackRunId('20240404090000-cafe0001');
  const mailer = new FakeMailer();
  const recipients = {
    default: ['vanphong@tinh.local'],
    byField: {},
    wards: { '000.00.12.H57': { default: ['chutich@binhan.local'], byField: {} } },
  };
  const notify = alertNotifier(() => ({ ledger, mailer, recipients }));
  const context = { awsRequestId: 'req', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

  // Act
  const before = store.itemsRead;
  const result = await runFeedbackScan({ store, ledger, queue, now, runId });
  const read = store.itemsRead - before;
  const messages = await receiveAll(3);
  const answer = await notify({ Records: messages.map(asRecord) }, context);
  const again = await runFeedbackScan({ store, ledger, queue, now, runId: feedbackRunId('20240404090000-cafe0002') });

  // Assess
  expect(result).toEqual({ scanned: 3, flagged: 3, alertsQueued: 3, takenOver: 0, unparked: 0, parkError: null });
  expect(read).toBe(3); // the due index up to the clock: nothing answered, nothing not yet due
  expect(messages.map((m) => JSON.parse(m.Body!).type)).toEqual(['feedback', 'feedback', 'feedback']);
  expect(answer.batchItemFailures).toEqual([]);
  const run = await ledger.loadRun(runId);
  expect(run.manifest?.counts).toEqual({ overdue: 0, soon: 0, feedback: 3 });
  expect(run.feedback?.map((a) => a.id).sort()).toEqual(['PAKN.7', 'PAKN.8', 'PAKN.9']);
  expect(run.alerts).toEqual([]);
  expect(run.closed).toBe(true);
  expect(mailer.sent.map((e) => [e.to, e.subject]).sort()).toEqual([
    ['chutich@binhan.local', '[Một cửa] 2 phản ánh, kiến nghị quá hạn'],
    ['vanphong@tinh.local', '[Một cửa] 1 phản ánh, kiến nghị quá hạn'],
  ]);
  expect(again).toMatchObject({ scanned: 0, flagged: 0, alertsQueued: 0 });
  expect(await ledger.listOpenRuns()).toEqual([]);
});
