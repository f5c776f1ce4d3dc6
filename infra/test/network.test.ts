import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Network, VPC_CIDR } from '../lib/constructs/network/network.js';
import { onlyResource, serviceOf, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

describe('network', () => {
  it('puts the tasks in private subnets that reach the internet through NAT (the LLM providers are public APIs)', () => {
    const privateSubnets = app.template.findResources('AWS::EC2::Subnet', {
      Properties: { MapPublicIpOnLaunch: false },
    });
    expect(Object.keys(privateSubnets)).toHaveLength(2);
    app.template.hasResourceProperties('AWS::EC2::Route', {
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: Match.anyValue(),
    });
  });

  it('gives production a NAT gateway in each AZ, so losing one AZ leaves the workers able to reach the providers', () => {
    expect(app.config.profile).toBe('production');
    app.template.resourceCountIs('AWS::EC2::NatGateway', 2);
    // Each private subnet routes to the internet through the NAT of its own AZ.
    const natRoutes = Object.values(
      app.template.findResources('AWS::EC2::Route', {
        Properties: { NatGatewayId: Match.anyValue() },
      }),
    ).map((route) => JSON.stringify(route.Properties.NatGatewayId));
    expect(new Set(natRoutes).size).toBe(2);
  });

  it('spans two availability zones so one AZ outage leaves both services running', () => {
    app.template.resourceCountIs('AWS::EC2::Subnet', 4);
  });

  it('picks availability zones at deploy time (Fn::GetAZs), so synth makes no AWS lookup', () => {
    app.template.hasResourceProperties('AWS::EC2::Subnet', {
      AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
    });
  });

  it('sends DynamoDB and S3 (ECR image layers) traffic through free gateway endpoints instead of NAT', () => {
    for (const service of ['dynamodb', 's3']) {
      app.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([`.${service}`])]),
        }),
      });
    }
  });

  it('logs rejected flows only (what a security group turned away), to CloudWatch Logs', () => {
    app.template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('adds no interface endpoint in production: a NAT per AZ already keeps SQS reachable from both', () => {
    app.template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  it('can add an SQS interface endpoint in both AZs (-c sqsEndpoint=true), off the NAT path', () => {
    const withEndpoint = synthesize({ sqsEndpoint: 'true' });
    const sqs = Object.values(
      withEndpoint.template.findResources('AWS::EC2::VPCEndpoint', {
        Properties: { ServiceName: Match.stringLikeRegexp('\\.sqs$'), PrivateDnsEnabled: true },
      }),
    );
    expect(sqs).toHaveLength(1);
    expect(sqs[0]!.Properties.SubnetIds).toHaveLength(2);
  });
});

describe('network on the development profile', () => {
  let dev: Synthesized;
  beforeAll(() => {
    dev = synthesize({ profile: 'development' });
  });
  const taskSecurityGroups = () =>
    (['api', 'worker'] as const).map((container) => {
      const network = serviceOf(dev.template, container).resource.Properties
        .NetworkConfiguration as {
        AwsvpcConfiguration: {
          AssignPublicIp: string;
          SecurityGroups: unknown[];
          Subnets: unknown[];
        };
      };
      return { container, ...network.AwsvpcConfiguration };
    });

  it('has no NAT gateway: the tasks reach the providers from public subnets, each with its own address', () => {
    dev.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const publicSubnets = Object.keys(
      dev.template.findResources('AWS::EC2::Subnet', { Properties: { MapPublicIpOnLaunch: true } }),
    ).map((id) => ({ Ref: id }));
    for (const task of taskSecurityGroups()) {
      expect(task.AssignPublicIp, task.container).toBe('ENABLED');
      expect(task.Subnets, task.container).toEqual(expect.arrayContaining(publicSubnets));
      expect(task.Subnets, task.container).toHaveLength(2);
    }
  });

  it("admits no inbound traffic to the tasks but the ALB's to the api port", () => {
    const albGroup = onlyResource(dev.template, 'AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Internal ALB') },
    }).id;
    for (const task of taskSecurityGroups()) {
      const groupIds = task.SecurityGroups.map(
        (group) => (group as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      );
      const ingress = groupIds.flatMap((id) => [
        ...((dev.template.toJSON().Resources[id].Properties.SecurityGroupIngress as unknown[]) ??
          []),
        ...Object.values(
          dev.template.findResources('AWS::EC2::SecurityGroupIngress', {
            Properties: { GroupId: { 'Fn::GetAtt': [id, 'GroupId'] } },
          }),
        ).map((rule) => rule.Properties),
      ]);
      // The cache's rules name the tasks as their source; none names a task group as target
      // but the ALB's, and nothing opens them to an address range.
      const sources = (ingress as Record<string, unknown>[]).map(
        (rule) => rule.SourceSecurityGroupId ?? rule.CidrIp ?? rule.CidrIpv6,
      );
      expect(sources, task.container).toEqual(
        task.container === 'api' ? [{ 'Fn::GetAtt': [albGroup, 'GroupId'] }] : [],
      );
    }
  });

  it('keeps the ALB, the VPC link and the cache in isolated subnets, without a route to the internet', () => {
    const isolated = Object.keys(
      dev.template.findResources('AWS::EC2::Subnet', {
        Properties: { MapPublicIpOnLaunch: false },
      }),
    ).map((id) => ({ Ref: id }));
    expect(isolated).toHaveLength(2);
    const alb = onlyResource(dev.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').resource;
    expect(alb.Properties.Subnets).toEqual(isolated);
    const cache = onlyResource(dev.template, 'AWS::ElastiCache::ServerlessCache').resource;
    expect(cache.Properties.SubnetIds).toEqual(isolated);
    const link = onlyResource(dev.template, 'AWS::ApiGatewayV2::VpcLink').resource;
    expect(link.Properties.SubnetIds).toEqual(isolated);
    // Their route tables have no default route.
    dev.template.resourceCountIs('AWS::EC2::Route', 2);
  });

  it('logs rejected flows only, as production does', () => {
    dev.template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('can still run on NAT (-c egress=nat): one gateway, tasks in private subnets', () => {
    const nat = synthesize({ profile: 'development', egress: 'nat' });
    nat.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(
      serviceOf(nat.template, 'worker').resource.Properties.NetworkConfiguration,
    ).toMatchObject({ AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } });
  });
});

describe('interface endpoints', () => {
  it('can keep ECR, SQS, Secrets Manager and Logs traffic inside the VPC with interface endpoints', () => {
    const stack = new Stack(new App(), 'Net', { env: { region: 'eu-west-1' } });
    new Network(stack, 'Network', {
      egress: 'nat',
      natGateways: 1,
      interfaceEndpoints: true,
      logRetention: RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    const interfaceEndpoints = template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface', PrivateDnsEnabled: true },
    });
    const services = Object.values(interfaceEndpoints).map((endpoint) =>
      JSON.stringify(endpoint.Properties.ServiceName),
    );
    for (const name of ['ecr.api', 'ecr.dkr', 'sqs', 'secretsmanager', 'logs']) {
      expect(services.some((s) => s.includes(`.${name}`))).toBe(true);
    }
    // Reachable on HTTPS from inside the VPC only.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Interface endpoints'),
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: VPC_CIDR, FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ],
    });
  });
});
