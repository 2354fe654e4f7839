/**
 * MotcuaStateful: pins what a redeploy must never change by accident (the table's logical ID,
 * keys and indexes, which are a data migration to change) and the protections around the data.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';

import { FINAL_INDEX_STEP, INDEX_STEPS, INDEXES_V2, readIndexes, TABLE } from '../../functions/adapters/table-schema';
import { addStacks } from '../../infra/app';
import { TEST_REGION, testApp, testStacks } from './fixture';

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
      ['byDueDate', 'g1pk', 'g1sk', { ProjectionType: 'INCLUDE', NonKeyAttributes: [...INDEXES_V2.due.projection.attributes] }],
      ['byReceiptMonth', 'g2pk', 'g2k', { ProjectionType: 'KEYS_ONLY' }],
    ])('has the index %s on %s / %s with its projection', (indexName, partitionKey, sortKey, projection) => {
      // Assess
      const table = template.findResources('AWS::DynamoDB::Table').DossierTable;
      const index = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).find((i) => i.IndexName === indexName);
      expect(index).toEqual({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        Projection: projection,
      });
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining([partitionKey, sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
    });

    it('projects into the due index nothing a payment or a postal event writes (they attach without an index write)', () => {
      // Assess
      const attributes: readonly string[] = INDEXES_V2.due.projection.attributes;
      expect(attributes.some((a) => a.startsWith('P#') || a.startsWith('E#'))).toBe(false);
      expect(attributes).toEqual(expect.arrayContaining(['rz', 'ver', 'dueAt', 'alOverdue', 'alSoon', 'alFeedback']));
    });

    it('has exactly the indexes of the last migration step', () => {
      // Assess
      const table = template.findResources('AWS::DynamoDB::Table').DossierTable;
      const names = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName);
      expect(names.sort()).toEqual(INDEX_STEPS[FINAL_INDEX_STEP].indexes.map((i) => i.name).sort());
    });
  });

  describe('changing the indexes (README, "Changing the indexes")', () => {
    /** The table's index names and the functions' READ_INDEXES when deploying `-c indexStep=<step>`. */
    function deployed(step: number): { indexes: string[]; read: string[] } {
      const app = testApp();
      app.node.setContext('indexStep', String(step));
      const { stateful, api } = addStacks(app, { region: TEST_REGION });
      const table = Template.fromStack(stateful).findResources('AWS::DynamoDB::Table').DossierTable;
      const functions = Object.values(Template.fromStack(api).findResources('AWS::Lambda::Function'));
      return {
        indexes: (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName).sort(),
        read: [...new Set(functions.flatMap((f) => f.Properties.Environment?.Variables?.READ_INDEXES ?? []))] as string[],
      };
    }

    it('starts from the release before and creates or deletes one index per deploy, as CloudFormation allows', () => {
      // Act
      const steps = INDEX_STEPS.map((_, step) => deployed(step));

      // Assess
      expect(steps[0].indexes).toEqual([TABLE.byDue.name, TABLE.byReceived.name].sort());
      for (let i = 1; i < steps.length; i++) {
        const before = new Set(steps[i - 1].indexes);
        const after = new Set(steps[i].indexes);
        const changed = [...before].filter((n) => !after.has(n)).length + [...after].filter((n) => !before.has(n)).length;
        expect(changed).toBeLessThanOrEqual(1);
      }
    });

    it('has the functions read only indexes that exist at every step, before and after it is deployed', () => {
      // Act
      const steps = INDEX_STEPS.map((_, step) => deployed(step));

      // Assess: the stateful stack deploys first, so at each step both the previous functions and
      // the new ones run against the new table.
      for (let i = 0; i < steps.length; i++) {
        const read = steps[i].read;
        expect(read).toHaveLength(1);
        const needed = Object.values(readIndexes(read[0] as 'v1' | 'v2')).map((x) => x.name);
        expect(steps[i].indexes).toEqual(expect.arrayContaining(needed));
        if (i > 0) {
          const before = Object.values(readIndexes(steps[i - 1].read[0] as 'v1' | 'v2')).map((x) => x.name);
          expect(steps[i].indexes).toEqual(expect.arrayContaining(before));
        }
      }
      expect(steps.at(-1)?.read).toEqual(['v2']);
    });

    it('refuses a step that does not exist', () => {
      // Prepare
      const app = testApp();
      app.node.setContext('indexStep', '9');

      // Act, Assess
      expect(() => addStacks(app, { region: TEST_REGION })).toThrow(/indexStep must be an integer from 0 to 5/);
    });
  });

  describe('the dossier table, continued', () => {
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
