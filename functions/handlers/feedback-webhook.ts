/**
 * POST /webhooks/feedback (CONTRACT 3.1, 3.6): the province's hotline-1022 system and the national
 * portal's PAKN system push every feedback item addressed to a ward, and every change to it.
 *
 * Order matters: size limit, then the signature on the raw bytes (FEEDBACK_SECRET), then
 * all-or-nothing validation, then the raw message is kept, and only then is state derived from it.
 * Log lines name the items (MaPhanAnh) and the counts: never the citizen's words or data.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseFeedbackMessage } from '../core/feedback-parser';
import type { DossierStore, FeedbackStore } from '../core/ports';
import { toVnIso } from '../core/time';
import type { Outcome } from '../core/types';
import {
  auditHeaders,
  bodyLimit,
  json,
  jsonErrors,
  parseJsonBody,
  rawBody,
  signedWebhook,
  type HttpEvent,
  type HttpResult,
} from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { count, flushMetrics } from '../adapters/metrics';
import { feedbackStore, lazyHandler } from '../adapters/wiring';

/** Counts outcomes the way CONTRACT 3.6 answers them (the meanings of 3.2). */
function tally(outcomes: Outcome[]) {
  const n = (o: Outcome) => outcomes.filter((x) => x === o).length;
  return { received: outcomes.length, applied: n('applied'), duplicate: n('duplicate'), stale: n('stale') };
}

/** What the handler writes to: the raw log (shared by every source) and the feedback items. */
export interface FeedbackPorts {
  raw: Pick<DossierStore, 'saveRaw'>;
  store: Pick<FeedbackStore, 'offerFeedback'>;
}

/** The handler's logic, given its ports (tests hand in their own). */
export function feedbackWebhook(ports: FeedbackPorts, now = () => Date.now()) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const message = parseFeedbackMessage(parseJsonBody(event));
    const deliveryId = event.requestContext?.requestId ?? context.awsRequestId;
    await ports.raw.saveRaw({
      source: 'feedback',
      deliveryId,
      receivedAt: toVnIso(now()),
      body: rawBody(event),
      headers: auditHeaders(event),
    });
    const answer = tally(await ports.store.offerFeedback(message.items));
    count('FeedbackReceived', answer.received);
    count('FeedbackApplied', answer.applied);
    count('FeedbackDuplicate', answer.duplicate);
    count('FeedbackStale', answer.stale);
    const ids = [...new Set(message.items.map((i) => i.item.id))];
    const dossiers = [...new Set(message.items.flatMap((i) => (i.item.dossierCode ? [i.item.dossierCode] : [])))];
    logger.info('feedback delivery', { deliveryId, ...answer, MaPhanAnh: ids, ...(dossiers.length ? { MaHoSo: dossiers } : {}) });
    return json(200, answer);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .use(bodyLimit())
  .use(signedWebhook('FEEDBACK_SECRET'))
  .handler(lazyHandler(() => feedbackWebhook({ raw: feedbackStore(), store: feedbackStore() })));
