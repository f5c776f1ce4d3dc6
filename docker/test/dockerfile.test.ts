import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';
import {
  appStageName,
  copySpec,
  environment,
  execForm,
  flag,
  instructions,
  isNpmInstall,
  last,
  lineage,
  readDockerfile,
  repoRoot,
  shellCommand,
  type Stage,
} from './support/dockerfile.js';

// The package is CommonJS (`module.exports = factory`) while its types declare `export default`,
// which TypeScript reads as `module.exports.default`; at run time the default import is the factory.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

const dockerfile = readDockerfile();
const targets = ['api', 'worker'] as const;
const readJson = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));
const rootManifest = readJson('package.json') as { scripts: Record<string, string> };
/** The Node the repository's tests and scripts run on: the `node` devDependency, as locked. */
const lockedNode = readJson('package-lock.json').packages['node_modules/node'].version as string;

const npmInstalls = (chain: readonly Stage[]) =>
  instructions(chain, 'RUN').filter((run) => isNpmInstall(shellCommand(run)));

const appStageOf = (target: string) => lineage(dockerfile, appStageName(dockerfile, target));

describe('docker/Dockerfile', () => {
  it('starts from the official Node slim image, pinned to the exact Node 24 release the tests run on', () => {
    const images = dockerfile.stages.filter((s) => s.fromImage).map((s) => s.from);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      const match =
        /^(?:docker\.io\/library\/)?node:(\d+\.\d+\.\d+)-(?:bookworm|trixie)-slim(?:@sha256:[0-9a-f]{64})?$/.exec(
          image,
        );
      expect(match, `${image} is node:<x.y.z>-<debian>-slim`).not.toBeNull();
      expect(match![1]).toBe(lockedNode);
      expect(match![1]!.split('.')[0]).toBe('24');
    }
  });

  it.each(targets)(
    '%s is built in stages: it copies a finished tree and installs nothing itself',
    (target) => {
      const chain = lineage(dockerfile, target);
      expect(npmInstalls(chain)).toEqual([]);
      const app = appStageOf(target);
      expect(app.at(-1)!.name).not.toBe(target);
      // The compiled code comes from a stage that had the dev dependencies (TypeScript).
      const compiled = instructions(app, 'COPY')
        .map(copySpec)
        .filter((c) => c.sources.some((s) => s.endsWith('/dist')));
      expect(compiled.length).toBeGreaterThan(0);
      for (const copy of compiled) {
        const build = lineage(dockerfile, copy.from!);
        const devInstall = npmInstalls(build).map(shellCommand);
        expect(devInstall).toHaveLength(1);
        expect(devInstall[0]).not.toMatch(/--omit=dev/);
      }
    },
  );

  it.each(targets)(
    '%s holds only its own production dependencies: no dev tools, no infra CDK libraries',
    (target) => {
      const installs = npmInstalls(appStageOf(target)).map(shellCommand);
      expect(installs).toHaveLength(1);
      const args = installs[0]!.split(/\s+/);
      expect(args.slice(0, 2)).toEqual(['npm', 'ci']);
      expect(args).toContain('--omit=dev');
      expect(args).toContain(`--workspace=services/${target}`);
      expect(args).toContain('--include-workspace-root=false');
      expect(args.filter((a) => a.startsWith('--workspace='))).toHaveLength(1);
    },
  );

  it.each(targets)('%s runs as a non-root user', (target) => {
    const user = last(lineage(dockerfile, target), 'USER')?.getArguments()[0]?.getValue();
    expect(user, 'a USER instruction').toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it.each(targets)('%s runs with NODE_ENV=production', (target) => {
    expect(environment(lineage(dockerfile, target)).NODE_ENV).toBe('production');
  });

  it.each(targets)(
    '%s starts node directly (exec form, no npm, no shell) on the file `npm run start:<service>` runs',
    (target) => {
      const chain = lineage(dockerfile, target);
      expect(instructions(chain, 'ENTRYPOINT')).toEqual([]);
      const cmd = last(chain, 'CMD');
      expect(cmd, 'a CMD').toBeDefined();
      expect(execForm(cmd!), 'CMD in exec (JSON) form').toEqual(
        rootManifest.scripts[`start:${target}`]!.split(' '),
      );
    },
  );

  it('api probes /health on the port it listens on and exposes, in exec form with a timeout', () => {
    const chain = lineage(dockerfile, 'api');
    const port = environment(chain).PORT;
    expect(port).toMatch(/^\d+$/);
    expect(
      last(chain, 'EXPOSE')
        ?.getArguments()
        .map((a) => a.getValue()),
    ).toContain(port);
    const healthcheck = last(chain, 'HEALTHCHECK');
    expect(healthcheck, 'a HEALTHCHECK').toBeDefined();
    const probe = execForm(healthcheck!);
    expect(probe?.[0]).toBe('node');
    expect(probe!.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
    expect(flag(healthcheck!, 'timeout')).toMatch(/^\d+s$/);
  });

  it('worker serves its metrics on a port it exposes, on every interface (METRICS_PORT)', () => {
    const chain = lineage(dockerfile, 'worker');
    const { METRICS_PORT: port, HOST: host } = environment(chain);
    expect(port).toMatch(/^\d+$/);
    expect(host).toBe('0.0.0.0');
    expect(
      last(chain, 'EXPOSE')
        ?.getArguments()
        .map((a) => a.getValue()),
    ).toContain(port);
  });

  it('api listens on every interface in the container (the app alone defaults to loopback)', () => {
    expect(environment(lineage(dockerfile, 'api')).HOST).toBe('0.0.0.0');
  });

  it('mounts the npm cache on every install, so no layer carries it and rebuilds reuse it', () => {
    const installs = npmInstalls(dockerfile.stages);
    expect(installs.length).toBeGreaterThan(0);
    for (const run of installs) {
      expect(flag(run, 'mount')?.split(','), shellCommand(run)).toEqual(
        expect.arrayContaining(['type=cache', 'target=/root/.npm']),
      );
    }
  });

  it('runs npm and the compiler on the build platform, so the arm64 api image emulates neither', () => {
    const building = dockerfile.stages.filter((s) =>
      instructions([s], 'RUN').some((run) => /\bnpm ci\b|\btsc\b/.test(shellCommand(run))),
    );
    expect(building.length).toBeGreaterThan(0);
    for (const s of building) {
      expect(lineage(dockerfile, s.name)[0]!.platform, s.name).toBe('$BUILDPLATFORM');
    }
  });

  it.each(targets)(
    '%s itself is the target platform (no --platform), the one its task runs on',
    (target) => {
      for (const s of lineage(dockerfile, target)) expect(s.platform, s.name).toBeUndefined();
    },
  );

  it('installs production trees with no platform-specific package, so a build-platform install fits any target', () => {
    const lock = readJson('package-lock.json') as {
      packages: Record<
        string,
        { dependencies?: Record<string, string>; os?: unknown; cpu?: unknown }
      >;
    };
    const resolve = (name: string, from: string): string | undefined => {
      for (
        let dir = from;
        ;
        dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : ''
      ) {
        const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
        if (candidate in lock.packages) return candidate;
        if (!dir) return undefined;
      }
    };
    const seen = new Set<string>();
    const pending = ['shared', 'services/api', 'services/worker'];
    while (pending.length > 0) {
      const path = pending.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      for (const name of Object.keys(lock.packages[path]?.dependencies ?? {})) {
        const found = resolve(name, path);
        if (found) pending.push(found);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    const native = [...seen].filter((p) => lock.packages[p]?.os || lock.packages[p]?.cpu);
    expect(native).toEqual([]);
  });

  it('makes BuildKit fail the build on its own Dockerfile checks', () => {
    expect(dockerfile.directives.get('check')).toBe('error=true');
  });
});

describe('.dockerignore', () => {
  const ignored = dockerignore({ ignorecase: false }).add(
    readFileSync(join(repoRoot, '.dockerignore'), 'utf8'),
  );
  const tracked = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const isTest = (path: string) => /(^|\/)test\/|\.test\.ts$/.test(path);

  it('keeps secrets, tests, dependencies and local builds out of the build context', () => {
    const mustStayOut = [
      '.env',
      '.env.production',
      'services/api/.env',
      'shared/src/.env.local',
      '.aws/credentials',
      '.npmrc',
      '.git/config',
      'node_modules/fastify/package.json',
      'shared/node_modules/zod/package.json',
      'shared/dist/index.js',
      'services/api/dist/server.js',
      'services/api/tsconfig.tsbuildinfo',
      'infra/cdk.out/manifest.json',
      'infra/lib/app.ts',
      'coverage/index.html',
      'shared/src/config.test.ts',
      ...tracked.filter(isTest),
    ];
    expect(mustStayOut.filter((path) => !ignored.ignores(path))).toEqual([]);
  });

  it('lets in every file the Dockerfile copies from the context', () => {
    const fromContext = instructions(dockerfile.stages, 'COPY')
      .map(copySpec)
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources);
    expect(fromContext.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const source of fromContext) {
      const path = source.replace(/\/$/, '');
      // BuildKit's CopyIgnoredFile check (an error under `check=error=true`) looks at the path
      // as written, so a folder let in only through exceptions inside it does not pass.
      if (ignored.ignores(path)) missing.push(`${source} (the path itself is excluded)`);
      if (!existsSync(join(repoRoot, path))) {
        missing.push(`${source} (not in the repository)`);
      } else if (statSync(join(repoRoot, path)).isDirectory()) {
        // Within a copied folder: the sources and manifests the build reads, not docs or tests.
        const needed = tracked.filter(
          (f) =>
            f.startsWith(`${path}/`) &&
            !isTest(f) &&
            (f.endsWith('.ts') || /(^|\/)(package|tsconfig)\.json$/.test(f)),
        );
        if (needed.length === 0) missing.push(`${source} (nothing tracked inside)`);
        missing.push(...needed.filter((f) => ignored.ignores(f)));
      }
    }
    expect(missing).toEqual([]);
  });
});
