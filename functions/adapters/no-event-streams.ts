/**
 * What the Lambda bundles get in place of `@smithy/core/event-streams` (an esbuild alias,
 * `infra/constructs/bundling.ts`). The SDK's protocols import event-stream serde on demand, for
 * operations that stream events (S3 SelectObjectContent, Bedrock, Transcribe, ...); none of the
 * clients the handlers use (DynamoDB, SES, SQS, Secrets Manager) has one, so the ~19 KB it adds to
 * every bundle is never run. Should a handler ever call such an operation, it fails with this
 * error instead of quietly doing something else. The sources, the tests and the local stack keep
 * the real module.
 */

function notBundled(): never {
  throw new Error(
    'SDK event streams are not bundled into this Lambda (@smithy/core/event-streams is aliased away in ' +
      'infra/constructs/bundling.ts): remove the alias before calling an operation with an event stream.',
  );
}

/** Stands in for the SDK's event-stream marshaller factory: throws. */
export function eventStreamSerdeProvider(): never {
  return notBundled();
}

/** Stands in for the SDK's event-stream serde: constructing it throws. */
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
