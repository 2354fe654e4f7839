/**
 * `replay-dlq` against fauxqs: the dead-letter queue's messages end up in the source queue with
 * their bodies and attributes, and only then leave the dead-letter queue; a dry run, a limit and a
 * refusing target move nothing they should not.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type Message } from '@aws-sdk/client-sqs';
import { parseArgs, replayDlq } from '../../functions/cli/replay-dlq';
import { startSqs, type SqsEmulator } from '../../infra/local/emulators';

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

/** Bodies shaped like the alert queue's, each one different. */
const bodies = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ v: 1, type: 'flush', runId: `20240405090000-${String(i).padStart(8, '0')}`, force: i % 2 === 0 }),
  );

/** Puts messages straight into the dead-letter queue, as the redrive would have. */
async function fillDlq(items: string[]): Promise<void> {
  for (let i = 0; i < items.length; i += 10) {
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: sqs.alertsDlq.url,
        Entries: items.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          MessageAttributes: { origin: { DataType: 'String', StringValue: `msg-${i + j}` } },
        })),
      }),
    );
  }
}

/** Receives (and hides) every message of a queue. */
async function drain(url: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const page = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!page.Messages?.length) return out;
    out.push(...page.Messages);
  }
}

/** Messages in a queue: visible, and received but not yet deleted. */
async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? NaN),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? NaN),
  };
}

describe('replayDlq', () => {
  it('moves every message back to the source queue, body and attributes intact, and empties the DLQ', async () => {
    // Prepare
    const sent = bodies(23);
    await fillDlq(sent);
    const lines: string[] = [];

    // Act
    const result = await replayDlq({ client: sqs.client, dlqUrl: sqs.alertsDlq.url, targetUrl: sqs.alerts.url, log: (l) => lines.push(l) });

    // Assess
    expect(result).toEqual({ moved: 23, failed: 0, notDeleted: 0, dryRun: false });
    const arrived = await drain(sqs.alerts.url);
    expect(arrived.map((m) => m.Body).sort()).toEqual([...sent].sort());
    const origins = arrived.map((m) => m.MessageAttributes?.origin?.StringValue).sort();
    expect(origins).toEqual(Array.from({ length: 23 }, (_, i) => `msg-${i}`).sort());
    expect(await counts(sqs.alertsDlq.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(lines.at(-1)).toMatch(/^moved 23 /);
  });

  it('moves nothing on a dry run, and leaves the messages visible in the DLQ', async () => {
    // Prepare
    const sent = bodies(12);
    await fillDlq(sent);
    const lines: string[] = [];

    // Act
    const result = await replayDlq({
      client: sqs.client,
      dlqUrl: sqs.alertsDlq.url,
      targetUrl: sqs.alerts.url,
      dryRun: true,
      log: (l) => lines.push(l),
    });

    // Assess
    expect(result).toEqual({ moved: 12, failed: 0, notDeleted: 0, dryRun: true });
    expect(lines.filter((l) => l.startsWith('would move '))).toHaveLength(12);
    expect(await counts(sqs.alerts.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await counts(sqs.alertsDlq.url)).toEqual({ visible: 12, inFlight: 0 });
  });

  it('moves at most --max messages', async () => {
    // Prepare
    await fillDlq(bodies(15));

    // Act
    const result = await replayDlq({ client: sqs.client, dlqUrl: sqs.alertsDlq.url, targetUrl: sqs.alerts.url, max: 4 });

    // Assess
    expect(result.moved).toBe(4);
    expect(await drain(sqs.alerts.url)).toHaveLength(4);
    expect(await counts(sqs.alertsDlq.url)).toEqual({ visible: 11, inFlight: 0 });
  });

  it('deletes nothing when the target refuses, and makes the messages visible again at once', async () => {
    // Prepare
    const sent = bodies(3);
    await fillDlq(sent);
    const missing = sqs.alerts.url.replace(/motcua-alerts$/, 'no-such-queue');
    const lines: string[] = [];

    // Act
    const result = await replayDlq({ client: sqs.client, dlqUrl: sqs.alertsDlq.url, targetUrl: missing, log: (l) => lines.push(l) });

    // Assess
    expect(result).toEqual({ moved: 0, failed: 3, notDeleted: 0, dryRun: false });
    expect(lines.at(-1)).toMatch(/^stopping: /);
    expect(await counts(sqs.alertsDlq.url)).toEqual({ visible: 3, inFlight: 0 });
    expect((await drain(sqs.alertsDlq.url)).map((m) => m.Body).sort()).toEqual([...sent].sort());
  });
});

describe('parseArgs', () => {
  it('defaults to the local stack queues, the endpoint taken from SQS_PORT', () => {
    // Act
    const parsed = parseArgs([], { SQS_PORT: '9555' });

    // Assess
    expect(parsed).toEqual({
      kind: 'run',
      args: {
        dlqUrl: 'http://127.0.0.1:9555/000000000000/motcua-alerts-dlq',
        targetUrl: 'http://127.0.0.1:9555/000000000000/motcua-alerts',
        endpoint: 'http://127.0.0.1:9555',
        max: null,
        dryRun: false,
      },
    });
  });

  it('takes AWS queue URLs without an endpoint, and rejects a bad --max', () => {
    // Prepare
    const dlq = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/motcua-alerts-dlq';
    const to = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/motcua-alerts';

    // Act
    const aws = parseArgs(['--dlq', dlq, `--to=${to}`, '--max', '50', '--dry-run'], {});
    const bad = parseArgs(['--max', '0'], {});

    // Assess
    expect(aws).toEqual({ kind: 'run', args: { dlqUrl: dlq, targetUrl: to, endpoint: null, max: 50, dryRun: true } });
    expect(bad.kind).toBe('error');
  });
});
