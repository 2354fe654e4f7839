/**
 * The alert recipients (CONTRACT 6): `RECIPIENTS_JSON` (AWS: a deploy parameter) or the file named
 * by `RECIPIENTS_FILE` (local), `{"default":["chutich@…"],"byField":{"<MaLinhVuc>":["…"]}}`.
 * Read once per cold start; a malformed configuration fails loudly at load, naming the bad key.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import type { Recipients } from '../core/recipients';

const address = z.string().check(
  z.trim(),
  z.regex(/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/, { error: 'expected an email address' }),
);
const schema = z.object({
  default: z.array(address),
  byField: z._default(z.record(z.string(), z.array(address)), {}),
});

/** Parses and checks a recipients JSON text; `source` names it in errors. */
export function parseRecipients(json: string, source: string): Recipients {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${source} is not a recipients configuration: ${problems.join('; ')}`);
  }
  return { default: parsed.data.default, byField: parsed.data.byField };
}

/** The recipients from the environment (`RECIPIENTS_JSON` first, else `RECIPIENTS_FILE`). */
export function readRecipients(env: NodeJS.ProcessEnv = process.env): Recipients {
  if (env.RECIPIENTS_JSON) return parseRecipients(env.RECIPIENTS_JSON, 'RECIPIENTS_JSON');
  const file = env.RECIPIENTS_FILE;
  if (!file) throw new Error('neither RECIPIENTS_JSON nor RECIPIENTS_FILE is set');
  return parseRecipients(readFileSync(file, 'utf8'), file);
}
