/**
 * The SQS alert queue against fauxqs (explicit endpoint, `useQueueUrlAsEndpoint: false`): batches
 * of 10, the wire format both ways, failures reported as unsent, and the redrive of a malformed
 * message to the dead-letter queue after maxReceiveCount (5) receives.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import {
  encodeQueueMessage,
  parseQueueMessage,
  queueUrlFromArn,
  releaseNow,
  SqsAlertQueue,
} from '../../functions/adapters/sqs-alert-queue';
import type { AlertQueueMessage } from '../../functions/core/ports';
import { CREDENTIALS, startSqs, type SqsEmulator } from '../../infra/local/emulators';
import { alert } from '../unit/alert-fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let sqs: SqsEmulator;

beforeAll(async () => {
  sqs = await startSqs();
}, 30_000);
beforeEach(async () => {
  await sqs.purge();
});
afterAll(async () => {
  await sqs?.stop();
});

/** Receives until `count` messages came or a receive comes back empty. */
async function receiveAll(url: string, count: number, visibility = 30): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < count) {
    const page = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibility,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!page.Messages?.length) break;
    out.push(...page.Messages);
  }
  return out;
}

describe('SqsAlertQueue', () => {
  it('queues every message, ten to a request, in a form the notifier parses back', async () => {
    // Prepare
    const queue = new SqsAlertQueue(sqs.client, sqs.alerts.url);
    const messages: AlertQueueMessage[] = [
      ...Array.from(
        { length: 22 },
        (_, i): AlertQueueMessage => ({
          kind: 'alert',
          alert: alert({ code: `000.00.12.H57-240401-${String(i + 1).padStart(4, '0')}`, unit: i % 2 ? null : 'Bộ phận Một cửa' }),
        }),
      ),
      { kind: 'flush', runId: alert().runId, force: true },
    ];

    // Act
    const { unsent, error } = await queue.send(messages);
    const received = await receiveAll(sqs.alerts.url, messages.length);

    // Assess
    expect(unsent).toEqual([]);
    expect(error).toBeNull();
    const parsed = received.map((m) => parseQueueMessage(m.Body!));
    expect(parsed.every((p) => p.ok)).toBe(true);
    const back = parsed.map((p) => (p.ok ? p.message : null));
    expect(back).toHaveLength(messages.length);
    expect(back).toEqual(expect.arrayContaining(messages));
    expect(JSON.parse(received[0].Body!)).toMatchObject({ v: 1 });
  });

  it('writes the portal field names on the wire and nothing about the applicant', () => {
    // Act
    const body = JSON.parse(encodeQueueMessage({ kind: 'alert', alert: alert() }));

    // Assess
    expect(Object.keys(body).sort()).toEqual(
      [
        'DonViXuLy',
        'MaHoSo',
        'MaLinhVuc',
        'TenLinhVuc',
        'TenTTHC',
        'dueAt',
        'level',
        'receivedAt',
        'runId',
        'type',
        'v',
        'workingDaysOverdue',
      ].sort(),
    );
  });

  it('reports every message as unsent, with the error, when SQS cannot be reached', async () => {
    // Prepare
    const dead = new SQSClient({
      region: 'ap-southeast-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: CREDENTIALS,
      useQueueUrlAsEndpoint: false,
      maxAttempts: 1,
    });
    const queue = new SqsAlertQueue(dead, sqs.alerts.url);
    const messages: AlertQueueMessage[] = Array.from({ length: 12 }, () => ({ kind: 'alert', alert: alert() }));

    // Act
    const { unsent, error } = await queue.send(messages);

    // Assess
    expect(unsent).toEqual(messages);
    expect(error).toBeInstanceOf(Error);
    dead.destroy();
  });

  it('moves a malformed message released at once to the DLQ after 5 receives', async () => {
    // Prepare
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.alerts.url, MessageBody: 'garbage' }));
    expect(parseQueueMessage('garbage').ok).toBe(false);

    // Act: the notifier fails it each time and makes it visible again at once
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [m] = await receiveAll(sqs.alerts.url, 1);
      if (!m) break;
      counts.push(Number(m.Attributes?.ApproximateReceiveCount));
      await releaseNow(sqs.client, sqs.alerts.url, [m.ReceiptHandle!]);
    }
    const dlq = await receiveAll(sqs.alertsDlq.url, 1);

    // Assess
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(dlq.map((m) => m.Body)).toEqual(['garbage']);
    const left = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: sqs.alerts.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(left.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('derives the AWS queue URL from the event source ARN', () => {
    // Act
    const url = queueUrlFromArn('arn:aws:sqs:ap-southeast-1:123456789012:MotcuaStateful-AlertQueue-abc');

    // Assess
    expect(url).toBe('https://sqs.ap-southeast-1.amazonaws.com/123456789012/MotcuaStateful-AlertQueue-abc');
  });
});
