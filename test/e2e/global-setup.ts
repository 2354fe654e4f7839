/**
 * jest globalSetup: starts the shared seeded stack in the background when this run includes a test
 * that reads it (see `seeded-stack.ts`), so its 4–5 minutes of loading overlap the other tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNeedsSeededStack } from './seeded-stack';

const ROOT = path.resolve(__dirname, '../..');

export default async function globalSetup(globalConfig: { testPathPatterns?: { patterns?: string[] } }): Promise<void> {
  if (!runNeedsSeededStack(globalConfig.testPathPatterns?.patterns ?? [])) return;
  // A developer may point the run at a stack already loaded (a state file written by hand or kept).
  if (process.env.MOTCUA_SEEDED_STATE) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-seeded-'));
  const file = path.join(dir, 'state.json');
  // Inherited by the test workers, which jest starts after this resolves.
  process.env.MOTCUA_SEEDED_STATE = file;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'e2e', 'seeded-stack-main.ts'), file], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // stdin is the lifeline: when this run's process goes, the pipe closes and the stack stops.
    stdio: ['pipe', 'ignore', process.env.E2E_LOG ? 'inherit' : 'ignore'],
  });
  (globalThis as { motcuaSeeded?: { child: ChildProcess; dir: string } }).motcuaSeeded = { child, dir };
}
