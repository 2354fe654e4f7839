/**
 * The overdue / due-soon scan (CONTRACT 4, 6), two ways in, one scan:
 * - `POST /admin/overdue-scan` with an optional body `{"now":"<ISO 8601 with offset>"}` (the scan's
 *   clock; none or an empty body: the real time), answered `{scanned, flagged, alertsQueued}` once
 *   the alerts are queued;
 * - the schedule (EventBridge / Scheduler "Scheduled Event", every 15 minutes), at the event's time.
 * A scheduled run that fails throws, so the platform retries it and the Errors alarm sees it.
 * After the dossiers, the same clock scans the feedback items (`core/feedback-scan.ts`: the same
 * protocol, a run of its own in the ledger). The HTTP answer is exactly the contract's three
 * fields, which count dossiers; the feedback scan's counts are in its log line (`feedback scan`),
 * its metric (`FeedbackFlagged`) and, for a scheduled run, the result under `feedback`.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { feedbackRunId, runFeedbackScan, type FeedbackScanResult, type FeedbackScanStore } from '../core/feedback-scan';
import { AlertQueueError, newRunId, runOverdueScan, type RunResult, type ScanDeps, type ScanResult } from '../core/scan';
import type { RunLevel } from '../core/ports';
import { normaliseIso, toVnIso } from '../core/time';
import { errorResult, HttpError, json, MAX_BODY_BYTES, parseJsonBody, rawBody, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { count, countFlagged, countRejected, flushMetrics } from '../adapters/metrics';
import { alertLedger, alertQueue, dossierStore, feedbackStore } from '../adapters/wiring';

/** An EventBridge (`aws.events`) or EventBridge Scheduler (`aws.scheduler`) scheduled event. */
export interface ScheduledScanEvent {
  'detail-type': 'Scheduled Event';
  source?: string;
  time?: string;
}

/** The three answer fields of CONTRACT 4 (dossiers). */
export type ScanAnswer = Pick<ScanResult, 'scanned' | 'flagged' | 'alertsQueued'>;

/** What a scan did: the answer, and the feedback scan's own counts (when it ran). */
export type ScanOutcome = ScanAnswer & { feedback?: ScanAnswer };

/** True for a schedule's event (as opposed to an HTTP request). */
export function isScheduledEvent(event: unknown): event is ScheduledScanEvent {
  if (event === null || typeof event !== 'object') return false;
  const e = event as Record<string, unknown>;
  return e['detail-type'] === 'Scheduled Event' || e.source === 'aws.events' || e.source === 'aws.scheduler';
}

const body = z.object({
  now: z.optional(
    z.string({ error: 'expected an ISO 8601 instant with an offset, e.g. 2024-04-05T09:00:00+07:00' }).check(
      z.refine((v) => normaliseIso(v.trim()) !== null, {
        error: 'expected an ISO 8601 instant with an offset, e.g. 2024-04-05T09:00:00+07:00',
      }),
    ),
  ),
});

/** The scan's clock from the request: the body's `now`, or the real time. 400 when `now` is bad. */
export function scanClock(event: HttpEvent, realNow: number): string {
  const bytes = rawBody(event);
  if (bytes.length > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES} bytes.`);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return toVnIso(realNow);
  const parsed = body.safeParse(parseJsonBody(event));
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new HttpError(
      400,
      'invalid_payload',
      `Invalid scan request: ${details.map((d) => `${d.path || '(body)'}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return parsed.data.now === undefined ? toVnIso(realNow) : normaliseIso(parsed.data.now.trim())!;
}

/**
 * The scan's collaborators (tests hand in fakes or emulator-backed adapters); without `feedback`,
 * dossiers only. `checkpoint`: the scan's fault-injection seam (`ScanDeps.checkpoint`), for tests only.
 */
export type ScanPorts = Pick<ScanDeps, 'store' | 'ledger' | 'queue' | 'checkpoint'> & { feedback?: FeedbackScanStore };

/** Logs what a run of either kind did, and warns of what an operator should know (what was taken over, what was left unparked). */
function logRun(
  what: 'dossiers' | 'feedback items',
  runId: string,
  result: Pick<RunResult<RunLevel>, 'takenOver' | 'unparked' | 'parkError'>,
): void {
  const { takenOver, unparked, parkError } = result;
  if (takenOver > 0) logger.warn('alerts of a scan that died before committing its run are sent by this one', { runId, takenOver });
  if (parkError)
    logger.warn(`claimed ${what} could not be parked; the run is committed, and a scan after the lease parks them`, {
      runId,
      unparked,
      reason: (parkError as Error).message,
    });
}

/** The handler's logic: both ways in. */
export function overdueScan(ports: () => ScanPorts, realNow: () => number = Date.now) {
  const run = async (now: string): Promise<ScanOutcome> => {
    const runId = newRunId(now);
    const p = ports();
    const common = { ledger: p.ledger, queue: p.queue, now, wallClock: realNow, checkpoint: p.checkpoint };
    const result: ScanResult = await runOverdueScan({ ...common, store: p.store, runId });
    const { scanned, flagged, alertsQueued, takenOver, runsNudged, sweepError } = result;
    countFlagged('overdue', result.flaggedByLevel.overdue);
    countFlagged('soon', result.flaggedByLevel.soon);
    logger.info('overdue scan', { runId, now, scanned, flagged, alertsQueued, takenOver, runsNudged });
    logRun('dossiers', runId, result);
    if (sweepError)
      logger.warn('open alert runs could not be nudged; the next scan tries again', { runId, reason: (sweepError as Error).message });
    if (!p.feedback) return { scanned, flagged, alertsQueued };
    const fbRunId = feedbackRunId(runId);
    const fb: FeedbackScanResult = await runFeedbackScan({ ...common, store: p.feedback, runId: fbRunId });
    const feedback = { scanned: fb.scanned, flagged: fb.flagged, alertsQueued: fb.alertsQueued };
    count('FeedbackFlagged', fb.flagged);
    logger.info('feedback scan', { runId: fbRunId, now, ...feedback, takenOver: fb.takenOver });
    logRun('feedback items', fbRunId, fb);
    return { scanned, flagged, alertsQueued, feedback };
  };

  return async (event: unknown, _context?: Context): Promise<ScanOutcome | HttpResult> => {
    if (isScheduledEvent(event)) {
      // The tick's own time, so that a retried tick scans as of its schedule; else the real time.
      const at = typeof event.time === 'string' ? normaliseIso(event.time) : null;
      return run(at ?? toVnIso(realNow()));
    }
    try {
      const { scanned, flagged, alertsQueued } = await run(scanClock(event as HttpEvent, realNow()));
      return json(200, { scanned, flagged, alertsQueued });
    } catch (err) {
      if (err instanceof AlertQueueError) {
        logger.error('alert queue failed during the scan', { reason: err.message, queued: err.queued });
        countRejected('queue_unavailable');
        return json(
          503,
          {
            error: {
              code: 'queue_unavailable',
              message: `The alert queue took ${err.queued} of the alert messages. Every alert is kept in the run's ledger and goes out after the next scan.`,
            },
          },
          { 'retry-after': '30' },
        );
      }
      return errorResult(err);
    }
  };
}

const logic = overdueScan(() => ({ store: dossierStore(), ledger: alertLedger(), queue: alertQueue(), feedback: feedbackStore() }));

export const handler = middy<unknown, ScanOutcome | HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .handler((event, context) => logic(event, context));
