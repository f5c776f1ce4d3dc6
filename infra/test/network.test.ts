import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Network, VPC_CIDR } from '../lib/constructs/network/network.js';
import { synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

describe('network', () => {
  it('puts the tasks in private subnets that reach the internet through NAT (the LLM providers are public APIs)', () => {
    app.template.resourceCountIs('AWS::EC2::NatGateway', app.config.network.natGateways);
    const privateSubnets = app.template.findResources('AWS::EC2::Subnet', {
      Properties: { MapPublicIpOnLaunch: false },
    });
    expect(Object.keys(privateSubnets)).toHaveLength(2);
    app.template.hasResourceProperties('AWS::EC2::Route', {
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: Match.anyValue(),
    });
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

  it('records every flow (accepted and rejected) to CloudWatch Logs for incident forensics', () => {
    app.template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it("keeps the api's path to SQS (every ask) off the single NAT in production: an SQS interface endpoint", () => {
    expect(app.config.profile).toBe('production');
    app.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: Match.stringLikeRegexp('\\.sqs$'),
    });
  });

  it('places the SQS endpoint in both AZs, so losing one AZ leaves the other able to enqueue', () => {
    const sqs = Object.values(
      app.template.findResources('AWS::EC2::VPCEndpoint', {
        Properties: { ServiceName: Match.stringLikeRegexp('\\.sqs$') },
      }),
    );
    expect(sqs).toHaveLength(1);
    expect(sqs[0]!.Properties.SubnetIds).toHaveLength(2);
  });

  it('adds only the SQS endpoint in production: NAT already covers the other AWS APIs at lower cost', () => {
    app.template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
  });

  it('leaves the SQS endpoint out of the lean development profile (the single NAT carries it)', () => {
    const dev = synthesize({ profile: 'development' });
    dev.template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    dev.template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('can keep ECR, SQS, Secrets Manager and Logs traffic inside the VPC with interface endpoints', () => {
    const stack = new Stack(new App(), 'Net', { env: { region: 'eu-west-1' } });
    new Network(stack, 'Network', {
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
