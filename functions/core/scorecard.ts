/**
 * The Decision 766 scorecard (CONTRACT 7): the indicators of the national portal's index that the
 * pipeline's data supports, with the portal's formulas, and why points were lost. Pure: the
 * handler streams the period's dossiers and feedback items in.
 *
 * Rules, as CONTRACT 7 words them:
 * - Population: the received dossiers of CONTRACT 5 (status 2 and later, except 3) whose Vietnam
 *   date of `NgayTiepNhan` is in the period; the feedback items whose Vietnam date of receipt is.
 * - A score is `max × ratio` ("linear") or `max × min(1, ratio / T)` ("full at T"), from the
 *   unrounded ratio; group scores and the total are sums of unrounded scores; only then are ratios
 *   rounded to 4 decimals and scores to 2. A zero denominator gives ratio null and the score the
 *   rule names ("0 when none", "6 when none"); MDSH.2–5 name none: 0 (nothing was digitised).
 * - TDGQ.1 compares instants (a dossier finished at 17:30 on a day due at 17:00 is late), counts a
 *   finished dossier with more than one supplement request as late, a withdrawn one as on time,
 *   and an open one as on time unless it is running (2, 4) past its due date at the clock.
 *
 * Where the contract is silent (README, "The scorecard"):
 * - Over every ward, TTTT.B counts each ward's procedures: a procedure that two wards handle is two
 *   units, so every numerator and denominator of the all-ward answer is the sum of the wards'.
 * - A finished dossier with no `NgayKetThucXuLy` is judged by the earliest moment it certainly was
 *   finished (the report's rule); one with no due date at all cannot be late.
 * - A feedback item answered (4, 5) with no answer date cannot be shown on time: it counts late.
 */
import { type ForecastStats, ForecastStatsBuilder, type Risk, assessRisk, finishingInstant } from './forecast';
import { scrubIdentifiers } from './mask';
import { paymentSummary } from './payments';
import type { StoredDossier } from './ports';
import { isIsoDate, isReceived } from './report';
import { instantMs, vnDate } from './time';
import { wardOf } from './ward';

// ---- inputs --------------------------------------------------------------------------------

/**
 * A feedback item (CONTRACT 3.6) as the scorecard needs it. The feedback store computes `deadline`
 * (HanXuLy, else 17:00 of the 15th working day after the date of receipt).
 */
export interface ScoreFeedback {
  id: string; // MaPhanAnh
  ward: string; // MaDonVi
  receivedAt: string; // ISO +07:00
  deadline: string; // ISO
  status: 1 | 2 | 3 | 4 | 5 | 6;
  answeredAt: string | null;
  rating: 1 | 2 | null;
}

/** The port the scorecard reads feedback items through. */
export interface FeedbackReader {
  /** Feedback items received on the Vietnam dates [from, to], of one ward or of every ward. */
  listFeedbackReceived(from: string, to: string, ward?: string): AsyncIterable<ScoreFeedback>;
}

/** A reader with no feedback items at all. */
export const NO_FEEDBACK: FeedbackReader = {
  async *listFeedbackReceived() {},
};

// ---- the index -----------------------------------------------------------------------------

/** The indicator codes of CONTRACT 7. */
export type IndicatorCode =
  | 'TDGQ.1'
  | 'CLGQ.3'
  | 'TTTT.A'
  | 'TTTT.B'
  | 'MDSH.1'
  | 'MDSH.2'
  | 'MDSH.3'
  | 'MDSH.4'
  | 'MDSH.5'
  | 'MDHL.1'
  | 'MDHL.2'
  | 'MDHL.3';

/** One indicator: its group, maximum, scoring rule (`fullAt` null: linear) and score when the denominator is 0. */
export interface IndicatorDefinition {
  code: IndicatorCode;
  name: string;
  group: string;
  max: number;
  fullAt: number | null;
  whenNone: number;
}

/** The twelve indicators, in the contract's order. */
export const INDICATORS: readonly IndicatorDefinition[] = [
  { code: 'TDGQ.1', name: 'Hồ sơ giải quyết đúng hạn', group: 'TDGQ', max: 20, fullAt: null, whenNone: 0 },
  { code: 'CLGQ.3', name: 'Hồ sơ nộp trực tuyến', group: 'CLGQ', max: 6, fullAt: 0.5, whenNone: 0 },
  { code: 'TTTT.A', name: 'Hồ sơ thanh toán trực tuyến', group: 'TTTT', max: 6, fullAt: null, whenNone: 0 },
  { code: 'TTTT.B', name: 'Thủ tục có thanh toán trực tuyến', group: 'TTTT', max: 2, fullAt: 0.8, whenNone: 0 },
  { code: 'MDSH.1', name: 'Kết quả điện tử', group: 'MDSH', max: 6, fullAt: null, whenNone: 0 },
  { code: 'MDSH.2', name: 'Số hóa hồ sơ và kết quả', group: 'MDSH', max: 4, fullAt: null, whenNone: 0 },
  { code: 'MDSH.3', name: 'Tái sử dụng dữ liệu số hóa', group: 'MDSH', max: 2, fullAt: 0.8, whenNone: 0 },
  { code: 'MDSH.4', name: 'Lấy từ kho dữ liệu cá nhân', group: 'MDSH', max: 4, fullAt: null, whenNone: 0 },
  { code: 'MDSH.5', name: 'Xác thực VNeID', group: 'MDSH', max: 2, fullAt: null, whenNone: 0 },
  { code: 'MDHL.1', name: 'Phản ánh, kiến nghị xử lý đúng hạn', group: 'MDHL', max: 6, fullAt: null, whenNone: 6 },
  { code: 'MDHL.2', name: 'Hài lòng về xử lý phản ánh, kiến nghị', group: 'MDHL', max: 6, fullAt: null, whenNone: 6 },
  { code: 'MDHL.3', name: 'Hài lòng trong tiếp nhận, giải quyết TTHC', group: 'MDHL', max: 6, fullAt: 0.9, whenNone: 0 },
];

/** The groups, with the part of their maximum the pipeline can score. */
export const GROUPS: readonly { code: string; name: string; max: number }[] = [
  { code: 'TDGQ', name: 'Tiến độ giải quyết', max: 20 },
  { code: 'CLGQ', name: 'Cung cấp dịch vụ công trực tuyến', max: 6 },
  { code: 'TTTT', name: 'Thanh toán trực tuyến', max: 8 },
  { code: 'MDSH', name: 'Mức độ số hóa hồ sơ', max: 18 },
  { code: 'MDHL', name: 'Mức độ hài lòng', max: 18 },
];

/** What the pipeline cannot know, and the points it leaves out (30 in all). */
export const NOT_AVAILABLE: readonly { code: string; max: number; reason: string }[] = [
  {
    code: 'CKMB',
    max: 18,
    reason:
      'Công khai, minh bạch: thủ tục công bố trên Cơ sở dữ liệu quốc gia và hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia; hệ thống không nhận dữ liệu này.',
  },
  {
    code: 'CLGQ.1',
    max: 2,
    reason: 'Thủ tục cung cấp dịch vụ công trực tuyến: theo danh mục dịch vụ trực tuyến của Cổng, hệ thống không nhận danh mục này.',
  },
  {
    code: 'CLGQ.2',
    max: 4,
    reason: 'Dịch vụ công trực tuyến có phát sinh hồ sơ: theo danh mục dịch vụ trực tuyến của Cổng, hệ thống không nhận danh mục này.',
  },
  {
    code: 'TTTT.C',
    max: 2,
    reason: 'Phí, lệ phí được khai báo trên Cơ sở dữ liệu quốc gia về thủ tục hành chính; hệ thống không nhận dữ liệu này.',
  },
  { code: 'MDSH.6', max: 2, reason: 'Cấp bản sao điện tử từ sổ gốc (chứng thực điện tử); hệ thống không nhận dữ liệu này.' },
  {
    code: 'MDSH.7',
    max: 2,
    reason: 'Thủ tục có hồ sơ sử dụng dữ liệu công dân, đối chiếu với Cơ sở dữ liệu quốc gia; hệ thống không nhận dữ liệu này.',
  },
];

/** Why a dossier or feedback item cost points. */
export type WhyReason =
  | 'finishedLate' // finished after its due instant
  | 'supplements' // finished with more than one supplement request
  | 'openOverdue' // running (2, 4) past its due date at the clock
  | 'notOnline' // not submitted online
  | 'notPaidOnline' // fees, and no counted online payment
  | 'procedureNotPaidOnline' // a procedure with fees none of whose dossiers was paid online
  | 'noResultFile' // finished without an electronic result
  | 'notDigitised' // no digitised component
  | 'notFinished' // not finished (MDSH.2 needs the result)
  | 'notReused' // no reused component
  | 'notFromDataStore' // no component from the citizen's data store
  | 'notVNeID' // account not verified with VNeID
  | 'namedByFeedback' // named by a feedback item of its ward
  | 'answeredLate' // feedback answered after its deadline
  | 'dissatisfied'; // feedback rated dissatisfied

/** One line of a why-list: codes, dates and units, never a citizen's data. */
export interface WhyItem {
  reason: WhyReason;
  MaHoSo?: string;
  MaPhanAnh?: string;
  MaTTHC?: string;
  TenTTHC?: string;
  MaLinhVuc?: string;
  ward?: string;
  receivedAt?: string;
  dueAt?: string | null;
  finishedAt?: string | null;
  unit?: string | null;
  supplements?: number;
}

/** At most `WHY_LIMIT` items per indicator and how many more there were. */
export interface Why {
  items: WhyItem[];
  more: number;
}

/** Items shown per indicator. */
export const WHY_LIMIT = 20;

/** An indicator of the answer. */
export interface IndicatorResult {
  code: IndicatorCode;
  name: string;
  numerator: number;
  denominator: number;
  ratio: number | null;
  max: number;
  score: number;
  /** Only for an indicator below its maximum (README: `indicators[].why`). */
  why?: Why;
}

/** An at-risk dossier of the forecast. */
export interface AtRiskItem extends Risk {
  MaHoSo: string;
  MaTTHC: string;
  MaLinhVuc: string;
  dueAt: string | null;
  unit: string | null;
}

/** The forecast part of the answer (README: `forecast`). */
export interface ScorecardForecast {
  /** Where the statistics came from: stored by the daily job, or this period's own finished dossiers. */
  statistics: 'stored' | 'period' | 'mixed';
  /** Open dossiers counted on time now that are at risk of finishing late. */
  atRisk: number;
  /** The points the total would lose if they all finished late (TDGQ.1 and MDHL.3). */
  pointsAtRisk: number;
  items: AtRiskItem[];
  more: number;
}

/** GET /reports/scorecard (CONTRACT 7), with the why-lists and the forecast. */
export interface Scorecard {
  period: { from: string; to: string };
  asOf: string;
  ward: string | null;
  total: { score: number; max: number };
  groups: { code: string; name: string; max: number; score: number; indicators: IndicatorResult[] }[];
  notAvailable: { code: string; max: number; reason: string }[];
  forecast: ScorecardForecast;
}

/** Numerator and denominator of each indicator. */
export type Counts = Record<IndicatorCode, { numerator: number; denominator: number }>;

// ---- arithmetic ----------------------------------------------------------------------------

const round = (x: number, places: number): number => {
  const f = 10 ** places;
  // The nudge keeps values such as 1.005 (stored as 1.00499…) rounding the way people do.
  return Math.round(x * f + 1e-9 * Math.sign(x)) / f;
};

/** The unrounded ratio and score of an indicator (CONTRACT 7). */
export function scoreOf(def: Pick<IndicatorDefinition, 'max' | 'fullAt' | 'whenNone'>, numerator: number, denominator: number) {
  if (denominator <= 0) return { ratio: null, score: def.whenNone };
  const ratio = numerator / denominator;
  const score = def.fullAt === null ? def.max * ratio : def.max * Math.min(1, ratio / def.fullAt);
  return { ratio, score };
}

// ---- the why-lists -------------------------------------------------------------------------

/** Keeps the `limit` items with the smallest keys, and counts them all: the same answer in any order, and after merges. */
class Bounded {
  private items: { key: string; item: WhyItem }[] = [];
  count = 0;

  constructor(private readonly limit: number) {}

  add(key: string, item: WhyItem): void {
    this.count++;
    if (this.items.length >= this.limit && key >= this.items[this.items.length - 1].key) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].key > key) i--;
    this.items.splice(i, 0, { key, item });
    if (this.items.length > this.limit) this.items.pop();
  }

  merge(other: Bounded): void {
    const count = this.count + other.count;
    for (const { key, item } of other.items) this.add(key, item);
    this.count = count;
  }

  result(): Why {
    return { items: this.items.map((i) => i.item), more: this.count - this.items.length };
  }
}

// ---- the tally -----------------------------------------------------------------------------

/** What a tally needs besides the data. */
export interface ScorecardOptions {
  from: string;
  to: string;
  asOf: string;
  /** The dossier's due instant: the portal's latest `NgayHenTra`, or the computed one; null if none. */
  dueAt: (dossier: StoredDossier) => string | null;
  /** Items per why-list (default `WHY_LIMIT`). */
  limit?: number;
}

type DossierTdgq = 'onTime' | 'finishedLate' | 'supplements' | 'openOverdue';

const zeroCounts = (): Counts => Object.fromEntries(INDICATORS.map((d) => [d.code, { numerator: 0, denominator: 0 }])) as Counts;

/**
 * The scorecard's running counts, one dossier and one feedback item at a time; one ward's tally
 * settles its forecast with that ward's statistics (`settleForecast`), then merges into the
 * all-ward tally (`merge`): sums of counts, why-lists kept by their smallest codes.
 */
export class ScorecardTally {
  private readonly asOfMs: number;
  private readonly limit: number;
  private readonly counts = zeroCounts();
  private readonly why = new Map<IndicatorCode, Bounded>();
  /** `<ward>|<MaTTHC>` of procedures with fees → paid online at least once, and a name. */
  private readonly procedures = new Map<string, { paid: boolean; ward: string; code: string; name: string }>();
  /** Open dossiers counted on time, waiting for the forecast, and whether MDHL.3 counts them. */
  private pending: { dossier: StoredDossier; named: boolean }[] = [];
  private readonly builder: ForecastStatsBuilder;
  private atRiskCount = 0;
  private atRiskItems: { key: string; item: AtRiskItem }[] = [];
  private atRiskNotNamed = 0;
  private sources = new Set<'stored' | 'period'>();

  constructor(private readonly opts: ScorecardOptions) {
    if (!isIsoDate(opts.from)) throw new RangeError(`invalid from date: ${JSON.stringify(opts.from)} (YYYY-MM-DD)`);
    if (!isIsoDate(opts.to)) throw new RangeError(`invalid to date: ${JSON.stringify(opts.to)} (YYYY-MM-DD)`);
    this.asOfMs = instantMs(opts.asOf);
    if (Number.isNaN(this.asOfMs)) throw new RangeError(`invalid asOf instant: ${JSON.stringify(opts.asOf)} (ISO 8601 with an offset)`);
    this.limit = opts.limit ?? WHY_LIMIT;
    for (const d of INDICATORS) this.why.set(d.code, new Bounded(this.limit));
    this.builder = new ForecastStatsBuilder('', opts.asOf, { from: opts.from, to: opts.to });
  }

  private count(code: IndicatorCode, hit: boolean, key: string, item: () => WhyItem): void {
    const c = this.counts[code];
    c.denominator++;
    if (hit) c.numerator++;
    else this.why.get(code)?.add(key, item());
  }

  /** TDGQ.1's verdict on a received dossier at the clock. */
  private tdgq(dossier: StoredDossier, due: string | null): DossierTdgq {
    const record = dossier.record!;
    const dueMs = due ? instantMs(due) : NaN;
    if (record.status === 9 || record.status === 10) {
      const finished = finishingInstant(dossier);
      if (finished && !Number.isNaN(dueMs) && instantMs(finished) > dueMs) return 'finishedLate';
      return record.supplements.length > 1 ? 'supplements' : 'onTime';
    }
    if ((record.status === 2 || record.status === 4) && !Number.isNaN(dueMs) && this.asOfMs > dueMs) return 'openOverdue';
    return 'onTime'; // withdrawn (7), open within its time, paused (5, 6, 8)
  }

  /** Counts one dossier, if it was received in the period. */
  add(dossier: StoredDossier): void {
    const record = dossier.record;
    if (!record || !isReceived(record.status)) return;
    const day = record.receivedAt && !Number.isNaN(instantMs(record.receivedAt)) ? vnDate(record.receivedAt) : null;
    if (!day || day < this.opts.from || day > this.opts.to) return;

    const ward = wardOf(record.code);
    const due = this.opts.dueAt(dossier);
    const finished = record.status === 9 || record.status === 10;
    const finishedAt = finished ? finishingInstant(dossier) : null;
    const key = record.code;
    const item = (reason: WhyReason, extra: Partial<WhyItem> = {}): WhyItem => ({
      MaHoSo: record.code,
      reason,
      MaTTHC: record.procedureCode,
      MaLinhVuc: record.fieldCode,
      receivedAt: record.receivedAt,
      dueAt: due,
      ...(finished ? { finishedAt } : {}),
      unit: record.unit === null ? null : scrubIdentifiers(record.unit),
      ...extra,
    });

    const verdict = this.tdgq(dossier, due);
    const onTime = verdict === 'onTime';
    this.count('TDGQ.1', onTime, key, () =>
      item(
        verdict as WhyReason,
        verdict === 'supplements' || record.supplements.length > 1 ? { supplements: record.supplements.length } : {},
      ),
    );
    this.count('CLGQ.3', record.channel === 'online', key, () => item('notOnline'));

    if (record.feeTotal > 0) {
      const paid = paymentSummary(dossier).paidOnline;
      this.count('TTTT.A', paid, key, () => item('notPaidOnline'));
      const pk = `${ward}|${record.procedureCode}`;
      const proc = this.procedures.get(pk);
      if (!proc) this.procedures.set(pk, { paid, ward, code: record.procedureCode, name: record.procedureName });
      else proc.paid ||= paid;
    }

    const resultFile = record.resultFile === true;
    if (finished) this.count('MDSH.1', resultFile, key, () => item('noResultFile'));
    const digitised = record.digitised === true || record.documents?.digitised === true;
    this.count('MDSH.2', digitised && finished && resultFile, key, () =>
      item(!digitised ? 'notDigitised' : !finished ? 'notFinished' : 'noResultFile'),
    );
    this.count('MDSH.3', record.documents?.reused === true, key, () => item('notReused'));
    this.count('MDSH.4', record.documents?.fromDataStore === true, key, () => item('notFromDataStore'));
    this.count('MDSH.5', record.vneidVerified === true, key, () => item('notVNeID'));

    // Named by an item of its own ward, whatever the item's date: counted once however many name it.
    const named = (dossier.feedback ?? []).some((f) => f.ward.toUpperCase() === ward);
    this.count('MDHL.3', onTime && !named, key, () =>
      onTime
        ? item('namedByFeedback')
        : item(verdict as WhyReason, verdict === 'supplements' ? { supplements: record.supplements.length } : {}),
    );

    if (finishedAt) this.builder.add(dossier);
    if (onTime && record.status !== 7 && !finished) this.pending.push({ dossier, named });
  }

  /** Counts one feedback item, if it was received in the period. */
  addFeedback(f: ScoreFeedback): void {
    if (Number.isNaN(instantMs(f.receivedAt))) return;
    const day = vnDate(f.receivedAt);
    if (day < this.opts.from || day > this.opts.to) return;
    const deadlineMs = instantMs(f.deadline);
    const answered = f.status === 4 || f.status === 5;
    const answeredLate = answered && (!f.answeredAt || Number.isNaN(deadlineMs) || instantMs(f.answeredAt) > deadlineMs);
    const openOverdue = f.status <= 3 && !Number.isNaN(deadlineMs) && this.asOfMs > deadlineMs;
    const item = (reason: WhyReason): WhyItem => ({ MaPhanAnh: f.id, reason, ward: f.ward, receivedAt: f.receivedAt, dueAt: f.deadline });
    if (f.status !== 6)
      this.count('MDHL.1', !answeredLate && !openOverdue, f.id, () => item(answeredLate ? 'answeredLate' : 'openOverdue'));
    this.count('MDHL.2', f.rating !== 2 && !answeredLate && !openOverdue, f.id, () =>
      item(f.rating === 2 ? 'dissatisfied' : answeredLate ? 'answeredLate' : 'openOverdue'),
    );
  }

  /**
   * Judges the open dossiers counted on time with this ward's statistics: `stored` when they fit
   * the clock, else the statistics of this period's own finished dossiers. Call once per ward tally.
   */
  settleForecast(stored: ForecastStats | null): void {
    const stats = stored ?? this.builder.build();
    this.sources.add(stored ? 'stored' : 'period');
    for (const { dossier, named } of this.pending) {
      const risk = assessRisk(dossier, stats, this.opts.asOf);
      if (!risk?.atRisk) continue;
      const record = dossier.record!;
      this.atRiskCount++;
      if (!named) this.atRiskNotNamed++;
      this.atRiskItems.push({
        key: record.code,
        item: {
          MaHoSo: record.code,
          MaTTHC: record.procedureCode,
          MaLinhVuc: record.fieldCode,
          dueAt: this.opts.dueAt(dossier),
          unit: record.unit === null ? null : scrubIdentifiers(record.unit),
          ...risk,
        },
      });
    }
    this.pending = [];
    this.trimAtRisk();
  }

  private trimAtRisk(): void {
    this.atRiskItems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.atRiskItems = this.atRiskItems.slice(0, this.limit);
  }

  /** Adds another (settled) tally into this one: the same period and clock. */
  merge(other: ScorecardTally): void {
    for (const d of INDICATORS) {
      this.counts[d.code].numerator += other.counts[d.code].numerator;
      this.counts[d.code].denominator += other.counts[d.code].denominator;
      this.why.get(d.code)?.merge(other.why.get(d.code)!);
    }
    for (const [k, p] of other.procedures) {
      const mine = this.procedures.get(k);
      if (!mine) this.procedures.set(k, { ...p });
      else mine.paid ||= p.paid;
    }
    this.pending.push(...other.pending);
    this.atRiskCount += other.atRiskCount;
    this.atRiskNotNamed += other.atRiskNotNamed;
    this.atRiskItems.push(...other.atRiskItems);
    this.trimAtRisk();
    for (const s of other.sources) this.sources.add(s);
  }

  /** Numerator and denominator of every indicator (TTTT.B from the procedures). */
  totals(): Counts {
    const counts = structuredClone(this.counts);
    const procs = [...this.procedures.values()];
    counts['TTTT.B'] = { numerator: procs.filter((p) => p.paid).length, denominator: procs.length };
    return counts;
  }

  /** The answer of CONTRACT 7 for what was added, with the why-lists and the forecast. */
  scorecard(ward: string | null): Scorecard {
    const counts = this.totals();
    const procWhy = new Bounded(this.limit);
    for (const p of this.procedures.values()) {
      if (!p.paid) procWhy.add(`${p.ward}|${p.code}`, { reason: 'procedureNotPaidOnline', MaTTHC: p.code, TenTTHC: p.name, ward: p.ward });
    }
    const unrounded = new Map<IndicatorCode, number>();
    const indicators = INDICATORS.map((def): IndicatorResult & { group: string } => {
      const { numerator, denominator } = counts[def.code];
      const { ratio, score } = scoreOf(def, numerator, denominator);
      unrounded.set(def.code, score);
      const below = score < def.max - 1e-12;
      const why = def.code === 'TTTT.B' ? procWhy.result() : this.why.get(def.code)!.result();
      return {
        group: def.group,
        code: def.code,
        name: def.name,
        numerator,
        denominator,
        ratio: ratio === null ? null : round(ratio, 4),
        max: def.max,
        score: round(score, 2),
        ...(below ? { why } : {}),
      };
    });
    const groups = GROUPS.map((g) => {
      const own = indicators.filter((i) => i.group === g.code);
      const score = own.reduce((s, i) => s + (unrounded.get(i.code) ?? 0), 0);
      return { code: g.code, name: g.name, max: g.max, score: round(score, 2), indicators: own.map(({ group: _, ...rest }) => rest) };
    });
    const total = [...unrounded.values()].reduce((s, x) => s + x, 0);

    // The points about to be lost: TDGQ.1 and MDHL.3 as if every at-risk dossier finished late.
    const def = (code: IndicatorCode) => INDICATORS.find((d) => d.code === code)!;
    const lost = (code: IndicatorCode, drop: number) => {
      const { numerator, denominator } = counts[code];
      return scoreOf(def(code), numerator, denominator).score - scoreOf(def(code), numerator - drop, denominator).score;
    };
    const pointsAtRisk = lost('TDGQ.1', this.atRiskCount) + lost('MDHL.3', this.atRiskNotNamed);
    const sources = [...this.sources];
    return {
      period: { from: this.opts.from, to: this.opts.to },
      asOf: this.opts.asOf,
      ward,
      total: { score: round(total, 2), max: GROUPS.reduce((s, g) => s + g.max, 0) },
      groups,
      notAvailable: NOT_AVAILABLE.map((n) => ({ ...n })),
      forecast: {
        statistics: sources.length === 1 ? sources[0] : sources.length === 0 ? 'period' : 'mixed',
        atRisk: this.atRiskCount,
        pointsAtRisk: round(pointsAtRisk, 2),
        items: this.atRiskItems.map((i) => i.item),
        more: this.atRiskCount - this.atRiskItems.length,
      },
    };
  }
}
