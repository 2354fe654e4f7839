/**
 * POST /payments/paygov/confirm (CONTRACT 3.3): PayGov's payment confirmation. Always HTTP 200 in
 * PayGov's terms: 00 taken (also a duplicate, a failed payment or a flagged amount), 01 bad
 * MaXacThuc, 02 malformed, 99 store failure (PayGov retries).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type DossierStore, StoreRefusedError } from '../core/ports';
import { toVnIso } from '../core/time';
import { secretValues } from '../adapters/config';
import {
  auditHeaders,
  bodyLimit,
  deliveryIdOf,
  errorResult,
  json,
  jsonErrors,
  rawBody,
  type HttpEvent,
  type HttpResult,
} from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { count, countRejected, flushMetrics } from '../adapters/metrics';
import { paygovAnswer, parsePaygovConfirm } from '../adapters/paygov';
import { dossierWriter, lazyHandler } from '../adapters/wiring';

/** The handler's logic, given its store and clock. */
export function paygovConfirm(store: Pick<DossierStore, 'saveRaw' | 'offerPayment'>, now = () => Date.now()) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const body = rawBody(event);
    const parsed = parsePaygovConfirm(body, await secretValues('PAYGOV_SECRET'));
    if (parsed.kind === 'malformed') {
      countRejected('invalid_payload');
      return json(200, paygovAnswer('02', parsed.message));
    }
    if (parsed.kind === 'bad_checksum') {
      countRejected('bad_checksum');
      return json(200, paygovAnswer('01'));
    }
    const deliveryId = deliveryIdOf(event, context) ?? '';
    try {
      await store.saveRaw({ source: 'paygov', deliveryId, receivedAt: toVnIso(now()), body, headers: auditHeaders(event) });
      const outcome = await store.offerPayment(parsed.payment);
      count('PaymentsReceived');
      if (outcome === 'duplicate') count('PaymentsDuplicate');
      // PayGov names the dossier by its key only (MaThamChieu): MaHoSo without its punctuation.
      logger.info('paygov confirmation', {
        deliveryId,
        dossierKey: parsed.payment.key,
        txId: parsed.payment.txId,
        success: parsed.payment.success,
        outcome,
      });
      return json(200, paygovAnswer('00'));
    } catch (err) {
      errorResult(err, deliveryId); // logs and counts it the same way as the other routes
      // A message the store refuses for good is malformed in PayGov's terms: 99 would be retried forever.
      return json(200, paygovAnswer(err instanceof StoreRefusedError ? '02' : '99'));
    }
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .use(bodyLimit())
  .handler(lazyHandler(() => paygovConfirm(dossierWriter())));
