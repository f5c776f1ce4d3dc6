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
      'test/**/*.test.ts',
      'web/test/**/*.test.ts',
    ],
    // Local AWS (LocalStack or a moto server it provisions) for the integration suites.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
