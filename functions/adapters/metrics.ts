/**
 * The one metrics sink (Powertools Metrics): CloudWatch embedded metric format (EMF) lines in the
 * function's log, which CloudWatch turns into metrics of namespace `Motcua`, dimension
 * `service=motcua` (names in `metric-names.ts`). No PutMetricData call, so no IAM grant: a
 * function that may write its own log group may publish.
 *
 * - `count()` adds to the invocation's counts; `flushMetrics()` (middy) writes them as one line
 *   when the invocation ends, answered or failed.
 * - The two counts with a dimension of their own (`Rejected` by `Reason`, `DossiersFlagged` by
 *   `Level`) are written at once, each as its own line: in EMF a dimension applies to every metric
 *   of its line, and must not spread to the invocation's other counts.
 *
 * Metric values are counts only: never a dossier code, a name or an ID number.
 *
 * Off Lambda (the local stack, tests, benches, CLIs), EMF has no reader and would only be noise on
 * stdout, which the local stack keeps for its startup lines: metrics are off there unless
 * POWERTOOLS_METRICS_DISABLED says otherwise (`false` writes them, to stderr on the local stack).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { logger } from './logger';
import { DOSSIERS_FLAGGED, METRICS_NAMESPACE, METRICS_SERVICE, REJECTED, type CountMetric } from './metric-names';

// Before the instance reads its environment. Lambda always sets AWS_LAMBDA_FUNCTION_NAME.
if (!process.env.AWS_LAMBDA_FUNCTION_NAME) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

/**
 * Powertools' own warnings, as JSON lines of our logger. "No application metrics to publish" is
 * the normal end of an invocation that counted nothing (a read, a rejected request): debug.
 */
const warnings = {
  debug: (message: string) => logger.debug(String(message)),
  info: (message: string) => logger.info(String(message)),
  warn: (message: string) =>
    String(message).startsWith('No application metrics') ? logger.debug(String(message)) : logger.warn(String(message)),
  error: (message: string) => logger.error(String(message)),
};

/** The metrics of this process (one per cold start). */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
  logger: warnings,
});

/** Adds `value` (default 1) to a count of this invocation. */
export function count(name: CountMetric, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** One line at once: `name` with one dimension of its own (plus `service`). */
function dimensioned(name: string, dimension: string, value: string, n: number): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, n); // a single metric is written as it is added
}

/** `Rejected` with `Reason` = the error code the request was answered with. */
export function countRejected(reason: string): void {
  dimensioned(REJECTED, 'Reason', reason, 1);
}

/** `DossiersFlagged` with `Level` = overdue / soon: how many dossiers a scan newly flagged. */
export function countFlagged(level: 'overdue' | 'soon', n: number): void {
  dimensioned(DOSSIERS_FLAGGED, 'Level', level, n);
}

/** The middy middleware writing the invocation's counts when it ends (nothing when there are none). */
export function flushMetrics<E = unknown, R = unknown>(): MiddlewareObj<E, R> {
  return logMetrics(metrics, { throwOnEmptyMetrics: false }) as MiddlewareObj<E, R>;
}
