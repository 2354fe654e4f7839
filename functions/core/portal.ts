/**
 * The portal boundary: the one glossary from the DVCQG field names the provincial portal sends
 * (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`, CONTRACT 3.2) to the domain types, and the parser that
 * validates a whole message before anything of it is stored.
 *
 * | DVCQG field                | domain name                  |
 * |----------------------------|------------------------------|
 * | MaHoSo                     | code                         |
 * | MaTTHC / TenTTHC           | procedureCode / procedureName|
 * | MaLinhVuc / TenLinhVuc     | fieldCode / fieldName        |
 * | KenhThucHien 1, 2, 3       | channel direct, online, postal |
 * | NgayTiepNhan               | receivedAt                   |
 * | NgayHenTra                 | dueAt (null: portal gave none) |
 * | TrangThaiHoSo              | status                       |
 * | NgayCapNhat                | version (as sent), updatedAt |
 * | ChuHoSo / SoGiayToChuHoSo  | applicant.name / idNumber    |
 * | SoDienThoai / Email        | applicant.phone / email      |
 * | TrichYeuHoSo               | summary                      |
 * | DonViXuLy                  | unit                         |
 * | NgayTra                    | returnedAt                   |
 * | NgayKetThucXuLy            | finishedAt                   |
 * | NgayTuChoi                 | refusedAt                    |
 * | HinhThuc 0, 1              | returnBy desk, post          |
 * | DanhSachLePhi              | fees (TenPhiLePhi name, MaPhiLePhi code, Gia amount), feeTotal |
 * | DanhSachHoSoBoSung         | supplements (NgayYeuCauBoSung requestedAt, NgayBoSung suppliedAt, NgayHenTraTruoc previousDueAt, NgayHenTraMoi newDueAt) |
 * | DuocThanhToanTrucTuyen     | onlinePayable                |
 * | HoSoCoThanhPhanSoHoa       | digitised                    |
 * | TaiLieuNop                 | documents: derived flags only (see below) |
 * | TaiLieuNop[].DuocSoHoa 1   | documents.digitised (some component digitised) |
 * | TaiLieuNop[].DuocTaiSuDung 1, 2 | documents.reused (some component reused from digitised data) |
 * | TaiLieuNop[].DuocLayTuKhoDMQG 1 | documents.fromDataStore (some component taken from the citizen's data store) |
 * | DanhSachGiayToKetQua       | resultFile: some `DuongDanTepTinKetQua` not empty |
 * | TaiKhoanDuocXacThucVoiVNeID | vneidVerified                |
 * | LoaiDoiTuong / GhiChu      | subjectType / note           |
 * | NguoiXuLy / ChucDanh       | step actor / actorTitle      |
 * | ThoiDiemXuLy               | step at (ISO), atRaw (as sent) |
 * | PhongBanXuLy / NoiDungXuLy | step department / content    |
 * | TrangThai                  | step status                  |
 * | NgayBatDau / NgayKetThucTheoQuyDinh | step startedAt / dueAt |
 *
 * The Decision 766 fields (`TaiLieuNop`, `DanhSachGiayToKetQua`, `TaiKhoanDuocXacThucVoiVNeID`) are
 * validated item by item, but the state keeps only the flags the scorecard counts (CONTRACT 7): a
 * dossier item stays small, and the raw log keeps the lists as sent. A record without them leaves
 * the three keys out altogether (not null), so its hash, and so duplicate detection, is unchanged.
 */
// zod/mini rather than zod: the same validator core without the method-chaining classes. Measured
// with esbuild (minified, cjs), this file bundles to about 30 KB; with `import * as z from 'zod'`
// about 95 KB, and with `import { z } from 'zod'` about 450 KB (every locale comes along).
import * as z from 'zod/mini';
import { dossierCodeProblem } from './identifiers';
import { parseCompact } from './time';
import type { Channel, DocumentFlags, DossierRecord, Fee, ProgressStep, Status, Supplement } from './types';
import { ValidationError } from './validation';

export { ValidationError };

/** A validated portal message: dossier records (each with its raw JSON) or progress steps. */
export type PortalMessage =
  | { service: 'DongBoHoSoMC'; isUpdating: boolean; records: { record: DossierRecord; raw: unknown }[] }
  | { service: 'CapNhatTienDoHoSoMC'; steps: ProgressStep[] };

/** The most records one message may carry (CONTRACT 3.2). */
export const MAX_RECORDS = 500;

/**
 * The most items a list inside a record (DanhSachLePhi, DanhSachHoSoBoSung) may hold. A dossier has
 * a handful of fees and supplements; without a bound, one 5 MiB request of `[0,0,…]` makes millions
 * of validation issues (seconds of CPU, a stack overflow in the validator, a 500).
 */
export const MAX_LIST_ITEMS = 100;
/**
 * The most a record or step may weigh once normalised: it is stored in one DynamoDB item (400 KB
 * at most, shared with the dossier's payments and postal events). Above it the store could never
 * take the record and the portal would retry a 503 forever; a 400 naming it is the honest answer.
 */
export const MAX_RECORD_BYTES = 100 * 1024;

// ---- field schemas -------------------------------------------------------------------------
// Zod's own messages ("Invalid input") tell the portal's integrators nothing, and they only see
// the 400: each schema says what it expected instead, and a missing key always reads "required".

type Issue = { input?: unknown };
const expected = (what: string) => (iss: Issue) => (iss.input === undefined ? 'required' : `expected ${what}`);

type Ctx = { issues: unknown[] };
/** Records a custom issue from inside a transform, so the field's path is kept. */
function reject(ctx: Ctx, input: unknown, message: string): never {
  ctx.issues.push({ code: 'custom', message, input });
  return z.NEVER;
}

/** `schema`, then `fn` on its output (zod/mini spells `.transform` as a pipe). */
const then = <S extends z.ZodMiniType, O>(schema: S, fn: (v: z.output<S>, ctx: Ctx) => O) =>
  z.pipe(
    schema,
    z.transform<z.output<S>, O>((v, ctx) => fn(v, ctx as unknown as Ctx)),
  );

const blank = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

const requiredText = z.string({ error: expected('a string') }).check(z.trim(), z.minLength(1, { error: 'must not be empty' }));

const optionalText = then(z.nullish(z.string({ error: expected('a string or null') }).check(z.trim())), (v) => (v ? v : null));

// Codes the portal numbers (MaLinhVuc, MaPhiLePhi, LoaiDoiTuong) may arrive as JSON numbers.
// Free text and identity numbers (CCCD, phone) may not: as numbers they would lose a leading 0.
const codeText = (required: boolean) =>
  then(z.nullish(z.union([z.string(), z.int()], { error: expected('a string') })), (v, ctx) => {
    const s = blank(v) ? '' : String(v).trim();
    if (s) return s;
    return required ? reject(ctx, v, v === undefined ? 'required' : 'must not be empty') : null;
  });

const DATE_FORM = 'a date yyyyMMddHHmmss (Vietnam time)';
type CompactDate = { raw: string; iso: string };

/**
 * A `yyyyMMddHHmmss` date (a 14-digit JSON number reads as the same digits). `required`: the key
 * must be present; `nullable`: null or "" stand for "no date" (NgayHenTra is required as a key,
 * yet the portal may leave it empty).
 */
function compactDate(required: true, nullable: false): z.ZodMiniType<CompactDate>;
function compactDate(required: boolean, nullable: true): z.ZodMiniType<CompactDate | null>;
function compactDate(required: boolean, nullable: boolean): z.ZodMiniType<CompactDate | null> {
  const base = z.union([z.string(), z.int()], { error: expected(DATE_FORM) });
  const inner = nullable ? z.nullable(base) : base;
  return then(required ? inner : z.optional(inner), (v, ctx) => {
    if (blank(v)) return nullable ? null : reject(ctx, v, v === undefined ? 'required' : `expected ${DATE_FORM}`);
    const raw = String(v).trim();
    const iso = parseCompact(raw);
    return iso ? { raw, iso } : reject(ctx, v, `expected ${DATE_FORM}, got ${JSON.stringify(v)}`);
  });
}

const dateRequired = compactDate(true, false);
const dateOptional = compactDate(false, true);
const iso = (d: CompactDate | null): string | null => (d ? d.iso : null);

/** A number given as a JSON number or a string of digits (`2`, `"2"`); NaN otherwise. */
const numeric = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN);

/** An integer code among `allowed`, as a number or a numeric string. */
function intCode<T extends number>(allowed: readonly T[], what: string, optional = false) {
  const base = z.union([z.number(), z.string()], { error: expected(what) });
  return then(optional ? z.nullish(base) : base, (v, ctx): T | null => {
    if (optional && blank(v)) return null;
    const n = numeric(v);
    return (allowed as readonly number[]).includes(n) ? (n as T) : reject(ctx, v, `expected ${what}, got ${JSON.stringify(v)}`);
  });
}

const STATUSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const satisfies readonly Status[];
const status = intCode<Status>(STATUSES, 'a status code 1 to 10');
const CHANNELS: Record<number, Channel> = { 1: 'direct', 2: 'online', 3: 'postal' };
const channel = then(intCode([1, 2, 3], 'a channel code 1, 2 or 3'), (n) => CHANNELS[n as number]);
const returnBy = then(intCode([0, 1], 'a return form 0 (desk) or 1 (post)', true), (n) =>
  n === null ? null : n === 1 ? ('post' as const) : ('desk' as const),
);

const FLAG_FORMS = 'a flag 0, 1, "0", "1", true or false';
const FLAG_VALUES = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  [1, true],
  [0, false],
  ['1', true],
  ['0', false],
]);
const flag = then(z.nullish(z.union([z.boolean(), z.number(), z.string()], { error: expected(FLAG_FORMS) })), (v, ctx) => {
  if (blank(v)) return null;
  const b = FLAG_VALUES.get(typeof v === 'string' ? v.trim() : v);
  return b ?? reject(ctx, v, `expected ${FLAG_FORMS}, got ${JSON.stringify(v)}`);
});

const vnd = then(z.union([z.number(), z.string()], { error: expected('an amount in VND') }), (v, ctx) => {
  const n = numeric(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : reject(ctx, v, `expected a whole, non-negative amount in VND, got ${JSON.stringify(v)}`);
});

// Circular 01/2018/TT-VPCP art. 19: <agency code>-<yyMMdd>-<daily sequence>, at most 64 characters
// (core/identifiers.ts). The agency code (head) is the ward (core/ward.ts).
const dossierCode = z.string({ error: expected('a dossier code') }).check(
  z.trim(),
  z.minLength(1, { error: 'must not be empty', abort: true }),
  z.superRefine((v, ctx) => {
    const problem = dossierCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  }),
);

// The length is checked on the bare list first: the pipe stops there, before any item is parsed.
const list = <T extends z.ZodMiniType>(item: T) =>
  then(
    z.nullish(
      z.pipe(
        z
          .array(z.unknown(), { error: expected('a list') })
          .check(z.maxLength(MAX_LIST_ITEMS, { error: `expected at most ${MAX_LIST_ITEMS} items` })),
        z.array(item),
      ),
    ),
    (v) => v ?? [],
  );

// ---- records -------------------------------------------------------------------------------

// TenPhiLePhi and Gia make a fee meaningful; MaPhiLePhi is often left out. Further DVCQG keys pass.
const fee = then(
  z.looseObject({ TenPhiLePhi: requiredText, MaPhiLePhi: codeText(false), Gia: vnd }, { error: expected('a fee object') }),
  (f): Fee => ({ name: f.TenPhiLePhi, code: f.MaPhiLePhi, amount: f.Gia }),
);

const supplement = then(
  z.looseObject(
    { NgayYeuCauBoSung: dateOptional, NgayBoSung: dateOptional, NgayHenTraTruoc: dateOptional, NgayHenTraMoi: dateOptional },
    { error: expected('a supplement object') },
  ),
  (s): Supplement => ({
    requestedAt: iso(s.NgayYeuCauBoSung),
    suppliedAt: iso(s.NgayBoSung),
    previousDueAt: iso(s.NgayHenTraTruoc),
    newDueAt: iso(s.NgayHenTraMoi),
  }),
);

const TAI_SU_DUNG = 'a reuse code 0, 1 or 2';

// One submitted component (TaiLieuNop[i]): which flags it carries. Further DVCQG keys pass.
const component = then(
  z.looseObject(
    {
      MaThanhPhanHoSo: codeText(false),
      DuocSoHoa: flag,
      DuocTaiSuDung: intCode([0, 1, 2], TAI_SU_DUNG, true),
      DuocLayTuKhoDMQG: flag,
    },
    { error: expected('a submitted component object') },
  ),
  (c) => ({
    digitised: c.DuocSoHoa === true,
    reused: c.DuocTaiSuDung === 1 || c.DuocTaiSuDung === 2,
    fromDataStore: c.DuocLayTuKhoDMQG === true,
  }),
);

// One result document (DanhSachGiayToKetQua[i]): an electronic result when its file path is given.
const resultDocument = then(
  z.looseObject({ MaGiayToKetQua: codeText(false), DuongDanTepTinKetQua: optionalText }, { error: expected('a result document object') }),
  (r) => r.DuongDanTepTinKetQua !== null,
);

/** The derived flags of TaiLieuNop, or undefined when the portal did not send the list. */
function documentFlags(
  components: { digitised: boolean; reused: boolean; fromDataStore: boolean }[] | undefined,
): DocumentFlags | undefined {
  if (components === undefined) return undefined;
  return {
    digitised: components.some((c) => c.digitised),
    reused: components.some((c) => c.reused),
    fromDataStore: components.some((c) => c.fromDataStore),
  };
}

/** The Decision 766 keys of the record: only those the portal sent. */
function decision766Fields(
  components: Parameters<typeof documentFlags>[0],
  results: boolean[] | undefined,
  vneid: boolean | null,
): Pick<DossierRecord, 'documents' | 'resultFile' | 'vneidVerified'> {
  const documents = documentFlags(components);
  return {
    ...(documents ? { documents } : {}),
    ...(results ? { resultFile: results.some(Boolean) } : {}),
    ...(vneid === null ? {} : { vneidVerified: vneid }),
  };
}

/** A list that may be left out: undefined when absent or null (not the empty list `list` gives). */
const optionalList = <T extends z.ZodMiniType>(item: T) =>
  then(
    z.nullish(
      z.pipe(
        z
          .array(z.unknown(), { error: expected('a list') })
          .check(z.maxLength(MAX_LIST_ITEMS, { error: `expected at most ${MAX_LIST_ITEMS} items` })),
        z.array(item),
      ),
    ),
    (v) => v ?? undefined,
  );

const dossierRecord = then(
  z.looseObject(
    {
      MaHoSo: dossierCode,
      MaTTHC: requiredText,
      TenTTHC: requiredText,
      MaLinhVuc: codeText(true),
      TenLinhVuc: requiredText,
      KenhThucHien: channel,
      NgayTiepNhan: dateRequired,
      NgayHenTra: compactDate(true, true),
      TrangThaiHoSo: status,
      NgayCapNhat: dateRequired,
      ChuHoSo: optionalText,
      SoGiayToChuHoSo: optionalText,
      SoDienThoai: optionalText,
      Email: optionalText,
      TrichYeuHoSo: optionalText,
      DonViXuLy: optionalText,
      NgayTra: dateOptional,
      NgayKetThucXuLy: dateOptional,
      NgayTuChoi: dateOptional,
      HinhThuc: returnBy,
      DanhSachLePhi: list(fee),
      DanhSachHoSoBoSung: list(supplement),
      DuocThanhToanTrucTuyen: flag,
      HoSoCoThanhPhanSoHoa: flag,
      TaiLieuNop: optionalList(component),
      DanhSachGiayToKetQua: optionalList(resultDocument),
      TaiKhoanDuocXacThucVoiVNeID: flag,
      LoaiDoiTuong: codeText(false),
      GhiChu: optionalText,
    },
    { error: expected('a dossier record object') },
  ),
  (r): DossierRecord => ({
    code: r.MaHoSo,
    procedureCode: r.MaTTHC,
    procedureName: r.TenTTHC,
    fieldCode: r.MaLinhVuc as string,
    fieldName: r.TenLinhVuc,
    channel: r.KenhThucHien,
    receivedAt: r.NgayTiepNhan.iso,
    dueAt: iso(r.NgayHenTra),
    status: r.TrangThaiHoSo as Status,
    version: r.NgayCapNhat.raw,
    updatedAt: r.NgayCapNhat.iso,
    applicant: { name: r.ChuHoSo, idNumber: r.SoGiayToChuHoSo, phone: r.SoDienThoai, email: r.Email },
    summary: r.TrichYeuHoSo,
    unit: r.DonViXuLy,
    returnedAt: iso(r.NgayTra),
    finishedAt: iso(r.NgayKetThucXuLy),
    refusedAt: iso(r.NgayTuChoi),
    returnBy: r.HinhThuc,
    fees: r.DanhSachLePhi,
    feeTotal: r.DanhSachLePhi.reduce((sum, f) => sum + f.amount, 0),
    supplements: r.DanhSachHoSoBoSung,
    onlinePayable: r.DuocThanhToanTrucTuyen,
    digitised: r.HoSoCoThanhPhanSoHoa,
    subjectType: r.LoaiDoiTuong,
    note: r.GhiChu,
    // Left out when not sent: see the header.
    ...decision766Fields(r.TaiLieuNop, r.DanhSachGiayToKetQua, r.TaiKhoanDuocXacThucVoiVNeID),
  }),
);

// A step is identified by (MaHoSo, ThoiDiemXuLy, TrangThai), so those three are required. Who
// acted and what they wrote are kept when sent but not demanded: automated steps (an online
// submission, a payment) carry no officer, and a timeline entry without them is still useful.
const progressStep = then(
  z.looseObject(
    {
      MaHoSo: dossierCode,
      NguoiXuLy: optionalText,
      ChucDanh: optionalText,
      ThoiDiemXuLy: dateRequired,
      PhongBanXuLy: optionalText,
      NoiDungXuLy: optionalText,
      TrangThai: status,
      NgayBatDau: dateOptional,
      NgayKetThucTheoQuyDinh: dateOptional,
    },
    { error: expected('a progress step object') },
  ),
  (s): ProgressStep => ({
    code: s.MaHoSo,
    actor: s.NguoiXuLy,
    actorTitle: s.ChucDanh,
    at: s.ThoiDiemXuLy.iso,
    atRaw: s.ThoiDiemXuLy.raw,
    department: s.PhongBanXuLy,
    content: s.NoiDungXuLy,
    status: s.TrangThai as Status,
    startedAt: iso(s.NgayBatDau),
    dueAt: iso(s.NgayKetThucTheoQuyDinh),
  }),
);

// ---- envelope ------------------------------------------------------------------------------

const SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const;

const envelope = z.looseObject(
  {
    service: z.enum(SERVICES, { error: (iss) => (iss.input === undefined ? 'required' : `expected one of ${SERVICES.join(', ')}`) }),
    isUpdating: flag,
    data: z
      .array(z.unknown(), { error: expected('a list of records') })
      .check(
        z.minLength(1, { error: 'expected at least 1 record' }),
        z.maxLength(MAX_RECORDS, { error: `expected at most ${MAX_RECORDS} records` }),
      ),
  },
  { error: expected('a JSON object {service, data}') },
);

const dossierList = z.array(dossierRecord);
const stepList = z.array(progressStep);

/** `['data', 3, 'NgayHenTra']` → `data[3].NgayHenTra`, as CONTRACT 3 names fields. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

const toDetails = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []) =>
  issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));

/** Validates a portal message (all or nothing) and maps it to domain types; throws ValidationError. */
export function parsePortalMessage(json: unknown): PortalMessage {
  const env = envelope.safeParse(json);
  const details = env.success ? [] : toDetails(env.error.issues);
  // Records are validated even when only the envelope's other keys failed, so one answer lists
  // every problem; without a known service and a well-sized list there is nothing to check them by.
  const body = json as { service?: unknown; data?: unknown };
  const service = SERVICES.find((s) => s === body?.service);
  const data = body?.data;
  if (!service || !Array.isArray(data) || data.length < 1 || data.length > MAX_RECORDS) {
    throw new ValidationError(details);
  }

  if (service === 'DongBoHoSoMC') {
    const parsed = dossierList.safeParse(data);
    // A loop, not push(...spread): 500 records can carry more issues than a call has arguments.
    if (!parsed.success) for (const d of toDetails(parsed.error.issues, ['data'])) details.push(d);
    if (parsed.success) for (const d of oversized(parsed.data)) details.push(d);
    if (!parsed.success || !env.success || details.length) throw new ValidationError(details);
    return {
      service,
      isUpdating: env.data.isUpdating ?? false,
      records: parsed.data.map((record, i) => ({ record, raw: data[i] })),
    };
  }

  const parsed = stepList.safeParse(data);
  if (!parsed.success) for (const d of toDetails(parsed.error.issues, ['data'])) details.push(d);
  if (parsed.success) for (const d of oversized(parsed.data)) details.push(d);
  if (!parsed.success || !env.success || details.length) throw new ValidationError(details);
  return { service, steps: parsed.data };
}

/** The records or steps too large to store, as validation details (`data[i]`). */
function oversized(items: readonly unknown[]): { path: string; message: string }[] {
  const encoder = new TextEncoder();
  return items.flatMap((item, i) => {
    const bytes = encoder.encode(JSON.stringify(item)).length;
    return bytes > MAX_RECORD_BYTES
      ? [{ path: `data[${i}]`, message: `record too large: ${bytes} bytes once normalised, at most ${MAX_RECORD_BYTES}` }]
      : [];
  });
}
