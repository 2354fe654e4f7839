/**
 * One local stack loaded with the ward stream, shared by every test file that reads it, loaded
 * ONCE per `npm test` run (loading takes 4–5 minutes on two cores):
 *
 * - `global-setup.ts` (jest globalSetup) spawns `seeded-stack-main.ts` in the background when the
 *   run includes a file of SEEDED_TESTS, and tells the test files where it will write its state
 *   (MOTCUA_SEEDED_STATE); the other test files run meanwhile.
 * - A test file calls `seededStack()`, which waits for the state file: the stack's URLs once the
 *   stream is loaded (or the loader's error).
 * - `global-teardown.ts` stops it. Closing the run's process closes the child's stdin: it stops too.
 *
 * The stack is read-mostly: a test that writes must write its own dossiers or wards.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The test files that read the seeded stack. */
export const SEEDED_TESTS = ['test/e2e/seed-figures.test.ts', 'test/e2e/dashboard-browser.test.ts'];

/** Where the shared stack stands, as its loader writes it. */
export interface SeededState {
  ready: boolean;
  error?: string;
  api?: string;
  ses?: string;
  dynamodb?: string;
  sqs?: string;
  /** Messages loaded, and how long it took. */
  loaded?: number;
  ms?: number;
}

const ROOT = path.resolve(__dirname, '../..');
const WAIT_MS = 14 * 60 * 1000;

/** True when a run with these path patterns (regular expressions, as jest takes them) includes a seeded test. */
export function runNeedsSeededStack(patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  const files = SEEDED_TESTS.map((f) => path.join(ROOT, f));
  return patterns.some((p) => {
    let re: RegExp;
    try {
      re = new RegExp(p, 'i');
    } catch {
      return false;
    }
    return files.some((f) => re.test(f));
  });
}

/** The loaded stack's URLs; waits for the loader (rejects with its error, or when none runs). */
export async function seededStack(): Promise<Required<Pick<SeededState, 'api' | 'ses' | 'dynamodb' | 'sqs'>>> {
  const file = process.env.MOTCUA_SEEDED_STATE;
  if (!file) throw new Error('no seeded stack in this run: jest globalSetup (test/e2e/global-setup.ts) did not start one');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, 'utf8')) as SeededState;
      if (state.error) throw new Error(`the seeded stack failed: ${state.error}`);
      if (state.ready && state.api && state.ses && state.dynamodb && state.sqs) {
        return { api: state.api, ses: state.ses, dynamodb: state.dynamodb, sqs: state.sqs };
      }
    }
    if (Date.now() > deadline) throw new Error(`the seeded stack was not ready within ${WAIT_MS / 60000} minutes`);
    // Waiting for another process's file: nothing to await but time.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
