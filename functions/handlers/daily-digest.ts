/**
 * The daily digest (EventBridge Scheduler, 07:30 Asia/Ho_Chi_Minh): to each default recipient, one
 * email listing every overdue open dossier of the wards it answers for (all of them in a one-ward
 * deployment; see `digestMail`), counted by field and by processing unit.
 *
 * Read from the due index without a table scan: the dossiers already alerted overdue (parked in
 * its overdue partitions) and those overdue but not yet alerted (its due partitions, up to now).
 * Each recipient's email is settled in the alert ledger under the run `digest-<yyyy-MM-dd>`, so a
 * retried tick does not send the day's digest twice.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { digestEmail, type AlertLine } from '../core/alert-email';
import { overdueWorkingDays } from '../core/calendar';
import { isOverdue } from '../core/overdue';
import {
  MAX_SEND_TRIES,
  MailRefusedError,
  type AlertLedger,
  type AlertMailer,
  type DossierStore,
  type OverdueIndex,
  type StoredDossier,
} from '../core/ports';
import { digestMail, type Recipients } from '../core/recipients';
import { normaliseIso, toVnIso, vnDate } from '../core/time';
import { logContext, logger } from '../adapters/logger';
import { count, flushMetrics } from '../adapters/metrics';
import { alertLedger, alertMailer, alertRecipients, dossierStore } from '../adapters/wiring';

/** What the digest works with. */
export interface DigestPorts {
  store: Pick<DossierStore, 'listDueBy'> & Pick<OverdueIndex, 'listAlertedOverdue'>;
  ledger: Pick<AlertLedger, 'loadRun' | 'claimSlot' | 'releaseSlot' | 'settleSlot'>;
  mailer: AlertMailer;
  recipients: Recipients;
}

/** What a digest run did. */
export interface DigestResult {
  overdue: number;
  recipients: number;
  sent: number;
}

/** Every overdue open dossier at `nowIso`, as digest lines (no applicant data), once each. */
export async function overdueLines(store: DigestPorts['store'], nowIso: string): Promise<AlertLine[]> {
  const seen = new Map<string, AlertLine>();
  const take = (d: StoredDossier) => {
    const record = d.record;
    const dueAt = d.dueAt ?? record?.dueAt ?? null;
    if (!record || !dueAt || seen.has(d.key) || !isOverdue(record, dueAt, nowIso)) return;
    seen.set(d.key, {
      code: record.code,
      procedureName: record.procedureName,
      fieldName: record.fieldName,
      dueAt,
      workingDaysOverdue: overdueWorkingDays(dueAt, nowIso),
      unit: record.unit,
    });
  };
  for await (const d of store.listAlertedOverdue()) take(d);
  for await (const d of store.listDueBy(nowIso)) take(d);
  return [...seen.values()];
}

/** The handler's logic. */
export function dailyDigest(ports: () => DigestPorts | Promise<DigestPorts>, realNow: () => number = Date.now) {
  return async (event: unknown, context?: Context): Promise<DigestResult> => {
    const { store, ledger, mailer, recipients } = await ports();
    const time = (event as { time?: unknown } | null)?.time;
    const nowIso = (typeof time === 'string' && normaliseIso(time)) || toVnIso(realNow());
    const lines = await overdueLines(store, nowIso);
    const mail = digestMail(lines, recipients);
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
        ({ messageId } = await mailer.send({ to: recipient, ...digestEmail(nowIso, theirs) }));
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
    logger.info('daily digest', { runId, overdue: lines.length, recipients: mail.length, sent });
    // The one place that sees every overdue open dossier (the scan reads only what is still due).
    count('OverdueOpen', lines.length);
    count('EmailsSent', sent);
    // Thrown, so that the schedule retries and the Errors alarm fires; the settled ones are not resent.
    if (failure) throw failure;
    return { overdue: lines.length, recipients: mail.length, sent };
  };
}

const logic = dailyDigest(async () => ({
  store: dossierStore(),
  ledger: alertLedger(),
  mailer: alertMailer(),
  recipients: await alertRecipients(),
}));

export const handler = middy<unknown, DigestResult>()
  .use(logContext())
  .use(flushMetrics())
  .handler((event, context) => logic(event, context));
