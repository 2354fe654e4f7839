/**
 * infra/app.ts: where the stacks go, and what the app is made of.
 */
import { App } from 'aws-cdk-lib';

import { DEFAULT_REGION, environmentOf } from '../../infra/app';

describe('environmentOf', () => {
  it.each([
    ['context region first', { region: 'ap-southeast-2' }, { CDK_DEFAULT_REGION: 'us-east-1' }, 'ap-southeast-2'],
    ['then the CLI region', {}, { CDK_DEFAULT_REGION: 'eu-west-1' }, 'eu-west-1'],
    ['then Singapore', {}, {}, DEFAULT_REGION],
  ])('takes the %s', (_what, context, env, region) => {
    // Prepare
    const app = new App({ context });

    // Act
    const environment = environmentOf(app, env);

    // Assess
    expect(environment.region).toBe(region);
  });

  it('takes the account from the CLI, or leaves the stacks account-agnostic', () => {
    // Prepare
    const app = new App();

    // Act
    const withAccount = environmentOf(app, { CDK_DEFAULT_ACCOUNT: '123456789012' });
    const without = environmentOf(app, {});

    // Assess
    expect(withAccount.account).toBe('123456789012');
    expect(without.account).toBeUndefined();
    expect(DEFAULT_REGION).toBe('ap-southeast-1');
  });
});
