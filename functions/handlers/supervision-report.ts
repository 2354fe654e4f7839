/**
 * GET /reports/supervision?from=YYYY-MM-DD&to=YYYY-MM-DD[&asOf=ISO][&ward=<agency code>] (CONTRACT 5):
 * the figures the People's Council's supervision team asks for, of every ward of the deployment
 * (one ward: exactly CONTRACT 5) or of one (`ward`). GET /reports/province (same query, no `ward`):
 * each ward's report and the province's total. Reads only the period's dossiers and feedback
 * items, ward by ward, through the byReceived index, so its cost follows the period, not the table.
 */
import middy from '@middy/core';
import type { DossierStore, FeedbackStore } from '../core/ports';
import { isIsoDate, reportDueAt, SupervisionTally, type ProvinceReport } from '../core/report';
import { isWardCode, normaliseWard } from '../core/ward';
import { instantMs, toVnIso } from '../core/time';
import { HttpError, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { dossierStore, feedbackStore, lazyHandler, wardNames } from '../adapters/wiring';

/** Wards read at once by a report over several wards. */
const WARDS_AT_ONCE = 8;

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
  if (details.length)
    throw new HttpError(
      400,
      'invalid_request',
      `Invalid report query: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  return { from, to, asOf };
}

/** The `ward` parameter: an agency code (canonical form), or undefined for every ward. */
export function wardQuery(event: HttpEvent): string | undefined {
  const raw = event.queryStringParameters?.ward;
  if (raw === undefined) return undefined;
  if (!isWardCode(raw)) {
    throw new HttpError(400, 'invalid_request', 'Invalid report query: ward: expected an agency code, e.g. 000.00.12.H57', [
      { path: 'ward', message: 'expected an agency code, e.g. 000.00.12.H57' },
    ]);
  }
  return normaliseWard(raw);
}

/** What the report handler reads. */
export interface ReportPorts {
  store: Pick<DossierStore, 'listReceived' | 'listWards' | 'tallyReceived'>;
  /** The feedback items (absent: the `feedback` block counts none). */
  feedback?: Pick<FeedbackStore, 'listFeedbackReceived'>;
  /** Ward names by agency code (may be empty). */
  wardNames: () => Promise<Record<string, string>>;
}

/** The handler's logic, given its store and clock. */
export function supervisionReport(ports: ReportPorts, now = () => Date.now()) {
  const { store } = ports;
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { from, to, asOf } = reportQuery(event, now());
    const options = { from, to, asOf, dueAt: reportDueAt };
    const province = event.routeKey === PROVINCE_ROUTE;
    const only = province ? undefined : wardQuery(event);
    const wards = await store.listWards();
    if (only !== undefined && !wards.includes(only)) {
      throw new HttpError(404, 'unknown_ward', `No dossier of ward ${only} has been received: check the agency code`);
    }
    // Each ward streamed into its own tally (a province's year never sits in memory), several
    // wards at once: a hundred wards' queries one after another would outlast the API's 30 s.
    const selected = only === undefined ? wards : [only];
    const rows = selected.map((ward) => ({ ward, tally: new SupervisionTally(options) }));
    let dossiers = 0;
    let feedbackItems = 0;
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const { ward, tally } = rows[next++];
        if (store.tallyReceived) {
          // Closed months through their packs' summaries: no dossier of theirs is read (month-packs.ts).
          dossiers += await store.tallyReceived(tally, from, to, ward);
        } else {
          for await (const d of store.listReceived(from, to, ward)) {
            tally.add(d);
            dossiers++;
          }
        }
        if (!ports.feedback) continue;
        for await (const f of ports.feedback.listFeedbackReceived(from, to, ward)) {
          tally.addFeedback(f);
          feedbackItems++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WARDS_AT_ONCE, rows.length) }, worker));
    const total = new SupervisionTally(options);
    for (const { tally } of rows) total.merge(tally);
    logger.info('supervision report', {
      from,
      to,
      asOf,
      ward: only ?? (province ? 'province' : 'all'),
      wards: rows.length,
      dossiers,
      feedback: feedbackItems,
    });
    if (!province) return json(200, only === undefined ? total.report() : { ward: only, ...total.report() });
    const names = await ports.wardNames();
    const body: ProvinceReport = {
      period: { from, to },
      asOf,
      total: total.report(),
      wards: rows.map(({ ward, tally }) => ({ ward, name: names[ward] ?? null, report: tally.report() })),
    };
    return json(200, body);
  };
}

/** The route of the province report (the same Lambda as the supervision report). */
export const PROVINCE_ROUTE = 'GET /reports/province';

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => supervisionReport({ store: dossierStore(), feedback: feedbackStore(), wardNames })));
