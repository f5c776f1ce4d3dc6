/**
 * `npm run local-aws [-- localstack|moto]`: local AWS for running the two services by hand,
 * provisioned exactly as the tests provision it (test/support/local-aws.ts). `localstack` (the
 * default): SQS, S3, Secrets Manager and CloudFormation on LocalStack, in a container where a
 * container runtime exists, else on the host (pinned, installed into .cache/ on first use, Python
 * 3.13), and DynamoDB on moto; `moto`: moto alone. Prints the variables to export, runs until
 * Ctrl-C (SIGINT) or SIGTERM, then stops everything it started.
 */
import { DUMMY_AWS_ENV, startLocalAws } from '../test/support/local-aws.js';

const route = process.argv[2] ?? 'localstack';
if (route !== 'localstack' && route !== 'moto') {
  console.error(`local-aws: unknown route ${route} (localstack or moto)`);
  process.exit(2);
}
const log = (line: string) => console.error(line);
const localAws = await startLocalAws(process.env, log, route);
console.log(
  `export ${Object.entries({ ...DUMMY_AWS_ENV, ...localAws.env })
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')}`,
);
console.error('local-aws: running; Ctrl-C stops it');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void localAws.stop().then(() => process.exit(0));
  });
}
