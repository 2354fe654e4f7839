/**
 * The feedback boundary (CONTRACT 3.6): the one glossary from the field names the province's
 * hotline-1022 system and the national portal's PAKN system send (`DongBoPhanAnhKienNghi`) to the
 * domain type `FeedbackItem`, and the parser that validates a whole message (all or nothing)
 * before anything of it is stored.
 *
 * | sender's field  | domain name                 |
 * |-----------------|-----------------------------|
 * | MaPhanAnh       | id                          |
 * | NguonTiepNhan   | source ("1022", "DVCQG")    |
 * | MaDonVi         | ward (upper case)           |
 * | KenhTiepNhan    | channel 1–5                 |
 * | NgayTiepNhan    | receivedAt                  |
 * | TieuDe          | title (citizen's words)     |
 * | NoiDung         | content (citizen's words)   |
 * | PhanLoai        | category 1–3                |
 * | TrangThai       | status 1–6                  |
 * | NgayCapNhat     | version (as sent), updatedAt|
 * | HanXuLy         | deadline (null: computed)   |
 * | NgayTraLoi      | answeredAt                  |
 * | NoiDungTraLoi   | answer                      |
 * | DanhGia         | rating 1, 2                 |
 * | MaHoSo          | dossierCode                 |
 * | LinhVuc         | field                       |
 * | NguoiPhanAnh / SoDienThoai / Email / DiaChi | citizen.name / phone / email / address |
 *
 * Where the contract is silent: `NguonTiepNhan` may come as the number 1022 or in any case
 * (`"dvcqg"`); `MaDonVi` is compared in upper case; free text must be a string; an item may weigh
 * at most 100 KB once normalised (one DynamoDB item holds it).
 */
import * as z from 'zod/mini';
import {
  FEEDBACK_ID,
  type FeedbackCategory,
  type FeedbackChannel,
  type FeedbackItem,
  type FeedbackRating,
  type FeedbackSource,
  type FeedbackStatus,
} from './feedback';
import { ValidationError } from './validation';
import { isWardCode, MAX_WARD_CODE, normaliseWard } from './ward';
import {
  blank,
  codeText,
  compactDate,
  dossierCode,
  expected,
  intCode,
  optionalText,
  oversized,
  reject,
  requiredText,
  andThen,
  toDetails,
} from './zod-fields';

export { ValidationError };
export { FEEDBACK_ID, isFeedbackId } from './feedback';

/** The one service name of the feedback envelope. */
export const FEEDBACK_SERVICE = 'DongBoPhanAnhKienNghi';
/** The most items one message may carry (CONTRACT 3.6). */
export const MAX_FEEDBACK_ITEMS = 500;
/** The longest `MaPhanAnh` (CONTRACT 3, Identifiers). */
export const MAX_FEEDBACK_ID = 64;
/** The most an item may weigh once normalised: it is stored in one DynamoDB item (400 KB at most). */
export const MAX_FEEDBACK_BYTES = 100 * 1024;

/** A validated feedback message: its items, each with its raw JSON. */
export interface FeedbackMessage {
  items: { item: FeedbackItem; raw: unknown }[];
}

const feedbackId = z
  .string({ error: expected('a feedback id (MaPhanAnh)') })
  .check(
    z.trim(),
    z.minLength(1, { error: 'must not be empty', abort: true }),
    z.maxLength(MAX_FEEDBACK_ID, { error: `expected at most ${MAX_FEEDBACK_ID} characters`, abort: true }),
    z.regex(FEEDBACK_ID, { error: 'expected letters, digits, ".", "-" or "_" only, e.g. 1022.20240312.0042' }),
  );

const SOURCES: readonly FeedbackSource[] = ['1022', 'DVCQG'];
const source = andThen(z.union([z.string(), z.int()], { error: expected('"1022" or "DVCQG"') }), (v, ctx) => {
  const s = String(v).trim().toUpperCase();
  return (SOURCES as readonly string[]).includes(s)
    ? (s as FeedbackSource)
    : reject(ctx, v, `expected "1022" or "DVCQG", got ${JSON.stringify(v)}`);
});

const ward = andThen(z.string({ error: expected('an agency code, e.g. 000.00.12.H57') }), (v, ctx) => {
  if (blank(v)) return reject(ctx, v, 'must not be empty');
  if (v.trim().length > MAX_WARD_CODE) return reject(ctx, v, `expected at most ${MAX_WARD_CODE} characters`);
  return isWardCode(v) ? normaliseWard(v) : reject(ctx, v, 'expected an agency code, e.g. 000.00.12.H57');
});

const channel = intCode<FeedbackChannel>([1, 2, 3, 4, 5], 'a channel code 1 to 5');
const category = intCode<FeedbackCategory>([1, 2, 3], 'a category code 1, 2 or 3');
const status = intCode<FeedbackStatus>([1, 2, 3, 4, 5, 6], 'a status code 1 to 6');
const rating = intCode<FeedbackRating>([1, 2], 'a rating 1 or 2', true);
const dateRequired = compactDate(true, false);
const dateOptional = compactDate(false, true);
// Optional, and "" stands for none; anything else must be a well-formed dossier code.
const optionalDossier = andThen(z.nullish(z.unknown()), (v, ctx) => {
  if (blank(v)) return null;
  const code = dossierCode.safeParse(v);
  return code.success ? code.data : reject(ctx, v, code.error.issues[0]?.message ?? 'expected a dossier code');
});

const feedbackItem = andThen(
  z.looseObject(
    {
      MaPhanAnh: feedbackId,
      NguonTiepNhan: source,
      MaDonVi: ward,
      KenhTiepNhan: channel,
      NgayTiepNhan: dateRequired,
      TieuDe: requiredText,
      NoiDung: requiredText,
      PhanLoai: category,
      TrangThai: status,
      NgayCapNhat: dateRequired,
      HanXuLy: dateOptional,
      NgayTraLoi: dateOptional,
      NoiDungTraLoi: optionalText,
      DanhGia: rating,
      MaHoSo: optionalDossier,
      LinhVuc: codeText(false),
      NguoiPhanAnh: optionalText,
      SoDienThoai: optionalText,
      Email: optionalText,
      DiaChi: optionalText,
    },
    { error: expected('a feedback item object') },
  ),
  (f, ctx): FeedbackItem => {
    const statusCode = f.TrangThai as FeedbackStatus;
    // An answer without its date cannot be judged on time or late: the item is refused whole.
    if ((statusCode === 4 || statusCode === 5) && !f.NgayTraLoi) {
      return reject(ctx, f.NgayTraLoi, `required when TrangThai is ${statusCode} (answered)`, ['NgayTraLoi']);
    }
    return {
      id: f.MaPhanAnh,
      source: f.NguonTiepNhan,
      ward: f.MaDonVi,
      channel: f.KenhTiepNhan as FeedbackChannel,
      receivedAt: f.NgayTiepNhan.iso,
      title: f.TieuDe,
      content: f.NoiDung,
      category: f.PhanLoai as FeedbackCategory,
      status: statusCode,
      version: f.NgayCapNhat.raw,
      updatedAt: f.NgayCapNhat.iso,
      deadline: f.HanXuLy ? f.HanXuLy.iso : null,
      answeredAt: f.NgayTraLoi ? f.NgayTraLoi.iso : null,
      answer: f.NoiDungTraLoi,
      rating: f.DanhGia,
      dossierCode: f.MaHoSo,
      field: f.LinhVuc,
      citizen: { name: f.NguoiPhanAnh, phone: f.SoDienThoai, email: f.Email, address: f.DiaChi },
    };
  },
);

const envelope = z.looseObject(
  {
    service: z.literal(FEEDBACK_SERVICE, {
      error: (iss) => (iss.input === undefined ? 'required' : `expected ${JSON.stringify(FEEDBACK_SERVICE)}`),
    }),
    data: z
      .array(z.unknown(), { error: expected('a list of feedback items') })
      .check(
        z.minLength(1, { error: 'expected at least 1 item' }),
        z.maxLength(MAX_FEEDBACK_ITEMS, { error: `expected at most ${MAX_FEEDBACK_ITEMS} items` }),
      ),
  },
  { error: expected('a JSON object {service, data}') },
);

const itemList = z.array(feedbackItem);

/** Validates a feedback message (all or nothing) and maps it to domain types; throws ValidationError. */
export function parseFeedbackMessage(json: unknown): FeedbackMessage {
  const env = envelope.safeParse(json);
  const details = env.success ? [] : toDetails(env.error.issues);
  // Items are validated even when only the service failed, so one answer lists every problem;
  // without a well-sized list there is nothing to check them by.
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length < 1 || data.length > MAX_FEEDBACK_ITEMS) throw new ValidationError(details, 'feedback message');
  const parsed = itemList.safeParse(data);
  // A loop, not push(...spread): 500 items can carry more issues than a call has arguments.
  if (!parsed.success) for (const d of toDetails(parsed.error.issues, ['data'])) details.push(d);
  if (parsed.success) for (const d of oversized(parsed.data, MAX_FEEDBACK_BYTES)) details.push(d);
  if (!parsed.success || !env.success || details.length) throw new ValidationError(details, 'feedback message');
  return { items: parsed.data.map((item, i) => ({ item, raw: data[i] })) };
}
