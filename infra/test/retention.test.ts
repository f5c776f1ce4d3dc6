/**
 * A failed first deploy can simply be run again: every stateful resource (data, images, keys,
 * logs) is kept when its stack is deleted or the resource replaced, but removed when the create
 * that made it rolls back (CloudFormation's RetainExceptOnCreate), so a retry never meets
 * "already exists" on a fixed name.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from './support/synth.js';

/** Resource types that hold something worth keeping: user data, images, keys, logs. */
const STATEFUL_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::SecretsManager::Secret',
  'AWS::ECR::Repository',
];

type Resources = Record<
  string,
  { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties?: object }
>;

const profiles = { production: {}, development: { profile: 'development' } } as const;

describe.each(Object.entries(profiles))('on the %s profile', (_profile, context) => {
  let resources: Resources;
  beforeAll(() => {
    const app: Synthesized = synthesize({ ...context, githubOidcProvider: 'true' });
    resources = Object.assign(
      {},
      ...[app.template, app.baseTemplate, Template.fromStack(app.account)].map(
        (template) => template.toJSON().Resources as Resources,
      ),
    );
  });

  it('keeps every table, bucket, log group, secret and repository on delete and on replacement', () => {
    const stateful = Object.entries(resources).filter(([, r]) => STATEFUL_TYPES.includes(r.Type));
    expect(new Set(stateful.map(([, r]) => r.Type))).toEqual(new Set(STATEFUL_TYPES));
    const notKept = stateful
      .filter(
        ([, r]) =>
          r.DeletionPolicy !== 'RetainExceptOnCreate' || r.UpdateReplacePolicy !== 'Retain',
      )
      .map(([id, r]) => `${id} (${r.Type}): ${r.DeletionPolicy ?? 'Delete'}`);
    expect(notKept).toEqual([]);
  });

  it('retains nothing a failed create leaves behind: no plain Retain anywhere', () => {
    const retained = Object.entries(resources)
      .filter(([, r]) => r.DeletionPolicy === 'Retain')
      .map(([id, r]) => `${id} (${r.Type})`);
    expect(retained).toEqual([]);
  });
});
