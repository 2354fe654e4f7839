/**
 * The dashboard's figures (CONTRACT 8), computed from the facts of the months read and what the
 * optional sources answered. Pure: the loader reads, this counts, `render.ts` draws.
 *
 * The statistics table officials use (Tiếp nhận | Đã giải quyết | Đang giải quyết) is a flow over
 * the period, read at its end E (the period's last instant, or the clock when that is earlier):
 * - kỳ trước chuyển sang: received before the period (the LOOKBACK_MONTHS months before it) and
 *   still open at its first instant: not finished before it, not withdrawn before it;
 * - trong kỳ: received in the period (CONTRACT 5's `received`, so the total row's equals it);
 * - đã giải quyết: of those, finished by E, early / on time / late by calendar dates (CONTRACT 5);
 * - đang giải quyết: neither finished nor withdrawn by E; overdue when running past its due date
 *   at E (a dossier paused now counts in time, as in the report).
 * Withdrawn dossiers (7) are in neither column; the table says how many.
 */
import { formatVnNumber } from '../report';
import type { DossierReport } from './facts';
import { vnWallClock } from '../time';
import { type DossierFact, rate, reportOfFacts } from './facts';
import { addDays, monthBounds, monthLabel, type DashboardPeriod, type PeriodChoice, trendMonths } from './period';
import type { AtRiskLike, FeedbackFigures, OverdueFeedbackLike, ScorecardLike, Sourced } from './sources';

export type { OverdueDossier } from '../due-lists';
import type { OverdueDossier } from '../due-lists';

/** A ward of the deployment and its name (from the recipients configuration), if any. */
export interface WardName {
  code: string;
  name: string | null;
}

/** Everything the figures are computed from. */
export interface DashboardInput {
  choice: PeriodChoice;
  /** The page's clock (ISO +07:00). */
  asOf: string;
  /** Vietnam date of the clock. */
  today: string;
  /** One ward, or null for every ward of the deployment. */
  ward: string | null;
  wards: WardName[];
  /** Facts of the scope's dossiers received in the months read (see `monthsToRead`). */
  facts: readonly DossierFact[];
  overdueNow: OverdueDossier[];
  /** When the oldest of the facts was read from the store (the cache's age). */
  readAt: string;
  scorecard: Sourced<ScorecardLike>;
  feedback: Sourced<FeedbackFigures>;
  previousFeedback: Sourced<FeedbackFigures>;
  overdueFeedback: Sourced<OverdueFeedbackLike[]>;
  atRisk: Sourced<AtRiskLike[]>;
  /** Province view: each ward's scorecard, for the ranking. */
  wardScores: Sourced<Map<string, ScorecardLike | null>>;
}

/** A headline card: a value, the previous period's, and which way is better. */
export interface Card {
  id: 'received' | 'online' | 'onTime' | 'overdue' | 'payments' | 'feedbackOnTime';
  label: string;
  kind: 'count' | 'rate';
  /** null: no data (no provider, or nothing to divide). */
  value: number | null;
  previous: number | null;
  detail: string;
  /** True when a rise is good news (received, rates); false for overdue. */
  upIsGood: boolean;
  /** Why the value is missing, when it is. */
  missing?: string;
}

/** One month of the trend. */
export interface TrendPoint {
  month: string; // YYYY-MM
  label: string;
  direct: number;
  online: number;
  postal: number;
  total: number;
  finished: number;
  /** (early + on time) / finished, or null when none finished. */
  onTimeRate: number | null;
}

/** A row of the statistics table: a field (one ward) or a ward (the province). */
export interface StatRow {
  code: string;
  name: string;
  carried: number;
  inPeriod: number;
  total: number;
  early: number;
  onTime: number;
  late: number;
  /** (early + on time) / (early + on time + late), or null when none was finished. */
  onTimeRate: number | null;
  openOnTime: number;
  openOverdue: number;
  withdrawn: number;
}

/** The statistics table. */
export interface StatisticsTable {
  rowsAre: 'field' | 'ward';
  rows: StatRow[];
  total: StatRow;
  /** The instant the table is read at (E). */
  at: string;
}

/** A ward's line of the province's ranking. */
export interface RankRow {
  ward: string;
  name: string | null;
  /** The scorecard total, or null without one. */
  score: number | null;
  max: number | null;
  received: number;
  onTimeRate: number | null;
  openOverdue: number;
}

/** The page's figures. */
export interface DashboardData {
  ward: string | null;
  wardName: string | null;
  wards: WardName[];
  period: DashboardPeriod;
  previous: DashboardPeriod;
  asOf: string;
  readAt: string;
  report: DossierReport;
  previousReport: DossierReport;
  cards: Card[];
  trend: TrendPoint[];
  statistics: StatisticsTable;
  overdueNow: OverdueDossier[];
  scorecard: Sourced<ScorecardLike>;
  feedback: Sourced<FeedbackFigures>;
  overdueFeedback: Sourced<OverdueFeedbackLike[]>;
  atRisk: Sourced<AtRiskLike[]>;
  /** Province view only; ranked by score when every ward has one, else by on-time rate. */
  ranking: { rankedBy: 'score' | 'onTime'; rows: RankRow[] } | null;
}

const NO_DATA = 'Chưa có dữ liệu';

/** The instant a period's figures are read at: its last instant, or the clock if earlier. */
export function endOf(p: DashboardPeriod, asOfMs: number): number {
  return Math.min(asOfMs, vnWallClock(addDays(p.to, 1)) - 1);
}

/** Where a fact stands at instant `at`: solved, withdrawn, open (in time or overdue). */
function stateAt(f: DossierFact, at: number): 'early' | 'onTime' | 'late' | 'withdrawn' | 'openOnTime' | 'openOverdue' {
  if (f.status === 9 || f.status === 10) {
    // A finished dossier with no known finishing instant was judged on time by the report: solved.
    if (Number.isNaN(f.finishMs) || f.finishMs <= at) {
      return f.closed === 'finishedEarly' ? 'early' : f.closed === 'finishedLate' ? 'late' : 'onTime';
    }
  } else if (f.status === 7 && (Number.isNaN(f.updatedMs) || f.updatedMs <= at)) {
    return 'withdrawn';
  }
  const pausedNow = f.status === 5 || f.status === 6 || f.status === 8;
  return !pausedNow && !Number.isNaN(f.dueMs) && at > f.dueMs ? 'openOverdue' : 'openOnTime';
}

/** Open at instant `at` (received before it, not finished nor withdrawn before it). */
function openAt(f: DossierFact, at: number): boolean {
  if (f.receivedMs >= at) return false;
  if (f.status === 9 || f.status === 10) return !Number.isNaN(f.finishMs) && f.finishMs >= at;
  if (f.status === 7) return !Number.isNaN(f.updatedMs) && f.updatedMs >= at;
  return true;
}

function emptyRow(code: string, name: string): StatRow {
  return {
    code,
    name,
    carried: 0,
    inPeriod: 0,
    total: 0,
    early: 0,
    onTime: 0,
    late: 0,
    onTimeRate: null,
    openOnTime: 0,
    openOverdue: 0,
    withdrawn: 0,
  };
}

function finishRow(row: StatRow): StatRow {
  const solved = row.early + row.onTime + row.late;
  row.total = row.carried + row.inPeriod;
  row.onTimeRate = solved > 0 ? rate(row.early + row.onTime, solved) : null;
  return row;
}

/** The statistics table of `period` over `facts`: per field (`rowsAre` field) or per ward. */
export function statisticsTable(
  facts: readonly DossierFact[],
  period: DashboardPeriod,
  asOfMs: number,
  rowsAre: 'field' | 'ward',
  wardNames: ReadonlyMap<string, string | null> = new Map(),
): StatisticsTable {
  const start = vnWallClock(period.from);
  const end = endOf(period, asOfMs);
  const rows = new Map<string, StatRow & { nameAtMs: number }>();
  const total = emptyRow('', 'Tổng cộng');
  for (const f of facts) {
    const inPeriod = f.receivedDay >= period.from && f.receivedDay <= period.to;
    const carried = !inPeriod && f.receivedDay < period.from && openAt(f, start);
    if (!inPeriod && !carried) continue;
    const code = rowsAre === 'field' ? f.fieldCode : f.ward;
    let row = rows.get(code);
    if (!row) {
      const name = rowsAre === 'field' ? f.fieldName : (wardNames.get(f.ward) ?? f.ward);
      row = { ...emptyRow(code, name), nameAtMs: f.nameAtMs };
      rows.set(code, row);
    } else if (rowsAre === 'field' && f.nameAtMs > row.nameAtMs) {
      row.name = f.fieldName;
      row.nameAtMs = f.nameAtMs;
    }
    for (const r of [row, total]) {
      if (inPeriod) r.inPeriod++;
      else r.carried++;
      r[stateAt(f, end)]++;
    }
  }
  const sorted = [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map(({ nameAtMs: _, ...r }) => r);
  // Every ward of the province has its row, also one with nothing in the period.
  if (rowsAre === 'ward') {
    for (const [code, name] of wardNames) {
      if (!rows.has(code)) sorted.push(emptyRow(code, name ?? code));
    }
    sorted.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }
  return { rowsAre, rows: sorted.map(finishRow), total: finishRow(total), at: new Date(end).toISOString() };
}

/** Open overdue dossiers at instant `at` among the facts (for the overdue card's previous value). */
export function overdueAt(facts: readonly DossierFact[], at: number): number {
  let n = 0;
  for (const f of facts) if (f.receivedMs <= at && stateAt(f, at) === 'openOverdue') n++;
  return n;
}

/** The months of the trend, each with the report's received and on-time figures. */
export function trendOf(facts: readonly DossierFact[], months: readonly string[], asOfMs: number): TrendPoint[] {
  const byMonth = new Map<string, DossierFact[]>(months.map((m) => [m, []]));
  for (const f of facts) byMonth.get(f.receivedDay.slice(0, 7))?.push(f);
  return months.map((month) => {
    const { from, to } = monthBounds(month);
    const r = reportOfFacts(byMonth.get(month) ?? [], from, to, asOfMs);
    const p = r.processing;
    const finished = p.finishedEarly + p.finishedOnTime + p.finishedLate;
    return {
      month,
      label: monthLabel(month),
      ...r.received.byChannel,
      total: r.received.total,
      finished,
      onTimeRate: finished > 0 ? p.onTimeRate : null,
    };
  });
}

function sourcedValue<T>(s: Sourced<T>): T | null {
  return s.state === 'ok' ? s.value : null;
}

const vnInt = formatVnNumber;

/** The headline cards. */
function cardsOf(input: DashboardInput, report: DossierReport, previous: DossierReport, stats: StatisticsTable): Card[] {
  const asOfMs = Date.parse(input.asOf);
  const finished = (r: DossierReport) => r.processing.finishedEarly + r.processing.finishedOnTime + r.processing.finishedLate;
  const onlineShare = (r: DossierReport) => (r.received.total > 0 ? rate(r.received.byChannel.online, r.received.total) : null);
  const onTime = (r: DossierReport) => (finished(r) > 0 ? r.processing.onTimeRate : null);
  const payRate = (r: DossierReport) => (r.payments.dossiersWithFees > 0 ? r.payments.onlineRate : null);
  const fb = sourcedValue(input.feedback);
  const prevFb = sourcedValue(input.previousFeedback);
  const fbRate = (f: FeedbackFigures | null) => (f && f.answered > 0 ? rate(f.answeredOnTime, f.answered) : null);
  const atEnd = endOf(input.choice.current, asOfMs) >= asOfMs;
  const { byChannel } = report.received;
  return [
    {
      id: 'received',
      label: 'Hồ sơ tiếp nhận',
      kind: 'count',
      value: report.received.total,
      previous: previous.received.total,
      detail: `Trực tuyến ${vnInt(byChannel.online)} · trực tiếp ${vnInt(byChannel.direct)} · bưu chính ${vnInt(byChannel.postal)}`,
      upIsGood: true,
    },
    {
      id: 'online',
      label: 'Tỷ lệ nộp trực tuyến',
      kind: 'rate',
      value: onlineShare(report),
      previous: onlineShare(previous),
      detail: `${vnInt(byChannel.online)}/${vnInt(report.received.total)} hồ sơ nộp trực tuyến`,
      upIsGood: true,
      missing: 'Chưa có hồ sơ tiếp nhận trong kỳ',
    },
    {
      id: 'onTime',
      label: 'Giải quyết đúng hạn',
      kind: 'rate',
      value: onTime(report),
      previous: onTime(previous),
      detail: `${vnInt(report.processing.finishedEarly + report.processing.finishedOnTime)}/${vnInt(finished(report))} hồ sơ tiếp nhận trong kỳ đã giải quyết (kể cả trước hạn)`,
      upIsGood: true,
      missing: 'Chưa có hồ sơ tiếp nhận trong kỳ đã giải quyết',
    },
    {
      id: 'overdue',
      label: atEnd ? 'Đang quá hạn' : 'Quá hạn chưa giải quyết cuối kỳ',
      kind: 'count',
      value: stats.total.openOverdue,
      previous: overdueAt(input.facts, endOf(input.choice.previous, asOfMs)),
      detail: atEnd
        ? 'Hồ sơ đang giải quyết đã quá hạn, tại thời điểm xem'
        : 'Hồ sơ đang giải quyết đã quá hạn, tại thời điểm cuối kỳ; so với cuối kỳ trước',
      upIsGood: false,
    },
    {
      id: 'payments',
      label: 'Thanh toán trực tuyến',
      kind: 'rate',
      value: payRate(report),
      previous: payRate(previous),
      detail: `${vnInt(report.payments.paidOnline)}/${vnInt(report.payments.dossiersWithFees)} hồ sơ có phí, lệ phí; ${vnInt(report.payments.amountVnd)} đồng`,
      upIsGood: true,
      missing: 'Chưa có hồ sơ có phí, lệ phí trong kỳ',
    },
    {
      id: 'feedbackOnTime',
      label: 'Phản ánh, kiến nghị trả lời đúng hạn',
      kind: 'rate',
      value: fbRate(fb),
      previous: fbRate(prevFb),
      detail: fb ? `${vnInt(fb.answeredOnTime)}/${vnInt(fb.answered)} phản ánh, kiến nghị đã trả lời` : NO_DATA,
      upIsGood: true,
      missing: fb ? 'Chưa có phản ánh, kiến nghị đã trả lời trong kỳ' : `${NO_DATA} phản ánh, kiến nghị`,
    },
  ];
}

/** The province's ranking: by scorecard total when every ward has one, else by on-time rate. */
function rankingOf(input: DashboardInput, stats: StatisticsTable): DashboardData['ranking'] {
  if (input.ward !== null) return null;
  const scores = sourcedValue(input.wardScores);
  const byWard = new Map(stats.rows.map((r) => [r.code, r]));
  const rows: RankRow[] = input.wards.map(({ code, name }) => {
    const s = scores?.get(code) ?? null;
    const row = byWard.get(code);
    return {
      ward: code,
      name,
      score: s ? s.total.score : null,
      max: s ? s.total.max : null,
      received: row?.inPeriod ?? 0,
      onTimeRate: row?.onTimeRate ?? null,
      openOverdue: row?.openOverdue ?? 0,
    };
  });
  const rankedBy = rows.length > 0 && rows.every((r) => r.score !== null) ? 'score' : 'onTime';
  const key = (r: RankRow) => (rankedBy === 'score' ? r.score : r.onTimeRate);
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) return ka === kb ? a.ward.localeCompare(b.ward) : ka === null ? 1 : -1;
    return kb - ka || b.received - a.received || a.ward.localeCompare(b.ward);
  });
  return { rankedBy, rows };
}

/** The page's figures from what the loader read. */
export function buildDashboard(input: DashboardInput): DashboardData {
  const asOfMs = Date.parse(input.asOf);
  const { current, previous } = input.choice;
  const names = new Map(input.wards.map((w) => [w.code, w.name] as const));
  const report = reportOfFacts(input.facts, current.from, current.to, asOfMs);
  const previousReport = reportOfFacts(input.facts, previous.from, previous.to, asOfMs);
  const statistics = statisticsTable(
    input.facts,
    current,
    asOfMs,
    input.ward === null ? 'ward' : 'field',
    input.ward === null ? names : undefined,
  );
  return {
    ward: input.ward,
    wardName: input.ward === null ? null : (names.get(input.ward) ?? null),
    wards: input.wards,
    period: current,
    previous,
    asOf: input.asOf,
    readAt: input.readAt,
    report,
    previousReport,
    cards: cardsOf(input, report, previousReport, statistics),
    trend: trendOf(input.facts, trendMonths(current, input.today), asOfMs),
    statistics,
    overdueNow: [...input.overdueNow].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.code.localeCompare(b.code)),
    scorecard: input.scorecard,
    feedback: input.feedback,
    overdueFeedback: input.overdueFeedback,
    atRisk: input.atRisk,
    ranking: rankingOf(input, statistics),
  };
}
