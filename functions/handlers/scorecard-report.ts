/**
 * GET /reports/scorecard?from=YYYY-MM-DD&to=YYYY-MM-DD[&asOf=ISO][&ward=<agency code>] (CONTRACT 7):
 * the Decision 766 scorecard of one ward or of every ward (`ward` null), with the why-lists and the
 * forecast. Reads only the period's dossiers, ward by ward, through the byReceived index (as the
 * supervision report does), the period's feedback items, and one statistics item per ward.
 */
import middy from '@middy/core';
import { type ForecastStatsStore, statsFitClock } from '../core/forecast';
import type { DossierStore, StoredDossier } from '../core/ports';
import { type FeedbackReader, ScorecardTally } from '../core/scorecard';
import { HttpError, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { dossierStore, feedbackReader, forecastStore, lazyHandler } from '../adapters/wiring';
import { reportQuery, wardQuery } from './supervision-report';

/** Wards read at once by a scorecard over several wards (as the supervision report). */
const WARDS_AT_ONCE = 8;

/** What the scorecard reads. */
export interface ScorecardPorts {
  store: Pick<DossierStore, 'listReceived' | 'listWards'>;
  feedback: FeedbackReader;
  forecast: Pick<ForecastStatsStore, 'getStats'>;
}

/** The handler's logic, given its ports and clock. */
export function scorecardReport(ports: ScorecardPorts, now = () => Date.now()) {
  const { store } = ports;
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { from, to, asOf } = reportQuery(event, now());
    const only = wardQuery(event);
    const options = { from, to, asOf, dueAt: (d: StoredDossier) => d.dueAt ?? d.record?.dueAt ?? null };
    const wards = await store.listWards();
    if (only !== undefined && !wards.includes(only)) {
      throw new HttpError(404, 'unknown_ward', `No dossier of ward ${only} has been received: check the agency code`);
    }
    const selected = only === undefined ? wards : [only];
    const tallies = selected.map(() => new ScorecardTally(options));
    let dossiers = 0;
    let items = 0;
    let next = 0;
    const worker = async () => {
      while (next < selected.length) {
        const i = next++;
        const ward = selected[i];
        const tally = tallies[i];
        const stats = await ports.forecast.getStats(ward);
        for await (const d of store.listReceived(from, to, ward)) {
          tally.add(d);
          dossiers++;
        }
        for await (const f of ports.feedback.listFeedbackReceived(from, to, ward)) {
          tally.addFeedback(f);
          items++;
        }
        // The daily job's statistics when they were computed for this clock; else (a past clock)
        // those of the period's own finished dossiers, which never look past asOf.
        tally.settleForecast(statsFitClock(stats, asOf) ? stats : null);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WARDS_AT_ONCE, selected.length) }, worker));
    const total = new ScorecardTally(options);
    for (const t of tallies) total.merge(t);
    const card = total.scorecard(only ?? null);
    logger.info('scorecard', {
      from,
      to,
      asOf,
      ward: only ?? 'all',
      wards: selected.length,
      dossiers,
      feedback: items,
      score: card.total.score,
    });
    return json(200, card);
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => scorecardReport({ store: dossierStore(), feedback: feedbackReader(), forecast: forecastStore() })));
