/**
 * How every Lambda is bundled, in one place: the CDK construct (`handler-function.ts`) hands
 * {@link BUNDLING} to NodejsFunction, which runs the local esbuild CLI with it; the bundle bench
 * (`test/bench/bundles.ts`) and the bundle tests (`test/infra/bundling.test.ts`) call esbuild's API
 * with {@link esbuildOptions}, derived from the same {@link ESBUILD} settings, so what they measure
 * is what is deployed (a test checks the two give the same bytes).
 *
 * ESM output: @middy/core is ESM-only and the SDK v3 and Powertools ship ESM builds, so esbuild
 * takes their `module` entry points and tree-shakes them; Node 22 runs `.mjs` natively and ESM
 * allows top-level await during init.
 *
 * No `require` banner: no bundled dependency calls `require()` any more (date-holidays, which did,
 * is a build-time generator only, see core/calendar). Should one come back, the bundle fails at
 * load with "Dynamic require of ... is not supported", which the bundle tests catch.
 *
 * external [] (CDK's default: `@aws-sdk/*` left to the runtime): the SDK is bundled, so the
 * deployed code runs the exact SDK version of package-lock.json that the tests ran, not whatever
 * the runtime ships that month; and a minified bundle of the few clients used loads faster at
 * cold start than resolving the runtime's full SDK from disk.
 */
import path from 'node:path';

import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Repository root: the project root and lock file of every bundle, and esbuild's working directory. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * Import paths replaced in the bundles only (esbuild `alias`; paths relative to {@link REPO_ROOT},
 * the directory CDK runs esbuild in). The TypeScript sources, and so the tests and the local stack,
 * keep the real modules.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  // WHY: the SDK's default credential chain (SSO, ini files, processes, web identity, instance
  // metadata, with the STS and SSO clients they call) is ~130 KB of every bundle; on Lambda the
  // credentials are in the environment, the chain's first link. See functions/adapters/env-credentials.ts.
  '@aws-sdk/credential-provider-node': './functions/adapters/env-credentials.ts',
  // WHY: event-stream serde (~19 KB) is loaded by every SDK protocol on demand, yet no operation
  // of the clients bundled (DynamoDB, SES, SQS, Secrets Manager) has an event stream.
  '@smithy/core/event-streams': './functions/adapters/no-event-streams.ts',
};

/** Node options of every function (CDK sets them as NODE_OPTIONS; the bench loads bundles with them). */
export const NODE_OPTIONS = '--enable-source-maps'; // stack traces point at the TypeScript sources

/** The esbuild settings every bundle is built with, as esbuild's API spells them. */
export const ESBUILD = {
  format: 'esm', // WHY (CDK default CJS): see the module comment
  target: 'node22', // WHY (CDK default: derived from the runtime): stated, to match the pinned runtime
  mainFields: ['module', 'main'], // WHY (default main first for CJS-era packages): prefer ESM builds
  external: [] as string[], // WHY (CDK default ['@aws-sdk/*']): see the module comment
  minify: true, // WHY (default false): a smaller file to fetch and parse at every cold start
  sourcemap: true, // WHY (default false): with --enable-source-maps, errors name TypeScript lines
  // WHY (default true): stack traces need only the mappings; the sources would double the zip.
  sourcesContent: false,
  // WHY (default ascii, every non-ASCII character escaped as \uXXXX): Vietnamese text (holiday
  // names, messages, e-mails) is 2 to 3 times larger escaped (~1.6 KB a bundle); Node reads .mjs as UTF-8.
  charset: 'utf8',
  alias: BUNDLE_ALIASES, // WHY (default none): see BUNDLE_ALIASES
} as const satisfies BuildOptions;

/** esbuild API options building `entry` (a path relative to {@link REPO_ROOT}) into `outfile` as CDK does. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    ...ESBUILD,
    mainFields: [...ESBUILD.mainFields],
    alias: { ...ESBUILD.alias },
    entryPoints: [entry],
    outfile,
    bundle: true, // CDK passes --bundle
    platform: 'node', // CDK passes --platform=node
    absWorkingDir: REPO_ROOT, // CDK runs esbuild in the project root (the aliases are relative to it)
    logLevel: 'warning',
  };
}

/** The same settings as NodejsFunction bundling options (the CDK construct's `bundling`). */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD.target,
  mainFields: [...ESBUILD.mainFields],
  externalModules: ESBUILD.external,
  minify: ESBUILD.minify,
  sourceMap: ESBUILD.sourcemap,
  sourcesContent: ESBUILD.sourcesContent,
  // NodejsFunction has no property for these two: passed to the esbuild CLI as they are.
  esbuildArgs: {
    '--charset': ESBUILD.charset,
    '--alias': Object.entries(ESBUILD.alias).map(([from, to]) => `${from}=${to}`),
  },
};
