/**
 * The SQS consumer of the local stack: what a Lambda event source mapping (batch size 10,
 * ReportBatchItemFailures on) does on AWS. It long-polls the queue, calls the handler with an
 * `SQSEvent`, and deletes the messages that succeeded; the others come back after the
 * visibility timeout and, after 5 receives, go to the dead-letter queue (the queue's redrive).
 */
import { randomUUID } from 'node:crypto';

import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

import { lambdaContext, type LambdaHandler, TIMEOUT_MS } from './lambda';
import { errorFields, type Log } from './log';
import { REGION } from './settings';

export interface ConsumerOptions {
  client: SQSClient;
  queue: { url: string; arn: string };
  handler: LambdaHandler;
  /** The handler's name, for the context and the log. */
  name: string;
  log: Log;
  batchSize?: number;
  waitTimeSeconds?: number;
  /** Pause after a failed receive (emulator not answering) before polling again. */
  retryDelayMs?: number;
}

export interface Consumer {
  /**
   * Stops polling and waits for the batch in hand. By default the long poll in progress is let
   * finish (up to `waitTimeSeconds`) and what it brings is delivered: fauxqs does not notice a
   * client that hangs up and would hand the next messages to the abandoned poll, hiding them for
   * the visibility timeout. `{ abandonPoll: true }` hangs up at once: for when the queue is
   * going away too (the stack's shutdown).
   */
  stop(opts?: { abandonPoll?: boolean }): Promise<void>;
}

/** Starts the polling loop. */
export function startConsumer(opts: ConsumerOptions): Consumer {
  const batchSize = opts.batchSize ?? 10;
  const waitTimeSeconds = opts.waitTimeSeconds ?? 5;
  const retryDelayMs = opts.retryDelayMs ?? 1000;
  let running = true;
  const stopping = new AbortController();
  // One controller per receive: the SDK adds a listener per request to the signal it is given.
  let poll: AbortController | null = null;

  const loop = async () => {
    while (running) {
      let messages: Message[];
      poll = new AbortController();
      try {
        const out = await opts.client.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queue.url,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: poll.signal },
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (poll.signal.aborted) break;
        opts.log.warn('receive failed', { queue: opts.queue.arn, ...errorFields(err) });
        await pause(retryDelayMs, stopping.signal);
        continue;
      } finally {
        poll = null;
      }
      if (messages.length > 0) await deliver(opts, messages);
    }
  };
  const done = loop();

  return {
    stop: async ({ abandonPoll = false } = {}) => {
      running = false;
      stopping.abort();
      if (abandonPoll) poll?.abort();
      await done;
    },
  };
}

/** Calls the handler with one batch and deletes what it did not report as failed. */
export async function deliver(opts: ConsumerOptions, messages: Message[]): Promise<void> {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, opts.queue.arn)) };
  const requestId = randomUUID();
  const ids = new Set(event.Records.map((r) => r.messageId));
  let failed: Set<string>;
  try {
    const result = await opts.handler(event, lambdaContext(opts.name, TIMEOUT_MS.queue, requestId));
    failed = failedIds(result, ids);
  } catch (err) {
    // As the event source mapping: a handler that throws fails the whole batch.
    opts.log.error('handler failed, batch left on the queue', { requestId, handler: opts.name, messages: ids.size, ...errorFields(err) });
    return;
  }
  const done = messages.filter((m) => !failed.has(m.MessageId!));
  opts.log.info('batch delivered', { requestId, handler: opts.name, messages: ids.size, failed: failed.size });
  if (done.length === 0) return;
  try {
    const out = await opts.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: opts.queue.url,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    if (out.Failed?.length) opts.log.warn('delete failed for some messages', { failed: out.Failed.map((f) => f.Message ?? f.Code) });
  } catch (err) {
    opts.log.warn('delete failed', errorFields(err));
  }
}

/**
 * The message ids the handler reported as failed. As on AWS, a malformed report (an id that is
 * empty or not in the batch) fails the whole batch; no report means every message succeeded.
 */
export function failedIds(result: unknown, batch: Set<string>): Set<string> {
  if (result === null || typeof result !== 'object' || !('batchItemFailures' in result)) return new Set();
  const list = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (list === null || list === undefined) return new Set();
  if (!Array.isArray(list)) return new Set(batch);
  const out = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !batch.has(id)) return new Set(batch);
    out.add(id);
  }
  return out;
}

/** An SQS message as the Lambda event source mapping presents it. */
export function toRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  const now = String(Date.now());
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ...a,
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? now,
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? now,
    },
    messageAttributes: toLambdaAttributes(m.MessageAttributes ?? {}),
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
}

function toLambdaAttributes(attrs: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    out[k] = {
      dataType: v.DataType ?? 'String',
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return out;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
