/**
 * GET /reports/scorecard?from=YYYY-MM-DD&to=YYYY-MM-DD[&asOf=ISO][&ward=<agency code>] (CONTRACT 7):
 * the Decision 766 scorecard of one ward or of every ward (`ward` null), with the why-lists and the
 * forecast. Reads only the period's dossiers, ward by ward, through the byReceived index (as the
 * supervision report does), the period's feedback items, and one statistics item per ward.
 */
import middy from '@middy/core';
import { type ScorecardPorts, scorecardOf } from '../core/scorecard-query';
import { HttpError, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { dossierStore, feedbackReader, forecastStore, lazyHandler } from '../adapters/wiring';
import { reportQuery, wardQuery } from './supervision-report';

export type { ScorecardPorts };

/** The handler's logic, given its ports and clock. */
export function scorecardReport(ports: ScorecardPorts, now = () => Date.now()) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { from, to, asOf } = reportQuery(event, now());
    const only = wardQuery(event);
    const { card, wards, dossiers, feedback } = await scorecardOf(ports, { from, to, asOf, ward: only });
    if (!card) throw new HttpError(404, 'unknown_ward', `No dossier of ward ${only} has been received: check the agency code`);
    logger.info('scorecard', { from, to, asOf, ward: only ?? 'all', wards, dossiers, feedback, score: card.total.score });
    return json(200, card);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => scorecardReport({ store: dossierStore(), feedback: feedbackReader(), forecast: forecastStore() })));
