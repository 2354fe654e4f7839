/**
 * Durations that two stacks must agree on. The alert queue (stateful stack) and its consumer
 * (API stack) live apart, so the numbers that tie them together live here, once.
 */
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Timeout of the alert notifier (the SQS consumer); matches the local stack's queue timeout. */
export const NOTIFIER_TIMEOUT = Duration.seconds(60);

/** How long the notifier's event source waits to fill a batch: more alerts per email. */
export const NOTIFIER_BATCHING_WINDOW = Duration.seconds(5);

/**
 * Visibility timeout of the alert queue. AWS asks for at least 6 x the consumer's timeout plus its
 * batching window, so a message is not handed out again while a throttled or retried invocation
 * still holds it (a second delivery would mean a second email).
 */
export const ALERT_QUEUE_VISIBILITY = Duration.seconds(6 * NOTIFIER_TIMEOUT.toSeconds() + NOTIFIER_BATCHING_WINDOW.toSeconds());

/** Retention of every log group (functions and API access logs): enough to investigate a month's incident, no PII hoard. */
export const LOG_RETENTION = RetentionDays.ONE_MONTH;
