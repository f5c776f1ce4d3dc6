import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELTAS_PER_SECOND } from '../../shared/src/domain/delta-pacer.js';
import { JOB_EVENTS_CACHE_PORT } from '../lib/constructs/cache/job-events-cache.js';
import { ECPU_PER_STREAMING_ANSWER, eventsCacheEcpuCeiling } from '../lib/sizing.js';
import { onlyResource, rolesOf, serviceOf, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

const cache = () => onlyResource(app.template, 'AWS::ElastiCache::ServerlessCache');
const cacheSecurityGroupId = () => {
  const [groupId] = cache().resource.Properties.SecurityGroupIds as {
    'Fn::GetAtt': [string, string];
  }[];
  return groupId!['Fn::GetAtt'][0];
};
const serviceSecurityGroupId = (container: 'api' | 'worker') => {
  const network = serviceOf(app.template, container).resource.Properties.NetworkConfiguration as {
    AwsvpcConfiguration: { SecurityGroups: { 'Fn::GetAtt': [string, string] }[] };
  };
  return network.AwsvpcConfiguration.SecurityGroups[0]!['Fn::GetAtt'][0];
};
const environmentOf = (container: 'api' | 'worker', name: string) =>
  (
    rolesOf(app.template, container).container.Environment as { Name: string; Value: unknown }[]
  ).find((e) => e.Name === name)?.Value;
const redisUrlOf = (container: 'api' | 'worker') => environmentOf(container, 'REDIS_URL');

describe('job events cache (ElastiCache Serverless)', () => {
  it('runs Valkey, the engine the events adapter is written for', () => {
    app.template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
    });
  });

  it('lives in the private subnets, with no address reachable from the internet', () => {
    const subnets = cache().resource.Properties.SubnetIds as { Ref: string }[];
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet.Ref).toMatch(/privateSubnet/);
  });

  it('admits connections on its port from the api and worker task security groups, and from nothing else', () => {
    const ingress = Object.values(
      app.template.findResources('AWS::EC2::SecurityGroupIngress', {
        Properties: { GroupId: { 'Fn::GetAtt': [cacheSecurityGroupId(), 'GroupId'] } },
      }),
    ).map((rule) => rule.Properties);
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) {
      expect(rule).toMatchObject({
        IpProtocol: 'tcp',
        FromPort: JOB_EVENTS_CACHE_PORT,
        ToPort: JOB_EVENTS_CACHE_PORT,
      });
      expect(rule.CidrIp).toBeUndefined();
    }
    expect(ingress.map((rule) => rule.SourceSecurityGroupId['Fn::GetAtt'][0]).sort()).toEqual(
      [serviceSecurityGroupId('api'), serviceSecurityGroupId('worker')].sort(),
    );
    const group = app.template.findResources('AWS::EC2::SecurityGroup')[cacheSecurityGroupId()];
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('gives both containers REDIS_URL with rediss:// (serverless accepts TLS connections only)', () => {
    const { id } = cache();
    const expected = {
      'Fn::Join': [
        '',
        [
          'rediss://',
          { 'Fn::GetAtt': [id, 'Endpoint.Address'] },
          ':',
          { 'Fn::GetAtt': [id, 'Endpoint.Port'] },
        ],
      ],
    };
    expect(redisUrlOf('api')).toEqual(expected);
    expect(redisUrlOf('worker')).toEqual(expected);
  });

  it('tells both containers the cache is a cluster (REDIS_CLUSTER), as serverless caches are', () => {
    expect(environmentOf('api', 'REDIS_CLUSTER')).toBe('true');
    expect(environmentOf('worker', 'REDIS_CLUSTER')).toBe('true');
  });

  it("sizes its ECPU ceiling from the worker fleet's largest size: every job it can run streaming at once, twice over", () => {
    const { worker, app: settings } = app.config;
    app.template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      CacheUsageLimits: Match.objectLike({
        ECPUPerSecond: {
          Maximum: worker.maxCount * settings.workerConcurrency * ECPU_PER_STREAMING_ANSWER * 2,
        },
      }),
    });
    // Production: 10 tasks × 10 jobs × 100 ECPU/s × 2 = 20,000 (5,000 held about 50 streams).
    expect(eventsCacheEcpuCeiling({ maxCount: 10, concurrency: 10 })).toBe(20_000);
  });

  it("assumes the worker's own delta pace: 20 a second, about 5 ECPUs each", () => {
    expect(ECPU_PER_STREAMING_ANSWER).toBe(DELTAS_PER_SECOND * 5);
  });

  it('follows a bigger fleet, and stays at or above the lowest ceiling ElastiCache accepts', () => {
    const bigger = synthesize({ workerMaxCount: '30' });
    expect(bigger.config.eventsCacheMaxEcpuPerSecond).toBe(30 * 10 * 100 * 2);
    expect(eventsCacheEcpuCeiling({ maxCount: 1, concurrency: 1 })).toBe(1000);
  });

  it('caps stored data and ECPUs, so a bug that stops events from expiring cannot run up the bill', () => {
    app.template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      CacheUsageLimits: {
        DataStorage: { Maximum: Match.anyValue(), Unit: 'GB' },
        ECPUPerSecond: { Maximum: Match.anyValue() },
      },
    });
  });
});
