/**
 * Delivers the emails of one scan run (CONTRACT 6), through the ports only: once the ledger holds
 * every alert the run's manifest announced, each recipient gets one email per level listing all
 * of that level's dossiers meant for them.
 *
 * Exactly-once as far as SES allows, with single-item conditional writes only:
 * - an email slot (`<level>#<recipient>`) already settled in the ledger is never sent again;
 * - before sending, the slot is leased to this invocation until its deadline, so two concurrent
 *   batches of the same run cannot both send it; a failed send gives the lease back at once;
 * - the slot is settled only after SES accepted the email. A crash (or a failed ledger write)
 *   between SES's answer and that write is the one window in which a retry could send the email
 *   a second time. SES takes no idempotency key, so it is bounded instead: each lease counts a
 *   try, a definite send failure gives its lease (and try) back, and a slot whose
 *   `MAX_SEND_TRIES` (2) tries all ended without a word is settled `unconfirmed` and never sent
 *   again: at most one repeat, and only in that window.
 * A transient failure (SES down, throttled) throws `DeliveryError`: the caller reports the run's
 * messages as failed, SQS delivers them again, and the settled slots keep served recipients from a
 * second copy. A refusal for good (unverified address) is settled as `refused` and logged: retrying
 * cannot help, and it must not hold the other recipients' emails back.
 */
import { groupEmail } from './alert-email';
import { MAX_SEND_TRIES, MailRefusedError, type AlertLedger, type AlertMailer } from './ports';
import { groupAlerts, groupFeedbackAlerts, type Recipients } from './recipients';
import { toVnIso } from './time';

/** A transient failure: some emails of the run could not be sent now; retry later. */
export class DeliveryError extends Error {
  /** Emails of the run this attempt did send (and settled) before giving up. */
  readonly sent: number;
  /** Slots this attempt settled as `unconfirmed` before giving up. */
  readonly unconfirmed: string[];

  constructor(message: string, options?: { cause?: unknown; sent?: number; unconfirmed?: string[] }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.sent = options?.sent ?? 0;
    this.unconfirmed = options?.unconfirmed ?? [];
  }
}

/** Shared by the runs of one invocation: after one transient SES failure the rest wait too. */
export interface Breaker {
  open: boolean;
}

/** The collaborators of a delivery. */
export interface DeliveryDeps {
  ledger: Pick<AlertLedger, 'loadRun' | 'claimSlot' | 'releaseSlot' | 'settleSlot' | 'closeRun'>;
  mailer: AlertMailer;
  recipients: Recipients;
  /** Who holds the leases taken here: one value per invocation. */
  owner: string;
  /** The latest instant (epoch ms) this invocation can still be running: the leases end there. */
  deadline: number;
  /** Epoch ms. */
  now: () => number;
  breaker: Breaker;
  /** The dashboard's public base URL (DASHBOARD_URL): the emails link to it when set. */
  dashboardUrl?: string | null;
}

/** What a delivery did. */
export type DeliveryOutcome =
  | { state: 'waiting'; received: number; expected: number }
  | { state: 'unknown-run' }
  | {
      state: 'delivered';
      sent: number;
      refused: number;
      busy: number;
      missing: number;
      /** Slots (`<level>#<recipient>`) given up as `unconfirmed`: the IT staff should ask whether the email arrived. */
      unconfirmed: string[];
    };

/**
 * Delivers run `runId` if it is complete (or `force`d: then whatever the ledger holds). Throws
 * `DeliveryError` when an email could not be sent for a reason that may pass.
 */
export async function deliverRun(runId: string, force: boolean, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const { ledger, mailer } = deps;
  const run = await ledger.loadRun(runId);
  if (!run.manifest) return { state: 'unknown-run' };
  const expected = run.manifest.counts.overdue + run.manifest.counts.soon + (run.manifest.counts.feedback ?? 0);
  const received = run.alerts.length + (run.feedback?.length ?? 0);
  // The batch carrying the run's last message finds it complete and sends.
  if (received < expected && !force) return { state: 'waiting', received, expected };

  let sent = 0;
  let refused = 0;
  let busy = 0;
  const unconfirmed: string[] = [];
  let failure: unknown = null;
  for (const group of [...groupAlerts(run.alerts, deps.recipients), ...groupFeedbackAlerts(run.feedback ?? [], deps.recipients)]) {
    if (run.settled.has(group.slot)) continue;
    if (deps.breaker.open) {
      failure ??= new Error('an earlier email of this batch failed');
      continue;
    }
    const claim = await ledger.claimSlot(runId, group.slot, deps.owner, deps.deadline);
    if (claim === 'busy') {
      busy++; // another invocation is sending it right now; it settles it or fails its own batch
      continue;
    }
    if (claim === 'exhausted') {
      const settled = await ledger.settleSlot(runId, group.slot, {
        outcome: 'unconfirmed',
        at: toVnIso(deps.now()),
        messageId: null,
        dossiers: group.alerts.length,
        reason: `${MAX_SEND_TRIES} tries ended without a word (each may have been sent); not sent again`,
      });
      if (settled) unconfirmed.push(group.slot);
      continue;
    }
    const email = groupEmail(group, { dashboardUrl: deps.dashboardUrl });
    let messageId: string;
    try {
      ({ messageId } = await mailer.send({ to: group.recipient, ...email }));
    } catch (err) {
      if (err instanceof MailRefusedError) {
        await ledger.settleSlot(runId, group.slot, {
          outcome: 'refused',
          at: toVnIso(deps.now()),
          messageId: null,
          dossiers: group.alerts.length,
          reason: err.message,
        });
        refused++;
        continue;
      }
      deps.breaker.open = true;
      failure = err;
      await ledger.releaseSlot(runId, group.slot, deps.owner).catch(() => undefined);
      continue;
    }
    // Outside the try: a failure to record a sent email must not be taken for a failed send
    // (that would release the lease); it fails the run's messages, the window named above.
    await ledger.settleSlot(runId, group.slot, { outcome: 'sent', at: toVnIso(deps.now()), messageId, dossiers: group.alerts.length });
    sent++;
  }
  if (failure)
    throw new DeliveryError(`run ${runId}: some emails could not be sent (${(failure as Error).message})`, {
      cause: failure,
      sent,
      unconfirmed,
    });
  if (busy === 0 && !run.closed) await ledger.closeRun(runId, toVnIso(deps.now()));
  return { state: 'delivered', sent, refused, busy, missing: Math.max(0, expected - received), unconfirmed };
}
