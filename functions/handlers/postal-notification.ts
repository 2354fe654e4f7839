/**
 * POST /notifications/postal (CONTRACT 3.5): VNPost's movements of a dossier or its result,
 * signed like the portal. `RESULT_DELIVERED` returns the result (the read view derives
 * `returnedAt` from it when the portal has not sent NgayTra).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { DossierStore } from '../core/ports';
import { toVnIso } from '../core/time';
import {
  auditHeaders,
  bodyLimit,
  deliveryIdOf,
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
import { parsePostalEvent } from '../adapters/vnpost';
import { dossierWriter, lazyHandler } from '../adapters/wiring';

/** The handler's logic, given its store and clock. */
export function postalNotification(store: Pick<DossierStore, 'saveRaw' | 'offerPostalEvent'>, now = () => Date.now()) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const postalEvent = parsePostalEvent(parseJsonBody(event));
    const deliveryId = deliveryIdOf(event, context) ?? '';
    await store.saveRaw({ source: 'postal', deliveryId, receivedAt: toVnIso(now()), body: rawBody(event), headers: auditHeaders(event) });
    const status = await store.offerPostalEvent(postalEvent);
    count('PostalEventsReceived');
    logger.info('postal event', { deliveryId, MaHoSo: postalEvent.code, eventId: postalEvent.eventId, type: postalEvent.type, status });
    return json(200, { status });
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .use(bodyLimit())
  .use(signedWebhook('POSTAL_SECRET'))
  .handler(lazyHandler(() => postalNotification(dossierWriter())));
