/**
 * The GitHub workflows, checked for what actionlint cannot know: third-party actions pinned by
 * commit, AWS reached only by OIDC, deploys serialized and gated on the tests, images built for
 * the Dockerfile's targets, and every name deploy.yml assumes (stacks, ECR repositories, ECS
 * cluster, stack outputs) matching what the CDK app actually synthesizes.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readDockerfile, repoRoot } from '../../docker/test/support/dockerfile.js';
import { lastGoodImageTagParameter } from '../../infra/lib/constructs/ci/github-roles.js';
import {
  serviceOf,
  synthesize,
  TEST_CONTEXT,
  type Synthesized,
} from '../../infra/test/support/synth.js';
import { LOCALSTACK_IMAGE } from '../support/localstack.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  uses?: string;
  permissions?: Record<string, string>;
  environment?: string;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  services?: Record<string, { image: string }>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowsDir = join(repoRoot, '.github', 'workflows');
const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(workflowsDir, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const ci = workflow('ci.yml');
const deploy = workflow('deploy.yml');
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps ?? []);
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run ? [s.run] : []));
const rootScripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts;

describe('every workflow', () => {
  it('pins third-party actions to a full commit SHA, with the release it is beside it', () => {
    const unpinned = files.flatMap((file) =>
      text(file)
        .split('\n')
        .filter((line) => /^\s*(-\s+)?uses:\s/.test(line))
        .map((line) => line.trim().replace(/^-\s+/, ''))
        .filter((line) => !line.startsWith('uses: ./'))
        .filter((line) => !/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(line))
        .map((line) => `${file}: ${line}`),
    );
    expect(unpinned).toEqual([]);
  });

  it('pins each action to one commit everywhere', () => {
    const commits = new Map<string, Set<string>>();
    for (const file of files) {
      for (const [, action, sha] of text(file).matchAll(/uses: ([\w./-]+)@([0-9a-f]{40})/g)) {
        commits.set(action!, (commits.get(action!) ?? new Set()).add(sha!));
      }
    }
    expect([...commits].filter(([, shas]) => shas.size > 1).map(([action]) => action)).toEqual([]);
  });

  it('calls only npm scripts that exist', () => {
    const called = [ci, deploy]
      .flatMap(runs)
      .flatMap((run) => [...run.matchAll(/npm run (?!cdk -w infra)([\w:-]+)/g)].map((m) => m[1]!));
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((name) => !(name in rootScripts))).toEqual([]);
  });

  it('calls only scripts that are in the repository', () => {
    const paths = [ci, deploy]
      .flatMap(runs)
      .flatMap((run) => [...run.matchAll(/\bscripts\/[\w./-]+/g)].map((m) => m[0]));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });
});

describe('ci.yml', () => {
  it('runs on pull requests and pushes, and can be called by deploy.yml', () => {
    expect(Object.keys(ci.on)).toEqual(
      expect.arrayContaining(['pull_request', 'push', 'workflow_call']),
    );
  });

  it('installs, typechecks, lints, tests, synthesizes with cdk-nag, lints the templates and the workflows', () => {
    const commands = runs(ci).join('\n');
    for (const command of [
      'npm ci',
      'npm run typecheck',
      'npm run lint',
      'npm test',
      'npm run synth',
      'scripts/cfn-lint.sh',
      'scripts/actionlint.sh',
    ]) {
      expect(commands).toContain(command);
    }
  });

  it('keeps DynamoDB on moto: no LocalStack service (its DynamoDB is DynamoDB Local) and no endpoint that sends DynamoDB there', () => {
    const services = Object.values(ci.jobs).flatMap((job) => Object.values(job.services ?? {}));
    // The Valkey a developer runs (localstack.yml) is the one CI tests against.
    const compose = parse(readFileSync(join(repoRoot, 'localstack.yml'), 'utf8')) as {
      services: Record<string, { image: string }>;
    };
    expect(services.map((s) => s.image)).toEqual([compose.services.valkey?.image]);
    expect(services.map((s) => s.image)).not.toContain(LOCALSTACK_IMAGE);
    const testSteps = steps(ci).filter(
      (s) => s.run?.startsWith('npm test') || s.run?.startsWith('npm run test:'),
    ) as (Step & {
      env?: Record<string, string>;
    })[];
    expect(testSteps.map((s) => s.run)).toEqual(['npm test', 'npm run test:localstack']);
    for (const step of testSteps) {
      expect(step.env?.AWS_ENDPOINT_URL).toBeUndefined();
      expect(step.env?.AWS_ENDPOINT_URL_DYNAMODB).toBeUndefined();
      expect(step.env?.REDIS_URL).toBe('redis://localhost:6379');
    }
  });
});

describe('deploy.yml', () => {
  const jobs = Object.entries(deploy.jobs);
  const awsJobs = jobs.filter(([, job]) =>
    (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')),
  );

  it('runs on pushes to main', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
  });

  it('deploys nothing before the tests pass: every job depends on the ci.yml job', () => {
    const [testJob] = jobs.find(([, job]) => job.uses === './.github/workflows/ci.yml') ?? [];
    expect(testJob).toBeDefined();
    const needs = (name: string): string[] => {
      const direct = [deploy.jobs[name]!.needs ?? []].flat();
      return [...direct, ...direct.flatMap(needs)];
    };
    const ungated = jobs
      .map(([name]) => name)
      .filter((name) => name !== testJob && !needs(name).includes(testJob!));
    expect(ungated).toEqual([]);
  });

  it('never runs two deploys at once, and never cancels one half-way', () => {
    expect(deploy.concurrency?.group).toBeTruthy();
    expect(deploy.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('reaches AWS only by OIDC: id-token where credentials are needed, a role, no keys', () => {
    expect(awsJobs.length).toBeGreaterThan(0);
    expect(deploy.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of awsJobs) {
      expect(job.permissions?.['id-token'], name).toBe('write');
      const credentials = job.steps!.find((s) =>
        s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
      )!;
      expect(credentials.with?.['role-to-assume'], name).toBeTruthy();
      expect(Object.keys(credentials.with ?? {}), name).not.toContain('aws-access-key-id');
    }
    expect(text('deploy.yml')).not.toMatch(/secrets\.|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/);
  });

  it('builds one image per Dockerfile target with Buildx and its cache, tagged with the commit SHA', () => {
    const images = jobs.find(([, job]) => job.strategy?.matrix?.service)?.[1];
    expect(images).toBeDefined();
    const targets = images!.strategy!.matrix!.service as string[];
    const stages = readDockerfile().stages.map((s) => s.name);
    expect(targets.sort()).toEqual(['api', 'worker']);
    expect(targets.filter((t) => !stages.includes(t))).toEqual([]);

    const uses = images!.steps!.map((s) => s.uses?.split('@')[0]);
    expect(uses).toEqual(
      expect.arrayContaining([
        'aws-actions/amazon-ecr-login',
        'docker/setup-buildx-action',
        'docker/build-push-action',
      ]),
    );
    const build = images!.steps!.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(existsSync(join(repoRoot, build.with!.file as string))).toBe(true);
    expect(build.with).toMatchObject({
      context: '.',
      target: '${{ matrix.service }}',
      push: true,
      'cache-from': expect.stringMatching(/^type=gha/),
      'cache-to': expect.stringMatching(/^type=gha/),
    });
    expect(build.with!.tags).toMatch(
      /^\$\{\{ steps\.ecr\.outputs\.registry \}\}\/.+:\$\{\{ github\.sha \}\}$/,
    );
  });

  it('checks the account, deploys the commit SHA as the image tag, waits for ECS, then smoke-tests through the gateway', () => {
    const commands = runs(deploy);
    const order = [
      commands.findIndex((r) => r.includes('scripts/deploy-preflight.ts')),
      commands.findIndex((r) => /cdk -w infra -- deploy[\s\S]*-c imageTag="\$GITHUB_SHA"/.test(r)),
      commands.findIndex((r) => r.includes('scripts/wait-services-stable.sh')),
      commands.findIndex((r) => r.includes('scripts/smoke-test.ts')),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('gives the image jobs the push-only role, and every other AWS job the deploy role', () => {
    const roleOf = (job: Job) =>
      job.steps!.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!.with?.[
        'role-to-assume'
      ];
    for (const [name, job] of awsJobs) {
      const pushes = (job.steps ?? []).some((s) => s.uses?.startsWith('docker/build-push-action@'));
      expect(roleOf(job), name).toBe(
        pushes ? '${{ vars.AWS_IMAGE_ROLE_ARN }}' : '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      );
      if (pushes) {
        expect(JSON.stringify(job.steps), name).not.toMatch(/cdk|deploy-preflight|smoke-test/);
      }
    }
    expect(text('deploy.yml')).not.toContain('vars.AWS_ROLE_ARN');
  });

  it('stops on any critical ECR finding of the pushed image, before anything is deployed', () => {
    const images = Object.values(deploy.jobs).find((job) => job.env?.REPOSITORY)!;
    const steps = images.steps!;
    const push = steps.findIndex((s) => s.uses?.startsWith('docker/build-push-action@'));
    const gate = steps.findIndex((s) => s.run?.includes('describe-image-scan-findings'));
    expect(gate).toBeGreaterThan(push);
    expect(steps[gate]!.if).toBeUndefined();
    expect(steps[gate]!.run).toContain('aws ecr wait image-scan-complete');
    expect(steps[gate]!.run).toMatch(/findingSeverityCounts\.CRITICAL[\s\S]*exit 1/);
    // The deploy job waits on the images job, gate included.
    expect([deploy.jobs.deploy!.needs].flat()).toContain('images');
  });

  it('redeploys the last image tag that passed the smoke test when the smoke test fails', () => {
    const steps = deploy.jobs.deploy!.steps!;
    const smoke = steps.find((s) => s.run?.includes('scripts/smoke-test.ts')) as Step & {
      id?: string;
    };
    const rollback = steps.find((s) => s.if?.includes(`steps.${smoke.id}.outcome == 'failure'`));
    expect(rollback?.if).toMatch(/^failure\(\)/);
    expect(rollback?.run).toMatch(/cdk -w infra -- deploy[\s\S]*-c imageTag="\$LAST_GOOD"/);
    expect(rollback?.run).toContain('scripts/wait-services-stable.sh');
    // The tag is recorded only after a smoke test passed, under the name the deploy role may write.
    const record = steps.findIndex((s) => s.run?.includes('aws ssm put-parameter'));
    expect(record).toBeGreaterThan(steps.indexOf(smoke));
    expect(steps[record]!.if).toBeUndefined();
    const parameter = lastGoodImageTagParameter('${DEPLOY_ENV}');
    expect(steps[record]!.run).toContain(`"${parameter}"`);
    expect(runs(deploy).find((r) => r.includes('aws ssm get-parameter'))).toContain(
      `"${parameter}"`,
    );
  });

  it('passes the alarm subscriber and the repository whose roles the base stack keeps to every synth', () => {
    const synths = runs(deploy).filter((r) => /cdk -w infra -- deploy|deploy-preflight/.test(r));
    expect(synths.length).toBeGreaterThanOrEqual(4);
    for (const command of synths) {
      expect(command).toContain('-c alarmEmail="$ALARM_EMAIL"');
      expect(command).toContain('-c githubRepository="$GITHUB_REPOSITORY"');
      expect(command).toContain('-c env="$DEPLOY_ENV" -c region="$AWS_REGION"');
    }
    expect(deploy.env?.ALARM_EMAIL).toBe('${{ vars.ALARM_EMAIL }}');
  });

  it('builds the study page, uploads it and invalidates CloudFront once the smoke test passed', () => {
    const commands = runs(deploy);
    const order = [
      commands.findIndex((r) => r.includes('scripts/smoke-test.ts')),
      commands.findIndex((r) => r.includes('npm run build -w web')),
      commands.findIndex((r) => /aws s3 sync web\/dist/.test(r)),
      commands.findIndex((r) => r.includes('aws cloudfront create-invalidation')),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const web = JSON.parse(readFileSync(join(repoRoot, 'web', 'package.json'), 'utf8'));
    expect(web.scripts.build).toBeDefined();
  });

  it('uploads hashed assets as immutable and the rest (index.html) as revalidated, assets first', () => {
    const upload = runs(deploy).find((r) => r.includes('aws s3 sync'))!;
    const syncs = upload.split('\n').filter((line) => line.includes('aws s3 sync'));
    expect(syncs).toHaveLength(2);
    expect(upload).toMatch(
      /sync web\/dist\/assets [^\n]*\n?\s*--cache-control 'public, max-age=31536000, immutable'/,
    );
    expect(syncs[1]).toMatch(/--exclude 'assets\/\*'.*--cache-control 'no-cache'/);
  });

  describe('names it shares with the CDK app', () => {
    const env = TEST_CONTEXT.env;
    const deployText = text('deploy.yml');
    let app: Synthesized;
    beforeAll(() => {
      app = synthesize();
    }, 120_000);

    it('deploys stacks that the app defines', () => {
      const named = [...deployText.matchAll(/"(IsCoolGpt-\$\{DEPLOY_ENV\}[\w-]*)"/g)].map((m) =>
        m[1]!.replace('${DEPLOY_ENV}', env),
      );
      expect(named.length).toBeGreaterThan(0);
      const stacks = [app.base.stackName, app.service.stackName];
      expect(named.filter((name) => !stacks.includes(name))).toEqual([]);
    });

    it('pushes to the ECR repositories the base stack creates', () => {
      const images = Object.values(deploy.jobs).find((job) => job.env?.REPOSITORY)!;
      const repositories = (images.strategy!.matrix!.service as string[]).map((service) =>
        images
          .env!.REPOSITORY!.replace("${{ vars.DEPLOY_ENV || 'dev' }}", env)
          .replace('${{ matrix.service }}', service),
      );
      for (const name of repositories) {
        app.baseTemplate.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: name });
      }
    });

    it('builds each image for the CPU architecture its task definition runs on', () => {
      const images = Object.values(deploy.jobs).find((job) => job.env?.REPOSITORY)!;
      const include = images.strategy!.matrix!.include as { service: string; platform: string }[];
      const build = images.steps!.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
      expect(build.with!.platforms).toBe('${{ matrix.platform }}');
      const architecture = { 'linux/arm64': 'ARM64', 'linux/amd64': 'X86_64' } as const;
      for (const service of ['api', 'worker'] as const) {
        const platform = include.find((entry) => entry.service === service)?.platform;
        expect(platform, service).toBeDefined();
        app.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
          ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: service })]),
          RuntimePlatform: { CpuArchitecture: architecture[platform as keyof typeof architecture] },
        });
      }
    });

    it('waits on the two services of the ECS cluster, named by the stack outputs', () => {
      const script = readFileSync(join(repoRoot, 'scripts', 'wait-services-stable.sh'), 'utf8');
      const cluster = /cluster="(iscoolgpt-\$\{DEPLOY_ENV\})"/.exec(script)?.[1];
      expect(cluster).toBeDefined();
      app.template.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterName: cluster!.replace('${DEPLOY_ENV}', env),
      });
      app.template.resourceCountIs('AWS::ECS::Service', 2);
      const outputs = app.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      for (const [name, container] of [
        ['ApiServiceName', 'api'],
        ['WorkerServiceName', 'worker'],
      ] as const) {
        expect(script).toContain(`.[$stack].${name}`);
        expect(outputs[name]?.Value).toEqual({
          'Fn::GetAtt': [serviceOf(app.template, container).id, 'Name'],
        });
      }
    });

    it('assumes the roles the base stack makes for this repository', () => {
      const outputs = Object.keys(app.baseTemplate.toJSON().Outputs as object);
      for (const name of ['GithubImageRoleArn', 'GithubDeployRoleArn']) {
        expect(
          outputs.filter((key) => key.startsWith(name)),
          name,
        ).toHaveLength(1);
      }
    });

    it('finds the study page bucket and distribution among the service stack outputs', () => {
      const outputs = Object.keys(app.template.toJSON().Outputs as object);
      for (const name of ['WebBucketName', 'WebDistributionId', 'WebUrl']) {
        expect(deployText).toContain(`test("${name}")`);
        expect(
          outputs.filter((key) => new RegExp(name).test(key)),
          name,
        ).toHaveLength(1);
      }
    });

    it('finds the gateway URL and API key id among the service stack outputs', () => {
      const outputs = app.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      const urls = Object.values(outputs).filter((o) =>
        /"https:\/\/",.*"\.execute-api\./.test(JSON.stringify(o.Value)),
      );
      expect(urls.length).toBeGreaterThan(0);
      expect(Object.keys(outputs).filter((key) => /ApiKeyId/.test(key))).toHaveLength(1);
    });
  });
});
