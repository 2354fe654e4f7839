/**
 * The supervision report (CONTRACT 5): what the ward People's Council's supervision team asked
 * the desk for, per period, and its Vietnamese rendering as the council's notice writes figures
 * ("tiếp nhận 11.701 hồ sơ", "3.557/4.709 hồ sơ đạt tỷ lệ 75,5%", "67.170.000 đồng").
 *
 * Pure: the handler reads the dossiers through the store port and passes them in.
 *
 * Decisions where the contract is silent:
 * - Rates (`onlineRate`, `onTimeRate`) are ratios in [0, 1], rounded to 4 decimal places
 *   (0.7554 = 75.54 %): enough for the one-decimal percent people read, and free of float noise
 *   such as 0.7553620726268848. The renderer recomputes percents from the counts, so a rounded
 *   ratio is never rounded a second time.
 * - A finished dossier (9, 10) without `finishedAt` is judged by the earliest known moment it was
 *   certainly finished by: the return (`returnedAt`, or VNPost's RESULT_DELIVERED) or the portal
 *   record's last change (`updatedAt`, which already carried status 9/10). Each is an upper bound
 *   of the finishing time, so the report can only err against the desk, never flatter it.
 * - A dossier with no due date at all (none sent and none computable) cannot be late: finished it
 *   counts on time, open it counts as open on time.
 * - Field names: `fieldNames` (the official catalogue) wins; otherwise the name on the newest
 *   record (by `updatedAt`) of that field among the period's received dossiers.
 * - Feedback (the `feedback` block): an item belongs to the period by the Vietnam date of its
 *   `NgayTiepNhan`; its standing follows `core/feedback.ts` at the report's clock. `open` counts
 *   every open item, overdue or not; `openOverdue` those of them past their deadline.
 */
import { feedbackStanding } from './feedback';
import { paymentSummary } from './payments';
import type { PostalEvent, Status } from './types';
import type { StoredDossier, StoredFeedback } from './ports';
import { instantMs, toVnIso, vnDate } from './time';

/** The report's period: Vietnam-time dates of receipt, both ends inclusive. */
export interface ReportPeriod {
  from: string;
  to: string;
}

/** Received dossiers, in total and per channel (`KenhThucHien`). */
export interface ReceivedFigures {
  total: number;
  byChannel: { direct: number; online: number; postal: number };
}

/** Online fee payments of the period's received dossiers. */
export interface PaymentFigures {
  dossiersWithFees: number;
  paidOnline: number;
  /** paidOnline / dossiersWithFees, a ratio in [0, 1] rounded to 4 decimals; 0 when no fees. */
  onlineRate: number;
  amountVnd: number;
}

/** Where the period's received dossiers stand: every one is in exactly one bucket. */
export interface ProcessingFigures {
  finishedEarly: number;
  finishedOnTime: number;
  finishedLate: number;
  openOnTime: number;
  openOverdue: number;
  withdrawn: number;
  /** (early + on time) / finished, a ratio in [0, 1] rounded to 4 decimals; 0 when none. */
  onTimeRate: number;
}

/** One field (`MaLinhVuc`) with at least one received dossier in the period. */
export interface FieldFigures {
  MaLinhVuc: string;
  TenLinhVuc: string;
  received: number;
  finishedLate: number;
  openOverdue: number;
}

/** The feedback items (CONTRACT 3.6) received in the period, by where they stand at the report's clock. */
export interface FeedbackFigures {
  received: number;
  /** Status 4 or 5: answeredOnTime + answeredLate. */
  answered: number;
  answeredOnTime: number;
  answeredLate: number;
  /** Status 1–3, overdue or not. */
  open: number;
  /** Of `open`, those past their deadline. */
  openOverdue: number;
  /** Status 6. */
  refused: number;
  /** PhanLoai 1. */
  aboutProcedures: number;
  /** PhanLoai 2: officials' conduct (nhũng nhiễu, gây phiền hà). */
  aboutConduct: number;
  /** DanhGia 2. */
  dissatisfied: number;
}

/** The report exactly as CONTRACT 5 fixes its JSON. */
export interface SupervisionReport {
  period: ReportPeriod;
  received: ReceivedFigures;
  payments: PaymentFigures;
  processing: ProcessingFigures;
  byField: FieldFigures[];
  feedback: FeedbackFigures;
}

/** A feedback block with every count at zero. */
export function noFeedback(): FeedbackFigures {
  return {
    received: 0,
    answered: 0,
    answeredOnTime: 0,
    answeredLate: 0,
    open: 0,
    openOverdue: 0,
    refused: 0,
    aboutProcedures: 0,
    aboutConduct: 0,
    dissatisfied: 0,
  };
}

/** What the report needs besides the dossiers. */
export interface SupervisionReportOptions {
  /** First Vietnam-time date of receipt, `YYYY-MM-DD`, inclusive. */
  from: string;
  /** Last Vietnam-time date of receipt, `YYYY-MM-DD`, inclusive. */
  to: string;
  /** The report's clock (ISO 8601 with an offset): decides which open dossiers are overdue. */
  asOf: string;
  /** The dossier's due instant: the portal's latest `NgayHenTra`, or the computed one; null if none. */
  dueAt: (dossier: StoredDossier) => string | null;
  /** Official field names by `MaLinhVuc`; they win over the names on the records. */
  fieldNames?: Record<string, string>;
}

/** The ways a report can be printed. */
export const REPORT_FORMATS = ['md', 'json', 'html'] as const;
/** One of `REPORT_FORMATS`. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Where one received dossier stands on the report's clock. */
export type ProcessingBucket = 'finishedEarly' | 'finishedOnTime' | 'finishedLate' | 'openOnTime' | 'openOverdue' | 'withdrawn';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const back = new Date(Date.UTC(y, mo - 1, d));
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

/** Received means status 2 or any later status except 3 (CONTRACT 5). */
export function isReceived(status: Status): boolean {
  return status >= 2 && status !== 3;
}

/** The instant's Vietnam-time date, or null when it is not an ISO instant with an offset. */
export function safeVnDate(iso: string | null | undefined): string | null {
  if (!iso || Number.isNaN(instantMs(iso))) return null;
  return vnDate(iso);
}

/** A ratio in [0, 1] rounded to 4 decimals; 0 when there is nothing to divide by. */
function rate(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.round((part / whole) * 10_000) / 10_000;
}

/** The earliest of the given instants (ISO), ignoring missing and invalid ones. */
function earliest(instants: Array<string | null | undefined>): string | null {
  let best: string | null = null;
  let bestMs = Infinity;
  for (const iso of instants) {
    if (!iso) continue;
    const ms = instantMs(iso);
    if (!Number.isNaN(ms) && ms < bestMs) {
      best = iso;
      bestMs = ms;
    }
  }
  return best;
}

/** When a finished dossier was finished, or the earliest moment it certainly was (see header). */
export function finishingInstant(dossier: StoredDossier): string | null {
  const record = dossier.record;
  if (!record) return null;
  if (record.finishedAt && !Number.isNaN(instantMs(record.finishedAt))) return record.finishedAt;
  const delivered = dossier.postal.filter((e: PostalEvent) => e.type === 'RESULT_DELIVERED').map((e) => e.occurredAt);
  return earliest([record.returnedAt, ...delivered, record.updatedAt]);
}

/**
 * The bucket of one received dossier: finished early / on time / late by Vietnam calendar dates,
 * open overdue when the clock is strictly past the due instant, withdrawn, or open on time.
 */
export function processingBucket(dossier: StoredDossier, dueAt: string | null, asOfMs: number): ProcessingBucket {
  const status = dossier.record?.status;
  if (status === 7) return 'withdrawn';
  if (status === 9 || status === 10) {
    const dueDate = safeVnDate(dueAt);
    const finishDate = safeVnDate(finishingInstant(dossier));
    if (!dueDate || !finishDate) return 'finishedOnTime';
    if (finishDate < dueDate) return 'finishedEarly';
    return finishDate === dueDate ? 'finishedOnTime' : 'finishedLate';
  }
  if (status === 2 || status === 4) {
    const dueMs = dueAt ? instantMs(dueAt) : NaN;
    return !Number.isNaN(dueMs) && asOfMs > dueMs ? 'openOverdue' : 'openOnTime';
  }
  // 5, 6, 8: the clock is paused, so the dossier cannot be running late.
  return 'openOnTime';
}

/** The due date the reports measure a dossier against: the stored effective one, else the record's. */
export function reportDueAt(d: StoredDossier): string | null {
  return d.dueAt ?? d.record?.dueAt ?? null;
}

/**
 * True when a dossier's place in the report depends on the report's clock (`asOf`): open with its
 * clock running (status 2, 4), overdue or not by then. Every other dossier counts the same at any
 * clock, so a closed month's can be tallied once, ahead (month packs' day states).
 */
export function dependsOnClock(d: StoredDossier): boolean {
  const status = d.record?.status;
  return status === 2 || status === 4;
}

/**
 * What a tally counted of its dossiers, as plain JSON (feedback left out): the day states a month
 * pack keeps of its dossiers that do not depend on the clock. `nameAtMs` is null for "never".
 */
export interface TallyState {
  received: ReceivedFigures;
  dossiersWithFees: number;
  paidOnline: number;
  amountVnd: number;
  buckets: Record<ProcessingBucket, number>;
  fields: { code: string; name: string; nameAtMs: number | null; received: number; finishedLate: number; openOverdue: number }[];
}

interface FieldAccumulator extends FieldFigures {
  nameAtMs: number;
}

/**
 * The report's running counts: dossiers are added one at a time (a stream, not an array), and the
 * tallies of several wards merge into the province's (`merge`): sums of counts, rates computed
 * from the sums, each field's name from its newest record across all of them.
 */
export class SupervisionTally {
  private readonly asOfMs: number;
  private readonly received: ReceivedFigures = { total: 0, byChannel: { direct: 0, online: 0, postal: 0 } };
  private dossiersWithFees = 0;
  private paidOnline = 0;
  private amountVnd = 0;
  private readonly buckets: Record<ProcessingBucket, number> = {
    finishedEarly: 0,
    finishedOnTime: 0,
    finishedLate: 0,
    openOnTime: 0,
    openOverdue: 0,
    withdrawn: 0,
  };
  private readonly fields = new Map<string, FieldAccumulator>();
  private readonly feedback: FeedbackFigures = noFeedback();

  constructor(private readonly opts: SupervisionReportOptions) {
    if (!isIsoDate(opts.from)) throw new RangeError(`invalid from date: ${JSON.stringify(opts.from)} (YYYY-MM-DD)`);
    if (!isIsoDate(opts.to)) throw new RangeError(`invalid to date: ${JSON.stringify(opts.to)} (YYYY-MM-DD)`);
    this.asOfMs = instantMs(opts.asOf);
    if (Number.isNaN(this.asOfMs)) throw new RangeError(`invalid asOf instant: ${JSON.stringify(opts.asOf)} (ISO 8601 with an offset)`);
  }

  /** Counts one dossier, if it was received in the period. */
  add(dossier: StoredDossier): void {
    const record = dossier.record;
    if (!record || !isReceived(record.status)) return;
    // The store already selects by date, but a dossier whose receipt was corrected since it was
    // indexed, or a caller passing a wider set, must not leak into the period.
    const day = safeVnDate(record.receivedAt);
    if (!day || day < this.opts.from || day > this.opts.to) return;

    this.received.total += 1;
    this.received.byChannel[record.channel] += 1;

    const fees = paymentSummary(dossier);
    if (record.feeTotal > 0) {
      this.dossiersWithFees += 1;
      if (fees.paidOnline) this.paidOnline += 1;
    }
    this.amountVnd += fees.paid;

    const bucket = processingBucket(dossier, this.opts.dueAt(dossier), this.asOfMs);
    this.buckets[bucket] += 1;

    const updatedMs = instantMs(record.updatedAt);
    const field = this.field(record.fieldCode, record.fieldName, Number.isNaN(updatedMs) ? -Infinity : updatedMs);
    field.received += 1;
    if (bucket === 'finishedLate') field.finishedLate += 1;
    if (bucket === 'openOverdue') field.openOverdue += 1;
  }

  /** Counts one feedback item, if it was received in the period (the Vietnam date of `NgayTiepNhan`). */
  addFeedback(stored: Pick<StoredFeedback, 'item' | 'dueAt'>): void {
    const { item, dueAt } = stored;
    const day = safeVnDate(item.receivedAt);
    if (!day || day < this.opts.from || day > this.opts.to) return;
    const f = this.feedback;
    f.received += 1;
    switch (feedbackStanding(item, dueAt, this.opts.asOf)) {
      case 'answeredOnTime':
        f.answered += 1;
        f.answeredOnTime += 1;
        break;
      case 'answeredLate':
        f.answered += 1;
        f.answeredLate += 1;
        break;
      case 'openOverdue':
        f.open += 1;
        f.openOverdue += 1;
        break;
      case 'open':
        f.open += 1;
        break;
      case 'refused':
        f.refused += 1;
        break;
    }
    if (item.category === 1) f.aboutProcedures += 1;
    if (item.category === 2) f.aboutConduct += 1;
    if (item.rating === 2) f.dissatisfied += 1;
  }

  /** Adds another tally's counts to this one (the same period and clock: a ward's, into the province's). */
  merge(other: SupervisionTally): void {
    for (const k of Object.keys(this.feedback) as (keyof FeedbackFigures)[]) this.feedback[k] += other.feedback[k];
    this.addState(other.state());
  }

  /** The dossiers' counts of this tally, as plain JSON. */
  state(): TallyState {
    return {
      received: { total: this.received.total, byChannel: { ...this.received.byChannel } },
      dossiersWithFees: this.dossiersWithFees,
      paidOnline: this.paidOnline,
      amountVnd: this.amountVnd,
      buckets: { ...this.buckets },
      fields: [...this.fields.values()].map((f) => ({
        code: f.MaLinhVuc,
        name: f.TenLinhVuc,
        nameAtMs: Number.isFinite(f.nameAtMs) ? f.nameAtMs : null,
        received: f.received,
        finishedLate: f.finishedLate,
        openOverdue: f.openOverdue,
      })),
    };
  }

  /**
   * Adds counts another tally made (`state()`), as if its dossiers were added here: the caller
   * vouches that they fall in this tally's period and do not depend on its clock (`dependsOnClock`).
   */
  addState(other: TallyState): void {
    this.received.total += other.received.total;
    for (const c of ['direct', 'online', 'postal'] as const) this.received.byChannel[c] += other.received.byChannel[c];
    this.dossiersWithFees += other.dossiersWithFees;
    this.paidOnline += other.paidOnline;
    this.amountVnd += other.amountVnd;
    for (const b of Object.keys(this.buckets) as ProcessingBucket[]) this.buckets[b] += other.buckets[b];
    for (const f of other.fields) {
      const field = this.field(f.code, f.name, f.nameAtMs ?? Number.NEGATIVE_INFINITY);
      field.received += f.received;
      field.finishedLate += f.finishedLate;
      field.openOverdue += f.openOverdue;
    }
  }

  /** The field's accumulator; its name is the one seen at the latest `nameAtMs` (ties: the greater name). */
  private field(code: string, name: string, nameAtMs: number): FieldAccumulator {
    let field = this.fields.get(code);
    if (!field) {
      field = { MaLinhVuc: code, TenLinhVuc: name, received: 0, finishedLate: 0, openOverdue: 0, nameAtMs };
      this.fields.set(code, field);
    } else if (nameAtMs > field.nameAtMs || (nameAtMs === field.nameAtMs && name > field.TenLinhVuc)) {
      // The newest name; between names of the same instant the greater, so that the order the
      // dossiers come in (or the tallies merge in) never changes the report.
      field.TenLinhVuc = name;
      field.nameAtMs = nameAtMs;
    }
    return field;
  }

  /** The report of CONTRACT 5 for what was added. */
  report(): SupervisionReport {
    const { buckets } = this;
    const finished = buckets.finishedEarly + buckets.finishedOnTime + buckets.finishedLate;
    const byField = [...this.fields.values()]
      .sort((a, b) => (a.MaLinhVuc < b.MaLinhVuc ? -1 : a.MaLinhVuc > b.MaLinhVuc ? 1 : 0))
      .map(
        (f): FieldFigures => ({
          MaLinhVuc: f.MaLinhVuc,
          TenLinhVuc: this.opts.fieldNames?.[f.MaLinhVuc] ?? f.TenLinhVuc,
          received: f.received,
          finishedLate: f.finishedLate,
          openOverdue: f.openOverdue,
        }),
      );
    return {
      period: { from: this.opts.from, to: this.opts.to },
      received: { total: this.received.total, byChannel: { ...this.received.byChannel } },
      payments: {
        dossiersWithFees: this.dossiersWithFees,
        paidOnline: this.paidOnline,
        onlineRate: rate(this.paidOnline, this.dossiersWithFees),
        amountVnd: this.amountVnd,
      },
      processing: {
        finishedEarly: buckets.finishedEarly,
        finishedOnTime: buckets.finishedOnTime,
        finishedLate: buckets.finishedLate,
        openOnTime: buckets.openOnTime,
        openOverdue: buckets.openOverdue,
        withdrawn: buckets.withdrawn,
        onTimeRate: rate(buckets.finishedEarly + buckets.finishedOnTime, finished),
      },
      byField,
      feedback: { ...this.feedback },
    };
  }
}

/** Computes the supervision report of CONTRACT 5 over the given dossiers and feedback items. */
export function buildSupervisionReport(
  dossiers: Iterable<StoredDossier>,
  opts: SupervisionReportOptions,
  feedback: Iterable<Pick<StoredFeedback, 'item' | 'dueAt'>> = [],
): SupervisionReport {
  const tally = new SupervisionTally(opts);
  for (const dossier of dossiers) tally.add(dossier);
  for (const item of feedback) tally.addFeedback(item);
  return tally.report();
}

// ---------------------------------------------------------------------------------------------
// Vietnamese rendering

/** A whole number as Vietnamese documents write it: dots between thousands ("67.170.000"). */
export function formatVnNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const [whole, fraction] = Math.abs(n).toString().split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  // A decimal comma, as in "75,5": only reachable for non-integers, which money never is.
  return fraction ? `${sign}${grouped},${fraction}` : `${sign}${grouped}`;
}

/** A ratio in [0, 1] as a Vietnamese percent with one decimal and a comma ("75,5%"). */
export function formatVnPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '0,0%';
  // The tiny nudge keeps ratios such as 0.0555 (stored as 0.05549999…) rounding the way people do.
  const tenths = Math.round(ratio * 1000 + 1e-7 * Math.sign(ratio));
  const sign = tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  return `${sign}${formatVnNumber(Math.floor(abs / 10))},${abs % 10}%`;
}

/** `YYYY-MM-DD` as Vietnamese documents write dates: `DD/MM/YYYY`. */
export function formatVnDate(isoDate: string): string {
  const m = DATE.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

/** Percent of part in whole, from the counts themselves (never from a rounded ratio). */
function percentOf(part: number, whole: number): string {
  return formatVnPercent(whole > 0 ? part / whole : 0);
}

/** What every format shows, written once so md and html cannot drift apart. */
interface ReportView {
  title: string;
  paragraphs: string[];
  summaryTitle: string;
  summaryHead: [string, string];
  summaryRows: Array<[string, string]>;
  fieldTitle: string;
  fieldHead: string[];
  fieldRows: string[][];
  fieldTotal: string[] | null;
  noFields: string;
  /** The province report's table of wards, before the fields. */
  wards?: { title: string; head: string[]; rows: string[][] };
}

function hoSo(n: number): string {
  return `${formatVnNumber(n)} hồ sơ`;
}

/**
 * The notice's sentence on feedback: "Đã tiếp nhận 22 tin phản ánh, kiến nghị; đã trả lời 22 (đúng
 * hạn 22, trễ hạn 0); không có phản ánh, kiến nghị nào về hành vi nhũng nhiễu, gây phiền hà." Open
 * and refused items, and dissatisfied citizens, are named only when there are some.
 */
export function feedbackSentence(f: FeedbackFigures): string {
  const n = formatVnNumber;
  const parts = [
    `Đã tiếp nhận ${n(f.received)} tin phản ánh, kiến nghị`,
    `đã trả lời ${n(f.answered)} (đúng hạn ${n(f.answeredOnTime)}, trễ hạn ${n(f.answeredLate)})`,
  ];
  if (f.open > 0) parts.push(`đang xử lý ${n(f.open)}${f.openOverdue > 0 ? ` (quá hạn ${n(f.openOverdue)})` : ''}`);
  if (f.refused > 0) parts.push(`từ chối, lưu trữ ${n(f.refused)}`);
  parts.push(
    f.aboutConduct === 0
      ? 'không có phản ánh, kiến nghị nào về hành vi nhũng nhiễu, gây phiền hà'
      : `có ${n(f.aboutConduct)} phản ánh, kiến nghị về hành vi nhũng nhiễu, gây phiền hà`,
  );
  const dissatisfied = f.dissatisfied > 0 ? ` Người phản ánh chưa hài lòng với kết quả trả lời: ${n(f.dissatisfied)}.` : '';
  return `${parts.join('; ')}.${dissatisfied}`;
}

function buildView(report: SupervisionReport, asOf?: string): ReportView {
  const { received, payments, processing } = report;
  const finished = processing.finishedEarly + processing.finishedOnTime + processing.finishedLate;
  const onTime = processing.finishedEarly + processing.finishedOnTime;
  const period = `Từ ngày ${formatVnDate(report.period.from)} đến ngày ${formatVnDate(report.period.to)}`;
  const onlineRate = percentOf(payments.paidOnline, payments.dossiersWithFees);
  const onTimeRate = percentOf(onTime, finished);

  const paragraphs = [
    `${period}, Bộ phận tiếp nhận và trả kết quả đã tiếp nhận ${hoSo(received.total)}, trong đó: ` +
      `trực tuyến ${hoSo(received.byChannel.online)} (trên hệ thống dịch vụ công); ` +
      `trực tiếp ${hoSo(received.byChannel.direct)} (tại Bộ phận Một cửa); ` +
      `qua dịch vụ bưu chính công ích ${hoSo(received.byChannel.postal)}.`,
    `Thanh toán phí, lệ phí: đã thanh toán trực tuyến ${formatVnNumber(payments.paidOnline)}/` +
      `${hoSo(payments.dossiersWithFees)} đạt tỷ lệ ${onlineRate} hồ sơ có phí, lệ phí. ` +
      `Số tiền thu: ${formatVnNumber(payments.amountVnd)} đồng.`,
    `Kết quả giải quyết: đã giải quyết ${hoSo(finished)}, trong đó trước hạn ${hoSo(processing.finishedEarly)}, ` +
      `đúng hạn ${hoSo(processing.finishedOnTime)}, quá hạn ${hoSo(processing.finishedLate)}; ` +
      `tỷ lệ đúng hạn (kể cả trước hạn) ${onTimeRate}.`,
    `Hồ sơ chưa giải quyết xong: đang giải quyết trong hạn ${hoSo(processing.openOnTime)}; ` +
      `quá hạn chưa giải quyết ${hoSo(processing.openOverdue)}. ` +
      `Công dân yêu cầu rút hồ sơ: ${hoSo(processing.withdrawn)}.`,
  ];
  // A report from a server older than the feedback source has no block: nothing to say then.
  const feedback: FeedbackFigures | undefined = report.feedback;
  if (feedback) paragraphs.push(feedbackSentence(feedback));
  const asOfMs = asOf ? instantMs(asOf) : NaN;
  if (!Number.isNaN(asOfMs)) {
    const local = toVnIso(asOfMs);
    paragraphs.push(`Số liệu tính đến ${local.slice(11, 16)} ngày ${formatVnDate(local.slice(0, 10))} (giờ Việt Nam).`);
  }

  const fieldRows = report.byField.map((f) => [
    f.MaLinhVuc,
    f.TenLinhVuc,
    formatVnNumber(f.received),
    formatVnNumber(f.finishedLate),
    formatVnNumber(f.openOverdue),
  ]);
  const sum = (pick: (f: FieldFigures) => number) => formatVnNumber(report.byField.reduce((s, f) => s + pick(f), 0));
  return {
    title: 'Báo cáo tình hình tiếp nhận và giải quyết thủ tục hành chính tại Bộ phận Một cửa',
    paragraphs,
    summaryTitle: `Tổng hợp số liệu (${period.charAt(0).toLowerCase()}${period.slice(1)})`,
    summaryHead: ['Chỉ tiêu', 'Số liệu'],
    summaryRows: [
      ['Tiếp nhận', formatVnNumber(received.total)],
      ['– Trực tuyến', formatVnNumber(received.byChannel.online)],
      ['– Trực tiếp', formatVnNumber(received.byChannel.direct)],
      ['– Qua dịch vụ bưu chính công ích', formatVnNumber(received.byChannel.postal)],
      ['Hồ sơ có phí, lệ phí', formatVnNumber(payments.dossiersWithFees)],
      ['Thanh toán trực tuyến', `${formatVnNumber(payments.paidOnline)} (${onlineRate})`],
      ['Số tiền thu (đồng)', formatVnNumber(payments.amountVnd)],
      ['Giải quyết trước hạn', formatVnNumber(processing.finishedEarly)],
      ['Giải quyết đúng hạn', formatVnNumber(processing.finishedOnTime)],
      ['Giải quyết quá hạn', formatVnNumber(processing.finishedLate)],
      ['Tỷ lệ đúng hạn', onTimeRate],
      ['Đang giải quyết trong hạn', formatVnNumber(processing.openOnTime)],
      ['Quá hạn chưa giải quyết', formatVnNumber(processing.openOverdue)],
      ['Rút hồ sơ', formatVnNumber(processing.withdrawn)],
      ...(feedback
        ? ([
            ['Phản ánh, kiến nghị tiếp nhận', formatVnNumber(feedback.received)],
            ['– Đã trả lời đúng hạn', formatVnNumber(feedback.answeredOnTime)],
            ['– Đã trả lời trễ hạn', formatVnNumber(feedback.answeredLate)],
            ['– Đang xử lý', formatVnNumber(feedback.open)],
            ['– Trong đó quá hạn', formatVnNumber(feedback.openOverdue)],
            ['– Từ chối, lưu trữ', formatVnNumber(feedback.refused)],
            ['Phản ánh về thủ tục hành chính', formatVnNumber(feedback.aboutProcedures)],
            ['Phản ánh về hành vi nhũng nhiễu, gây phiền hà', formatVnNumber(feedback.aboutConduct)],
            ['Người phản ánh chưa hài lòng', formatVnNumber(feedback.dissatisfied)],
          ] as Array<[string, string]>)
        : []),
    ],
    fieldTitle: 'Theo lĩnh vực',
    fieldHead: ['Mã lĩnh vực', 'Lĩnh vực', 'Tiếp nhận', 'Giải quyết quá hạn', 'Quá hạn đang xử lý'],
    fieldRows,
    fieldTotal:
      fieldRows.length > 0 ? ['', 'Tổng cộng', sum((f) => f.received), sum((f) => f.finishedLate), sum((f) => f.openOverdue)] : null,
    noFields: 'Không có hồ sơ được tiếp nhận trong kỳ.',
  };
}

/** Backslash-escapes what Markdown would otherwise read as markup or a cell boundary. */
function escapeMd(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

function mdTable(head: string[], rows: string[][], numericFrom: number): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMd).join(' | ')} |`;
  const rule = `|${head.map((_, i) => (i >= numericFrom ? '---:' : '---')).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

function renderMd(view: ReportView): string {
  const parts = [`# ${view.title}`, ...view.paragraphs];
  parts.push(`## ${view.summaryTitle}`, mdTable(view.summaryHead, view.summaryRows, 1));
  if (view.wards) parts.push(`## ${view.wards.title}`, mdTable(view.wards.head, view.wards.rows, 2));
  parts.push(`## ${view.fieldTitle}`);
  if (view.fieldRows.length === 0) parts.push(view.noFields);
  else {
    const total = view.fieldTotal ? [view.fieldTotal.map((c) => (c ? `**${c}**` : c))] : [];
    // The bold markers are ours, so the total row bypasses the escaping of the data rows.
    const table = mdTable(view.fieldHead, view.fieldRows, 2);
    parts.push(total.length ? `${table}\n| ${total[0].join(' | ')} |` : table);
  }
  return `${parts.join('\n\n')}\n`;
}

function htmlTable(head: string[], rows: string[][], numericFrom: number, foot: string[] | null): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  const tr = (tag: 'th' | 'td', cells: string[]) => `<tr>${cells.map((c, i) => cell(tag, c, i)).join('')}</tr>`;
  return [
    '<table>',
    `<thead>${tr('th', head)}</thead>`,
    `<tbody>\n${rows.map((r) => tr('td', r)).join('\n')}\n</tbody>`,
    foot ? `<tfoot>${tr('th', foot)}</tfoot>` : '',
    '</table>',
  ]
    .filter(Boolean)
    .join('\n');
}

function renderHtml(view: ReportView): string {
  const fieldPart =
    view.fieldRows.length === 0 ? `<p>${escapeHtml(view.noFields)}</p>` : htmlTable(view.fieldHead, view.fieldRows, 2, view.fieldTotal);
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(view.title)}</title>
<style>
body{font-family:"Times New Roman",serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}
h1{font-size:1.4rem;text-align:center}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #666;padding:.3rem .5rem;text-align:left}
.num{text-align:right}thead th{background:#eee}tfoot th{background:#f6f6f6}
</style>
</head>
<body>
<h1>${escapeHtml(view.title)}</h1>
${view.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<h2>${escapeHtml(view.summaryTitle)}</h2>
${htmlTable(view.summaryHead, view.summaryRows, 1, null)}
${view.wards ? `<h2>${escapeHtml(view.wards.title)}</h2>\n${htmlTable(view.wards.head, view.wards.rows, 2, null)}` : ''}
<h2>${escapeHtml(view.fieldTitle)}</h2>
${fieldPart}
</body>
</html>
`;
}

/**
 * Prints the report: `md` the Vietnamese text and tables as the council writes them, `html` the
 * same as a self-contained page, `json` the contract JSON. `asOf`, when given, is stated in the
 * text, since the open figures depend on the clock.
 */
export function renderReport(report: SupervisionReport, format: ReportFormat, options: { asOf?: string } = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMd(buildView(report, options.asOf));
    case 'html':
      return renderHtml(buildView(report, options.asOf));
    default: {
      const never: never = format;
      throw new RangeError(`unknown report format: ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The province: every ward of the deployment

/** One ward's row of the province report. */
export interface WardReport {
  /** The agency code (upper case), the head of the ward's MaHoSo. */
  ward: string;
  /** From the recipients configuration (`wards.<code>.name`), or null. */
  name: string | null;
  report: SupervisionReport;
}

/** GET /reports/province: every ward's report and the province's total, over one period and clock. */
export interface ProvinceReport {
  period: ReportPeriod;
  asOf: string;
  total: SupervisionReport;
  wards: WardReport[];
}

/**
 * Prints the province report: the total as `renderReport` prints a ward's, with a table of the
 * wards (received, online, finished late, overdue open, on-time rate) before the fields; `json`
 * the route's JSON.
 */
export function renderProvinceReport(province: ProvinceReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(province, null, 2)}\n`;
  const view = buildView(province.total, province.asOf);
  view.title = 'Báo cáo tình hình tiếp nhận và giải quyết thủ tục hành chính tại Bộ phận Một cửa các phường';
  view.paragraphs.unshift(`Toàn tỉnh: ${formatVnNumber(province.wards.length)} đơn vị có hồ sơ.`);
  view.wards = {
    title: 'Theo đơn vị',
    head: [
      'Mã đơn vị',
      'Đơn vị',
      'Tiếp nhận',
      'Trực tuyến',
      'Giải quyết quá hạn',
      'Quá hạn đang xử lý',
      'Tỷ lệ đúng hạn',
      'Phản ánh, kiến nghị',
      'Phản ánh quá hạn',
    ],
    rows: province.wards.map(({ ward, name, report }) => [
      ward,
      name ?? '',
      formatVnNumber(report.received.total),
      formatVnNumber(report.received.byChannel.online),
      formatVnNumber(report.processing.finishedLate),
      formatVnNumber(report.processing.openOverdue),
      formatVnPercent(report.processing.onTimeRate),
      formatVnNumber(report.feedback?.received ?? 0),
      formatVnNumber((report.feedback?.answeredLate ?? 0) + (report.feedback?.openOverdue ?? 0)),
    ]),
  };
  return format === 'md' ? renderMd(view) : renderHtml(view);
}
