import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HOST, REGION } from '../../infra/local/settings';

/**
 * How every command of `functions/cli/` runs when called from the shell: its `main` resolves to
 * the exit code; anything it throws is printed and exits 1.
 */
export function runCli(main: (argv: string[]) => Promise<number>, errorLabel = 'Error'): void {
  // Node 20 is this project's runtime: the SDK's multi-line notice about it is noise on a terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${errorLabel}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * The table a command works on: with `--table` (a stack's output) the AWS table in the default
 * region and credentials, unless `--endpoint` is given too; without, the local stack's table on
 * `http://127.0.0.1:$DYNAMODB_PORT` (8000).
 */
export function tableEndpoint(
  table: string | undefined,
  endpoint: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  return endpoint ?? (table ? null : `http://${HOST}:${env.DYNAMODB_PORT || '8000'}`);
}

/** A DynamoDB client: AWS's default chain, or an emulator (which only wants a signed request). */
export function cliDynamoClient(endpoint: string | null, env: Readonly<Record<string, string | undefined>>): DynamoDBClient {
  if (!endpoint) return new DynamoDBClient({ maxAttempts: 5 });
  return new DynamoDBClient({
    endpoint,
    region: env.AWS_REGION || REGION,
    maxAttempts: 5,
    ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  });
}

/** What an admin command's argument parser answers. */
export type ParsedCommand<A> = { kind: 'run'; args: A } | { kind: 'help' } | { kind: 'error'; message: string };

/**
 * The part every admin command shares: `--help` prints the usage (exit 0), an argument error
 * prints it with the error (exit 2); otherwise `run` gets the arguments and a client made for them,
 * destroyed afterwards, and anything it throws is printed (exit 1).
 */
export async function runCommand<A, C extends { destroy(): void }>(
  parsed: ParsedCommand<A>,
  usage: string,
  lines: { out: (line: string) => void; err: (line: string) => void },
  makeClient: (args: A) => C,
  run: (args: A, client: C) => Promise<number>,
): Promise<number> {
  if (parsed.kind === 'help') {
    lines.out(usage);
    return 0;
  }
  if (parsed.kind === 'error') {
    lines.err(`Error: ${parsed.message}\n${usage}`);
    return 2;
  }
  const client = makeClient(parsed.args);
  try {
    return await run(parsed.args, client);
  } catch (e) {
    lines.err(`Error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    client.destroy();
  }
}

/**
 * Reads the flags of an admin command: `-h`/`--help`; the bare `flags`; the `values`, as
 * `--name value` or `--name=value` (a value starting with `--` is taken for a forgotten one).
 * With `positional`, other arguments are collected and only unknown dashed ones are errors
 * (`unknown option`); without, every other argument is one (`unknown argument`).
 */
export function scanArgs(
  argv: readonly string[],
  spec: { flags: readonly string[]; values: readonly string[]; positional?: boolean },
):
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; flags: Set<string>; values: Map<string, string>; positional: string[] } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (spec.flags.includes(arg)) {
      flags.add(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (spec.values.includes(name)) {
      const value = name !== arg ? arg.slice(eq + 1) : argv[++i];
      if (!value || value.startsWith('--')) return { kind: 'error', message: `missing value for ${name}` };
      values.set(name, value);
      continue;
    }
    if (!spec.positional) return { kind: 'error', message: `unknown argument: ${arg}` };
    if (arg.startsWith('-')) return { kind: 'error', message: `unknown option: ${arg}` };
    positional.push(arg);
  }
  return { kind: 'ok', flags, values, positional };
}
