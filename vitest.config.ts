import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources (the "source" export condition).
    conditions: ['source'],
  },
  // Tests run in Vite's server (SSR) environment, which takes its conditions from here, not from
  // `resolve`: without this, `@iscoolgpt/shared` resolved to its last build in dist/. Vite's
  // default server conditions follow `source`.
  ssr: { resolve: { conditions: ['source', 'node', 'development|production'] } },
  test: {
    include: [
      'shared/test/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'infra/test/**/*.test.ts',
      'docker/test/**/*.test.ts',
      // test/localstack/ runs in `npm run test:localstack` only (vitest.localstack.config.ts).
      'test/delivery/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'web/test/**/*.test.ts',
    ],
    // Local AWS (the endpoint variables, LocalStack in a container, or a moto server it
    // provisions: test/support/local-aws.ts) and Redis for the integration suites.
    globalSetup: ['test/support/global-setup.ts'],
    // Two files at a time: most of them wait on timers, servers, browsers and emulators, and
    // vitest's default (cores − 1) runs one at a time on the 2-core CI machine. Two halved the
    // suite's wall time there (11 min to 5.5), all green; three gained no more.
    maxWorkers: 2,
    testTimeout: 30_000,
    // expect.poll waits for what a person would see happen (a list emptied after a DELETE, focus
    // moved, a status said): vitest's default of 1 s was too short for a round trip on a loaded
    // 2-core CI machine with two suites, their servers and their browsers running at once.
    expect: { poll: { timeout: 10_000 } },
    // A browser suite's test runs once more only when its browser went away under it (it
    // happened once in CI on a loaded machine, mid-test, without a crash log: Playwright closes
    // its browsers when the process gets SIGTERM or SIGHUP); the next page gets a new browser
    // (web/test/support/page.ts). Any other failure fails at once.
    retry: { count: 1, condition: /Target page, context or browser has been closed/ },
    hookTimeout: 120_000,
  },
});
