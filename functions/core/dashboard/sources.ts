/**
 * The dashboard's optional sources, in one place: what main does not hold yet (the Decision 766
 * scorecard, the feedback block, overdue feedback items, at-risk dossiers) reaches the page through
 * these providers. A provider left out, or answering null, shows its section with a plain "chưa có
 * dữ liệu" note. The shapes mirror CONTRACT 7 (scorecard), CONTRACT 5 (`feedback`) and the forecast
 * (`risk`), so wiring a real provider is one line in `functions/adapters/wiring.ts`
 * (`dashboardSources`).
 */

import type { FeedbackFigures } from '../report';

/** The `feedback` block of CONTRACT 5: the report's own type. */
export type { FeedbackFigures };

/** The query every provider answers: Vietnam dates of receipt [from, to], the clock, one ward or all. */
export interface SourceQuery {
  from: string;
  to: string;
  asOf: string;
  /** An agency code, or undefined for every ward. */
  ward?: string;
}

/** One indicator of the scorecard (CONTRACT 7), with its why-list when it lost points. */
export interface ScorecardIndicatorLike {
  code: string;
  name: string;
  numerator: number;
  denominator: number;
  ratio: number | null;
  max: number;
  score: number;
  why?: { items: ScorecardWhyLike[]; more: number };
}

/** A dossier or feedback item behind lost points: codes, dates and units only. */
export interface ScorecardWhyLike {
  reason: string;
  MaHoSo?: string;
  MaPhanAnh?: string;
  TenTTHC?: string;
  MaLinhVuc?: string;
  dueAt?: string | null;
  finishedAt?: string | null;
  unit?: string | null;
}

/** GET /reports/scorecard's answer (CONTRACT 7), as far as the page reads it. */
export interface ScorecardLike {
  total: { score: number; max: number };
  groups: { code: string; name: string; max: number; score: number; indicators: ScorecardIndicatorLike[] }[];
  notAvailable: { code: string; max: number; reason: string }[];
}

/** A feedback item open past its deadline: never the citizen's words or data (CONTRACT 3.6). */
export interface OverdueFeedbackLike {
  MaPhanAnh: string;
  /** `"1022"` or `"DVCQG"`. */
  source: string;
  ward: string;
  receivedAt: string;
  dueAt: string;
  workingDaysOverdue: number;
  MaHoSo: string | null;
}

/** An open dossier at risk of finishing late (the forecast's `risk`, with what the list shows). */
export interface AtRiskLike {
  MaHoSo: string;
  TenTTHC?: string;
  MaLinhVuc?: string;
  unit?: string | null;
  dueAt: string | null;
  p90WorkingHours: number | null;
  spentWorkingHours: number;
  leftWorkingHours: number;
  basis: 'MaTTHC' | 'MaLinhVuc' | null;
}

/** The optional providers (see the header). Each may throw: the page then says the source is unavailable. */
export interface DashboardSources {
  /** The scorecard of the period (one ward, or every ward when `ward` is undefined). */
  scorecard?(q: SourceQuery): Promise<ScorecardLike | null>;
  /** The report's feedback block of the period. */
  feedback?(q: SourceQuery): Promise<FeedbackFigures | null>;
  /** Feedback items open past their deadline at `asOf` (whatever their date of receipt). */
  overdueFeedback?(q: Pick<SourceQuery, 'asOf' | 'ward'>): Promise<OverdueFeedbackLike[] | null>;
  /** Open dossiers at risk of finishing late at `asOf`. */
  atRisk?(q: Pick<SourceQuery, 'asOf' | 'ward'>): Promise<AtRiskLike[] | null>;
}

/** What a section shows: the data, no provider yet, or a provider that failed. */
export type Sourced<T> = { state: 'ok'; value: T } | { state: 'none' } | { state: 'failed' };

/** Answers kept at most, per source: a few hundred periods × wards. */
const MEMO_MAX = 500;

/**
 * The period's sources (scorecard, feedback block) kept in memory for `ttlMs`, per period and ward,
 * as the ward-months' facts are (DASHBOARD_CACHE_S): a page then costs what its facts cost, and a
 * province page's ranking (a scorecard per ward) is read once per `ttlMs`, not at every request.
 * Their figures stand as of their reading, as the facts do. A failed answer is not kept.
 */
export function cachedSources(sources: DashboardSources, ttlMs: number, now: () => number = Date.now): DashboardSources {
  if (ttlMs <= 0) return sources;
  const memo = <R>(fn: ((q: SourceQuery) => Promise<R>) | undefined) => {
    if (!fn) return undefined;
    const kept = new Map<string, { at: number; answer: Promise<R> }>();
    return (q: SourceQuery): Promise<R> => {
      const key = `${q.from}|${q.to}|${q.ward ?? '*'}`;
      const hit = kept.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.answer;
      if (kept.size >= MEMO_MAX) kept.delete(kept.keys().next().value as string);
      const answer = fn(q);
      kept.set(key, { at: now(), answer });
      answer.catch(() => {
        if (kept.get(key)?.answer === answer) kept.delete(key);
      });
      return answer;
    };
  };
  return {
    ...sources,
    scorecard: memo(sources.scorecard?.bind(sources)),
    feedback: memo(sources.feedback?.bind(sources)),
  };
}
