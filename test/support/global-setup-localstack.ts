/** vitest globalSetup of `npm run test:localstack`: SQS, S3, Secrets Manager and CloudFormation on LocalStack, DynamoDB on moto. */
import { localServices } from './global-setup.js';

export default localServices('localstack');
