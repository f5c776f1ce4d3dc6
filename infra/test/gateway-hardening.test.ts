import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_ROUTES,
  HEALTH_THROTTLE,
  PREFLIGHT_THROTTLE,
  STAGE_THROTTLE,
} from '../lib/constructs/edge/rest-api.js';
import { gatewaySettings } from '../lib/shared-resources.js';
import { apiMethod, apiMethods } from './support/rest-api.js';
import { onlyResource, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

const CALLER = `integration.request.header.${gatewaySettings.callerHeader}`;

interface MethodSetting {
  HttpMethod: string;
  ResourcePath: string;
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
  LoggingLevel?: string;
  MetricsEnabled?: boolean;
  DataTraceEnabled?: boolean;
}
const methodSettings = () =>
  onlyResource(app.template, 'AWS::ApiGateway::Stage').resource.Properties
    .MethodSettings as MethodSetting[];
/** The stage's own entry for one method (`/api/v1/ask` is written `/~1api~1v1~1ask`). */
const settingFor = (httpMethod: string, path: string) =>
  methodSettings().find(
    (s) =>
      s.HttpMethod === httpMethod &&
      s.ResourcePath === (path === '/' || path === '/*' ? path : `/${path.replaceAll('/', '~1')}`),
  );

describe('caller identity for idempotency scopes (issue 14, point 3)', () => {
  const keyed = () =>
    apiMethods(app.template).filter(
      (m) => m.path.startsWith('/api/v1') && m.httpMethod !== 'OPTIONS',
    );

  it('maps the id of the API key API Gateway checked into x-iscoolgpt-caller on every /api/v1 method', () => {
    const methods = keyed();
    expect(methods).toHaveLength(API_ROUTES.length);
    for (const method of methods) {
      expect(
        method.properties.Integration.RequestParameters?.[CALLER],
        `${method.httpMethod} ${method.path}`,
      ).toBe('context.identity.apiKeyId');
    }
  });

  it('maps the caller only where a key was checked: every method that maps it requires a key', () => {
    const mapping = apiMethods(app.template).filter(
      (m) => m.properties.Integration?.RequestParameters?.[CALLER] !== undefined,
    );
    expect(mapping.length).toBeGreaterThan(0);
    for (const method of mapping) expect(method.properties.ApiKeyRequired).toBe(true);
    expect(
      apiMethod(app.template, 'GET', '/health').Integration.RequestParameters?.[CALLER],
    ).toBeUndefined();
  });
});

describe('throttling of the stage (issue 14, point 11)', () => {
  it('throttles every method by a stage-wide default, not only by the account’s 10,000 rps', () => {
    expect(settingFor('*', '/*')).toMatchObject({
      ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
    });
  });

  it('holds GET /health, which needs no key, to a few requests a second', () => {
    expect(settingFor('GET', '/health')).toMatchObject({
      ThrottlingRateLimit: HEALTH_THROTTLE.rateLimit,
      ThrottlingBurstLimit: HEALTH_THROTTLE.burstLimit,
    });
    expect(HEALTH_THROTTLE.rateLimit).toBeLessThan(STAGE_THROTTLE.rateLimit);
  });

  it('holds every CORS preflight, which needs no key, to a tight limit of its own', () => {
    const preflights = apiMethods(app.template).filter((m) => m.httpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(1);
    for (const { path } of preflights) {
      expect(settingFor('OPTIONS', path), path).toMatchObject({
        ThrottlingRateLimit: PREFLIGHT_THROTTLE.rateLimit,
        ThrottlingBurstLimit: PREFLIGHT_THROTTLE.burstLimit,
      });
    }
    expect(PREFLIGHT_THROTTLE.rateLimit).toBeLessThan(STAGE_THROTTLE.rateLimit);
  });

  it('keeps error logging and metrics on the methods with their own limits (their settings replace the stage’s)', () => {
    for (const setting of methodSettings()) {
      expect(setting, `${setting.HttpMethod} ${setting.ResourcePath}`).toMatchObject({
        LoggingLevel: 'ERROR',
        MetricsEnabled: true,
        DataTraceEnabled: false,
      });
    }
  });
});
