/**
 * The alert recipients (CONTRACT 6): `RECIPIENTS_JSON` (AWS: a deploy parameter) or the file named
 * by `RECIPIENTS_FILE` (local), `{"default":["chutich@…"],"byField":{"<MaLinhVuc>":["…"]}}`, and
 * for a province `"wards":{"<agency code>":{"name":"Phường …","default":[…],"byField":{…}}}`.
 * Or, when neither is set (a province: see `RECIPIENTS_ITEM`), the table's configuration item.
 * A malformed configuration fails loudly at load, naming the bad key.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import type { Recipients } from '../core/recipients';
import { isWardCode, normaliseWard } from '../core/ward';

const address = z.string().check(z.trim(), z.regex(/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/, { error: 'expected an email address' }));
const byField = z._default(z.record(z.string(), z.array(address)), {});
const ward = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  default: z._default(z.array(address), []),
  byField,
});
const schema = z.object({
  default: z.array(address),
  byField,
  wards: z.optional(z.record(z.string(), ward)),
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
  const { default: fallback, byField: fields, wards } = parsed.data;
  if (!wards) return { default: fallback, byField: fields };
  // Keyed by the canonical agency code, as `wardOf` derives it from MaHoSo.
  const byWard: Recipients['wards'] = {};
  for (const [code, entry] of Object.entries(wards)) {
    // Checked here: zod words a bad record key only as "Invalid input".
    if (!isWardCode(code))
      throw new Error(`${source} is not a recipients configuration: wards.${code}: expected an agency code, e.g. 000.00.12.H57`);
    const key = normaliseWard(code);
    if (Object.hasOwn(byWard, key))
      throw new Error(`${source} is not a recipients configuration: wards.${code}: listed twice (agency codes are compared in upper case)`);
    byWard[key] = entry.name === undefined ? { default: entry.default, byField: entry.byField } : entry;
  }
  return { default: fallback, byField: fields, wards: byWard };
}

/** True when the environment names the recipients (`RECIPIENTS_JSON` or `RECIPIENTS_FILE`). */
export function recipientsInEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.RECIPIENTS_JSON || env.RECIPIENTS_FILE);
}

/** The recipients from the environment (`RECIPIENTS_JSON` first, else `RECIPIENTS_FILE`). */
export function readRecipients(env: NodeJS.ProcessEnv = process.env): Recipients {
  if (env.RECIPIENTS_JSON) return parseRecipients(env.RECIPIENTS_JSON, 'RECIPIENTS_JSON');
  const file = env.RECIPIENTS_FILE;
  if (!file) throw new Error('neither RECIPIENTS_JSON nor RECIPIENTS_FILE is set');
  return parseRecipients(readFileSync(file, 'utf8'), file);
}

/**
 * Where a province keeps its recipients when they outgrow a deploy parameter (a Lambda's
 * environment holds 4 KB; a hundred wards' lists do not fit): one item of the table, written by
 * `npm run recipients -- --put <file>`, holding the same JSON.
 */
export const RECIPIENTS_ITEM = { pk: 'CONFIG', sk: 'recipients' } as const;

/** The recipients stored in `table` (see `RECIPIENTS_ITEM`); throws when there are none. */
export async function readStoredRecipients(client: DynamoDBClient, table: string): Promise<Recipients> {
  const out = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: RECIPIENTS_ITEM.pk }, sk: { S: RECIPIENTS_ITEM.sk } }, ConsistentRead: true }),
  );
  const json = out.Item?.json?.S;
  if (!json) {
    throw new Error(
      `no recipients configured: RECIPIENTS_JSON is empty and table ${table} has no ${RECIPIENTS_ITEM.pk}/${RECIPIENTS_ITEM.sk} item (npm run recipients -- --put <file>)`,
    );
  }
  return parseRecipients(json, `${table} ${RECIPIENTS_ITEM.pk}/${RECIPIENTS_ITEM.sk}`);
}

/** Checks `json` and stores it as the recipients of `table`; returns what was stored. */
export async function writeStoredRecipients(client: DynamoDBClient, table: string, json: string, source: string): Promise<Recipients> {
  const recipients = parseRecipients(json, source);
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        pk: { S: RECIPIENTS_ITEM.pk },
        sk: { S: RECIPIENTS_ITEM.sk },
        json: { S: JSON.stringify(recipients) },
        updatedAt: { S: new Date().toISOString() },
      },
    }),
  );
  return recipients;
}
