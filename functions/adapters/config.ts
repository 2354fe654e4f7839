/**
 * Configuration of the handlers, read from the environment once per cold start.
 *
 * Environment (set by the CDK stack on AWS, by `infra/local/main.ts` on the local stack):
 *   TABLE_NAME          the DynamoDB table
 *   ALERT_QUEUE_URL     the SQS queue of overdue / due-soon alerts
 *   ALERT_SENDER        From address of alert emails
 *   RECIPIENTS_FILE     path of the recipients JSON (local) …
 *   RECIPIENTS_JSON     … or the JSON itself (AWS: a deploy parameter)
 *   SECRETS_ARN         AWS only: the Secrets Manager secret holding the shared secrets (JSON)
 *   PORTAL_SECRET, POSTAL_SECRET, FEEDBACK_SECRET, PAYGOV_SECRET, VNPAY_HASH_SECRET
 *                       local only: the secrets themselves (never set on AWS)
 *   AWS_ENDPOINT_URL_DYNAMODB / _SQS / _SES   local only: the emulators
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type SecretName = 'PORTAL_SECRET' | 'POSTAL_SECRET' | 'FEEDBACK_SECRET' | 'PAYGOV_SECRET' | 'VNPAY_HASH_SECRET';

const LOCAL_DEFAULTS: Record<SecretName, string> = {
  PORTAL_SECRET: 'local-portal-secret',
  POSTAL_SECRET: 'local-postal-secret',
  FEEDBACK_SECRET: 'local-feedback-secret',
  PAYGOV_SECRET: 'local-paygov-secret',
  VNPAY_HASH_SECRET: 'local-vnpay-secret',
};

/** Cache lifetime of secrets fetched from Secrets Manager: short enough for a rotation to land. */
const SECRET_TTL_MS = 5 * 60 * 1000;
let cached: { at: number; values: Record<string, unknown> } | null = null;
let smClient: SecretsManagerClient | null = null;

/** A required environment variable; throws naming it when missing. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * The accepted values of a secret: the current one first, then the previous one while a rotation
 * is under way. On AWS the secret JSON holds `{"PORTAL_SECRET": "…"}` or `{"PORTAL_SECRET": ["new", "old"]}`.
 */
export async function secretValues(name: SecretName): Promise<string[]> {
  const arn = process.env.SECRETS_ARN;
  if (!arn) {
    // On Lambda a missing secret ARN is a deployment mistake: fail closed, never fall back to
    // the well-known local defaults.
    if (process.env.AWS_LAMBDA_FUNCTION_NAME) throw new Error(`SECRETS_ARN is not set: cannot verify with ${name}`);
    return [process.env[name] || LOCAL_DEFAULTS[name]];
  }
  if (!cached || Date.now() - cached.at > SECRET_TTL_MS) {
    smClient ??= new SecretsManagerClient({});
    const out = await smClient.send(new GetSecretValueCommand({ SecretId: arn }));
    cached = { at: Date.now(), values: JSON.parse(out.SecretString ?? '{}') };
  }
  const v = cached.values[name];
  const list = Array.isArray(v) ? v : [v];
  const values = list.filter((x): x is string => typeof x === 'string' && x.length > 0);
  if (values.length === 0) throw new Error(`secret ${name} is missing from ${arn}`);
  return values;
}
