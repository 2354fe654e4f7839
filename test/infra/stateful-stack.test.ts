/**
 * MotcuaStateful: pins what a redeploy must never change by accident (the table's logical ID,
 * keys and indexes, which are a data migration to change) and the protections around the data.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';

import { TABLE } from '../../functions/adapters/table-schema';
import { testStacks } from './fixture';

describe('MotcuaStateful', () => {
  let template: Template;

  beforeAll(() => {
    // Prepare
    const { stateful } = testStacks();

    // Act
    template = Template.fromStack(stateful);
  });

  describe('the dossier table', () => {
    it('keeps the logical ID DossierTable (a new ID would create a new, empty table)', () => {
      // Assess
      const tables = template.findResources('AWS::DynamoDB::Table');
      expect(Object.keys(tables)).toEqual(['DossierTable']);
    });

    it('has string keys pk / sk and a generated physical name', () => {
      // Assess
      const table = template.findResources('AWS::DynamoDB::Table').DossierTable;
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(['pk', 'sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
      expect(table.Properties.TableName).toBeUndefined();
    });

    it.each([
      ['byDue', 'g1pk', 'g1sk'],
      ['byReceived', 'g2pk', 'g2sk'],
    ])('has the index %s on %s / %s projecting ALL', (indexName, partitionKey, sortKey) => {
      // Assess
      const table = template.findResources('AWS::DynamoDB::Table').DossierTable;
      const index = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).find((i) => i.IndexName === indexName);
      expect(index).toEqual({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining([partitionKey, sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
    });

    it('has exactly the indexes of table-schema.ts', () => {
      // Assess
      const table = template.findResources('AWS::DynamoDB::Table').DossierTable;
      const names = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName);
      expect(names.sort()).toEqual([TABLE.byDue.name, TABLE.byReceived.name].sort());
    });

    it('is on demand, with point-in-time recovery, encryption and deletion protection, and retained', () => {
      // Assess
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
          // The alert ledger's items expire; nothing else carries the attribute.
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });
  });

  describe('the alert queue and its DLQ', () => {
    const queueIds = () => {
      const queues = template.findResources('AWS::SQS::Queue');
      const main = Object.keys(queues).find((id) => queues[id].Properties.RedrivePolicy);
      const dlq = Object.keys(queues).find((id) => !queues[id].Properties.RedrivePolicy);
      return { queues, main: main!, dlq: dlq! };
    };

    it('has one queue redriving to one DLQ after 5 receives', () => {
      // Act
      const { queues, main, dlq } = queueIds();

      // Assess
      expect(Object.keys(queues)).toHaveLength(2);
      expect(queues[main].Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: 5,
      });
    });

    it('keeps failed alerts 14 days', () => {
      // Act
      const { queues, dlq } = queueIds();

      // Assess
      expect(queues[dlq].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    });

    it('encrypts both queues at rest', () => {
      // Act
      const { queues } = queueIds();

      // Assess
      for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    });

    it('denies every request made without TLS, on both queues', () => {
      // Act
      const { main, dlq } = queueIds();

      // Assess
      for (const id of [main, dlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    });
  });

  describe('the shared secrets', () => {
    it('is generated by Secrets Manager with the four keys and no value in the template', () => {
      // Assess
      const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
      expect(secrets).toHaveLength(1);
      const [secret] = secrets;
      expect(secret.Properties.SecretString).toBeUndefined();
      const shape = JSON.parse(secret.Properties.GenerateSecretString.SecretStringTemplate);
      expect(shape).toEqual({ PORTAL_SECRET: [], POSTAL_SECRET: [], PAYGOV_SECRET: [], VNPAY_HASH_SECRET: [] });
      expect(secret.DeletionPolicy).toBe('Retain');
    });
  });

  describe("the leaders' user pool (the dashboard's sign-in)", () => {
    it('has no self sign-up, MFA available by authenticator app, a strong password policy, and is retained', () => {
      // Act
      const pools = Object.values(template.findResources('AWS::Cognito::UserPool'));

      // Assess
      expect(pools).toHaveLength(1);
      const [pool] = pools;
      expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
      expect(pool.Properties.MfaConfiguration).toBe('OPTIONAL');
      expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
      expect(pool.Properties.Policies.PasswordPolicy).toMatchObject({
        MinimumLength: 12,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      });
      expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
      expect(pool.DeletionPolicy).toBe('Retain');
    });

    it("has Cognito's hosted sign-in page under a prefix unique to the account", () => {
      // Act
      const domains = Object.values(template.findResources('AWS::Cognito::UserPoolDomain'));

      // Assess
      expect(domains).toHaveLength(1);
      expect(domains[0].Properties.Domain).toEqual({ 'Fn::Join': ['-', ['motcua', { Ref: 'AWS::AccountId' }]] });
      expect(domains[0].Properties.ManagedLoginVersion).toBe(1);
    });
  });
});
