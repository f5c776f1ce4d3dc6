import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Egress } from '../../config.js';

export interface NetworkProps {
  /**
   * How the tasks reach the internet (the worker calls OpenAI and Hugging Face there): `nat`,
   * from private subnets through NAT gateways; `public`, from public subnets with a public
   * address per task and no NAT at all (their security groups admit no inbound traffic but the
   * ALB's to the api port).
   */
  readonly egress: Egress;
  /** NAT gateways when egress is `nat`: one per AZ keeps provider calls up when an AZ is lost. */
  readonly natGateways: number;
  /**
   * Add interface endpoints for ECR, SQS, Secrets Manager and CloudWatch Logs so that AWS API
   * traffic never leaves the VPC. Off by default: NAT is needed anyway for the LLM providers,
   * and five endpoints in two AZs cost more than the NAT data they save at this traffic level.
   */
  readonly interfaceEndpoints: boolean;
  /**
   * An SQS interface endpoint in both AZs: the api's SendMessage (on the path of every ask) then
   * never goes through a NAT gateway (worth it with a single NAT, which sits in one AZ). Implied
   * by `interfaceEndpoints`.
   */
  readonly sqsEndpoint?: boolean;
  readonly logRetention: logs.RetentionDays;
}

/** Literal (not a token), so security-group rules built from it can be checked at synth time. */
export const VPC_CIDR = '10.40.0.0/16';

/** Where a Fargate service's tasks run, and whether they get a public address to reach out. */
export interface TaskPlacement {
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly assignPublicIp: boolean;
}

/**
 * The VPC the tasks run in, in two AZs. The ALB, the VPC link, the job events cache and any
 * interface endpoint sit in private subnets. With `nat` egress the tasks do too, and public
 * subnets hold only the NAT gateways; with `public` egress the private subnets are isolated and
 * the tasks run in the public subnets. DynamoDB and S3 (where ECR keeps image layers) are
 * reached through free gateway endpoints either way.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
  /** Subnets for what must never have a public address (ALB, VPC link, cache, endpoints). */
  readonly privateSubnets: ec2.SubnetSelection;
  readonly taskPlacement: TaskPlacement;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const nat = props.egress === 'nat';
    const privateType = nat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    this.privateSubnets = { subnetType: privateType };
    this.taskPlacement = nat
      ? { vpcSubnets: this.privateSubnets, assignPublicIp: false }
      : { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true };

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways: nat ? props.natGateways : 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: privateType, cidrMask: 20 },
      ],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });

    // Rejected flows only: what a security group or NACL turned away (probes, a misrouted task)
    // is what an investigation needs, and accepted traffic would be most of the log bill.
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.REJECT,
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
          subnets: this.privateSubnets,
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
