/**
 * What the Lambda bundles get in place of `@aws-sdk/credential-provider-node` (an esbuild alias,
 * `infra/constructs/bundling.ts`): the SDK clients' default credentials, read from the environment
 * only.
 *
 * Lambda hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, and the default chain takes them from there first. Its other links (SSO,
 * shared ini files, credential processes, web identity, container and instance metadata, with the
 * STS and SSO clients they call) are never reached on Lambda, yet weigh about 130 KB of every
 * bundle. The local stack and the tests run the TypeScript sources, not a bundle: they keep the
 * SDK's full chain.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** The default chain's signature (the clients call it with their own config as `init`). */
export function defaultProvider(init: FromEnvInit = {}): ReturnType<typeof fromEnv> {
  const fromEnvironment = fromEnv(init);
  return async (props) => {
    if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
      throw new Error(
        'no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set. This bundle reads ' +
          'credentials from the environment only, as Lambda sets them (the SDK default chain of profiles, ' +
          'SSO and instance metadata is left out: infra/constructs/bundling.ts).',
      );
    }
    return fromEnvironment(props);
  };
}
