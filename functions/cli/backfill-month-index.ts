/**
 * `npm run backfill-month-index -- [--from YYYY-MM] [--to YYYY-MM] [--table NAME] [--endpoint URL]`:
 * step 2 of the index migration (README, "Changing the indexes"). Gives every dossier and feedback
 * item the release before wrote, received in the months [from, to], the attribute the new receipt
 * index sorts by (`g2k`), reading them through the old index (which step 2 still has), and lists
 * each ward's months in the registry. Safe to run again; an item written by this release has it.
 */
import { DynamoDossierStore } from '../adapters/dynamodb-store';
import { backfillMonthIndex } from '../adapters/month-packer';
import { effectiveDueAt } from '../core/overdue';
import { TABLE_NAME } from '../../infra/local/settings';
import { cliDynamoClient, runCli, runCommand, scanArgs, tableEndpoint, type ParsedCommand } from './run-cli';

export const USAGE = `Give the items of the release before the key of the receipt-month index (migration step 2)

Usage:
  npm run backfill-month-index -- [--from YYYY-MM] [--to YYYY-MM] [--table NAME] [--endpoint URL]

  --from YYYY-MM  the first receipt month (default: 36 months before this one)
  --to YYYY-MM    the last receipt month (default: this month)
  --table NAME    the DynamoDB table (AWS: the stack's output TableName); default: the local
                  stack's ${TABLE_NAME} on http://127.0.0.1:$DYNAMODB_PORT (8000)
  --endpoint URL  a DynamoDB endpoint (default: none with --table, i.e. AWS)
  -h, --help      this help
`;

/** A validated command line. */
interface BackfillArgs {
  from: string;
  to: string;
  table: string;
  endpoint: string | null;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** This month, and the one `back` months before it, as `yyyy-MM` (Vietnam time). */
function monthOf(nowMs: number, back = 0): string {
  const d = new Date(nowMs + 7 * 3_600_000);
  const t = d.getUTCFullYear() * 12 + d.getUTCMonth() - back;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

/** Reads the command line (after the script name). */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  nowMs = Date.now(),
): ParsedCommand<BackfillArgs> {
  const scanned = scanArgs(argv, { flags: [], values: ['--from', '--to', '--table', '--endpoint'] });
  if (scanned.kind !== 'ok') return scanned;
  const { values } = scanned;
  const from = values.get('--from') ?? monthOf(nowMs, 36);
  const to = values.get('--to') ?? monthOf(nowMs);
  for (const [name, v] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (!MONTH.test(v)) return { kind: 'error', message: `${name} must be a month YYYY-MM, got ${JSON.stringify(v)}` };
  }
  if (from > to) return { kind: 'error', message: `--from ${from} is after --to ${to}` };
  const table = values.get('--table');
  return { kind: 'run', args: { from, to, table: table ?? TABLE_NAME, endpoint: tableEndpoint(table, values.get('--endpoint'), env) } };
}

/** Runs the command; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  return runCommand(
    parseArgs(argv, env),
    USAGE,
    { out, err },
    (args) => cliDynamoClient(args.endpoint, env),
    async (args, client) => {
      const store = new DynamoDossierStore({ client, tableName: args.table, dueAt: (r) => effectiveDueAt(r) });
      const done = await backfillMonthIndex({ store, client, table: args.table }, args.from, args.to, out);
      out(`gave ${done.items} item(s) their g2k, over ${done.months} ward-month(s) from ${args.from} to ${args.to}`);
      return 0;
    },
  );
}

if (require.main === module) runCli((argv) => main(argv));
