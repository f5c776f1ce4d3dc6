import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  API_GATEWAY_STREAM_TIMEOUT_SECONDS,
  SSE_HEARTBEAT_SECONDS,
} from '../lib/config.js';
import { apiMethod } from './support/rest-api.js';
import { onlyResource, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize({ corsAllowOrigins: 'https://study.example.com' });
});

const integrationOf = (httpMethod: string, path: string) =>
  apiMethod(app.template, httpMethod, path).Integration as {
    ResponseTransferMode?: string;
    TimeoutInMillis: number;
    RequestParameters?: Record<string, string>;
  };

describe('API Gateway passes server-sent event streams through (issue 11)', () => {
  it('streams GET /api/v1/jobs/{id}/events as it is written instead of buffering it', () => {
    expect(integrationOf('GET', '/api/v1/jobs/{id}/events').ResponseTransferMode).toBe('STREAM');
  });

  it('streams POST /api/v1/ask, which answers with the job’s events for Accept: text/event-stream', () => {
    expect(integrationOf('POST', '/api/v1/ask').ResponseTransferMode).toBe('STREAM');
  });

  it('lets an events stream run for 15 minutes, API Gateway’s streaming limit', () => {
    expect(integrationOf('GET', '/api/v1/jobs/{id}/events').TimeoutInMillis).toBe(
      API_GATEWAY_STREAM_TIMEOUT_SECONDS * 1000,
    );
    expect(API_GATEWAY_STREAM_TIMEOUT_SECONDS).toBe(900);
  });

  it('lets a streamed ask outlive the 29 s budget of buffered responses', () => {
    expect(integrationOf('POST', '/api/v1/ask').TimeoutInMillis).toBeGreaterThan(
      API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS * 1000,
    );
  });

  it('keeps buffering (and the 29 s budget) for a plain job lookup', () => {
    const integration = integrationOf('GET', '/api/v1/jobs/{id}');
    expect(integration.ResponseTransferMode ?? 'BUFFERED').toBe('BUFFERED');
    expect(integration.TimeoutInMillis).toBe(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS * 1000);
  });

  it('keeps an idle ALB connection open longer than the SSE heartbeat interval', () => {
    const { resource } = onlyResource(app.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const idle = (
      resource.Properties.LoadBalancerAttributes as { Key: string; Value: string }[]
    ).find((a) => a.Key === 'idle_timeout.timeout_seconds');
    expect(Number(idle?.Value)).toBeGreaterThan(SSE_HEARTBEAT_SECONDS);
  });
});

describe('routes of the streaming and conversation issues (11, 12)', () => {
  it.each([
    ['POST', '/api/v1/jobs/{id}/cancel'],
    ['PUT', '/api/v1/jobs/{id}/feedback'],
    ['GET', '/api/v1/conversations/{id}'],
    ['DELETE', '/api/v1/conversations/{id}'],
    ['GET', '/api/v1/jobs/{id}/events'],
  ])('serves %s %s only with an API key', (httpMethod, path) => {
    expect(apiMethod(app.template, httpMethod, path).ApiKeyRequired).toBe(true);
  });

  it.each([
    ['POST', '/api/v1/jobs/{id}/cancel'],
    ['PUT', '/api/v1/jobs/{id}/feedback'],
    ['GET', '/api/v1/conversations/{id}'],
    ['DELETE', '/api/v1/conversations/{id}'],
    ['GET', '/api/v1/jobs/{id}/events'],
  ])('passes the id of %s %s on to the api', (httpMethod, path) => {
    const method = apiMethod(app.template, httpMethod, path);
    expect(method.RequestParameters).toEqual({ 'method.request.path.id': true });
    expect(method.Integration.RequestParameters).toMatchObject({
      'integration.request.path.id': 'method.request.path.id',
    });
    expect(JSON.stringify(method.Integration.Uri)).toContain(path);
  });

  it('allows PUT and DELETE in CORS preflights (feedback, deleting a conversation)', () => {
    const preflight = JSON.stringify(
      apiMethod(app.template, 'OPTIONS', '/api/v1/conversations/{id}').Integration,
    );
    expect(preflight).toMatch(/PUT/);
    expect(preflight).toMatch(/DELETE/);
  });

  it('allows the Last-Event-ID header in CORS preflights, so a browser can resume a stream', () => {
    const preflight = JSON.stringify(
      apiMethod(app.template, 'OPTIONS', '/api/v1/jobs/{id}/events').Integration,
    );
    expect(preflight.toLowerCase()).toContain('last-event-id');
  });
});
