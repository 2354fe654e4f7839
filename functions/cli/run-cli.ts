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
