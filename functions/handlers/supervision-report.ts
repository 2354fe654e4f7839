/**
 * GET /reports/supervision?from=YYYY-MM-DD&to=YYYY-MM-DD[&asOf=ISO] (CONTRACT 5): the figures the
 * People's Council's supervision team asks for. Reads only the period's dossiers, through the
 * byReceived index, so its cost follows the period, not the table.
 */
import middy from '@middy/core';
import type { DossierStore, StoredDossier } from '../core/ports';
import { buildSupervisionReport, isIsoDate } from '../core/report';
import { instantMs, toVnIso } from '../core/time';
import { HttpError, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { dossierStore, lazyHandler } from '../adapters/wiring';

/** The longest period one request may ask for: keeps a typo (`--from 0023-…`) from reading years. */
const MAX_PERIOD_DAYS = 3 * 366;

/** Validates the query, naming each bad parameter. */
export function reportQuery(event: HttpEvent, nowMs: number): { from: string; to: string; asOf: string } {
  const q = event.queryStringParameters ?? {};
  const details: { path: string; message: string }[] = [];
  const from = q.from ?? '';
  const to = q.to ?? '';
  if (!isIsoDate(from)) details.push({ path: 'from', message: from ? 'expected a date YYYY-MM-DD' : 'required' });
  if (!isIsoDate(to)) details.push({ path: 'to', message: to ? 'expected a date YYYY-MM-DD' : 'required' });
  if (!details.length && from > to) details.push({ path: 'to', message: 'must not be before from' });
  if (!details.length && (Date.parse(to) - Date.parse(from)) / 86400e3 > MAX_PERIOD_DAYS) {
    details.push({ path: 'to', message: `the period may span at most ${MAX_PERIOD_DAYS} days` });
  }
  let asOf = toVnIso(nowMs);
  if (q.asOf !== undefined) {
    if (Number.isNaN(instantMs(q.asOf))) details.push({ path: 'asOf', message: 'expected an ISO 8601 instant with an offset' });
    else asOf = q.asOf;
  }
  if (details.length) throw new HttpError(400, 'invalid_request', `Invalid report query: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  return { from, to, asOf };
}

/** The handler's logic, given its store and clock. */
export function supervisionReport(store: DossierStore, now = () => Date.now()) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { from, to, asOf } = reportQuery(event, now());
    const dossiers: StoredDossier[] = [];
    for await (const d of store.listReceived(from, to)) dossiers.push(d);
    const report = buildSupervisionReport(dossiers, { from, to, asOf, dueAt: (d) => d.dueAt ?? d.record?.dueAt ?? null });
    logger.info('supervision report', { from, to, asOf, dossiers: dossiers.length });
    return json(200, report);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => supervisionReport(dossierStore())));
