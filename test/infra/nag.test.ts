/**
 * cdk-nag (AwsSolutions and Serverless packs, as infra/app.ts registers them): the app synthesizes
 * with no finding left unacknowledged, and every acknowledgement says why.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

import { addNagChecks, addStacks } from '../../infra/app';
import { TEST_REGION, testApp } from './fixture';

/** Every finding of both packs in `scope`, one readable line each. */
function findings(scope: IConstruct): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`)),
  );
}

/** Every acknowledgement recorded in `scope`'s tree, as [rule id, reason]. */
function acknowledgements(scope: IConstruct): [string, string][] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>));
}

describe('cdk-nag', () => {
  it('synthesizes the app with no unacknowledged error or warning', () => {
    // Prepare
    const app = testApp();
    addStacks(app, { region: TEST_REGION });
    addNagChecks(app);

    // Act
    let failure: unknown;
    try {
      app.synth();
    } catch (error) {
      failure = error;
    }

    // Assess
    expect(findings(app)).toEqual([]); // the list names each finding when this fails
    expect(failure).toBeUndefined();
  });

  it('fails the synth of a stack that breaks a rule (the packs are really wired)', () => {
    // Prepare
    const app = testApp();
    const stack = new Stack(app, 'Careless', { env: { region: TEST_REGION } });
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    addNagChecks(app);

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-SQS4/);
    expect(findings(app)).toEqual(expect.arrayContaining([expect.stringMatching(/Serverless-SQSRedrivePolicy/)]));
  });

  it('gives every acknowledgement a real reason', () => {
    // Prepare
    const app = testApp();
    addStacks(app, { region: TEST_REGION });

    // Act
    const acks = acknowledgements(app);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect({ id, ok: /^(Annotation::)?(AwsSolutions|Serverless)-/i.test(id) }).toEqual({ id, ok: true });
      expect({ id, long: reason.length >= 60 }).toEqual({ id, long: true });
    }
  });
});
