/**
 * `npm run recipients -- --put <file.json> | --show [--table NAME] [--endpoint URL]`
 *
 * The alert recipients of a deployment whose lists do not fit the `Recipients` deploy parameter
 * (a province: a Lambda's environment holds 4 KB). `--put` checks the file (the same rules as
 * RECIPIENTS_FILE: every address, every agency code under `wards`) and stores it as the table's
 * `CONFIG/recipients` item, which the functions read when RECIPIENTS_JSON is empty (cached five
 * minutes: a change lands without a deploy). `--show` prints what is stored.
 *
 * Where: without `--table` the local stack's table (note: the local stack reads RECIPIENTS_FILE,
 * which wins over the item); with `--table` (the stack's output `TableName`) the AWS table in the
 * default region and credentials, unless `--endpoint` is given too.
 *
 * Exit codes: 0 done, 1 failed (nothing stored), 2 bad arguments.
 */
import { readFileSync } from 'node:fs';
import { readStoredRecipients, writeStoredRecipients } from '../adapters/recipients-config';
import type { Recipients } from '../core/recipients';
import { TABLE_NAME } from '../../infra/local/settings';
import { cliDynamoClient, runCli, runCommand, scanArgs, tableEndpoint, type ParsedCommand } from './run-cli';

export const USAGE = `Alert recipients stored in the table (CONFIG/recipients)

Usage:
  npm run recipients -- --put <file.json> [--table NAME] [--endpoint URL]
  npm run recipients -- --show [--table NAME] [--endpoint URL]

  --put FILE      check FILE and store it: {"default":[…],"byField":{…},"wards":{"<agency code>":{"name":…,"default":[…],"byField":{…}}}}
  --show          print the stored configuration
  --table NAME    the DynamoDB table (AWS: the stack's output TableName); default: the local
                  stack's ${TABLE_NAME} on http://127.0.0.1:$DYNAMODB_PORT (8000)
  --endpoint URL  a DynamoDB endpoint (default: none with --table, i.e. AWS)
  -h, --help      this help
`;

/** A validated command line. */
interface RecipientsArgs {
  action: 'put' | 'show';
  file: string | null;
  table: string;
  endpoint: string | null;
}

/** Reads the command line (after the script name). */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedCommand<RecipientsArgs> {
  const scanned = scanArgs(argv, { flags: ['--show'], values: ['--put', '--table', '--endpoint'] });
  if (scanned.kind !== 'ok') return scanned;
  const { values } = scanned;
  const show = scanned.flags.has('--show');
  const file = values.get('--put') ?? null;
  if (show === (file !== null)) return { kind: 'error', message: 'give exactly one of --put <file> and --show' };
  const table = values.get('--table');
  return {
    kind: 'run',
    args: {
      action: show ? 'show' : 'put',
      file,
      table: table ?? TABLE_NAME,
      endpoint: tableEndpoint(table, values.get('--endpoint'), env),
    },
  };
}

/** One line per list: who gets what (addresses of leaders, not of citizens: nothing to mask). */
export function describe(r: Recipients): string[] {
  const lines = [`default: ${r.default.join(', ') || '(none)'}`];
  for (const [field, list] of Object.entries(r.byField)) lines.push(`  field ${field}: ${list.join(', ')}`);
  for (const [ward, w] of Object.entries(r.wards ?? {})) {
    lines.push(`ward ${ward}${w.name ? ` (${w.name})` : ''}: ${w.default.join(', ') || '(top-level default)'}`);
    for (const [field, list] of Object.entries(w.byField)) lines.push(`  field ${field}: ${list.join(', ')}`);
  }
  return lines;
}

/** Runs the command; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  return runCommand(
    parseArgs(argv, env),
    USAGE,
    { out, err },
    (args) => cliDynamoClient(args.endpoint, env),
    async (args, client) => {
      if (args.action === 'show') {
        for (const l of describe(await readStoredRecipients(client, args.table))) out(l);
        return 0;
      }
      const file = args.file as string;
      const stored = await writeStoredRecipients(client, args.table, readFileSync(file, 'utf8'), file);
      out(`stored in ${args.table} CONFIG/recipients (${Object.keys(stored.wards ?? {}).length} wards):`);
      for (const l of describe(stored)) out(l);
      return 0;
    },
  );
}

if (require.main === module) runCli((argv) => main(argv));
