import { describe, expect, it } from 'vitest';
import {
  availableProviders,
  awsEndpoints,
  loadConfig,
  providersWithKeys,
  requireAwsConfig,
} from '../src/config.js';

describe('which providers a request may name', () => {
  it('in the API service, LLM_PROVIDERS: the workers hold the keys, the API holds none', () => {
    const config = loadConfig({ LLM_PROVIDERS: 'huggingface,openai' });
    expect(availableProviders(config)).toEqual(['huggingface', 'openai']);
  });

  it('without LLM_PROVIDERS, the providers whose key is set in the process', () => {
    expect(availableProviders(loadConfig({ HF_TOKEN: 'hf_x' }))).toEqual(['huggingface']);
    expect(availableProviders(loadConfig({}))).toEqual([]);
  });

  it('in embedded mode, only those the in-process worker can call: listed and with a key', () => {
    const config = loadConfig({ LLM_PROVIDERS: 'huggingface,openai', OPENAI_API_KEY: 'sk-x' });
    expect(providersWithKeys(config)).toEqual(['openai']);
  });
});

describe('AWS endpoints, resolved as the AWS SDKs and CLI resolve them', () => {
  const both = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:5000',
  };

  it('sends each service to its own variable first, and to AWS_ENDPOINT_URL otherwise', () => {
    expect(awsEndpoints(loadConfig(both))).toEqual({
      sqs: 'http://127.0.0.1:4566',
      dynamodb: 'http://127.0.0.1:5000',
    });
    expect(
      awsEndpoints(loadConfig({ ...both, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4599' })).sqs,
    ).toBe('http://127.0.0.1:4599');
  });

  it('uses a per-service variable without AWS_ENDPOINT_URL, and the real service where none is set', () => {
    expect(awsEndpoints(loadConfig({ AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566' }))).toEqual({
      sqs: 'http://127.0.0.1:4566',
      dynamodb: undefined,
    });
    expect(awsEndpoints(loadConfig({}))).toEqual({ sqs: undefined, dynamodb: undefined });
  });

  it('ignores every endpoint variable when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true', () => {
    const config = loadConfig({ ...both, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });
    expect(awsEndpoints(config)).toEqual({ sqs: undefined, dynamodb: undefined });
  });

  it('hands the resolved endpoints to the services with the rest of their AWS settings', () => {
    const config = loadConfig({
      ...both,
      AWS_REGION: 'us-east-1',
      JOBS_QUEUE_URL: 'http://127.0.0.1:4566/queue/us-east-1/000000000000/jobs',
      JOBS_TABLE_NAME: 'jobs',
    });
    expect(requireAwsConfig(config).endpoints).toEqual(awsEndpoints(config));
  });

  it('refuses an endpoint that is not a URL, naming the variable', () => {
    expect(() => loadConfig({ AWS_ENDPOINT_URL_SQS: '127.0.0.1:4566' })).toThrow(
      /AWS_ENDPOINT_URL_SQS/,
    );
  });
});

describe('API_STAGE', () => {
  it('is unset by default (embedded mode) and when empty', () => {
    expect(loadConfig({}).API_STAGE).toBeUndefined();
    expect(loadConfig({ API_STAGE: ' ' }).API_STAGE).toBeUndefined();
  });

  it('takes a stage name and refuses anything that is not one, naming the variable', () => {
    expect(loadConfig({ API_STAGE: 'prod' }).API_STAGE).toBe('prod');
    expect(() => loadConfig({ API_STAGE: 'dev/api' })).toThrow(/API_STAGE: must be a stage name/);
  });
});
