/**
 * The alert queue's consumer (CONTRACT 6): SQS batches of any size, any mix of scan runs (of
 * dossiers or of feedback items), with partial batch responses (`batchItemFailures`).
 *
 * 1. Parse each message; a malformed one (poison) is reported failed and made visible again at
 *    once: no retry can fix it, so it reaches the dead-letter queue after the queue's
 *    maxReceiveCount in seconds. (Transient failures keep the visibility timeout as their backoff.)
 * 2. Record the batch's alerts in the ledger (idempotent), before any email.
 * 3. For each run the batch touches: once the ledger holds all the alerts its manifest announced,
 *    send each recipient one email per level (see `core/alert-delivery.ts`). A run still missing
 *    messages is acknowledged: the batch carrying its last message delivers it.
 * 4. A failure (SES, DynamoDB) reports that run's messages of this batch as failed; they come back
 *    after the visibility timeout, and the settled emails are not sent again.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverRun, DeliveryError, type Breaker } from '../core/alert-delivery';
import type { AlertLedger, AlertMailer, RunAlert } from '../core/ports';
import type { Recipients } from '../core/recipients';
import { logContext, logger } from '../adapters/logger';
import { count, flushMetrics } from '../adapters/metrics';
import { parseQueueMessage } from '../adapters/sqs-alert-queue';
import { alertLedger, alertMailer, alertRecipients, releaseAlertMessages } from '../adapters/wiring';

/** What the notifier works with (tests hand in emulator-backed adapters). */
export interface NotifierPorts {
  ledger: AlertLedger;
  mailer: AlertMailer;
  recipients: Recipients;
  /** Makes malformed messages visible again at once, so they reach the DLQ in seconds (best effort). */
  releaseNow?: (eventSourceArn: string, receiptHandles: string[]) => Promise<void>;
}

/** Leases end this long before the invocation's deadline, so one never outlives its holder. */
const DEADLINE_MARGIN_MS = 1_000;

/** The handler's logic. */
export function alertNotifier(ports: () => NotifierPorts | Promise<NotifierPorts>, now: () => number = Date.now) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const { ledger, mailer, recipients, releaseNow } = await ports();
    const failed = new Set<string>();
    const poison: SQSRecord[] = [];
    const runs = new Map<string, { messageIds: string[]; force: boolean }>();
    const alerts: RunAlert[] = [];

    for (const record of event.Records ?? []) {
      const parsed = parseQueueMessage(record.body);
      if (!parsed.ok) {
        logger.error('malformed alert message: it goes to the dead-letter queue after its retries', {
          messageId: record.messageId,
          receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
          problems: parsed.problems,
        });
        failed.add(record.messageId);
        poison.push(record);
        continue;
      }
      const message = parsed.message;
      const runId = message.kind === 'flush' ? message.runId : message.alert.runId;
      const run = runs.get(runId) ?? { messageIds: [], force: false };
      run.messageIds.push(record.messageId);
      if (message.kind === 'flush' && message.force) run.force = true;
      else if (message.kind !== 'flush') alerts.push(message.alert);
      runs.set(runId, run);
    }

    if (poison.length > 0 && releaseNow) {
      await releaseNow(
        poison[0].eventSourceARN,
        poison.map((r) => r.receiptHandle),
      ).catch((err: Error) =>
        logger.warn('could not release malformed messages early; they come back after the visibility timeout', { reason: err.message }),
      );
    }

    if (alerts.length > 0) {
      try {
        await ledger.recordAlerts(alerts);
      } catch (err) {
        // Nothing of this batch may be lost: every well-formed message comes back.
        logger.error('could not record alerts; the batch will be retried', { reason: (err as Error).message, alerts: alerts.length });
        for (const run of runs.values()) for (const id of run.messageIds) failed.add(id);
        return answer(failed);
      }
    }

    let emailsSent = 0;
    const breaker: Breaker = { open: false };
    const owner = `${context.awsRequestId}/${randomUUID().slice(0, 8)}`;
    const deadline = now() + Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS);
    for (const [runId, run] of runs) {
      try {
        const outcome = await deliverRun(runId, run.force, {
          ledger,
          mailer,
          recipients,
          owner,
          deadline,
          now,
          breaker,
          dashboardUrl: process.env.DASHBOARD_URL,
        });
        if (outcome.state === 'delivered') emailsSent += outcome.sent;
        if (outcome.state === 'delivered' && outcome.missing > 0) {
          logger.error('alert run delivered without some of its alerts (they never reached the ledger)', {
            runId,
            missing: outcome.missing,
          });
        }
        if (outcome.state === 'delivered') logUnconfirmed(runId, outcome.unconfirmed);
        logger.info('alert run', { runId, messages: run.messageIds.length, force: run.force, ...outcome });
      } catch (err) {
        if (err instanceof DeliveryError) {
          emailsSent += err.sent;
          logUnconfirmed(runId, err.unconfirmed);
        }
        logger.warn('alert run not delivered; its messages will be retried', { runId, reason: (err as Error).message });
        for (const id of run.messageIds) failed.add(id);
      }
    }
    count('EmailsSent', emailsSent);
    return answer(failed);
  };
}

/**
 * Emails given up after their tries ended without a word (see `core/alert-delivery.ts`): each may
 * have arrived once, twice, or not at all; the IT staff ask the recipient. No citizen data here.
 */
function logUnconfirmed(runId: string, slots: string[]): void {
  for (const slot of slots) {
    const [level, ...recipient] = slot.split('#');
    logger.error('alert email unconfirmed: two tries ended without a word from SES or the ledger; not sent again', {
      runId,
      level,
      recipient: recipient.join('#'),
    });
  }
}

function answer(failed: Set<string>): SQSBatchResponse {
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

const logic = alertNotifier(async () => ({
  ledger: alertLedger(),
  mailer: alertMailer(),
  recipients: await alertRecipients(),
  releaseNow: releaseAlertMessages,
}));

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(logContext())
  .use(flushMetrics())
  .handler((event, context) => logic(event, context));
