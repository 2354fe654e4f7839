/**
 * One Lambda per file in functions/handlers/: bundled with the local esbuild, its own log group,
 * its own role (nothing but its log group until the stack grants more) and its two alarms.
 */
import path from 'node:path';

import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

import { METRICS_NAMESPACE } from '../../functions/adapters/metric-names';
import { BUNDLING, NODE_OPTIONS, REPO_ROOT } from './bundling';
import { LOG_RETENTION } from './limits';

const HANDLERS_DIR = path.join(REPO_ROOT, 'functions', 'handlers');

/** Who calls the function: decides where a failed invocation ends up. */
export type Invoker = 'http' | 'sqs' | 'schedule';

/** Why no Lambda dead-letter target is needed, per caller (Serverless-LambdaDLQ). */
const NO_DLQ_BECAUSE: Record<Invoker, string> = {
  http:
    'API Gateway invokes it synchronously: a DLQ applies to asynchronous invocations only, and the ' +
    'sender (portal, PayGov, VNPay, VNPost, an operator) gets the error and retries.',
  sqs:
    'The SQS event source mapping invokes it synchronously: a failed message returns to the alert ' +
    'queue and moves to the alert DLQ after 5 receives (alarmed).',
  schedule:
    'Its asynchronous caller is EventBridge Scheduler, whose tick carries no data to keep: Lambda ' +
    'retries a failed tick twice, the job rebuilds its work from the table (and the alert ledger keeps ' +
    'a retry from mailing twice), the next tick runs anyway, and the Errors alarm reports the failure.',
};

/** Props of {@link HandlerFunction}. */
export interface HandlerFunctionProps {
  /** File name in functions/handlers/ without `.ts`; it exports `handler`. */
  readonly handler: string;
  /** What the function does, for the console. */
  readonly description: string;
  /** Memory in MB (CPU scales with it). */
  readonly memorySize: number;
  /** Hard limit of one invocation. */
  readonly timeout: Duration;
  /** Variables on top of POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE and NODE_OPTIONS. */
  readonly environment: Record<string, string>;
  /** The callers of the function. */
  readonly invokedBy: readonly Invoker[];
  /** Where the Errors and Throttles alarms notify. */
  readonly alarmAction: cloudwatch.IAlarmAction;
  /**
   * Active: the function samples traces (Lambda's own rate: one a second, then 5 %). PassThrough:
   * only a caller's sampled trace is followed; for the single callbacks, which nothing upstream
   * traces, that is none (README, "Cost model"). Default active.
   */
  readonly tracing?: 'active' | 'passThrough';
}

/** A motcua Lambda: NodejsFunction from functions/handlers/<handler>.ts plus log group, role and alarms. */
export class HandlerFunction extends Construct {
  /** The function itself. */
  readonly fn: NodejsFunction;
  /** Its execution role: grant to this. */
  readonly role: iam.Role;
  /** Its log group (one month retention). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);

    // WHY (default: Lambda creates /aws/lambda/<name> on first write, kept forever): declared, so
    // its retention is set and the role can be scoped to it.
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: LOG_RETENTION });

    // WHY (default: a role with the AWS-managed AWSLambdaBasicExecutionRole, which may write to
    // every log group of the account): this role may write to its own log group and nothing else
    // until the stack grants the function's own needs.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `motcua ${props.handler}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(HANDLERS_DIR, `${props.handler}.ts`),
      handler: 'handler',
      description: props.description,
      // WHY (default: found from the working directory): stated, so jest and the CLI bundle alike.
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      // WHY (default: the latest runtime CDK knows, moving under our feet): pinned to the LTS the
      // code is built and tested for; see the acknowledgement below.
      runtime: lambda.Runtime.NODEJS_22_X,
      // WHY (default x86_64): Graviton is about 20 % cheaper per GB-second; nothing native is bundled.
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // WHY (default off): one trace follows a request through API Gateway, Lambda and the SDK calls,
      // except for the single callbacks (see the prop): at a ward's rates Lambda's sampling traces
      // nearly every one, and a trace costs more than the rest of a callback's handling.
      tracing: props.tracing === 'passThrough' ? lambda.Tracing.PASS_THROUGH : lambda.Tracing.ACTIVE,
      // WHY (default text, every platform line): JSON, and the platform's START, END and REPORT lines
      // left out (their figures are the Duration, Errors and Throttles metrics): each request logs
      // the handler's one line and its metrics, what an operator needs, once.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'motcua',
        // The namespace of the EMF metrics the function writes to its log (no PutMetricData, no grant).
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Stack traces point at the TypeScript sources, through the bundled source map.
        NODE_OPTIONS,
      },
      // The esbuild settings of every bundle, shared with the bundle bench and tests: see bundling.ts.
      bundling: BUNDLING,
    });

    const alarmProps = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // An idle function reports no data point: that is health, not an unknown state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const period = Duration.minutes(5);
    const errors = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      ...alarmProps,
      metric: this.fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      alarmDescription: `motcua ${props.handler}: the function failed (uncaught error or timeout) in the last 5 minutes.`,
    });
    const throttles = new cloudwatch.Alarm(this, 'ThrottlesAlarm', {
      ...alarmProps,
      metric: this.fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
      alarmDescription: `motcua ${props.handler}: invocations were throttled (account concurrency) in the last 5 minutes.`,
    });
    errors.addAlarmAction(props.alarmAction);
    throttles.addAlarmAction(props.alarmAction);

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 (LTS, supported on Lambda into 2027): the bundle targets node22 and the ' +
        'dependency set is tested on it. Moving to Node.js 24 is a change of its own, tested first, not a ' +
        'side effect of upgrading aws-cdk-lib.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaLatestVersion',
      reason: 'Same as AwsSolutions-L1: Node.js 22 is pinned on purpose; the move to 24 is a tested change of its own.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permission, so AWS requires Resource "*" for them (the only statement with it).',
    });
    if (props.tracing === 'passThrough') {
      Validations.of(this.fn).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          'A single callback (PayGov, VNPay, VNPost, feedback): its one log line (deliveryId, outcome) and ' +
          'its metrics say what an operator needs; Lambda would trace nearly every call at these rates, ' +
          'at more than the rest of the call costs. Traced when a caller samples it (PassThrough).',
      });
    }
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: [...new Set(props.invokedBy)].map((invoker) => NO_DLQ_BECAUSE[invoker]).join(' '),
    });
  }
}
