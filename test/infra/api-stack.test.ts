/**
 * MotcuaApi: the routes are exactly infra/routes.ts with the right authorization, every handler
 * is a Node.js 22 function with only the grants and variables it needs, the consumer and the
 * schedules are wired, and no secret value reaches the template.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';

import { BACKGROUND, ROUTES } from '../../infra/routes';
import type { MotcuaApiStack } from '../../infra/api-stack';
import { testStacks } from './fixture';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const HANDLERS = [...new Set([...ROUTES.map((r) => r.handler), ...Object.values(BACKGROUND)])];
const SIGNED = ['portal-webhook', 'paygov-confirm', 'vnpay-ipn', 'postal-notification', 'feedback-webhook'];
const WRITERS = [...SIGNED, 'overdue-scan', 'alert-notifier', 'daily-digest'];
const MAILERS = ['alert-notifier', 'daily-digest'];
/** Read the recipients configuration: the mailers, and the report for the ward names. */
const RECIPIENT_READERS = [...MAILERS, 'supervision-report', 'dashboard'];
/** Memory above 512 MB: the dashboard keeps the facts of the months it reads in memory; the report needs a whole vCPU. */
const MEMORY: Record<string, number> = { dashboard: 1024, 'supervision-report': 1769 };

describe('MotcuaApi', () => {
  let api: MotcuaApiStack;
  let template: Template;
  let statefulTemplate: Template;
  let resources: Record<string, Resource>;

  /** Logical ID of the function of `handler`. */
  const fnId = (handler: string) => Stack.of(api).getLogicalId(api.functions.get(handler)!.fn.node.defaultChild as CfnFunction);
  const fn = (handler: string) => resources[fnId(handler)];
  /** Every statement of the policies attached to the role of `handler`'s function. */
  const statements = (handler: string): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] => {
    const roleId = fn(handler).Properties.Role['Fn::GetAtt'][0];
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
  };
  const actions = (handler: string) => statements(handler).flatMap((s) => [s.Action].flat());

  beforeAll(() => {
    // Prepare
    const stacks = testStacks();
    api = stacks.api;

    // Act
    template = Template.fromStack(stacks.api);
    statefulTemplate = Template.fromStack(stacks.stateful);
    resources = template.toJSON().Resources;
  });

  describe('routes', () => {
    it('has exactly the routes of routes.ts', () => {
      // Assess
      const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
      expect(keys.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    });

    it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r.auth === 'admin' ? 'AWS_IAM' : 'NONE', r.handler]))(
      '%s is authorized by %s and reaches %s',
      (routeKey, authorizationType, handler) => {
        // Act
        const route = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }))[0];
        const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;

        // Assess
        expect(route.Properties.AuthorizationType).toBe(authorizationType);
        expect(resources[integrationId].Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId(handler), 'Arn'] });
      },
    );

    it('throttles the default stage and writes JSON access logs', () => {
      // Act
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));

      // Assess
      expect(stage).toHaveLength(1);
      const { Properties } = stage[0];
      expect(Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      const format = JSON.parse(Properties.AccessLogSettings.Format);
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
      const logGroupId = Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    });
  });

  describe('functions', () => {
    it('has one function per distinct handler', () => {
      // Assess
      expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(HANDLERS.length);
      for (const handler of HANDLERS) expect(fn(handler)?.Type).toBe('AWS::Lambda::Function');
    });

    /** The single callbacks: traced only when a caller samples them (README, "Cost model"). */
    const CALLBACKS = ['paygov-confirm', 'vnpay-ipn', 'postal-notification', 'feedback-webhook'];

    it.each(HANDLERS)(
      '%s runs nodejs22.x on arm64, 256-512 MB (the dashboard 1024), traced (callbacks on a sampled caller only), JSON logs without the platform lines, a one-month log group',
      (handler) => {
        // Act
        const { Properties } = fn(handler);

        // Assess
        expect(Properties.Runtime).toBe('nodejs22.x');
        expect(Properties.Architectures).toEqual(['arm64']);
        expect(Properties.MemorySize).toBeGreaterThanOrEqual(256);
        expect(Properties.MemorySize).toBeLessThanOrEqual(MEMORY[handler] ?? 512);
        expect(Properties.TracingConfig).toEqual({ Mode: CALLBACKS.includes(handler) ? 'PassThrough' : 'Active' });
        expect(Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' });
        expect(resources[Properties.LoggingConfig.LogGroup.Ref].Properties.RetentionInDays).toBe(30);
        expect(Properties.Environment.Variables).toMatchObject({
          TABLE_NAME: expect.anything(),
          POWERTOOLS_SERVICE_NAME: 'motcua',
          POWERTOOLS_METRICS_NAMESPACE: 'Motcua',
          NODE_OPTIONS: '--enable-source-maps',
        });
      },
    );

    it.each(HANDLERS)('%s gets the variables and grants it needs, and no others', (handler) => {
      // Act
      const variables = Object.keys(fn(handler).Properties.Environment.Variables);
      const granted = actions(handler);

      // Assess
      expect(variables.includes('SECRETS_ARN')).toBe(SIGNED.includes(handler));
      expect(granted.includes('secretsmanager:GetSecretValue')).toBe(SIGNED.includes(handler));
      expect(variables.includes('ALERT_QUEUE_URL')).toBe(handler === 'overdue-scan');
      expect(granted.includes('sqs:SendMessage')).toBe(handler === 'overdue-scan');
      expect(variables.includes('ALERT_SENDER')).toBe(MAILERS.includes(handler));
      expect(variables.includes('RECIPIENTS_JSON')).toBe(RECIPIENT_READERS.includes(handler));
      expect(granted.includes('ses:SendEmail')).toBe(MAILERS.includes(handler));
      expect(granted.includes('dynamodb:Query')).toBe(true);
      expect(granted.includes('dynamodb:PutItem')).toBe(WRITERS.includes(handler));
      expect(granted.filter((a) => a.includes('*'))).toEqual([]);
      // Metrics are EMF lines of the function's own log: no PutMetricData.
      expect(granted.filter((a) => a.startsWith('cloudwatch:'))).toEqual([]);
    });

    it('gives the dashboard its Cognito sign-in, and the dashboard and the mailers its public URL', () => {
      // Act
      const variables = (handler: string) => fn(handler).Properties.Environment.Variables;

      // Assess
      expect(variables('dashboard')).toMatchObject({
        DASHBOARD_AUTH: 'cognito',
        COGNITO_USER_POOL_ID: expect.anything(),
        COGNITO_CLIENT_ID: { Ref: expect.stringMatching(/^DashboardClient/) },
        COGNITO_DOMAIN: expect.anything(),
        DASHBOARD_URL: { 'Fn::If': ['HasDashboardUrl', { Ref: 'DashboardUrl' }, expect.anything()] },
      });
      expect(variables('dashboard').ADMIN_TOKEN).toBeUndefined();
      expect(variables('dashboard').SESSION_SECRET).toBeUndefined();
      for (const handler of HANDLERS) {
        expect({ handler, url: 'DASHBOARD_URL' in variables(handler) }).toEqual({
          handler,
          url: [...MAILERS, 'dashboard'].includes(handler),
        });
      }
    });

    it('signs leaders in through a public client: code flow with PKCE, the dashboard callback only, 8-hour tokens', () => {
      // Act
      const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));

      // Assess
      expect(clients).toHaveLength(1);
      const p = clients[0].Properties;
      expect(p.GenerateSecret).toBe(false);
      expect(p.AllowedOAuthFlows).toEqual(['code']);
      expect(p.AllowedOAuthScopes).toEqual(['openid']);
      expect(p.SupportedIdentityProviders).toEqual(['COGNITO']);
      expect(JSON.stringify(p.CallbackURLs)).toContain('/dashboard/callback');
      expect(p.CallbackURLs).toHaveLength(1);
      expect(p.IdTokenValidity).toBe(480);
      expect(p.TokenValidityUnits).toMatchObject({ IdToken: 'minutes' });
      expect(p.PreventUserExistenceErrors).toBe('ENABLED');
    });

    it('keeps the dashboard routes out of the IAM authorizer and AdminInvokePolicy', () => {
      // Act
      const dashboardRoutes = ROUTES.filter((r) => r.handler === 'dashboard');
      const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0];

      // Assess
      expect(dashboardRoutes.map((r) => r.auth)).toEqual(dashboardRoutes.map(() => 'session'));
      expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('dashboard');
    });

    it('lets the mailers send only as AlertSender', () => {
      // Assess
      for (const handler of MAILERS) {
        const ses = statements(handler).find((s) => [s.Action].flat().includes('ses:SendEmail'));
        expect(ses?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': { Ref: 'AlertSender' } } });
        expect(JSON.stringify(ses?.Resource)).not.toContain('"*"');
      }
    });

    it('has an Errors and a Throttles alarm per function, notifying the encrypted topic', () => {
      // Prepare
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

      // Act
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));

      // Assess
      for (const handler of HANDLERS) {
        for (const metric of ['Errors', 'Throttles']) {
          const alarm = alarms.find(
            (a) => a.Properties.MetricName === metric && a.Properties.Dimensions?.[0]?.Value?.Ref === fnId(handler),
          );
          expect(alarm?.Properties).toMatchObject({
            Namespace: 'AWS/Lambda',
            Period: 300,
            Threshold: 0,
            ComparisonOperator: 'GreaterThanThreshold',
            AlarmActions: [{ Ref: topicId }],
          });
        }
      }
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });

    it('alarms as soon as one alert reaches the DLQ', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Period: 300,
      });
    });
  });

  describe('alarms on the pipeline metrics', () => {
    it('alarms when the daily digest counts open overdue dossiers above OverdueAlarmThreshold', () => {
      // Prepare
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

      // Assess
      template.hasParameter('OverdueAlarmThreshold', { Type: 'Number', Default: 0, MinValue: 0 });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Motcua',
        MetricName: 'OverdueOpen',
        Dimensions: [{ Name: 'service', Value: 'motcua' }],
        Statistic: 'Maximum',
        Period: 86400,
        EvaluationPeriods: 1,
        Threshold: { Ref: 'OverdueAlarmThreshold' },
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'ignore',
        AlarmActions: [{ Ref: topicId }],
      });
    });

    /** The alarm whose metric math adds up the given `Rejected` reasons. */
    function rejectedAlarm(reasons: string[]) {
      return Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => {
        const seen = (a.Properties.Metrics ?? []).flatMap(
          (m: { MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } } }) =>
            m.MetricStat?.Metric.MetricName === 'Rejected'
              ? m.MetricStat.Metric.Dimensions.filter((d) => d.Name === 'Reason').map((d) => d.Value)
              : [],
        );
        return seen.length === reasons.length && reasons.every((r) => seen.includes(r));
      });
    }

    it('alarms on more than 20 bad signatures or checksums (PayGov) in 5 minutes', () => {
      // Prepare
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

      // Act
      const alarm = rejectedAlarm(['bad_signature', 'bad_checksum']);

      // Assess
      expect(alarm?.Properties).toMatchObject({
        EvaluationPeriods: 1,
        Threshold: 20,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
      });
      for (const m of alarm!.Properties.Metrics.filter((x: { MetricStat?: unknown }) => x.MetricStat)) {
        expect(m.MetricStat).toMatchObject({ Metric: { Namespace: 'Motcua' }, Period: 300, Stat: 'Sum' });
      }
    });

    it('alarms on 3 requests answered with a failure in 5 minutes (the Errors alarms miss answered 503s and code 99)', () => {
      // Prepare
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

      // Act
      const alarm = rejectedAlarm(['store_unavailable', 'queue_unavailable', 'internal']);

      // Assess
      expect(alarm?.Properties).toMatchObject({
        Threshold: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    });
  });

  describe('store refusals', () => {
    it('alarms on the first message the store refused for good (answered 400, never retried)', () => {
      // Prepare
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Motcua',
        MetricName: 'Rejected',
        Dimensions: Match.arrayWith([{ Name: 'Reason', Value: 'store_refused' }]),
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    });
  });

  describe('alert consumer and schedules', () => {
    it('feeds the notifier from the alert queue, reporting failed items one by one', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId(BACKGROUND.notifier) },
        EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('AlertQueue') },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('gives the alert queue at least 6 x the notifier timeout of visibility', () => {
      // Act
      const timeout = fn(BACKGROUND.notifier).Properties.Timeout as number;
      const queue = Object.values(statefulTemplate.findResources('AWS::SQS::Queue')).find((q) => q.Properties.RedrivePolicy);

      // Assess
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    });

    it.each([
      ['the scan every 15 minutes', BACKGROUND.scheduledScan, 'rate(15 minutes)', Match.absent()],
      ['the digest at 07:30 Vietnam time', BACKGROUND.digest, 'cron(30 7 * * ? *)', 'Asia/Ho_Chi_Minh'],
    ])('schedules %s', (_what, handler, expression, timezone) => {
      // Assess
      const schedules = template.findResources('AWS::Scheduler::Schedule', {
        Properties: { ScheduleExpression: expression, Target: { Arn: { 'Fn::GetAtt': [fnId(handler), 'Arn'] } } },
      });
      expect(Object.keys(schedules)).toHaveLength(1);
      const { Properties } = Object.values(schedules)[0];
      expect(Properties.State).toBe('ENABLED');
      if (typeof timezone === 'string') expect(Properties.ScheduleExpressionTimezone).toBe(timezone);
    });
  });

  describe('parameters, outputs and secrets', () => {
    it('takes AlertSender, Recipients and an optional AlarmEmail', () => {
      // Assess
      template.hasParameter('AlertSender', { Type: 'String' });
      template.hasParameter('Recipients', { Type: 'String' });
      template.hasParameter('AlarmEmail', { Type: 'String', Default: '' });
    });

    it.each(['ApiUrl', 'TableName', 'AlertQueueUrl'])('outputs %s', (name) => {
      // Assess
      template.hasOutput(name, { Value: Match.anyValue() });
    });

    it('puts no secret value in either template', () => {
      // Act
      const both = JSON.stringify(template.toJSON()) + JSON.stringify(statefulTemplate.toJSON());

      // Assess
      expect(both).not.toMatch(/local-/);
      for (const handler of HANDLERS) {
        const variables = fn(handler).Properties.Environment.Variables as Record<string, unknown>;
        for (const [name, value] of Object.entries(variables)) {
          if (/SECRET/.test(name)) {
            expect(name).toBe('SECRETS_ARN');
            expect(typeof value).not.toBe('string'); // a reference to the secret, never a literal
          }
        }
      }
    });
  });
});
