/**
 * MotcuaApi: the code around the stateful stack: one Lambda per handler file, the HTTP API with
 * exactly the routes of infra/routes.ts, the alert consumer, the two schedules, and the alarms.
 * Everything here can be replaced by a deploy without touching stored data.
 */
import type { IndexGeneration } from '../functions/adapters/table-schema';
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CrossStackReferences,
  Duration,
  Fn,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

import { METRICS_NAMESPACE, METRICS_SERVICE, REJECTED } from '../functions/adapters/metric-names';
import { BACKGROUND, ROUTES, type RouteSpec } from './routes';
import { HandlerFunction, type Invoker } from './constructs/handler-function';
import { LOG_RETENTION, NOTIFIER_BATCHING_WINDOW, NOTIFIER_TIMEOUT } from './constructs/limits';
import { asSeenFrom, wildcardResourceFinding } from './constructs/nag';

/** Props of {@link MotcuaApiStack}: the stateful resources it works on. */
export interface MotcuaApiStackProps extends StackProps {
  /** The dossier table. */
  readonly table: dynamodb.ITable;
  /** The alert queue the scan fills and the notifier drains. */
  readonly alertQueue: sqs.IQueue;
  /** The alert queue's dead-letter queue (alarmed). */
  readonly alertDlq: sqs.IQueue;
  /** The JSON secret with the shared secrets (CONTRACT 2: portal, postal, feedback, PayGov, VNPay). */
  readonly secret: secretsmanager.ISecret;
  /** The leaders' accounts (the dashboard's sign-in). */
  readonly userPool: cognito.IUserPool;
  /** The pool's hosted sign-in domain. */
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** Which generation of the table's indexes the functions read (the index migration's step). Default v2. */
  readonly readIndexes?: IndexGeneration;
}

/** What one handler needs: sizing and the grants it gets (nothing it is not listed for). */
interface HandlerSpec {
  description: string;
  memorySize: number;
  timeout: Duration;
  /** `readWrite` only for handlers that write; readers get `read`. */
  table: 'read' | 'readWrite';
  /** Verifies signatures or checksums with the shared secrets (SECRETS_ARN). */
  secrets?: true;
  /** Queues alerts (ALERT_QUEUE_URL). */
  queuesAlerts?: true;
  /** Sends email through SES from AlertSender to the recipients (ALERT_SENDER, RECIPIENTS_JSON). */
  sendsEmail?: true;
  /** Reads the recipients configuration without mailing (the ward names of the province report). */
  readsRecipients?: true;
  /** The dashboard: signs leaders in with the user pool (COGNITO_*, DASHBOARD_URL). */
  dashboard?: true;
  /** A single callback of a platform: not traced unless the caller samples it (HandlerFunction `tracing`). */
  callback?: true;
}

/**
 * HTTP API routes: 29 s, because the HTTP API stops waiting at 30 s whatever the function does.
 * 256 MB unless the handler folds many records at once.
 */
const HTTP_TIMEOUT = Duration.seconds(29);

/** Every handler of ROUTES and BACKGROUND, and what it may touch. */
const HANDLERS: Record<string, HandlerSpec> = {
  'portal-webhook': {
    description: 'POST /webhooks/portal: DVCQG dossiers and progress steps (HMAC signed)',
    // Up to 500 records per request, each gzipped into the raw log and folded: more CPU pays off.
    memorySize: 512,
    timeout: HTTP_TIMEOUT,
    table: 'readWrite',
    secrets: true,
  },
  'paygov-confirm': {
    description: 'POST /payments/paygov/confirm: PayGov payment callback (checksum)',
    memorySize: 256,
    timeout: HTTP_TIMEOUT,
    table: 'readWrite',
    secrets: true,
    callback: true,
  },
  'vnpay-ipn': {
    description: 'GET /payments/vnpay/ipn: VNPay IPN (HMAC-SHA512)',
    memorySize: 256,
    timeout: HTTP_TIMEOUT,
    table: 'readWrite',
    secrets: true,
    callback: true,
  },
  'postal-notification': {
    description: 'POST /notifications/postal: VNPost events (HMAC signed)',
    memorySize: 256,
    timeout: HTTP_TIMEOUT,
    table: 'readWrite',
    secrets: true,
    callback: true,
  },
  'feedback-webhook': {
    description: 'POST /webhooks/feedback: citizens feedback and petitions from hotline 1022 and the DVCQG PAKN system (HMAC signed)',
    // Up to 500 items per request, like the portal's.
    memorySize: 512,
    timeout: HTTP_TIMEOUT,
    table: 'readWrite',
    secrets: true,
    callback: true,
  },
  'get-feedback': {
    description: 'GET /feedback/{MaPhanAnh}: one feedback item, the citizen words and data masked (IAM)',
    memorySize: 256,
    timeout: HTTP_TIMEOUT,
    table: 'read',
  },
  'get-dossier': {
    description: 'GET /dossiers/{MaHoSo}: one dossier state and timeline (IAM)',
    memorySize: 256,
    timeout: HTTP_TIMEOUT,
    table: 'read',
  },
  'supervision-report': {
    description: 'GET /reports/supervision and /reports/province: the supervision report, per ward and province (IAM)',
    // Adds a closed month's summary and folds the other months' dossiers: CPU-bound for a
    // province-year (README, Performance). 1,769 MB is a whole vCPU (Lambda gives CPU in
    // proportion to memory); reports are a few a day, so the price is cents.
    memorySize: 1769,
    timeout: HTTP_TIMEOUT,
    table: 'read',
    readsRecipients: true,
  },
  'scorecard-report': {
    description: 'GET /reports/scorecard: the Decision 766 scorecard, per ward or every ward, with why-lists and the forecast (IAM)',
    // Reads and folds every dossier of the period's months, as the supervision report.
    memorySize: 512,
    timeout: HTTP_TIMEOUT,
    table: 'read',
  },
  dashboard: {
    description: "GET /dashboard and its downloads and sign-in: the leaders' dashboard (Cognito session cookie)",
    // Keeps the facts of the ward-months it reads in memory (DASHBOARD_CACHE_S): a province's
    // two years of dossiers, a few hundred bytes each, and a workbook being written.
    memorySize: 1024,
    timeout: HTTP_TIMEOUT,
    table: 'read',
    readsRecipients: true,
    dashboard: true,
  },
  'overdue-scan': {
    description: 'Overdue / due-soon scan of dossiers, then overdue feedback: every 15 minutes and POST /admin/overdue-scan (IAM)',
    memorySize: 512,
    // Longer than the HTTP API waits: a scheduled scan must not be cut between marking a dossier
    // and queuing its alert; an admin call that outlasts 30 s still completes in the background.
    timeout: Duration.minutes(2),
    table: 'readWrite', // marks dossiers and feedback items alerted, drops them from the due index
    queuesAlerts: true,
  },
  'alert-notifier': {
    description: 'Alert queue consumer: one email per recipient and level (SES)',
    memorySize: 256,
    timeout: NOTIFIER_TIMEOUT, // the alert queue's visibility timeout is derived from it
    // Records which (scan run, recipient, level) emails went out, so a redelivered or split batch
    // does not mail twice.
    table: 'readWrite',
    sendsEmail: true,
  },
  'daily-digest': {
    description: 'Daily digest at 07:30 Vietnam time (SES)',
    memorySize: 256,
    // Matches the local stack's scheduled-job timeout; reads the due index and sends a few emails.
    timeout: Duration.minutes(5),
    // Settles each recipient's email in the alert ledger (run digest-<date>), so a retried tick
    // does not mail twice.
    table: 'readWrite',
    sendsEmail: true,
  },
};

/** `portal-webhook` → `PortalWebhook`: stable construct ids (they make the logical IDs). */
function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());
}

/** The handlers named by ROUTES and BACKGROUND, each with who calls it. */
function handlerInvokers(): Map<string, Invoker[]> {
  const invokers = new Map<string, Invoker[]>();
  const add = (name: string, invoker: Invoker) => invokers.set(name, [...(invokers.get(name) ?? []), invoker]);
  for (const route of ROUTES) add(route.handler, 'http');
  add(BACKGROUND.notifier, 'sqs');
  add(BACKGROUND.scheduledScan, 'schedule');
  add(BACKGROUND.digest, 'schedule');
  return invokers;
}

/** Checks that HANDLERS covers exactly the handlers of routes.ts; throws once, listing every gap. */
function checkSpecs(names: Iterable<string>): void {
  const wanted = new Set(names);
  const problems = [
    ...[...wanted].filter((n) => !HANDLERS[n]).map((n) => `handler "${n}" is routed but has no entry in HANDLERS`),
    ...Object.keys(HANDLERS)
      .filter((n) => !wanted.has(n))
      .map((n) => `HANDLERS has "${n}", which no route or background job uses`),
  ];
  if (problems.length > 0) throw new Error(`infra/api-stack.ts: ${problems.join('; ')}`);
}

/** `/dossiers/{MaHoSo}` → `/dossiers/*`: the resource path in an execute-api ARN. */
function arnPath(route: RouteSpec): string {
  return route.path.replace(/\{[^}]+\}/g, '*');
}

/** The API, the functions, the schedules and the alarms of motcua. */
export class MotcuaApiStack extends Stack {
  /** The functions by handler name. */
  readonly functions: ReadonlyMap<string, HandlerFunction>;
  /** The HTTP API. */
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: MotcuaApiStackProps) {
    super(scope, id, props);
    // WHY (default: strong, with a warning until chosen): stated. CloudFormation then refuses to
    // delete or replace a table, queue or secret this stack still uses, and the export names the
    // nag acknowledgements below are computed from stay the ones deployed.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    // --- Deploy parameters (no address or list is baked into the template) ---
    const alertSender = new CfnParameter(this, 'AlertSender', {
      type: 'String',
      description:
        'From address of alert emails (a bare address, e.g. motcua@binhan.gov.vn), verified in SES as ' +
        'this address or its domain. The functions may send only as this address.',
      allowedPattern: '^[^@\\s<>"]+@[^@\\s<>"]+\\.[^@\\s<>"]+$',
      constraintDescription: 'must be a bare email address (no display name)',
    });
    const recipients = new CfnParameter(this, 'Recipients', {
      type: 'String',
      default: '',
      description:
        'Alert recipients as JSON (CONTRACT 6): {"default":["chutich@..."],"byField":{"<MaLinhVuc>":["..."]}}, ' +
        'optionally "wards":{"<agency code>":{"name":"...","default":[...],"byField":{...}}}. Passed to the ' +
        'functions as RECIPIENTS_JSON (Lambda environment: 4 KB in all). Empty: the functions read the ' +
        'table item CONFIG/recipients, written by `npm run recipients -- --put <file> --table <TableName>` ' +
        '(a province whose lists do not fit here).',
      maxLength: 3000,
    });
    const alarmEmail = new CfnParameter(this, 'AlarmEmail', {
      type: 'String',
      default: '',
      description: 'Optional: an address subscribed to the alarm topic (confirm the SNS email). Empty: no subscription.',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be empty or an email address',
    });
    const dashboardUrl = new CfnParameter(this, 'DashboardUrl', {
      type: 'String',
      default: '',
      description:
        "The dashboard's public base URL, without a trailing slash (e.g. https://motcua.binhduong.gov.vn, a custom " +
        "domain mapped to the HTTP API). Empty: the HTTP API's own URL. The sign-in callback and the emails' links use it.",
      allowedPattern: '^$|^https://[^\\s/?#]+(/[^\\s?#]*[^\\s?#/])?$',
      constraintDescription: 'must be empty or an https:// URL without a trailing slash, query or fragment',
    });
    const overdueAlarmThreshold = new CfnParameter(this, 'OverdueAlarmThreshold', {
      type: 'Number',
      default: 0,
      minValue: 0,
      description:
        'The OverdueOpen alarm fires when the daily digest counts more open overdue dossiers than this ' + '(0: any overdue dossier).',
    });

    // --- Alarm topic ---
    // WHY a customer-managed key: SNS encryption needs a KMS key, and CloudWatch can only publish
    // to an encrypted topic whose key policy lets it use the key; the AWS-managed aws/sns key's
    // policy cannot be changed.
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'motcua: encrypts the alarm topic',
      enableKeyRotation: true, // WHY (default false): yearly rotation, no cost, no downside
      // WHY (default RETAIN): the key protects in-flight alarm notifications only; nothing
      // encrypted with it outlives the topic.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7), // WHY (default 30): as above, nothing to recover after a week
    });
    const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchPrincipal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, "*" is this key
      }),
    );
    const alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'motcua alarms',
      masterKey: alarmKey,
      enforceSSL: true, // WHY (default false): deny publishing over plain HTTP
    });
    alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchPrincipal],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const hasAlarmEmail = new CfnCondition(this, 'HasAlarmEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(alarmEmail.valueAsString, '')),
    });
    const subscription = new sns.Subscription(this, 'AlarmEmailSubscription', {
      topic: alarmTopic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: alarmEmail.valueAsString,
    });
    (subscription.node.defaultChild as sns.CfnSubscription).cfnOptions.condition = hasAlarmEmail;
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An email subscription that cannot deliver is a wrong or bouncing address, which a DLQ would not ' +
        'fix; the alarms stay visible in CloudWatch whatever happens to the email.',
    });
    const alarmAction = new SnsAction(alarmTopic);

    // --- Functions ---
    const invokers = handlerInvokers();
    checkSpecs(invokers.keys());
    const functions = new Map<string, HandlerFunction>();
    const sendAsAlertSender = this.sendAsStatement(alertSender.valueAsString);
    const tableIndexesFinding = wildcardResourceFinding(this, `${asSeenFrom(this, props.table, props.table.tableArn)}/index/*`);
    for (const [name, invokedBy] of invokers) {
      const spec = HANDLERS[name];
      const environment: Record<string, string> = { TABLE_NAME: props.table.tableName, READ_INDEXES: props.readIndexes ?? 'v2' };
      if (spec.secrets) environment.SECRETS_ARN = props.secret.secretArn;
      if (spec.queuesAlerts) environment.ALERT_QUEUE_URL = props.alertQueue.queueUrl;
      if (spec.sendsEmail) environment.ALERT_SENDER = alertSender.valueAsString;
      if (spec.sendsEmail || spec.readsRecipients) environment.RECIPIENTS_JSON = recipients.valueAsString;
      const handler = new HandlerFunction(this, pascal(name), {
        handler: name,
        description: spec.description,
        memorySize: spec.memorySize,
        timeout: spec.timeout,
        environment,
        invokedBy,
        alarmAction,
        tracing: spec.callback ? 'passThrough' : 'active',
      });
      functions.set(name, handler);

      if (spec.table === 'readWrite') props.table.grantReadWriteData(handler.fn);
      else props.table.grantReadData(handler.fn);
      Validations.of(handler.role).acknowledge({
        id: tableIndexesFinding,
        reason:
          'The table grant covers its indexes (byDue, byReceived) as <table ARN>/index/*: the indexes of ' +
          'this one table, nothing else. The scan and the report query them.',
      });
      if (spec.secrets) props.secret.grantRead(handler.fn);
      if (spec.queuesAlerts) props.alertQueue.grantSendMessages(handler.fn);
      if (spec.sendsEmail) handler.role.addToPrincipalPolicy(sendAsAlertSender);
    }
    this.functions = functions;

    // --- The alert consumer ---
    const notifier = functions.get(BACKGROUND.notifier)!;
    notifier.fn.addEventSource(
      new SqsEventSource(props.alertQueue, {
        batchSize: 10, // WHY (default 10, stated): the alerts of one scan arrive together
        maxBatchingWindow: NOTIFIER_BATCHING_WINDOW, // WHY (default 0): gather a scan's alerts into fewer emails
        reportBatchItemFailures: true, // WHY (default false): one failed alert must not resend the other nine
        // WHY (default: up to 1000 concurrent batches): SES sends a handful of emails per second;
        // two concurrent batches never outrun it, and fewer batches mean more alerts per email.
        maxConcurrency: 2,
      }),
    );
    Validations.of(notifier.fn).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'An SQS event source mapping has no on-failure destination (that exists for streams and Kafka); ' +
        'the failure path is the queue redrive policy: after 5 receives the alert moves to the alert DLQ, which is alarmed.',
    });

    // --- Schedules (EventBridge Scheduler: the time zone is written down, not converted) ---
    this.schedule('OverdueScanSchedule', functions.get(BACKGROUND.scheduledScan)!, {
      description: 'motcua overdue / due-soon scan every 15 minutes',
      expression: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      // WHY (default 24 h): a tick older than the next one is redundant: the next scan covers it.
      maxEventAge: Duration.minutes(15),
    });
    this.schedule('DailyDigestSchedule', functions.get(BACKGROUND.digest)!, {
      description: 'motcua daily digest at 07:30 Asia/Ho_Chi_Minh',
      expression: scheduler.ScheduleExpression.cron({ minute: '30', hour: '7', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
      // WHY (default 24 h): a morning digest still helps during the working day, never the next morning.
      maxEventAge: Duration.hours(6),
    });

    // --- HTTP API ---
    // `admin` routes: IAM (SigV4). The callers are the province's IT staff and the report CLI,
    // who already hold IAM identities in the province's AWS account: nothing to build or run
    // (no user pool, no token issuer, no authorizer Lambda), every call is logged with the
    // caller's ARN, and access is granted or revoked by attaching AdminInvokePolicy.
    // `signed` and `platform` routes: no API Gateway authorizer: the portal, VNPost, PayGov and
    // VNPay cannot sign SigV4; the handler verifies their HMAC or checksum on the raw body.
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'motcua: portal, payment, postal and feedback callbacks; dossier, feedback, report and admin routes',
      // WHY (default true): the stage is declared below with throttling and access logs.
      createDefaultStage: false,
    });
    // WHY (default retention: two years): as the functions' logs (limits.ts).
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: LOG_RETENTION });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default', // served at the API's root URL, no stage prefix in the paths
      autoDeploy: true, // WHY (default false): every deploy of a route goes live, no manual deployment
      // WHY (default: the account limit, 10 000 rps): the callers are a handful of systems and
      // people; a flood is an error or an attack, and must not scale the functions and the bill.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // JSON, one object per request, with what the handler's line does not say (the handler
        // logs its ids and outcome; CloudWatch stamps the time). `path` has no query string, so
        // VNPay's signed parameters are not logged; `caller` is the IAM ARN on admin routes.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            caller: '$context.identity.userArn',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    const iamAuthorizer = new HttpIamAuthorizer();
    for (const route of ROUTES) {
      const handler = functions.get(route.handler)!;
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.handler)}Integration`, handler.fn),
        authorizer: route.auth === 'admin' ? iamAuthorizer : undefined,
      });
      if (route.auth === 'session') {
        const why =
          `${route.method} ${route.path} is the leaders' dashboard, opened in a browser, which cannot sign SigV4: ` +
          'the handler verifies its own session cookie (a Cognito ID token, checked with aws-jwt-verify against the ' +
          "pool's keys, issuer, audience and expiry) on every request but sign-in.";
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: why });
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-COG4', reason: why });
      } else if (route.auth === 'admin') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            'IAM (SigV4) authorization instead of a Cognito user pool: the callers (province IT staff, the ' +
            'report CLI) already have IAM identities; there are no citizen or public users to sign in.',
        });
      } else {
        const why =
          `${route.method} ${route.path} is called by an outside platform that cannot sign SigV4 or hold a ` +
          'Cognito token; the handler authenticates every request itself (HMAC or platform checksum over ' +
          'the raw body with a secret from Secrets Manager, CONTRACT 3) before storing anything.';
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: why });
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-COG4', reason: why });
      }
    }

    // --- The dashboard: its public base URL, the sign-in client, the functions that link to it ---
    const hasDashboardUrl = new CfnCondition(this, 'HasDashboardUrl', {
      expression: Fn.conditionNot(Fn.conditionEquals(dashboardUrl.valueAsString, '')),
    });
    const baseUrl = Fn.conditionIf(
      hasDashboardUrl.logicalId,
      dashboardUrl.valueAsString,
      Fn.join('', ['https://', this.httpApi.apiId, '.execute-api.', Aws.REGION, '.', Aws.URL_SUFFIX]),
    ).toString();
    // A public client (no secret to keep): the authorization code flow with PKCE, the dashboard's
    // callback only, ID tokens of one working day, no refresh beyond it.
    const dashboardClient = new cognito.UserPoolClient(this, 'DashboardClient', {
      userPool: props.userPool,
      generateSecret: false,
      authFlows: {}, // WHY (default: SRP and others): only the hosted page signs in
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID],
        callbackUrls: [Fn.join('', [baseUrl, '/dashboard/callback'])],
        logoutUrls: [Fn.join('', [baseUrl, '/dashboard/sign-in'])],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      idTokenValidity: Duration.hours(8), // WHY (default 1 h): the session lasts a working day, then sign in again
      accessTokenValidity: Duration.hours(8),
      refreshTokenValidity: Duration.hours(8), // WHY (default 30 days): the dashboard never refreshes
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    const dashboardFn = functions.get('dashboard')!.fn;
    dashboardFn.addEnvironment('DASHBOARD_AUTH', 'cognito');
    dashboardFn.addEnvironment('COGNITO_USER_POOL_ID', props.userPool.userPoolId);
    dashboardFn.addEnvironment('COGNITO_CLIENT_ID', dashboardClient.userPoolClientId);
    dashboardFn.addEnvironment('COGNITO_DOMAIN', props.userPoolDomain.baseUrl());
    for (const [name, spec] of Object.entries(HANDLERS)) {
      if (spec.dashboard || spec.sendsEmail) functions.get(name)!.fn.addEnvironment('DASHBOARD_URL', baseUrl);
    }

    // What an operator attaches to the IAM role or group of whoever may call the admin routes.
    const adminPolicy = new iam.ManagedPolicy(this, 'AdminInvokePolicy', {
      description: 'motcua: call the admin routes of the HTTP API (dossier, feedback, report, overdue scan) with SigV4',
      statements: [
        new iam.PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: ROUTES.filter((r) => r.auth === 'admin').map((r) =>
            this.httpApi.arnForExecuteApi(r.method, arnPath(r), stage.stageName),
          ),
        }),
      ],
    });
    for (const route of ROUTES.filter((r) => r.auth === 'admin' && r.path.includes('{'))) {
      Validations.of(adminPolicy).acknowledge({
        id: wildcardResourceFinding(this, this.httpApi.arnForExecuteApi(route.method, arnPath(route), stage.stageName)),
        reason: `The "*" stands for the path parameter of ${route.method} ${route.path} (any dossier code or MaPhanAnh), on this API and stage only.`,
      });
    }

    // --- Alarm on the dead-letter queue ---
    new cloudwatch.Alarm(this, 'AlertDlqAlarm', {
      alarmDescription: 'motcua: alerts failed 5 times and wait in the alert DLQ; some emails were not sent.',
      metric: props.alertDlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);

    // --- Alarms on the pipeline's own metrics (EMF lines of the functions' logs, metrics.ts) ---
    const pipelineMetric = (metricName: string, statistic: string, period: Duration, dimensions: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
        statistic,
        period,
      });
    new cloudwatch.Alarm(this, 'OverdueOpenAlarm', {
      alarmDescription:
        'motcua: the daily digest counted open dossiers past their appointment (OverdueOpen above the ' +
        'OverdueAlarmThreshold parameter). The state follows the latest digest.',
      // The digest writes the gauge once a day (07:30 Vietnam time): one day is its period.
      metric: pipelineMetric('OverdueOpen', cloudwatch.Stats.MAXIMUM, Duration.days(1)),
      threshold: overdueAlarmThreshold.valueAsNumber,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Between two digests there is no data point: keep the state of the last one (a digest that
      // did not run is the digest function's Errors alarm).
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    }).addAlarmAction(alarmAction);
    const rejected = (reason: string) => pipelineMetric(REJECTED, cloudwatch.Stats.SUM, Duration.minutes(5), { Reason: reason });
    new cloudwatch.Alarm(this, 'BadSignatureAlarm', {
      alarmDescription:
        'motcua: more than 20 requests with a bad signature or checksum in 5 minutes: someone is probing the ' +
        'webhooks, or a sender signs with a secret that no longer matches ours.',
      // PayGov's checksum failures are `bad_checksum`; the HMAC routes' and VNPay's `bad_signature`.
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(sig, 0) + FILL(sum, 0)',
        usingMetrics: { sig: rejected('bad_signature'), sum: rejected('bad_checksum') },
        label: 'bad signatures and checksums',
        period: Duration.minutes(5),
      }),
      threshold: 20,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);

    new cloudwatch.Alarm(this, 'AnsweredFailuresAlarm', {
      alarmDescription:
        'motcua: requests answered with a failure (503 store or queue unavailable, 500, PayGov/VNPay code 99) ' +
        'at least 3 times in 5 minutes. The functions answer these, so their Errors alarms stay quiet: senders ' +
        'retry, nothing is lost, but DynamoDB or SQS is not taking writes.',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(store, 0) + FILL(queue, 0) + FILL(internal, 0)',
        usingMetrics: { store: rejected('store_unavailable'), queue: rejected('queue_unavailable'), internal: rejected('internal') },
        label: 'requests answered with a failure',
        period: Duration.minutes(5),
      }),
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);

    new cloudwatch.Alarm(this, 'StoreRefusedAlarm', {
      alarmDescription:
        'motcua: DynamoDB refused a message for good (a key or item over its limits) and the sender was answered ' +
        '400 (PayGov 02, VNPay 01). Validation should have caught it first: the log line "store refused the ' +
        'message" names the delivery; the raw message may be kept; nothing is retried.',
      metric: rejected('store_refused'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'AlertDlqUrl', {
      value: props.alertDlq.queueUrl,
      description: 'The alert DLQ (npm run replay-dlq -- --dlq <this> --to <AlertQueueUrl>)',
    });
    new CfnOutput(this, 'TableName', { value: props.table.tableName, description: 'The dossier table' });
    new CfnOutput(this, 'AlertQueueUrl', { value: props.alertQueue.queueUrl, description: 'The alert queue' });
    new CfnOutput(this, 'SecretArn', {
      value: props.secret.secretArn,
      description: 'Put PORTAL_SECRET, POSTAL_SECRET, FEEDBACK_SECRET, PAYGOV_SECRET, VNPAY_HASH_SECRET here (JSON) after the first deploy',
    });
    new CfnOutput(this, 'DashboardPageUrl', { value: Fn.join('', [baseUrl, '/dashboard']), description: "The leaders' dashboard" });
    new CfnOutput(this, 'LeadersUserPoolId', {
      value: props.userPool.userPoolId,
      description: "Create the leaders' accounts here (aws cognito-idp admin-create-user --user-pool-id <this> --username …)",
    });
    new CfnOutput(this, 'AdminInvokePolicyArn', {
      value: adminPolicy.managedPolicyArn,
      description: 'Attach to the IAM identities allowed to call the admin routes',
    });
  }

  /** A Scheduler schedule invoking `handler` with an EventBridge-style "Scheduled Event". */
  private schedule(
    id: string,
    handler: HandlerFunction,
    options: { description: string; expression: scheduler.ScheduleExpression; maxEventAge: Duration },
  ): scheduler.Schedule {
    // WHY (default: a role the target creates, out of reach for the acknowledgement below): our
    // own role, trusted by Scheduler for this account only.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Scheduler target role: ${options.description}`,
    });
    Validations.of(role).acknowledge({
      id: wildcardResourceFinding(this, `${handler.fn.functionArn}:*`),
      reason: 'grantInvoke covers the function and its versions and aliases (<function ARN>:*): this one function only.',
    });
    const target = new LambdaInvoke(handler.fn, {
      role,
      // The shape of an EventBridge scheduled event (aws-lambda's ScheduledEvent), so a handler
      // tells it from an HTTP event the usual way; `time` is the tick's scheduled time, so a
      // retried tick still scans "as of" its own clock.
      input: scheduler.ScheduleTargetInput.fromObject({
        version: '0',
        id: scheduler.ContextAttribute.executionId,
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        account: Aws.ACCOUNT_ID,
        time: scheduler.ContextAttribute.scheduledTime,
        region: Aws.REGION,
        resources: [scheduler.ContextAttribute.scheduleArn],
        detail: {},
      }),
      maxEventAge: options.maxEventAge,
    });
    const schedule = new scheduler.Schedule(this, id, {
      description: options.description,
      schedule: options.expression,
      target,
    });
    return schedule;
  }

  /**
   * SES send permission as AlertSender only. Hand-written because no L2 grant takes a condition:
   * the address identity and its domain identity are both listed (SES authorizes against
   * whichever is verified), and `ses:FromAddress` keeps the domain grant to this one address.
   */
  private sendAsStatement(sender: string): iam.PolicyStatement {
    const identityArn = (identity: string) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    return new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [identityArn(sender), identityArn(Fn.select(1, Fn.split('@', sender)))],
      conditions: { StringEquals: { 'ses:FromAddress': sender } },
    });
  }
}
