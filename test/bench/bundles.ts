/**
 * Bundle bench: each Lambda bundled as the CDK stack bundles it (esbuild, ESM, minified, the SDK
 * inside), its size, and the time Node takes to load it against a bare Node start.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BACKGROUND, ROUTES } from '../../infra/routes';

const RUNS = 7;
const BANNER = "import { createRequire as __motcuaCreateRequire } from 'node:module'; const require = __motcuaCreateRequire(import.meta.url);";

/** Median wall time of `node <args>` over RUNS runs, in ms. */
function medianRun(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'ap-southeast-1' } });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

/** Prints the bundle bench. */
export async function benchBundles(): Promise<void> {
  console.log(`\n## Lambda bundles (esbuild ESM, minified, SDK bundled; load time = median of ${RUNS} Node starts)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-bundles-'));
  try {
    const names = [...new Set([...ROUTES.map((r) => r.handler), ...Object.values(BACKGROUND)])];
    const bare = path.join(dir, 'bare.mjs');
    writeFileSync(bare, '');
    const bareMs = medianRun([bare]);
    console.log(`bare Node start: ${bareMs.toFixed(0)} ms`);
    console.log('| handler | bundle | load | over bare Node |');
    console.log('|---|---:|---:|---:|');
    for (const name of names) {
      const outfile = path.join(dir, `${name}.mjs`);
      await build({
        entryPoints: [path.join('functions', 'handlers', `${name}.ts`)], bundle: true, platform: 'node', format: 'esm',
        target: 'node20', mainFields: ['module', 'main'], banner: { js: BANNER }, minify: true, outfile, logLevel: 'silent',
      });
      // Loading the module is the cold init: module scope runs, the handler is not called.
      const loader = path.join(dir, `load-${name}.mjs`);
      writeFileSync(loader, `await import(${JSON.stringify(outfile)});`);
      const ms = medianRun([loader]);
      console.log(`| ${name} | ${(statSync(outfile).size / 1024).toFixed(0)} KB | ${ms.toFixed(0)} ms | ${(ms - bareMs).toFixed(0)} ms |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
