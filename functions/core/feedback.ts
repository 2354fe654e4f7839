/**
 * Citizens' feedback and petitions (phản ánh, kiến nghị; CONTRACT 3.6): the item as the pipeline
 * holds it, how its versions fold into one state, its handling deadline, and where it stands at a
 * clock (answered on time or late, open, open overdue, refused). Pure: no I/O. The glossary of the
 * senders' field names sits with the parser (`feedback-parser.ts`).
 *
 * Rules where the contract is silent:
 * - The deadline counts working days on the calendar of the overdue rule (`calendar/`), whole days
 *   only: the date of receipt never counts, whatever the hour (the contract's example), so an item
 *   received on Saturday or at 22:00 is due at 17:00 of the 15th working day after that date.
 * - `HanXuLy`, when sent, is the deadline as is, even when it is earlier than the computed one
 *   (provinces set stricter ones for the hotline) or earlier than the receipt (the sender's word).
 * - Answered on time: `NgayTraLoi` at or before the deadline, instants compared.
 */
import { createHash } from 'node:crypto';
import { nextWorkingDay } from './calendar';
import { canonicalJson } from './dossier';
import { instantMs, vnDate } from './time';
import type { Outcome } from './types';

/** Which system received the item (`NguonTiepNhan`). */
export type FeedbackSource = '1022' | 'DVCQG';
/** `KenhTiepNhan`: 1 hotline call, 2 Zalo or mobile app, 3 web portal, 4 email, 5 in person. */
export type FeedbackChannel = 1 | 2 | 3 | 4 | 5;
/** `PhanLoai`: 1 procedures or regulations, 2 officials' conduct (nhũng nhiễu, gây phiền hà), 3 other. */
export type FeedbackCategory = 1 | 2 | 3;
/** `TrangThai`: 1 received, 2 forwarded, 3 in progress, 4 answered, 5 answer published, 6 refused / archived. */
export type FeedbackStatus = 1 | 2 | 3 | 4 | 5 | 6;
/** `DanhGia`: 1 satisfied, 2 dissatisfied. */
export type FeedbackRating = 1 | 2;

/** The citizen as the sender names them: data that never leaves the store unmasked, never logged. */
export interface FeedbackCitizen {
  name: string | null; // NguoiPhanAnh
  phone: string | null; // SoDienThoai
  email: string | null; // Email
  address: string | null; // DiaChi
}

/** One `DongBoPhanAnhKienNghi` item, validated and normalised. */
export interface FeedbackItem {
  id: string; // MaPhanAnh
  source: FeedbackSource; // NguonTiepNhan
  /** The ward that must handle it: its agency code, upper case (MaDonVi). */
  ward: string;
  channel: FeedbackChannel; // KenhTiepNhan
  receivedAt: string; // NgayTiepNhan
  /** The citizen's words (TieuDe): masked wherever they leave the store, never logged. */
  title: string;
  /** The citizen's words (NoiDung). */
  content: string;
  category: FeedbackCategory; // PhanLoai
  status: FeedbackStatus; // TrangThai
  /** NgayCapNhat as sent (`yyyyMMddHHmmss`): orders the versions of an item. */
  version: string;
  updatedAt: string; // NgayCapNhat as ISO
  /** HanXuLy; null when the sender set none (the deadline is then computed). */
  deadline: string | null;
  answeredAt: string | null; // NgayTraLoi
  /** NoiDungTraLoi: the ward's answer, which quotes the citizen; masked like their words. */
  answer: string | null;
  rating: FeedbackRating | null; // DanhGia
  /** MaHoSo: the dossier the item is about, when it is about one. */
  dossierCode: string | null;
  field: string | null; // LinhVuc
  citizen: FeedbackCitizen;
}

/** `MaPhanAnh`: 1–64 letters, digits, `.`, `-`, `_` (CONTRACT 3.6). */
export const FEEDBACK_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** True when `value` is a well-formed `MaPhanAnh`. */
export function isFeedbackId(value: string): boolean {
  return FEEDBACK_ID.test(value);
}

/** Statuses of an item still being handled: the only ones that can be overdue. */
const OPEN: ReadonlySet<FeedbackStatus> = new Set<FeedbackStatus>([1, 2, 3]);
/** Statuses of an answered item (NgayTraLoi required). */
const ANSWERED: ReadonlySet<FeedbackStatus> = new Set<FeedbackStatus>([4, 5]);

/** True for status 1–3. */
export function isOpenFeedback(status: FeedbackStatus): boolean {
  return OPEN.has(status);
}

/** True for status 4 and 5. */
export function isAnsweredFeedback(status: FeedbackStatus): boolean {
  return ANSWERED.has(status);
}

/** Working days the ward has to handle an item when the sender sets no deadline (CONTRACT 3.6). */
export const FEEDBACK_WORKING_DAYS = 15;

/**
 * The computed deadline: 17:00 (Vietnam time) of the 15th working day after the date of receipt
 * (the date itself never counts): received on a Monday of a week with no holiday, due at 17:00 on
 * the third Monday after.
 */
export function feedbackDeadline(receivedAt: string): string {
  if (Number.isNaN(instantMs(receivedAt))) throw new RangeError(`receivedAt is not an ISO 8601 instant: ${receivedAt}`);
  let day = vnDate(receivedAt);
  for (let i = 0; i < FEEDBACK_WORKING_DAYS; i++) day = nextWorkingDay(day);
  return `${day}T17:00:00+07:00`;
}

/** The item's deadline: the sender's `HanXuLy`, else the computed one. */
export function feedbackDueAt(item: Pick<FeedbackItem, 'deadline' | 'receivedAt'>): string {
  return item.deadline ?? feedbackDeadline(item.receivedAt);
}

/** Where an item stands at a clock; every item is in exactly one. */
export type FeedbackStanding = 'answeredOnTime' | 'answeredLate' | 'open' | 'openOverdue' | 'refused';

/**
 * Answered (4, 5) on time when `answeredAt` is no later than the deadline; open (1–3), overdue
 * when the clock is strictly past the deadline; refused (6), never overdue.
 */
export function feedbackStanding(item: Pick<FeedbackItem, 'status' | 'answeredAt'>, dueAt: string, nowIso: string): FeedbackStanding {
  const due = instantMs(dueAt);
  if (item.status === 6) return 'refused';
  if (ANSWERED.has(item.status)) {
    const answered = item.answeredAt ? instantMs(item.answeredAt) : NaN;
    // The parser requires NgayTraLoi for 4 and 5; an unreadable one cannot prove the answer late.
    return !Number.isNaN(answered) && !Number.isNaN(due) && answered > due ? 'answeredLate' : 'answeredOnTime';
  }
  const now = instantMs(nowIso);
  if (Number.isNaN(now)) throw new RangeError(`now is not an ISO 8601 instant: ${nowIso}`);
  return !Number.isNaN(due) && now > due ? 'openOverdue' : 'open';
}

/** True when the item is open and the clock is past its deadline (CONTRACT 3.6, 6). */
export function isFeedbackOverdue(item: Pick<FeedbackItem, 'status' | 'answeredAt'>, dueAt: string, nowIso: string): boolean {
  return feedbackStanding(item, dueAt, nowIso) === 'openOverdue';
}

// ---- versions: newest NgayCapNhat wins ------------------------------------------------------

/** SHA-256 hex of the item's canonical JSON: tells a true repeat from a conflicting version. */
export function feedbackHash(item: FeedbackItem): string {
  return createHash('sha256').update(canonicalJson(item)).digest('hex');
}

/** How a version is remembered among those seen: `NgayCapNhat#<16 hex of its hash>` (as the store does). */
export function seenAs(item: FeedbackItem, hash: string = feedbackHash(item)): string {
  return `${item.version}#${hash.slice(0, 16)}`;
}

/** Everything known about one item: the newest version, and every version seen. */
export interface FeedbackState {
  item: FeedbackItem;
  hash: string;
  /** `seenAs` of every version offered so far. */
  seen: ReadonlySet<string>;
}

/**
 * Offers one version to an item's state (CONTRACT 3.6, with the meanings of 3.2): applied when
 * newer than the stored one (or the first), duplicate when this exact version was seen before
 * (even if no longer the newest), stale otherwise (and from then on seen). The input is untouched.
 */
export function applyFeedback(state: FeedbackState | null, item: FeedbackItem): { state: FeedbackState; outcome: Outcome } {
  const hash = feedbackHash(item);
  const key = seenAs(item, hash);
  if (!state) return { state: { item, hash, seen: new Set([key]) }, outcome: 'applied' };
  const seen = new Set(state.seen).add(key);
  if (item.version > state.item.version) return { state: { item, hash, seen }, outcome: 'applied' };
  if (state.seen.has(key)) return { state, outcome: 'duplicate' };
  return { state: { ...state, seen }, outcome: 'stale' };
}
