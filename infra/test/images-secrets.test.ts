import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_SECRET_KEYS } from '../lib/constructs/secrets/provider-keys-secret.js';
import { onlyResource, synthesize, TEST_CONTEXT, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

const containers = (service: 'api' | 'worker') => {
  const { resource } = onlyResource(app.template, 'AWS::ECS::TaskDefinition', {
    Properties: { ContainerDefinitions: [Match.objectLike({ Name: service })] },
  });
  return resource.Properties.ContainerDefinitions as Record<string, unknown>[];
};

describe('image repositories', () => {
  it('keeps one repository per service image, per environment', () => {
    for (const name of ['api', 'worker']) {
      app.baseTemplate.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: `iscoolgpt/test/${name}`,
      });
    }
  });

  it('scans every pushed image for known vulnerabilities', () => {
    const repositories = app.baseTemplate.findResources('AWS::ECR::Repository');
    expect(Object.keys(repositories)).toHaveLength(2);
    for (const repository of Object.values(repositories)) {
      expect(repository.Properties.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    }
  });

  it('makes tags immutable, so a commit-SHA tag always names the build that was tested', () => {
    for (const repository of Object.values(
      app.baseTemplate.findResources('AWS::ECR::Repository'),
    )) {
      expect(repository.Properties.ImageTagMutability).toBe('IMMUTABLE');
    }
  });

  it('expires untagged layers and keeps a bounded rollback window of tagged images', () => {
    for (const repository of Object.values(
      app.baseTemplate.findResources('AWS::ECR::Repository'),
    )) {
      const policy = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText) as {
        rules: { selection: { tagStatus: string; countType: string } }[];
      };
      expect(policy.rules.map((rule) => rule.selection)).toEqual([
        expect.objectContaining({ tagStatus: 'untagged', countType: 'sinceImagePushed' }),
        expect.objectContaining({ tagStatus: 'any', countType: 'imageCountMoreThan' }),
      ]);
    }
  });

  it('runs both services from the image tag given in context (the CI passes the commit SHA)', () => {
    for (const service of ['api', 'worker'] as const) {
      const image = JSON.stringify(containers(service)[0]!.Image);
      expect(image).toContain(`:${TEST_CONTEXT.imageTag}"`);
    }
  });

  it('lives in the base stack, so repositories exist before the first image is pushed', () => {
    app.template.resourceCountIs('AWS::ECR::Repository', 0);
  });
});

describe('provider keys secret', () => {
  it('is created holding every key the worker maps, so a task can start before real keys are set', () => {
    const { resource } = onlyResource(app.baseTemplate, 'AWS::SecretsManager::Secret');
    const template = JSON.parse(
      (resource.Properties.GenerateSecretString as { SecretStringTemplate: string })
        .SecretStringTemplate,
    ) as Record<string, string>;
    expect(Object.keys(template).sort()).toEqual([...PROVIDER_SECRET_KEYS].sort());
    expect(resource.Properties.Name).toBe('iscoolgpt/test/provider-keys');
  });

  it('reaches the worker as ECS container secrets, one per JSON key', () => {
    const [worker] = containers('worker');
    const secrets = worker!.Secrets as { Name: string; ValueFrom: unknown }[];
    expect(secrets.map((s) => s.Name).sort()).toEqual([...PROVIDER_SECRET_KEYS].sort());
    for (const secret of secrets) {
      expect(JSON.stringify(secret.ValueFrom)).toContain(`:${secret.Name}::`);
    }
  });

  it('is never written into a task definition as a plain environment value', () => {
    for (const service of ['api', 'worker'] as const) {
      const environment = containers(service)[0]!.Environment as { Name: string }[];
      for (const key of PROVIDER_SECRET_KEYS) {
        expect(environment.map((e) => e.Name)).not.toContain(key);
      }
    }
  });

  it('is not given to the api at all', () => {
    expect(containers('api')[0]!.Secrets).toBeUndefined();
  });
});
