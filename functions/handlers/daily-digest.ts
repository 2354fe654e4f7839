/**
 * The daily digest (EventBridge Scheduler, 07:30 Asia/Ho_Chi_Minh): to each default recipient, one
 * email listing every overdue open dossier of the wards it answers for (all of them in a one-ward
 * deployment; see `digestMail`), counted by field and by processing unit.
 *
 * Read from the due index without a table scan: the dossiers already alerted overdue (parked in
 * its overdue partitions) and those overdue but not yet alerted (its due partitions, up to now).
 * The same for feedback items open past their deadline, listed in a section of their own.
 * Each recipient's email is settled in the alert ledger under the run `digest-<yyyy-MM-dd>`, so a
 * retried tick does not send the day's digest twice.
 *
 * The daily job of the forecast too (README, "The forecast"): it recomputes each ward's statistics
 * from the ward's finished dossiers received in the year before its clock (through byReceived),
 * stores them (`FORECAST/<ward>`), and lists the open running dossiers at risk of finishing late
 * ("Hồ sơ có nguy cơ trễ hạn"), read from the due index's pending partitions.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { digestEmail, type AlertLine, type RiskLine } from '../core/alert-email';
import { type ForecastStats, ForecastStatsBuilder, type ForecastStatsStore, statsWindow } from '../core/forecast';
import { atRiskDossiers, overdueFeedbackItems, overdueOpenDossiers } from '../core/due-lists';
import {
  MAX_SEND_TRIES,
  MailRefusedError,
  type AlertLedger,
  type AlertMailer,
  type DossierStore,
  type FeedbackStore,
  type OverdueIndex,
} from '../core/ports';
import { digestMail, type Recipients } from '../core/recipients';
import { normaliseIso, toVnIso, vnDate } from '../core/time';
import { logContext, logger } from '../adapters/logger';
import { count, flushMetrics } from '../adapters/metrics';
import { packMonths } from '../adapters/month-packer';
import { alertLedger, alertMailer, alertRecipients, dossierStore, feedbackStore, forecastStore, monthPacker } from '../adapters/wiring';

/** What the digest works with. */
export interface DigestPorts {
  store: Pick<DossierStore, 'listDueBy'> & Pick<OverdueIndex, 'listAlertedOverdue'>;
  ledger: Pick<AlertLedger, 'loadRun' | 'claimSlot' | 'releaseSlot' | 'settleSlot'>;
  mailer: AlertMailer;
  recipients: Recipients;
  /** The forecast: where the wards' dossiers are read from and their statistics kept. Absent: no forecast. */
  forecast?: {
    reader: Pick<DossierStore, 'listReceived' | 'listWards'>;
    stats: ForecastStatsStore;
  };
  /** Packs the months that are over (month-packs.ts) before the forecast reads a year of dossiers. Absent: none. */
  packer?: { packMonths(limit?: number, until?: number): Promise<{ packed: number; changed: number }> };
  /** The feedback items (absent: a digest of dossiers only). */
  feedback?: Pick<FeedbackStore, 'listFeedbackDue' | 'listFeedbackAlerted'>;
}

/** What a digest run did. */
export interface DigestResult {
  overdue: number;
  /** Feedback items open past their deadline (when the digest reads feedback). */
  feedbackOverdue?: number;
  recipients: number;
  sent: number;
  /** Open dossiers at risk of finishing late (with a forecast). */
  atRisk?: number;
}

/**
 * Recomputes and stores every ward's forecast statistics at `nowIso`, from the finished dossiers
 * received in the `STATS_WINDOW_DAYS` before it; returns them by ward.
 */
export async function refreshForecast(forecast: NonNullable<DigestPorts['forecast']>, nowIso: string): Promise<Map<string, ForecastStats>> {
  const window = statsWindow(nowIso);
  const out = new Map<string, ForecastStats>();
  let read = 0;
  for (const ward of await forecast.reader.listWards()) {
    const builder = new ForecastStatsBuilder(ward, nowIso, window);
    for await (const d of forecast.reader.listReceived(window.from, window.to, ward)) {
      builder.add(d);
      read++;
    }
    const stats = builder.build();
    await forecast.stats.putStats(stats);
    out.set(ward, stats);
  }
  logger.info('forecast statistics', { wards: out.size, dossiers: read, from: window.from, to: window.to });
  return out;
}

/**
 * The digest's "at risk" lines after refreshing the statistics. A forecast that fails (the store
 * could not be read or written) is logged and leaves the section empty: the overdue digest, which
 * the leaders rely on, still goes out.
 */
async function forecastLines(
  store: DigestPorts['store'],
  forecast: NonNullable<DigestPorts['forecast']>,
  nowIso: string,
): Promise<RiskLine[]> {
  try {
    return await atRiskDossiers(store, await refreshForecast(forecast, nowIso), nowIso);
  } catch (err) {
    logger.warn('forecast unavailable: the digest goes out without it', { reason: (err as Error).message });
    return [];
  }
}

/** How much of the digest's run the packer may take: the emails go out after it, whatever it left. */
const PACKING_SHARE = 0.4;

/**
 * Packs the months that are over, within its share of the run (a province's first run leaves the
 * rest to the next days, or to `npm run pack-months`). A failure is logged: the digest still goes out.
 */
async function packClosedMonths(packer: NonNullable<DigestPorts['packer']>, context: Context | undefined): Promise<void> {
  try {
    const share = (context?.getRemainingTimeInMillis() ?? 60_000) * PACKING_SHARE;
    const result = await packer.packMonths(Number.POSITIVE_INFINITY, Date.now() + share);
    logger.info('month packs', result);
  } catch (err) {
    logger.warn('month packs not built: the reports read those months by index until the next run', { reason: (err as Error).message });
  }
}

/** The handler's logic. */
export function dailyDigest(ports: () => DigestPorts | Promise<DigestPorts>, realNow: () => number = Date.now) {
  return async (event: unknown, context?: Context): Promise<DigestResult> => {
    const { store, ledger, mailer, recipients, forecast, feedback, packer } = await ports();
    const time = (event as { time?: unknown } | null)?.time;
    const nowIso = (typeof time === 'string' && normaliseIso(time)) || toVnIso(realNow());
    const lines: AlertLine[] = await overdueOpenDossiers(store, nowIso);
    if (packer) await packClosedMonths(packer, context);
    const risky = forecast ? await forecastLines(store, forecast, nowIso) : [];
    const riskyByRecipient = new Map(digestMail(risky, recipients).map((m) => [m.recipient.toLowerCase(), m.lines]));
    const feedbackLines = feedback ? await overdueFeedbackItems(feedback, nowIso) : [];
    const mail = digestMail(lines, recipients);
    // The same recipients (every default list), each with the feedback items of their wards.
    const feedbackOf = new Map(
      digestMail(feedbackLines, recipients, (l) => l.ward).map((m) => [m.recipient.toLowerCase(), m.lines] as const),
    );
    const runId = `digest-${vnDate(nowIso)}`;
    const done = (await ledger.loadRun(runId)).settled;
    const owner = `${context?.awsRequestId ?? 'local'}/${randomUUID().slice(0, 8)}`;
    const deadline = realNow() + Math.max(0, (context?.getRemainingTimeInMillis() ?? 60_000) - 1_000);

    let sent = 0;
    let failure: unknown = null;
    for (const { recipient, lines: theirs } of mail) {
      const slot = `digest#${recipient.toLowerCase()}`;
      if (done.has(slot)) continue;
      const claim = await ledger.claimSlot(runId, slot, owner, deadline);
      if (claim === 'busy') continue;
      if (claim === 'exhausted') {
        // Two tries ended without a word: maybe sent, maybe twice; never a third (see `core/alert-delivery.ts`).
        logger.error('digest email unconfirmed: two tries ended without a word from SES or the ledger; not sent again', {
          runId,
          recipient,
        });
        await ledger.settleSlot(runId, slot, {
          outcome: 'unconfirmed',
          at: toVnIso(realNow()),
          messageId: null,
          dossiers: theirs.length,
          reason: `${MAX_SEND_TRIES} tries ended without a word (each may have been sent); not sent again`,
        });
        continue;
      }
      let messageId: string;
      try {
        ({ messageId } = await mailer.send({
          to: recipient,
          ...digestEmail(
            nowIso,
            theirs,
            {
              feedback: feedbackOf.get(recipient.toLowerCase()) ?? [],
              atRisk: forecast ? (riskyByRecipient.get(recipient.toLowerCase()) ?? []) : undefined,
            },
            { dashboardUrl: process.env.DASHBOARD_URL },
          ),
        }));
      } catch (err) {
        if (err instanceof MailRefusedError) {
          logger.error('SES refused the digest for a recipient', { runId, reason: err.message });
          await ledger.settleSlot(runId, slot, {
            outcome: 'refused',
            at: toVnIso(realNow()),
            messageId: null,
            dossiers: theirs.length,
            reason: err.message,
          });
          continue;
        }
        failure ??= err;
        await ledger.releaseSlot(runId, slot, owner).catch(() => undefined);
        continue;
      }
      // Outside the try: a failed ledger write after SES accepted must not give the lease (and its
      // counted try) back; it fails the tick, which is retried.
      await ledger.settleSlot(runId, slot, { outcome: 'sent', at: toVnIso(realNow()), messageId, dossiers: theirs.length });
      sent++;
    }
    logger.info('daily digest', {
      runId,
      overdue: lines.length,
      atRisk: risky.length,
      feedbackOverdue: feedbackLines.length,
      recipients: mail.length,
      sent,
    });
    // The one place that sees every overdue open dossier (the scan reads only what is still due).
    count('OverdueOpen', lines.length);
    if (feedback) count('FeedbackOverdueOpen', feedbackLines.length);
    count('EmailsSent', sent);
    // Thrown, so that the schedule retries and the Errors alarm fires; the settled ones are not resent.
    if (failure) throw failure;
    return {
      overdue: lines.length,
      ...(feedback ? { feedbackOverdue: feedbackLines.length } : {}),
      recipients: mail.length,
      sent,
      ...(forecast ? { atRisk: risky.length } : {}),
    };
  };
}

const logic = dailyDigest(async () => ({
  store: dossierStore(),
  forecast: { reader: dossierStore(), stats: forecastStore() },
  ledger: alertLedger(),
  mailer: alertMailer(),
  recipients: await alertRecipients(),
  feedback: feedbackStore(),
  packer: { packMonths: (limit?: number, until?: number) => packMonths(monthPacker(), limit, until) },
}));

export const handler = middy<unknown, DigestResult>()
  .use(logContext())
  .use(flushMetrics())
  .handler((event, context) => logic(event, context));
