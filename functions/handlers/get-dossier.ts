/**
 * GET /dossiers/{MaHoSo} (CONTRACT 4): the dossier's state and timeline, identifiers masked.
 * Authorisation happens in front (IAM authorizer on AWS, bearer token on the local stack).
 */
import middy from '@middy/core';
import { isDossierCode } from '../core/identifiers';
import { assessRisk, type ForecastStatsStore, statsFitClock } from '../core/forecast';
import type { DossierStore } from '../core/ports';
import { wardOf } from '../core/ward';
import { toVnIso } from '../core/time';
import { dossierKey } from '../core/types';
import { toDossierView } from '../core/view';
import { HttpError, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { dossierStore, forecastStore, lazyHandler } from '../adapters/wiring';

/** Path parameters may arrive still percent-encoded (depends on the proxy); a lone `%` stays. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The handler's logic, given its store, the forecast statistics and the clock. Without statistics
 * (`forecast` absent, or none computed for today) the dossier's `risk` has no basis.
 */
export function getDossier(store: DossierStore, now = () => Date.now(), forecast?: Pick<ForecastStatsStore, 'getStats'>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const code = safeDecode(event.pathParameters?.MaHoSo ?? '').trim();
    if (!code) throw new HttpError(400, 'invalid_request', 'MaHoSo is missing from the path.', [{ path: 'MaHoSo', message: 'required' }]);
    // A string that is no dossier code (CONTRACT 3: at most 64 characters) names no dossier: the
    // store is not asked (DynamoDB refuses keys over 2,048 bytes).
    if (!isDossierCode(code)) throw new HttpError(404, 'not_found', `No dossier ${code.slice(0, 80)}${code.length > 80 ? '…' : ''}.`);
    const found = await store.getDossier(dossierKey(code));
    // Payments, steps or postal events may be waiting for a record that has not arrived: to the
    // reader, that dossier does not exist yet.
    if (!found?.dossier.record) throw new HttpError(404, 'not_found', `No dossier ${code}.`);
    const nowIso = toVnIso(now());
    const record = found.dossier.record;
    // One GetItem, only for an open dossier: the ward's statistics item (see core/forecast.ts).
    const open = [2, 4, 5, 6, 8].includes(record.status);
    const stats = open && forecast ? await forecast.getStats(wardOf(record.code)) : null;
    const risk = assessRisk(found.dossier, statsFitClock(stats, nowIso) ? stats : null, nowIso);
    return json(200, toDossierView(found.dossier, found.steps, nowIso, risk));
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => getDossier(dossierStore(), Date.now, forecastStore())));
