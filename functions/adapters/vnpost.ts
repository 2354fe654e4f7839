/**
 * The VNPost notification (CONTRACT 3.5): a movement of a dossier or of its result through the
 * public postal service, and the UPU S10 item ids that track them. Pure: zod only. The signature
 * (3.1) is checked by the handler on the raw bytes before this parser sees the JSON.
 *
 * Glossary (VNPost → `PostalEvent`): eventId, trackingNumber, MaHoSo → code, type,
 * occurredAt (any offset → ISO +07:00), postOffice, note.
 *
 * Rules where the contract is silent:
 * - S10 ids are upper case only, as printed on the item; `ee123456785vn` is invalid.
 * - `occurredAt` needs an offset (`Z` counts: it is UTC) and a real calendar date and time:
 *   `2024-02-30T…` is an error, not 1 March.
 * - eventId is a non-empty string (surrounding spaces trimmed); a number is an error, since ids
 *   compared as text must not depend on how a sender's JSON library prints numbers.
 * - postOffice and note may be missing, null or blank (all become null).
 * - Keys the contract does not name are ignored, so VNPost can add fields without breaking us.
 */
// zod/mini, as in core/portal.ts: the same validator core without the method-chaining classes,
// about 60 KB less in the postal-notification bundle than `import * as z from 'zod'`.
import * as z from 'zod/mini';
import { charCount, dossierCodeProblem, ID_MAX } from '../core/identifiers';
import { ValidationError } from '../core/validation';
import { normaliseIso } from '../core/time';
import type { PostalEvent, PostalEventType } from '../core/types';

/** The six movements of CONTRACT 3.5. */
export const POSTAL_EVENT_TYPES = [
  'COLLECTED',
  'DELIVERED_TO_AGENCY',
  'RESULT_PICKED_UP',
  'RESULT_DELIVERED',
  'DELIVERY_FAILED',
  'RETURNED_TO_AGENCY',
] as const satisfies readonly PostalEventType[];

/** The portal's error class (so the HTTP layer answers 400), with a message naming VNPost. */
export class PostalValidationError extends ValidationError {
  constructor(details: { path: string; message: string }[]) {
    super(details);
    this.name = 'PostalValidationError';
    this.message = this.message.replace('Invalid portal message', 'Invalid postal notification');
  }
}

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;
const S10_FORM = /^[A-Z]{2}\d{9}[A-Z]{2}$/;

/** The S10 check digit of an eight-digit serial number (weights 8 6 4 2 3 5 9 7, mod 11). */
export function s10CheckDigit(eightDigits: string): number {
  if (!/^\d{8}$/.test(eightDigits)) throw new RangeError(`expected eight digits, got ${JSON.stringify(eightDigits)}`);
  const sum = [...eightDigits].reduce((acc, d, i) => acc + Number(d) * S10_WEIGHTS[i], 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

/** Whether `id` is a UPU S10 item id: two letters, eight digits, the check digit, two letters. */
export function isValidS10(id: string): boolean {
  if (!S10_FORM.test(id)) return false;
  return s10CheckDigit(id.slice(2, 10)) === Number(id[10]);
}

/** Builds an S10 item id from a service indicator, an eight-digit serial and a country code. */
export function s10(prefix: string, eightDigits: string, country = 'VN'): string {
  if (!/^[A-Z]{2}$/.test(prefix)) throw new RangeError(`expected two capital letters, got ${JSON.stringify(prefix)}`);
  if (!/^[A-Z]{2}$/.test(country)) throw new RangeError(`expected two capital letters, got ${JSON.stringify(country)}`);
  return `${prefix}${eightDigits}${s10CheckDigit(eightDigits)}${country}`;
}

// ---- field schemas -------------------------------------------------------------------------

type Issue = { input?: unknown };
const expected = (what: string) => (iss: Issue) => (iss.input === undefined ? 'required' : `expected ${what}`);

type Ctx = { issues: unknown[] };
/** `schema`, then `fn` on its output (zod/mini spells `.transform` as a pipe). */
const then = <S extends z.ZodMiniType, O>(schema: S, fn: (v: z.output<S>, ctx: Ctx) => O) =>
  z.pipe(
    schema,
    z.transform<z.output<S>, O>((v, ctx) => fn(v, ctx as unknown as Ctx)),
  );

const requiredText = z.string({ error: expected('a string') }).check(z.trim(), z.minLength(1, { error: 'must not be empty' }));

// The same rule as the portal parser (core/identifiers.ts), so an event can only name a dossier the
// portal could send.
const dossierCode = requiredText.check(
  z.superRefine((v, ctx) => {
    if (v === '') return; // already reported as empty
    const problem = dossierCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  }),
);

/** An identifier of at most `max` characters (CONTRACT 3, "Identifiers"). */
const boundedId = (max: number) =>
  requiredText.check(z.refine((v) => charCount(v) <= max, { error: `expected at most ${max} characters`, abort: true }));

/**
 * The free text of an event (postOffice, note) is kept on the dossier's item with its other events:
 * a bound keeps a dossier's events well inside DynamoDB's 400 KB item (the contract bounds other
 * strings by what the store can hold).
 */
export const MAX_POSTAL_TEXT = 2000;
const boundedText = then(
  z.nullish(
    z
      .string({ error: expected('a string or null') })
      .check(z.trim(), z.maxLength(MAX_POSTAL_TEXT, { error: `expected at most ${MAX_POSTAL_TEXT} characters` })),
  ),
  (v) => (v ? v : null),
);

const trackingNumber = boundedId(ID_MAX.trackingNumber).check(
  z.superRefine((v, ctx) => {
    if (v === '') return; // already reported as empty
    if (!S10_FORM.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'expected a UPU S10 item id: two letters, nine digits, two letters (e.g. EB123456785VN)' });
    } else if (!isValidS10(v)) {
      ctx.addIssue({ code: 'custom', message: `wrong S10 check digit: expected ${s10CheckDigit(v.slice(2, 10))}, got ${v[10]}` });
    }
  }),
);

const ISO_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/** A real date and time: `Date.parse` would quietly roll 30 February over into March. */
function isRealInstant(v: string): boolean {
  const m = ISO_PARTS.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s = '0', oh = '0', om = '0'] = m.slice(1);
  const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  return (
    Number(mo) >= 1 &&
    Number(mo) <= 12 &&
    Number(d) >= 1 &&
    Number(d) <= days &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59 &&
    Number(oh) <= 14 &&
    Number(om) <= 59
  );
}

const occurredAt = then(z.string({ error: expected('an ISO 8601 time with an offset') }), (v, ctx) => {
  const iso = isRealInstant(v) ? normaliseIso(v) : null;
  if (iso) return iso;
  ctx.issues.push({ code: 'custom', message: `expected an ISO 8601 time with an offset, got ${JSON.stringify(v)}`, input: v });
  return z.NEVER;
});

const postalEvent = z.looseObject(
  {
    eventId: boundedId(ID_MAX.eventId),
    trackingNumber,
    MaHoSo: dossierCode,
    type: z.enum(POSTAL_EVENT_TYPES, {
      error: (iss) => (iss.input === undefined ? 'required' : `expected one of ${POSTAL_EVENT_TYPES.join(', ')}`),
    }),
    occurredAt,
    postOffice: boundedText,
    note: boundedText,
  },
  { error: expected('a JSON object') },
);

/** Validates a VNPost notification and maps it to a `PostalEvent`; throws `PostalValidationError`. */
export function parsePostalEvent(json: unknown): PostalEvent {
  const parsed = postalEvent.safeParse(json);
  if (!parsed.success) {
    throw new PostalValidationError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  const e = parsed.data;
  return {
    eventId: e.eventId,
    trackingNumber: e.trackingNumber,
    code: e.MaHoSo,
    type: e.type,
    occurredAt: e.occurredAt,
    postOffice: e.postOffice,
    note: e.note,
  };
}
