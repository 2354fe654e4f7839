/**
 * infra/constructs/bundling.ts: the CDK construct and the esbuild API (bench, these tests) make
 * the same bundle; every Lambda bundle loads in a bare Node, without the SDK's default credential
 * chain or its event-stream serde (aliased away); the ingest bundles stay within the size the
 * issue set (300 KB).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { App, Duration, Stack } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { build, type Metafile } from 'esbuild';

import { esbuildOptions, NODE_OPTIONS } from '../../infra/constructs/bundling';
import { HandlerFunction } from '../../infra/constructs/handler-function';
import { BACKGROUND, ROUTES } from '../../infra/routes';

const HANDLERS = [...new Set([...ROUTES.map((r) => r.handler), ...Object.values(BACKGROUND)])];
/** The handlers on the ingest path (portal, payment platforms, VNPost, feedback): 300 KB at most each. */
const INGEST = ['portal-webhook', 'paygov-confirm', 'vnpay-ipn', 'postal-notification', 'feedback-webhook'];
const INGEST_BUDGET_BYTES = 300 * 1024;

let dir: string;
const bundles = new Map<string, { file: string; metafile: Metafile }>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-bundling-test-'));
  for (const handler of HANDLERS) {
    mkdirSync(path.join(dir, handler));
    const file = path.join(dir, handler, 'index.mjs');
    const { metafile } = await build({ ...esbuildOptions(`functions/handlers/${handler}.ts`, file), metafile: true });
    bundles.set(handler, { file, metafile: metafile! });
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the CDK construct', () => {
  it('bundles a handler byte for byte as esbuildOptions does (what the bench measures is deployed)', () => {
    // Prepare: one function, bundled by NodejsFunction with the local esbuild.
    const outdir = path.join(dir, 'cdk.out');
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundlingTest', { env: { region: 'ap-southeast-1' } });
    new HandlerFunction(stack, 'PortalWebhook', {
      handler: 'portal-webhook',
      description: 'bundling test',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {},
      invokedBy: ['http'],
      alarmAction: new SnsAction(new sns.Topic(stack, 'Alarms')),
    });

    // Act
    app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.') && statSync(path.join(outdir, d)).isDirectory());
    const deployed = readFileSync(path.join(outdir, assets[0], 'index.mjs'));

    // Assess
    expect(assets).toHaveLength(1);
    expect(readdirSync(path.join(outdir, assets[0])).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(deployed.equals(readFileSync(bundles.get('portal-webhook')!.file))).toBe(true);
  }, 120_000);
});

describe.each(HANDLERS)('the %s bundle', (handler) => {
  it("loads in a bare Node with the functions' NODE_OPTIONS (no require, no missing module)", () => {
    // Prepare
    const { file } = bundles.get(handler)!;

    // Act
    const load = () =>
      execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(file)});`], {
        env: { PATH: process.env.PATH, NODE_OPTIONS, AWS_REGION: 'ap-southeast-1' },
        stdio: 'pipe',
      });

    // Assess
    expect(load).not.toThrow();
  });

  it('leaves out the default credential chain and event-stream serde, taking the shims instead', () => {
    // Prepare
    const inputs = Object.keys(bundles.get(handler)!.metafile.inputs);

    // Act
    const leftOut = inputs.filter((i) =>
      /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http)|nested-clients|token-providers)\/|@smithy\/credential-provider-imds\/|@smithy\/core\/dist-es\/submodules\/event-streams\//.test(
        i,
      ),
    );

    // Assess
    expect(leftOut).toEqual([]);
    expect(inputs).toEqual(expect.arrayContaining(['functions/adapters/env-credentials.ts', 'functions/adapters/no-event-streams.ts']));
  });
});

describe.each(INGEST)('the ingest bundle %s', (handler) => {
  it(`is at most ${INGEST_BUDGET_BYTES / 1024} KB`, () => {
    // Prepare
    const { file } = bundles.get(handler)!;

    // Act
    const size = statSync(file).size;

    // Assess
    expect(size).toBeLessThanOrEqual(INGEST_BUDGET_BYTES);
  });
});
