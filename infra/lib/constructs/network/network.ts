import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /**
   * NAT gateways (one per AZ for zone-independent egress, one to save cost). NAT is required:
   * the worker calls OpenAI and Hugging Face on the public internet.
   */
  readonly natGateways: number;
  /**
   * Add interface endpoints for ECR, SQS, Secrets Manager and CloudWatch Logs so that AWS API
   * traffic never leaves the VPC. Off by default: NAT is needed anyway for the LLM providers,
   * and five endpoints in two AZs cost more than the NAT data they save at this traffic level.
   */
  readonly interfaceEndpoints: boolean;
  /**
   * An SQS interface endpoint in both AZs: the api's SendMessage (on the path of every ask) then
   * never goes through the NAT gateway, which sits in one AZ. Implied by `interfaceEndpoints`.
   */
  readonly sqsEndpoint?: boolean;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The VPC the tasks run in: public subnets hold only the NAT gateways; the ALB, the VPC link and
 * both services sit in private subnets. DynamoDB and S3 (where ECR keeps image layers) are
 * reached through free gateway endpoints, so the bulk of AWS traffic skips NAT.
 */
/** Literal (not a token), so security-group rules built from it can be checked at synth time. */
export const VPC_CIDR = '10.40.0.0/16';

export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = props.interfaceEndpoints
      ? {
          EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
          EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
          Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
          SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
          Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
        }
      : props.sqsEndpoint
        ? { Sqs: ec2.InterfaceVpcEndpointAwsService.SQS }
        : {};
    if (Object.keys(services).length > 0) {
      const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'Interface endpoints: HTTPS from inside the VPC only',
        allowAllOutbound: false,
      });
      endpointSecurityGroup.addIngressRule(
        ec2.Peer.ipv4(VPC_CIDR),
        ec2.Port.tcp(443),
        'AWS API calls from the tasks',
      );
      for (const [name, service] of Object.entries(services)) {
        // One network interface per private subnet, so each AZ reaches the service on its own.
        this.vpc.addInterfaceEndpoint(name, {
          service,
          subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          privateDnsEnabled: true,
          securityGroups: [endpointSecurityGroup],
          open: false,
        });
      }
    }
    quietCdkProviderRole(this);
  }
}

/**
 * `restrictDefaultSecurityGroup` adds CDK's own custom-resource provider, whose Lambda both
 * references its role (GetAtt) and lists it in DependsOn; cfn-lint's W3005 flags the redundant
 * DependsOn. The provider is CDK's code, not ours: the check is silenced on that one resource.
 */
function quietCdkProviderRole(scope: Construct): void {
  const provider = Stack.of(scope).node.tryFindChild(
    'Custom::VpcRestrictDefaultSGCustomResourceProvider',
  );
  const handler = provider?.node.tryFindChild('Handler');
  if (handler instanceof CfnResource) {
    handler.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  }
}
