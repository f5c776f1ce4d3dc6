import { beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_NAMES,
  PROVIDER_SECRETS,
} from '../lib/constructs/secrets/provider-keys-secret.js';
import { synthesize, taskDefinitionOf, TEST_CONTEXT, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

const container = (service: 'api' | 'worker') => taskDefinitionOf(app.template, service).container;

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
      const image = JSON.stringify(container(service).Image);
      expect(image).toContain(`:${TEST_CONTEXT.imageTag}"`);
    }
  });

  it('lives in the base stack, so repositories exist before the first image is pushed', () => {
    app.template.resourceCountIs('AWS::ECR::Repository', 0);
  });
});

describe('provider key secrets', () => {
  const secrets = () =>
    Object.values(app.baseTemplate.findResources('AWS::SecretsManager::Secret'));

  it('are one secret per provider, so adding a provider never regenerates another key', () => {
    expect(
      secrets()
        .map((secret) => secret.Properties.Name)
        .sort(),
    ).toEqual(PROVIDER_NAMES.map((p) => `iscoolgpt/test/${PROVIDER_SECRETS[p].name}`).sort());
  });

  it('are created empty: the template carries no generator a deploy could re-run over a key', () => {
    for (const secret of secrets()) {
      expect(secret.Properties.GenerateSecretString).toBeUndefined();
    }
  });

  it('are created empty: the template carries no value a deploy could write over a key', () => {
    for (const secret of secrets()) {
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });

  it('are kept when the stack is deleted, like the image repositories (not when their create rolls back)', () => {
    for (const secret of secrets()) {
      expect(secret).toMatchObject({
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('reach the worker as ECS container secrets, one whole secret per provider variable', () => {
    const mapped = container('worker').Secrets as { Name: string; ValueFrom: unknown }[];
    expect(mapped.map((s) => s.Name).sort()).toEqual(
      PROVIDER_NAMES.map((p) => PROVIDER_SECRETS[p].variable).sort(),
    );
    for (const secret of mapped) {
      // The secret's ARN itself, no `:json-key::` suffix: the whole value is the key.
      expect(Object.keys(secret.ValueFrom as object)).toEqual(['Fn::ImportValue']);
    }
  });

  it('map only the providers in the chain, so an unused provider needs no key to start a task', () => {
    const openaiOnly = synthesize({ llmProviders: 'openai' });
    const worker = taskDefinitionOf(openaiOnly.template, 'worker').container;
    expect((worker.Secrets as { Name: string }[]).map((s) => s.Name)).toEqual(['OPENAI_API_KEY']);
  });

  it('are never written into a task definition as a plain environment value', () => {
    for (const service of ['api', 'worker'] as const) {
      // Every container of the task, the trace collector sidecar included.
      for (const definition of taskDefinitionOf(app.template, service).definitions) {
        const environment = (definition.Environment ?? []) as { Name: string }[];
        for (const provider of PROVIDER_NAMES) {
          expect(environment.map((e) => e.Name)).not.toContain(PROVIDER_SECRETS[provider].variable);
        }
      }
    }
  });

  it('are not given to the api at all (its one secret is the guest-token key)', () => {
    const secrets = (container('api').Secrets ?? []) as { Name: string }[];
    expect(secrets.map((secret) => secret.Name)).toEqual(['GUEST_TOKEN_SECRET']);
  });
});
