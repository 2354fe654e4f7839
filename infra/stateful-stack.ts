/**
 * MotcuaStateful: what holds data and must survive every redeploy of the code around it: the
 * dossier table, the shared secrets, the alert queue and its dead-letter queue.
 *
 * Kept apart from the API stack (AWS CDK best practice) so that replacing functions, routes or
 * alarms can never replace the table; its logical ID is pinned and a test guards it.
 */
import { Aws, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

import { FINAL_INDEX_STEP, INDEX_STEPS, TABLE } from '../functions/adapters/table-schema';
import type { SecretName } from '../functions/adapters/config';
import { ALERT_QUEUE_VISIBILITY } from './constructs/limits';

/** Logical ID of the dossier table. Changing it makes CloudFormation create a new, empty table. */
export const TABLE_LOGICAL_ID = 'DossierTable';

/**
 * The keys of the secret's initial JSON. Frozen at the four the secret was first deployed with:
 * CloudFormation generates the secret value anew whenever `generateSecretString` changes, which
 * would wipe the values an operator put. FEEDBACK_SECRET (functions/adapters/config.ts reads it
 * too) is added by the operator with the others (README, "Deploying to AWS").
 */
export const SECRET_NAMES: readonly SecretName[] = ['PORTAL_SECRET', 'POSTAL_SECRET', 'PAYGOV_SECRET', 'VNPAY_HASH_SECRET'];

/** The stateful resources of motcua: table, secrets, alert queue and DLQ. */
/** Properties of the stateful stack. */
export interface MotcuaStatefulStackProps extends StackProps {
  /** The step of the index migration (table-schema.ts, INDEX_STEPS). Default: the last. */
  readonly indexStep?: number;
}

export class MotcuaStatefulStack extends Stack {
  /** The one DynamoDB table (schema in functions/adapters/table-schema.ts). */
  readonly table: dynamodb.Table;
  /** The JSON secret holding PORTAL_SECRET, POSTAL_SECRET, FEEDBACK_SECRET, PAYGOV_SECRET, VNPAY_HASH_SECRET. */
  readonly secret: secretsmanager.Secret;
  /** The overdue / due-soon alerts, one message per newly flagged dossier. */
  readonly alertQueue: sqs.Queue;
  /** Alerts the notifier failed 5 times. */
  readonly alertDlq: sqs.Queue;
  /** The leaders' accounts for the dashboard, made by the province's IT staff. */
  readonly userPool: cognito.UserPool;
  /** Cognito's hosted sign-in page of the pool. */
  readonly userPoolDomain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: MotcuaStatefulStackProps = {}) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, TABLE_LOGICAL_ID, {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      // WHY (default PROVISIONED): a ward's traffic is a few thousand writes a day with bursts
      // when the portal resynchronises; on-demand costs nothing idle and never throttles a burst.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // WHY (default off): the raw log is the audit record of what citizens and platforms sent;
      // a bad deploy or a buggy fold must be recoverable to any second of the last 35 days.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // WHY (default AWS-owned key): AWS-managed `aws/dynamodb` makes every use of the key visible
      // in CloudTrail (the table holds citizens' ID numbers and phones), with no key policy to
      // maintain and no customer key whose deletion or disabling would lock the table for good.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // WHY (default off / DESTROY): the table is the system of record; neither a console click
      // nor a `cdk destroy` may delete it.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // WHY (default none): the alert ledger's items (runs, alerts, leases, settled emails) carry
      // `expiresAt`, 90 days on; DynamoDB deletes them, for free. Nothing else carries it: the
      // dossiers, steps and raw messages are kept.
      timeToLiveAttribute: 'expiresAt',
    });
    // WHY: pinned so that moving the construct in the tree (a refactor) cannot rename the
    // resource, which CloudFormation would carry out as "create a new table, orphan the old".
    // The physical name stays generated (no name clash between environments).
    (this.table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId(TABLE_LOGICAL_ID);

    // The indexes of the migration step deployed (table-schema.ts, INDEX_STEPS): one index created
    // or deleted per step, as CloudFormation allows per table update. A new table starts at the last.
    for (const index of INDEX_STEPS[props.indexStep ?? FINAL_INDEX_STEP].indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        // A cost decision (table-schema.ts, INDEXES_V2): a write is billed again in every index whose
        // projected attributes it changes, so the indexes project only what their readers need.
        projectionType: dynamodb.ProjectionType[index.projection.type],
        ...(index.projection.type === 'INCLUDE' ? { nonKeyAttributes: [...index.projection.attributes] } : {}),
      });
    }

    this.secret = new secretsmanager.Secret(this, 'SharedSecrets', {
      // The description and the template stay as first deployed (see SECRET_NAMES): the operator
      // adds FEEDBACK_SECRET to the JSON with the others.
      description:
        'motcua shared secrets, JSON {"PORTAL_SECRET","POSTAL_SECRET","PAYGOV_SECRET","VNPAY_HASH_SECRET"}: ' +
        'each a string, or ["current","previous"] during a rotation. Empty lists until an operator sets them.',
      // WHY: CloudFormation can generate only one key, and two of the four values are issued by
      // the platforms (PayGov, VNPay), not by us. So the secret starts with every list empty: the
      // routes fail closed (no signature can match) until an operator puts the real values with
      // `aws secretsmanager put-secret-value`. No value, not even a placeholder, is in the template.
      // The one generated key is required by CloudFormation alongside a template, and unused.
      generateSecretString: {
        secretStringTemplate: JSON.stringify(Object.fromEntries(SECRET_NAMES.map((name) => [name, []]))),
        generateStringKey: '_generated',
      },
      // WHY (default: none, so the secret goes with the stack): the values are agreed with four
      // outside parties; losing them means re-keying every integration.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The values are shared with outside parties (provincial portal, VNPost, PayGov, VNPay) who must ' +
        'switch at the same time, so rotation is a coordinated manual change: the JSON accepts ' +
        '["current","previous"] during the overlap. A Lambda rotating on its own would break their signatures.',
    });

    this.alertDlq = new sqs.Queue(this, 'AlertDlq', {
      // WHY (default 4 days): a failed alert must still be there after a long holiday (Tết).
      retentionPeriod: Duration.days(14),
      // WHY (default: none declared): SQS-managed SSE rather than a KMS key: alerts carry dossier
      // codes, procedure names and due dates, no citizen ID, phone or email (CONTRACT 6); a KMS key
      // would add a key policy edited from the consumer's stack and a cost per request.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      // WHY (default false): deny any request not made over TLS.
      enforceSSL: true,
    });
    const dlqIsTheEnd =
      'This queue is itself the dead-letter queue of the alert queue; a DLQ behind it would only ' +
      'move the same failed alerts once more. Its depth raises a CloudWatch alarm instead.';
    Validations.of(this.alertDlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: dlqIsTheEnd });
    Validations.of(this.alertDlq).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: dlqIsTheEnd });

    // The dashboard's accounts (CONTRACT 8): state, so here, kept across deploys like the table.
    this.userPool = new cognito.UserPool(this, 'LeadersUserPool', {
      // WHY (default false, stated): only the province's IT staff create accounts (console or
      // `aws cognito-idp admin-create-user`); a leader cannot sign themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      // WHY (default OFF): MFA available to every leader (an authenticator app); IT staff can make it
      // required for the pool. No SMS: it would need an SNS role and costs per message.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // WHY (default 8 characters): the page shows the ward's figures; 12 characters of all kinds.
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS, // WHY (stated): the classic hosted page, no Plus charge
      // WHY (default off / DESTROY): deleting the pool deletes every leader's account.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is available (authenticator app) and optional: the province decides whether its leaders must use it; ' +
        'IT staff can set the pool to require it without a code change.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG3',
      reason:
        'Threat protection (advanced security) needs the Plus feature plan, a per-user monthly charge, for a few ' +
        'dozen leaders; the pool has no self sign-up and a strong password policy instead.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is a per-user monthly charge; see COG3: no self sign-up, strong ' +
        'passwords and MFA available cover a pool of a few dozen accounts made by IT staff.',
    });
    // The hosted sign-in page: a prefix unique per account (a Cognito domain prefix is global per region).
    this.userPoolDomain = this.userPool.addDomain('LeadersSignIn', {
      cognitoDomain: { domainPrefix: Fn.join('-', ['motcua', Aws.ACCOUNT_ID]) },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    this.alertQueue = new sqs.Queue(this, 'AlertQueue', {
      // WHY (default 30 s): 6 x the notifier's timeout + its batching window (see limits.ts).
      visibilityTimeout: ALERT_QUEUE_VISIBILITY,
      // WHY (default: none): a message the notifier fails 5 times (bad address, SES refusal) is
      // parked for a human instead of being retried forever or silently dropped.
      deadLetterQueue: { queue: this.alertDlq, maxReceiveCount: 5 },
      encryption: sqs.QueueEncryption.SQS_MANAGED, // WHY: as the DLQ above
      enforceSSL: true, // WHY: as the DLQ above
    });
  }
}
