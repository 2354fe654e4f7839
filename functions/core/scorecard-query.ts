/**
 * The Decision 766 scorecard of a period (CONTRACT 7) read through the ports: the period's dossiers
 * and feedback items, ward by ward, several wards at once, each into its own tally, merged; and each
 * ward's forecast statistics. What GET /reports/scorecard answers and the dashboard shows.
 */
import { type ForecastStatsStore, statsFitClock } from './forecast';
import type { DossierStore } from './ports';
import { type FeedbackReader, type Scorecard, ScorecardTally } from './scorecard';
import { reportDueAt } from './report';

/** Wards read at once by a scorecard over several wards (as the supervision report). */
const WARDS_AT_ONCE = 8;

/** What the scorecard reads. */
export interface ScorecardPorts {
  store: Pick<DossierStore, 'listReceived' | 'listWards'>;
  feedback: FeedbackReader;
  forecast: Pick<ForecastStatsStore, 'getStats'>;
}

/** The period (Vietnam dates), the clock, and one ward (or every ward when undefined). */
export interface ScorecardQuery {
  from: string;
  to: string;
  asOf: string;
  ward?: string;
}

/** The scorecard (null for a ward never seen) and what was read for it. */
export async function scorecardOf(
  ports: ScorecardPorts,
  q: ScorecardQuery,
): Promise<{ card: Scorecard | null; wards: number; dossiers: number; feedback: number }> {
  const options = { from: q.from, to: q.to, asOf: q.asOf, dueAt: reportDueAt };
  const wards = await ports.store.listWards();
  if (q.ward !== undefined && !wards.includes(q.ward)) return { card: null, wards: 0, dossiers: 0, feedback: 0 };
  const selected = q.ward === undefined ? wards : [q.ward];
  const tallies = selected.map(() => new ScorecardTally(options));
  let dossiers = 0;
  let feedback = 0;
  let next = 0;
  const worker = async () => {
    while (next < selected.length) {
      const i = next++;
      const ward = selected[i];
      const tally = tallies[i];
      const stats = await ports.forecast.getStats(ward);
      for await (const d of ports.store.listReceived(q.from, q.to, ward)) {
        tally.add(d);
        dossiers++;
      }
      for await (const f of ports.feedback.listFeedbackReceived(q.from, q.to, ward)) {
        tally.addFeedback(f);
        feedback++;
      }
      // The daily job's statistics when they were computed for this clock; else (a past clock)
      // those of the period's own finished dossiers, which never look past asOf.
      tally.settleForecast(statsFitClock(stats, q.asOf) ? stats : null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WARDS_AT_ONCE, selected.length) }, worker));
  const total = new ScorecardTally(options);
  for (const t of tallies) total.merge(t);
  return { card: total.scorecard(q.ward ?? null), wards: selected.length, dossiers, feedback };
}
