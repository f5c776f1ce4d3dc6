/**
 * `npm run test:localstack`: the suites that run on SQS, on LocalStack (in a container where a
 * container runtime exists, else on the host) with DynamoDB on moto, plus the CloudFormation check
 * of the synthesized stack. `npm test` runs the same suites on its own route (moto here).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'services/worker/test/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/localstack/**/*.test.ts',
    ],
    globalSetup: ['test/support/global-setup-localstack.ts'],
    // One file at a time: beside LocalStack and moto on two cores, two at once made moto (a
    // threaded server whose conditional writes are not atomic across threads) accept two racing
    // turns that DynamoDB refuses one of.
    maxWorkers: 1,
  },
});
