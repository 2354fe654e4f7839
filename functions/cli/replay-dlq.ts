/**
 * `npm run replay-dlq -- [--dlq URL] [--to URL] [--endpoint URL] [--max N] [--dry-run]`
 *
 * Moves the messages of a dead-letter queue back to their source queue, once whatever sent them
 * there is fixed (an SES outage that outlasted the retries, a bug in the notifier).
 *
 * Each batch (up to 10) is received with a short visibility timeout, sent to the source queue
 * with the same body and message attributes, and deleted from the dead-letter queue only for the
 * entries the send accepted: a message is never lost. A crash between the send and the delete
 * leaves the message in both queues, so a later replay delivers it twice: harmless, because the
 * notifier is idempotent per scan run (its ledger records each alert once and settles each email
 * once, `core/alert-delivery.ts`). Entries the source queue refused are made visible again at once
 * and the command stops with exit code 1, so that a broken target is not hammered.
 *
 * `--dry-run` receives and lists the messages (id, size, the start of the body), then makes them
 * visible again: nothing is sent or deleted. The messages' receive count goes up, which does not
 * matter on a dead-letter queue without a redrive policy of its own (ours has none).
 *
 * Where: without `--dlq` the local stack's queues (`motcua-alerts-dlq` → `motcua-alerts` on
 * `http://127.0.0.1:$SQS_PORT`, default 9324); on AWS pass both queue URLs (the stack's outputs)
 * and no endpoint: the default region (or the one in the URL) and credentials are used.
 *
 * Exit codes: 0 done, 1 a message could not be moved (or deleted), 2 bad arguments.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { ALERT_DLQ, ALERT_QUEUE, HOST, REGION } from '../../infra/local/settings';
import { runCli, runCommand, scanArgs, type ParsedCommand } from './run-cli';

/** SQS's batch limit. */
const BATCH_MAX = 10;
/** Long enough to send and delete a batch; short, so that a crash leaves the batch visible soon. */
const VISIBILITY_S = 30;
/** A one-second long poll: an empty answer then means an empty queue, not a sampled server. */
const WAIT_S = 1;
const BODY_PREVIEW = 120;

/** Inputs of `replayDlq`. */
export interface ReplayOptions {
  client: SQSClient;
  dlqUrl: string;
  /** The source queue the messages go back to. */
  targetUrl: string;
  /** Move at most this many (default: all). */
  max?: number;
  /** List, do not move. */
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Long-poll seconds of each receive (default 1). */
  waitTimeSeconds?: number;
}

/** What `replayDlq` did. */
export interface ReplayResult {
  /** Sent to the source queue and deleted from the dead-letter queue (dry run: listed). */
  moved: number;
  /** Not sent: still in the dead-letter queue, visible again. */
  failed: number;
  /** Sent, but not deleted from the dead-letter queue: a later replay sends them again. */
  notDeleted: number;
  dryRun: boolean;
}

/** The attributes as SendMessage takes them (a receive also returns empty list fields). */
function attributesOf(message: Message): Record<string, MessageAttributeValue> | undefined {
  const attrs = message.MessageAttributes;
  if (!attrs || Object.keys(attrs).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attrs).map(([name, v]) => [
      name,
      {
        DataType: v.DataType,
        ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
        ...(v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue } : {}),
      },
    ]),
  );
}

/** Makes received messages visible again now. Best effort: otherwise they return after the timeout. */
async function release(client: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += BATCH_MAX) {
    const chunk = messages.slice(i, i + BATCH_MAX);
    await client
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      )
      .catch(() => undefined);
  }
}

/** Moves (or, dry run, lists) the dead-letter queue's messages back to the source queue. */
export async function replayDlq(opts: ReplayOptions): Promise<ReplayResult> {
  const { client, dlqUrl, targetUrl } = opts;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  const dryRun = opts.dryRun ?? false;
  const log = opts.log ?? (() => undefined);
  const result: ReplayResult = { moved: 0, failed: 0, notDeleted: 0, dryRun };
  // Dry run: held invisible until the end, so each receive brings new ones.
  const held: Message[] = [];
  const seen = new Set<string>();

  try {
    while (result.moved < max) {
      const want = Math.min(BATCH_MAX, max - result.moved);
      const page = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: want,
          VisibilityTimeout: VISIBILITY_S,
          WaitTimeSeconds: opts.waitTimeSeconds ?? WAIT_S,
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = (page.Messages ?? []).filter((m) => m.ReceiptHandle && m.Body !== undefined);
      if (messages.length === 0) break;

      if (dryRun) {
        held.push(...messages);
        const fresh = messages.filter((m) => !seen.has(m.MessageId!));
        // A message seen before is back: the dead-letter queue has been gone round once.
        if (fresh.length === 0) break;
        for (const m of fresh) {
          seen.add(m.MessageId!);
          const body = m.Body!.length > BODY_PREVIEW ? `${m.Body!.slice(0, BODY_PREVIEW)}…` : m.Body!;
          log(`would move ${m.MessageId} (${Buffer.byteLength(m.Body!)} bytes): ${body}`);
        }
        result.moved += fresh.length;
        continue;
      }

      let sent: Message[] = [];
      let failed: Message[] = messages;
      let reason = '';
      try {
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: targetUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body!, MessageAttributes: attributesOf(m) })),
          }),
        );
        const ok = new Set((out.Successful ?? []).map((s) => s.Id));
        sent = messages.filter((_, i) => ok.has(String(i)));
        failed = messages.filter((_, i) => !ok.has(String(i)));
        reason = (out.Failed ?? []).map((f) => `${f.Code ?? 'error'}: ${f.Message ?? ''}`.trim()).join('; ');
      } catch (err) {
        reason = (err as Error).message;
      }

      // Delete only what the source queue has accepted.
      const deleted = await deleteBatch(client, dlqUrl, sent);
      const undeleted = sent.length - deleted;
      result.moved += deleted;
      result.notDeleted += undeleted;
      result.failed += failed.length;
      const limit = Number.isFinite(max) ? ` of at most ${max}` : '';
      const problems = `${undeleted ? `, ${undeleted} sent but not deleted` : ''}${failed.length ? `, ${failed.length} not sent` : ''}`;
      log(`moved ${result.moved}${limit} (this batch: ${deleted}${problems})`);

      // Stop at the first failure: a broken target or dead-letter queue is not hammered, and
      // the operator reruns once it is fixed.
      if (failed.length > 0) {
        await release(client, dlqUrl, failed);
        log(`stopping: ${targetUrl} refused ${failed.length} message(s): ${reason || 'unknown error'}`);
        break;
      }
      if (undeleted > 0) {
        log(
          `stopping: ${undeleted} message(s) reached ${targetUrl} but could not be deleted from ${dlqUrl}; a later replay sends them again`,
        );
        break;
      }
    }
  } finally {
    if (held.length > 0) await release(client, dlqUrl, held);
  }
  return result;
}

/** Deletes received messages; resolves with how many were deleted. */
async function deleteBatch(client: SQSClient, queueUrl: string, messages: Message[]): Promise<number> {
  if (messages.length === 0) return 0;
  try {
    const out = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    return out.Successful?.length ?? 0;
  } catch {
    // Nothing deleted: the messages stay for the next replay, which sends them again (harmless:
    // the notifier is idempotent per run).
    return 0;
  }
}

// ---- command line -----------------------------------------------------------------------------

/** Usage text. */
export const USAGE = `Move the messages of a dead-letter queue back to their source queue.

Usage:
  npm run replay-dlq -- [--dlq URL] [--to URL] [--endpoint URL] [--max N] [--dry-run]

Options:
  --dlq URL        the dead-letter queue (default: the local stack's ${ALERT_DLQ})
  --to URL         the queue to move them to (default: the local stack's ${ALERT_QUEUE})
  --endpoint URL   the SQS endpoint (default: the local stack's http://${HOST}:$SQS_PORT (9324)
                   when the queues are local, none on AWS)
  --max N          move at most N messages
  --dry-run        list the messages, move nothing
  -h, --help       this help
`;

/** A validated command line. */
export interface ReplayArgs {
  dlqUrl: string;
  targetUrl: string;
  endpoint: string | null;
  max: number | null;
  dryRun: boolean;
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Reads the command line (after the script name). */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedCommand<ReplayArgs> {
  const scanned = scanArgs(argv, { flags: ['--dry-run'], values: ['--dlq', '--to', '--endpoint', '--max'] });
  if (scanned.kind !== 'ok') return scanned;
  const { values } = scanned;
  const dryRun = scanned.flags.has('--dry-run');
  const localBase = `http://${HOST}:${env.SQS_PORT || '9324'}`;
  const dlqUrl = values.get('--dlq') ?? `${localBase}/000000000000/${ALERT_DLQ}`;
  const targetUrl = values.get('--to') ?? `${localBase}/000000000000/${ALERT_QUEUE}`;
  const urls: URL[] = [];
  for (const [flag, value] of [
    ['--dlq', dlqUrl],
    ['--to', targetUrl],
    ['--endpoint', values.get('--endpoint')],
  ] as const) {
    if (value === undefined) continue;
    try {
      urls.push(new URL(value));
    } catch {
      return { kind: 'error', message: `invalid ${flag}: ${JSON.stringify(value)}, expected a URL` };
    }
  }
  if (dlqUrl === targetUrl) return { kind: 'error', message: '--dlq and --to are the same queue' };
  let max: number | null = null;
  if (values.has('--max')) {
    max = Number(values.get('--max'));
    if (!Number.isSafeInteger(max) || max < 1)
      return { kind: 'error', message: `invalid --max: ${JSON.stringify(values.get('--max'))}, expected a whole number >= 1` };
  }
  // A queue on this machine is an emulator's: its URL's origin is the endpoint (fauxqs, as the
  // local stack runs it, answers at the origin of its queue URLs).
  const dlq = new URL(dlqUrl);
  const endpoint = values.get('--endpoint') ?? (isLoopback(dlq) ? dlq.origin : null);
  return { kind: 'run', args: { dlqUrl, targetUrl, endpoint, max, dryRun } };
}

/** An SQS client: AWS's default chain (region from the queue URL if unset), or an emulator. */
export function sqsClientFor(args: ReplayArgs, env: Readonly<Record<string, string | undefined>> = process.env): SQSClient {
  if (!args.endpoint) {
    const fromUrl = /^sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(args.dlqUrl).hostname)?.[1];
    return new SQSClient({ maxAttempts: 5, ...(env.AWS_REGION || env.AWS_DEFAULT_REGION || !fromUrl ? {} : { region: fromUrl }) });
  }
  return new SQSClient({
    endpoint: args.endpoint,
    region: env.AWS_REGION || REGION,
    maxAttempts: 5,
    // The emulator's queue URLs are not endpoints; send every request to the endpoint.
    useQueueUrlAsEndpoint: false,
    ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  });
}

/** Runs the command; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  return runCommand(
    parseArgs(argv, env),
    USAGE,
    { out, err },
    (args) => sqsClientFor(args, env),
    async (args, client) => {
      out(`${args.dryRun ? 'dry run: listing' : 'moving'} ${args.dlqUrl} → ${args.targetUrl}${args.max ? ` (at most ${args.max})` : ''}`);
      const result = await replayDlq({
        client,
        dlqUrl: args.dlqUrl,
        targetUrl: args.targetUrl,
        max: args.max ?? undefined,
        dryRun: args.dryRun,
        log: out,
      });
      if (result.dryRun) out(`dry run: ${result.moved} message(s) would be moved; nothing moved`);
      else
        out(
          `moved ${result.moved} message(s); ${result.failed} not sent (still in the dead-letter queue); ${result.notDeleted} sent but not deleted (a later replay sends them again)`,
        );
      return result.failed > 0 || result.notDeleted > 0 ? 1 : 0;
    },
  );
}

if (require.main === module) runCli((argv) => main(argv));
