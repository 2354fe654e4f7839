/**
 * POST /webhooks/portal (CONTRACT 3.1, 3.2): the provincial portal pushes dossier records
 * (DongBoHoSoMC) and progress steps (CapNhatTienDoHoSoMC) in the DVCQG envelope.
 *
 * Order matters: size limit, then the signature on the raw bytes, then all-or-nothing validation,
 * then the raw message is kept, and only then is state derived from it.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parsePortalMessage } from '../core/portal';
import type { DossierStore } from '../core/ports';
import { toVnIso } from '../core/time';
import type { Outcome } from '../core/types';
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
import { dossierWriter, lazyHandler } from '../adapters/wiring';

/** Counts outcomes the way CONTRACT 3.2 answers them. */
export function tally(outcomes: Outcome[]) {
  const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
  return { received: outcomes.length, applied: count('applied'), duplicate: count('duplicate'), stale: count('stale') };
}

/** The handler's logic, given its store (tests hand in their own). */
export function portalWebhook(store: Pick<DossierStore, 'saveRaw' | 'offerRecords' | 'offerSteps'>, now = () => Date.now()) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const message = parsePortalMessage(parseJsonBody(event));
    const deliveryId = deliveryIdOf(event, context) ?? '';
    await store.saveRaw({ source: 'portal', deliveryId, receivedAt: toVnIso(now()), body: rawBody(event), headers: auditHeaders(event) });
    const outcomes = message.service === 'DongBoHoSoMC' ? await store.offerRecords(message.records) : await store.offerSteps(message.steps);
    const answer = tally(outcomes);
    if (message.service === 'DongBoHoSoMC') {
      count('RecordsReceived', answer.received);
      count('RecordsApplied', answer.applied);
      count('RecordsDuplicate', answer.duplicate);
      count('RecordsStale', answer.stale);
    } else {
      count('StepsReceived', answer.received);
    }
    // The dossier codes only (one line, up to 500 codes): never a record, which holds ID numbers.
    // Not `service`: Powertools reserves that key for the logger's own (it dropped it, with a warning).
    const codes = message.service === 'DongBoHoSoMC' ? message.records.map((r) => r.record.code) : message.steps.map((s) => s.code);
    logger.info('portal delivery', { deliveryId, portalService: message.service, ...answer, MaHoSo: [...new Set(codes)] });
    return json(200, answer);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .use(bodyLimit())
  .use(signedWebhook('PORTAL_SECRET'))
  .handler(lazyHandler(() => portalWebhook(dossierWriter())));
