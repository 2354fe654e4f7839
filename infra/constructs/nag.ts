/**
 * cdk-nag v3 acknowledges one finding at a time, by its exact id: a wildcard resource is named
 * the way cdk-nag flattens the CloudFormation value (`<Logical.Arn>`, export names, ...). These
 * helpers compute that id from the same value the grant used, so an acknowledgement follows a
 * renamed construct instead of silently going stale (the nag test would catch it, late).
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// Deep import on purpose: the very function cdk-nag uses to name findings (no public export).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

/** The id of AwsSolutions-IAM5's finding for wildcard resource `value` in a policy of `scope`'s stack. */
export function wildcardResourceFinding(scope: IConstruct, value: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(value))}]`;
}

/**
 * `value` (a reference to an attribute of `producer`) as `scope`'s stack will see it: unchanged in
 * the same stack, the `Fn::ImportValue` of the producer's export across stacks. The export is the
 * same one CDK creates for the cross-stack reference anyway.
 */
export function asSeenFrom(scope: IConstruct, producer: IConstruct, value: string): string {
  const producerStack = Stack.of(producer);
  return producerStack === Stack.of(scope) ? value : producerStack.exportValue(value);
}
