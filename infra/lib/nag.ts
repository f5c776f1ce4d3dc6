import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on one construct (and its children). Every call site gives the
 * exact finding id (`AwsSolutions-IAM5[Resource::*]`, never a bare prefix) and a reason that
 * says why the finding does not apply here; test/nag.test.ts rejects short or generic reasons.
 */
export function acknowledge(
  scope: IConstruct,
  ...findings: { readonly id: string; readonly reason: string }[]
): void {
  Validations.of(scope).acknowledge(...findings);
}
