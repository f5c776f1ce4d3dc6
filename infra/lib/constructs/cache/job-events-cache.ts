import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

/** ElastiCache Serverless listens on 6379 (6380 is the read-from-replica port, which we do not use). */
export const JOB_EVENTS_CACHE_PORT = 6379;

export interface JobEventsCacheProps {
  readonly envName: string;
  readonly vpc: ec2.IVpc;
  /** Subnets without a public address (the network's private subnets). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Ceiling on stored data. A job's events are small (deltas of a few hundred bytes, capped per
   * job, expiring an hour after it settles), so 1 GB holds far more streams than the service
   * runs; the ceiling bounds the bill if a bug stops events from expiring.
   */
  readonly maxDataStorageGb?: number;
  /**
   * Ceiling on ElastiCache Processing Units per second (each small command costs about one),
   * sized from the worker fleet's largest size (lib/sizing.ts). Past it the cache throttles.
   */
  readonly maxEcpuPerSecond: number;
}

/**
 * The event channel between the worker (publishes deltas) and the api (replays and follows them
 * for SSE clients): ElastiCache Serverless for Valkey in the private subnets. Serverless always
 * encrypts in transit (clients connect with `rediss://`) and at rest, runs across the subnets'
 * AZs, and bills by stored GB-hours and ECPUs with no node to size. It is never the source of
 * truth (jobs live in DynamoDB), so it keeps no snapshots.
 *
 * Only the security groups passed to `allowFrom` (the api and worker tasks) reach its port.
 */
export class JobEventsCache extends Construct {
  readonly cache: elasticache.CfnServerlessCache;
  readonly securityGroup: ec2.SecurityGroup;
  /** `rediss://host:port`, the value of REDIS_URL in both containers. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: JobEventsCacheProps) {
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Job events cache (Valkey): ingress only from the api and worker tasks',
      allowAllOutbound: false,
    });

    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: `iscoolgpt-${props.envName}-events`,
      description: 'IsCoolGPT job events: Redis Streams per job, replay and live delivery for SSE',
      engine: 'valkey',
      majorEngineVersion: '8',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      cacheUsageLimits: {
        dataStorage: { maximum: props.maxDataStorageGb ?? 1, unit: 'GB' },
        ecpuPerSecond: { maximum: props.maxEcpuPerSecond },
      },
    });

    this.url = `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
  }

  /**
   * Commands the cache refused for lack of ECPUs (the ceiling reached, or a burst faster than it
   * scales): events the worker could not publish or the api could not read.
   */
  metricThrottledCommands(period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ElastiCache',
      metricName: 'ThrottledCmds',
      // Serverless caches report under their name as clusterId.
      dimensionsMap: { clusterId: this.cache.serverlessCacheName },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  /** Lets `peer` (a service's security group) open connections to the cache port. */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(
      peer,
      ec2.Port.tcp(JOB_EVENTS_CACHE_PORT),
      description,
    );
  }
}
