import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp, type IsCoolGptApp } from '../../lib/app.js';

/**
 * Context every test synthesizes with: a region (as in a real deploy), a commit-SHA-like image
 * tag, an alarm e-mail (the production profile requires one) and the GitHub repository whose
 * deploy workflow gets its roles, so each setting is visible in the templates.
 */
export const TEST_CONTEXT = {
  env: 'test',
  imageTag: '3f2a9c1',
  region: 'eu-west-1',
  alarmEmail: 'oncall@example.com',
  githubRepository: 'iscoolgpt/iscoolgpt',
} as const;

export interface Synthesized extends IsCoolGptApp {
  /** The service stack: network, data, services, edge, observability. */
  readonly template: Template;
  /** The base stack: image repositories and the provider-keys secret. */
  readonly baseTemplate: Template;
}

/**
 * Builds the app exactly as bin/app.ts does and synthesizes it, which also runs the cdk-nag
 * AwsSolutions pack: a finding fails here. Call once per file, in beforeAll.
 */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const built = createApp({ context: { ...TEST_CONTEXT, ...context } });
  return {
    ...built,
    template: Template.fromStack(built.service),
    baseTemplate: Template.fromStack(built.base),
  };
}

/** The one resource of `type` matching `props`, with its logical id. */
export function onlyResource(
  template: Template,
  type: string,
  props: Record<string, unknown> = {},
): { id: string; resource: { Properties: Record<string, unknown>; [key: string]: unknown } } {
  const found = Object.entries(template.findResources(type, props));
  if (found.length !== 1) {
    throw new Error(`expected one ${type} matching the filter, found ${found.length}`);
  }
  const [id, resource] = found[0]!;
  return { id, resource: resource as { Properties: Record<string, unknown> } };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
}

/** Every Allow/Deny statement of the AWS::IAM::Policy resources attached to role `roleId`. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The actions `statements` allow, flattened. */
export function allowedActions(statements: Statement[]): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/**
 * The task definition running `container` (with its id), and that container's definition: the
 * task also runs sidecars (the trace collector), so the container is found by name.
 */
export function taskDefinitionOf(template: Template, container: 'api' | 'worker') {
  const { id, resource } = onlyResource(template, 'AWS::ECS::TaskDefinition', {
    Properties: { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: container })]) },
  });
  const definitions = resource.Properties.ContainerDefinitions as Record<string, unknown>[];
  return {
    id,
    resource,
    definitions,
    container: definitions.find((definition) => definition.Name === container)!,
  };
}

/** Task role and execution role logical ids of the task definition running `container`. */
export function rolesOf(template: Template, container: 'api' | 'worker') {
  const task = taskDefinitionOf(template, container);
  const roleId = (arn: unknown) => (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return {
    taskRole: roleId(task.resource.Properties.TaskRoleArn),
    executionRole: roleId(task.resource.Properties.ExecutionRoleArn),
    container: task.container,
  };
}

/** The ECS service whose task definition runs `container`. */
export function serviceOf(template: Template, container: 'api' | 'worker') {
  const { id } = taskDefinitionOf(template, container);
  return onlyResource(template, 'AWS::ECS::Service', {
    Properties: { TaskDefinition: { Ref: id } },
  });
}

/**
 * A template value as the text it becomes at deploy time, with `${…}` for what only the deploy
 * knows (`{ Ref: "AWS::AccountId" }` → `${AWS::AccountId}`, a GetAtt → `${Id.Attribute}`).
 */
export function templateText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(templateText).join(separator);
  }
  if (typeof v.Ref === 'string') return `\${${v.Ref}}`;
  if (Array.isArray(v['Fn::GetAtt'])) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  return JSON.stringify(value);
}
