/**
 * The EventBridge schedules of the local stack: the overdue scan every `SCAN_INTERVAL_S`
 * seconds (first run at start; 0 = never) and the daily digest at 07:30 Vietnam time.
 * A tick that finds the previous run still going is skipped, so runs never overlap.
 */
import { randomUUID } from 'node:crypto';

import type { ScheduledEvent } from 'aws-lambda';

import { lambdaContext, type LambdaHandler, TIMEOUT_MS } from './lambda';
import { errorFields, type Log } from './log';
import { REGION } from './settings';

const VN_OFFSET_MS = 7 * 3600 * 1000;
const DIGEST_HOUR = 7;
const DIGEST_MINUTE = 30;

export interface Job {
  /** Handler name, e.g. `overdue-scan`: the rule is `motcua-local-<name>`. */
  name: string;
  handler: LambdaHandler;
}

export interface SchedulerOptions {
  /** 0: no scan at all, not even at start. */
  scanIntervalS: number;
  scan: Job;
  /** The daily digest, or null when disabled. */
  digest: Job | null;
  log: Log;
}

export interface Scheduler {
  /** Clears the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

/** The next 07:30 Asia/Ho_Chi_Minh (UTC+7, no daylight saving) strictly after `now`. */
export function nextDigestAt(now: Date): Date {
  const vn = new Date(now.getTime() + VN_OFFSET_MS);
  let at = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate(), DIGEST_HOUR, DIGEST_MINUTE) - VN_OFFSET_MS;
  if (at <= now.getTime()) at += 24 * 3600 * 1000;
  return new Date(at);
}

/** An EventBridge scheduled event for rule `motcua-local-<name>` fired at `time`. */
export function scheduledEvent(name: string, time: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:000000000000:rule/motcua-local-${name}`],
    detail: {},
  };
}

/** Starts the timers. */
export function startScheduler(opts: SchedulerOptions): Scheduler {
  const running = new Map<string, Promise<void>>();
  let scanTimer: NodeJS.Timeout | undefined;
  let digestTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = (job: Job) => {
    if (stopped) return;
    if (running.has(job.name)) {
      opts.log.warn('scheduled run skipped: the previous one is still running', { job: job.name });
      return;
    }
    const run = invoke(job, opts.log).finally(() => running.delete(job.name));
    running.set(job.name, run);
  };

  if (opts.scanIntervalS > 0) {
    fire(opts.scan);
    scanTimer = setInterval(() => fire(opts.scan), opts.scanIntervalS * 1000);
  }
  if (opts.digest) {
    const digest = opts.digest;
    const arm = () => {
      const at = nextDigestAt(new Date());
      opts.log.info('digest scheduled', { at: at.toISOString() });
      digestTimer = setTimeout(() => {
        fire(digest);
        arm();
      }, at.getTime() - Date.now());
    };
    arm();
  }

  return {
    stop: async () => {
      stopped = true;
      clearInterval(scanTimer);
      clearTimeout(digestTimer);
      await Promise.all(running.values());
    },
  };
}

async function invoke(job: Job, log: Log): Promise<void> {
  const requestId = randomUUID();
  const started = Date.now();
  try {
    const result = await job.handler(scheduledEvent(job.name, new Date()), lambdaContext(job.name, TIMEOUT_MS.schedule, requestId));
    log.info('scheduled run done', { job: job.name, requestId, ms: Date.now() - started, ...counts(result) });
  } catch (err) {
    log.error('scheduled run failed', { job: job.name, requestId, ...errorFields(err) });
  }
}

/** The numeric fields of a result (`{scanned, flagged, alertsQueued}`): safe to log, unlike text. */
function counts(result: unknown): Record<string, number> {
  if (result === null || typeof result !== 'object') return {};
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'number'));
}
