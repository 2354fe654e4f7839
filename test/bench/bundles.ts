/**
 * Bundle bench: each Lambda bundled as the CDK stack bundles it (the same esbuild settings, from
 * infra/constructs/bundling.ts: ESM, minified, the SDK inside, the same aliases), its size, and the
 * time Node takes to load it (with the functions' NODE_OPTIONS) against a bare Node start.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { esbuildOptions, NODE_OPTIONS } from '../../infra/constructs/bundling';
import { BACKGROUND, ROUTES } from '../../infra/routes';

const RUNS = 7;

/** Median wall time of `node <args>` over RUNS runs, in ms. */
function medianRun(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, args, {
      stdio: 'ignore',
      env: { ...process.env, NODE_OPTIONS, TABLE_NAME: 'bench', AWS_REGION: 'ap-southeast-1' },
    });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

/** Prints the bundle bench. */
export async function benchBundles(): Promise<void> {
  console.log(
    `\n## Lambda bundles (as deployed: infra/constructs/bundling.ts; load time = median of ${RUNS} Node starts, NODE_OPTIONS=${NODE_OPTIONS})`,
  );
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
      // As CDK writes it: index.mjs (and its source map) in a directory of its own.
      mkdirSync(path.join(dir, name));
      const outfile = path.join(dir, name, 'index.mjs');
      await build(esbuildOptions(path.join('functions', 'handlers', `${name}.ts`), outfile));
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
