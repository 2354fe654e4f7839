/**
 * Field schemas shared by the parsers of the signed webhooks (zod/mini): the forms the DVCQG
 * family of messages uses (`yyyyMMddHHmmss` dates, codes as numbers or numeric strings, the
 * dossier code of Circular 01/2018/TT-VPCP art. 19) and the path naming of CONTRACT 3
 * (`data[3].NgayHenTra`). Each schema says what it expected: zod's own "Invalid input" tells a
 * sender's integrator nothing, and a missing key always reads "required".
 *
 * The feedback parser (`feedback-parser.ts`) is built on these; the portal parser (`portal.ts`)
 * still has its own copies of the same helpers.
 */
import * as z from 'zod/mini';
import { parseCompact } from './time';
import { AGENCY_CODE } from './ward';

type Issue = { input?: unknown };

/** The message of a schema: "required" for a missing key, `expected <what>` otherwise. */
export const expected = (what: string) => (iss: Issue) => (iss.input === undefined ? 'required' : `expected ${what}`);

/** The context a transform gets: issues pushed there keep the field's path. */
export type Ctx = { issues: unknown[] };

/** Records a custom issue from inside a transform (`path` below the field, if any). */
export function reject(ctx: Ctx, input: unknown, message: string, path?: PropertyKey[]): never {
  ctx.issues.push({ code: 'custom', message, input, ...(path ? { path } : {}) });
  return z.NEVER;
}

/** `schema`, then `fn` on its output (zod/mini spells `.transform` as a pipe). */
export const andThen = <S extends z.ZodMiniType, O>(schema: S, fn: (v: z.output<S>, ctx: Ctx) => O) =>
  z.pipe(
    schema,
    z.transform<z.output<S>, O>((v, ctx) => fn(v, ctx as unknown as Ctx)),
  );

/** Absent, null, or only blanks. */
export const blank = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** A required, non-empty string (trimmed). */
export const requiredText = z.string({ error: expected('a string') }).check(z.trim(), z.minLength(1, { error: 'must not be empty' }));

/** An optional string: null when absent, null or blank. */
export const optionalText = andThen(z.nullish(z.string({ error: expected('a string or null') }).check(z.trim())), (v) => (v ? v : null));

/** A code that may arrive as a JSON number (`LinhVuc`): its text, or null when optional and absent. */
export const codeText = (required: boolean) =>
  andThen(z.nullish(z.union([z.string(), z.int()], { error: expected('a string') })), (v, ctx) => {
    const s = blank(v) ? '' : String(v).trim();
    if (s) return s;
    return required ? reject(ctx, v, v === undefined ? 'required' : 'must not be empty') : null;
  });

const DATE_FORM = 'a date yyyyMMddHHmmss (Vietnam time)';

/** A date as sent (`raw`) and as an ISO instant with `+07:00` (`iso`). */
export type CompactDate = { raw: string; iso: string };

/**
 * A `yyyyMMddHHmmss` date (a 14-digit JSON number reads as the same digits). `required`: the key
 * must be present; `nullable`: null or "" stand for "no date".
 */
export function compactDate(required: true, nullable: false): z.ZodMiniType<CompactDate>;
export function compactDate(required: boolean, nullable: true): z.ZodMiniType<CompactDate | null>;
export function compactDate(required: boolean, nullable: boolean): z.ZodMiniType<CompactDate | null> {
  const base = z.union([z.string(), z.int()], { error: expected(DATE_FORM) });
  const inner = nullable ? z.nullable(base) : base;
  return andThen(required ? inner : z.optional(inner), (v, ctx) => {
    if (blank(v)) return nullable ? null : reject(ctx, v, v === undefined ? 'required' : `expected ${DATE_FORM}`);
    const raw = String(v).trim();
    const iso = parseCompact(raw);
    return iso ? { raw, iso } : reject(ctx, v, `expected ${DATE_FORM}, got ${JSON.stringify(v)}`);
  });
}

/** A number given as a JSON number or a string of digits (`2`, `"2"`); NaN otherwise. */
export const numeric = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;

/** An integer code among `allowed`, as a number or a numeric string (null when optional and absent). */
export function intCode<T extends number>(allowed: readonly T[], what: string, optional = false) {
  const base = z.union([z.number(), z.string()], { error: expected(what) });
  return andThen(optional ? z.nullish(base) : base, (v, ctx): T | null => {
    if (optional && blank(v)) return null;
    const n = numeric(v);
    return (allowed as readonly number[]).includes(n) ? (n as T) : reject(ctx, v, `expected ${what}, got ${JSON.stringify(v)}`);
  });
}

/** The longest dossier code accepted (CONTRACT 3, Identifiers). */
export const MAX_DOSSIER_CODE = 64;

// Circular 01/2018/TT-VPCP art. 19: <agency code>-<yyMMdd>-<daily sequence>. The date inside is
// not compared with any other date: online dossiers get their code on submission.
const CODE_FORM = new RegExp(`${AGENCY_CODE.source.slice(0, -1)}-(\\d{6})-\\d{4,}$`);

/** A dossier code (`MaHoSo`), e.g. `000.00.12.H57-240401-0003`, at most 64 characters. */
export const dossierCode = z.string({ error: expected('a dossier code') }).check(
  z.trim(),
  z.minLength(1, { error: 'must not be empty', abort: true }),
  z.maxLength(MAX_DOSSIER_CODE, { error: `expected at most ${MAX_DOSSIER_CODE} characters`, abort: true }),
  z.refine(
    (v) => {
      const m = CODE_FORM.exec(v);
      return m === null || parseCompact(`20${m[1]}000000`) !== null;
    },
    { error: 'the date inside the dossier code (yyMMdd) is not a valid date', abort: true },
  ),
  z.regex(CODE_FORM, { error: 'expected a dossier code <agency code>-<yyMMdd>-<4+ digits>, e.g. 000.00.12.H57-240401-0003' }),
);

/** `['data', 3, 'NgayHenTra']` → `data[3].NgayHenTra`, as CONTRACT 3 names fields. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

/** Zod issues as validation details, their paths under `prefix`. */
export const toDetails = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []) =>
  issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));

/** Items too large to store (one DynamoDB item holds each), as validation details (`data[i]`). */
export function oversized(items: readonly unknown[], maxBytes: number): { path: string; message: string }[] {
  const encoder = new TextEncoder();
  return items.flatMap((item, i) => {
    const bytes = encoder.encode(JSON.stringify(item)).length;
    return bytes > maxBytes ? [{ path: `data[${i}]`, message: `item too large: ${bytes} bytes once normalised, at most ${maxBytes}` }] : [];
  });
}
