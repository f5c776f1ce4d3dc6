import { Stack, Validations } from 'aws-cdk-lib';
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

/**
 * The id cdk-nag gives a wildcard resource finding (AwsSolutions-IAM5) for `resourceArn`, which
 * may contain tokens: references are written `<LogicalId>` / `<AWS::Region>`, joins are
 * flattened, as cdk-nag's own flattenCfnReference does. Acknowledging by exact ARN keeps the
 * acknowledgement from covering any other wildcard added to the same policy later.
 */
export function wildcardResourceFinding(scope: IConstruct, resourceArn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resourceArn))}]`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    if ('Fn::Join' in value) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in value) return flatten(value['Fn::Sub']);
    if ('Fn::GetAtt' in value) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in value) return flatten(value['Fn::ImportValue']);
    if ('Ref' in value) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}
