/** jest globalTeardown: stops the shared seeded stack (see `seeded-stack.ts`), if this run started one. */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const seeded = (globalThis as { motcuaSeeded?: { child: ChildProcess; dir: string } }).motcuaSeeded;
  if (!seeded) return;
  const { child, dir } = seeded;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}
