/**
 * The app the infra tests synthesize: cdk.json's context (the same feature flags as `cdk synth`),
 * no bundling (esbuild would take ~3 s per function) and no built-in CloudFormation validation
 * (~2.7 s per synth): a stack test then takes about 2 s.
 */
import { App } from 'aws-cdk-lib';

import cdkJson from '../../cdk.json';
import { addStacks, type MotcuaStacks } from '../../infra/app';

/** The region the tests deploy to; concrete, like `cdk synth` with a profile. */
export const TEST_REGION = 'ap-southeast-1';

/** A fresh App with the project's context, bundling skipped. */
export function testApp(): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
  });
}

/** A fresh App holding both stacks. */
export function testStacks(): MotcuaStacks & { app: App } {
  const app = testApp();
  return { app, ...addStacks(app, { region: TEST_REGION }) };
}
