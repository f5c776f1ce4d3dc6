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
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
