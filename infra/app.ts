/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`): the stateful stack, the API stack on top of
 * it, and the cdk-nag packs that fail the synth on any finding not acknowledged where its
 * construct is made.
 *
 * Region: context `region` (`cdk synth -c region=...`), else CDK_DEFAULT_REGION, else
 * ap-southeast-1 (Singapore, nearest to Vietnam). Note that the CLI sets CDK_DEFAULT_REGION from
 * the AWS profile or AWS_REGION, and to us-east-1 when it finds neither.
 */
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

import { FINAL_INDEX_STEP, INDEX_STEPS } from '../functions/adapters/table-schema';
import { MotcuaApiStack } from './api-stack';
import { MotcuaStatefulStack } from './stateful-stack';

/** Region used when neither context nor the CLI names one. */
export const DEFAULT_REGION = 'ap-southeast-1';

/** The two stacks of the app. */
export interface MotcuaStacks {
  stateful: MotcuaStatefulStack;
  api: MotcuaApiStack;
}

/**
 * The step of the index migration to deploy (context `indexStep`, `cdk deploy -c indexStep=2`):
 * the last one unless told (README, "Changing the indexes").
 */
export function indexStepOf(app: App): number {
  const raw = app.node.tryGetContext('indexStep') as string | number | undefined;
  if (raw === undefined || raw === '') return FINAL_INDEX_STEP;
  const step = Number(raw);
  if (!Number.isInteger(step) || step < 0 || step > FINAL_INDEX_STEP) {
    throw new Error(`context indexStep must be an integer from 0 to ${FINAL_INDEX_STEP}, got ${JSON.stringify(raw)}`);
  }
  return step;
}

/** Adds MotcuaStateful and MotcuaApi to `app`, in `env`. */
export function addStacks(app: App, env: Environment): MotcuaStacks {
  const indexStep = indexStepOf(app);
  const stateful = new MotcuaStatefulStack(app, 'MotcuaStateful', {
    env,
    indexStep,
    description: 'motcua: dossier table, shared secrets, alert queue (data that outlives deploys)',
  });
  const api = new MotcuaApiStack(app, 'MotcuaApi', {
    env,
    description: 'motcua: HTTP API, functions, schedules and alarms',
    table: stateful.table,
    alertQueue: stateful.alertQueue,
    alertDlq: stateful.alertDlq,
    secret: stateful.secret,
    userPool: stateful.userPool,
    userPoolDomain: stateful.userPoolDomain,
    readIndexes: INDEX_STEPS[indexStep].read,
  });
  return { stateful, api };
}

/** Registers the AWS Solutions and Serverless packs: a finding fails the synth unless acknowledged. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** The environment: the region as documented above; the account from the CLI's credentials, if any. */
export function environmentOf(app: App, env: NodeJS.ProcessEnv = process.env): Environment {
  const region = (app.node.tryGetContext('region') as string | undefined) || env.CDK_DEFAULT_REGION || DEFAULT_REGION;
  return { account: env.CDK_DEFAULT_ACCOUNT, region };
}

if (require.main === module) {
  const app = new App();
  addStacks(app, environmentOf(app));
  addNagChecks(app);
}
