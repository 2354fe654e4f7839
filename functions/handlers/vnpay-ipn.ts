/**
 * GET /payments/vnpay/ipn (CONTRACT 3.4): VNPay's instant payment notification, answered in
 * VNPay's terms with HTTP 200: 00 confirmed (also a failed attempt, recorded), 01 order not found
 * (a vnp_TxnRef not of our form), 02 already confirmed (this order was already paid), 04 invalid
 * amount (kept and flagged), 97 invalid signature, 99 store failure (VNPay retries).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type DossierStore, StoreRefusedError } from '../core/ports';
import { toVnIso } from '../core/time';
import { secretValues } from '../adapters/config';
import { auditHeaders, deliveryIdOf, errorResult, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { count, countRejected, flushMetrics } from '../adapters/metrics';
import { parseVnpayIpn, vnpayAnswer, type VnpayCode } from '../adapters/vnpay';
import { dossierWriter, lazyHandler } from '../adapters/wiring';

/** The handler's logic, given its store and clock. */
export function vnpayIpn(store: Pick<DossierStore, 'saveRaw' | 'offerPayment' | 'getDossier'>, now = () => Date.now()) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const query = event.rawQueryString ?? '';
    const parsed = parseVnpayIpn(query, await secretValues('VNPAY_HASH_SECRET'));
    if (parsed.kind !== 'ok') countRejected(parsed.kind === 'malformed' ? 'invalid_payload' : parsed.kind);
    if (parsed.kind === 'bad_signature') return json(200, vnpayAnswer('97'));
    if (parsed.kind === 'bad_order') return json(200, vnpayAnswer('01'));
    if (parsed.kind === 'malformed') return json(200, vnpayAnswer(parsed.rspCode));
    const { payment } = parsed;
    const deliveryId = deliveryIdOf(event, context) ?? '';
    try {
      await store.saveRaw({
        source: 'vnpay',
        deliveryId,
        receivedAt: toVnIso(now()),
        body: Buffer.from(query, 'utf8'),
        headers: auditHeaders(event),
      });
      let code: VnpayCode = '00';
      if (payment.success) {
        // The amount is checked against the dossier when the portal has sent it; a payment that
        // arrives first is kept and judged when the record comes (the report reads it then).
        const known = await store.getDossier(payment.key);
        const total = known?.dossier.record?.feeTotal;
        const outcome = await store.offerPayment(payment);
        if (total !== undefined && payment.amount !== total) code = '04';
        else if (outcome === 'duplicate') code = '02';
        if (outcome === 'duplicate') count('PaymentsDuplicate');
        else if (code === '04') count('PaymentsFlagged'); // a repeat of a flagged payment counts once
      } else {
        const outcome = await store.offerPayment(payment);
        if (outcome === 'duplicate') count('PaymentsDuplicate');
      }
      count('PaymentsReceived');
      logger.info('vnpay ipn', {
        deliveryId,
        MaHoSo: payment.code ?? undefined,
        dossierKey: payment.key,
        txnRef: payment.reference,
        success: payment.success,
        answer: code,
      });
      return json(200, vnpayAnswer(code));
    } catch (err) {
      errorResult(err, deliveryId); // logs and counts it the same way as the other routes
      // A message the store refuses for good names no order it could keep: 99 would be retried forever.
      return json(200, vnpayAnswer(err instanceof StoreRefusedError ? '01' : '99'));
    }
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => vnpayIpn(dossierWriter())));
