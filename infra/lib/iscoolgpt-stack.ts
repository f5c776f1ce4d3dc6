import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config.js';
import { DeployWorkflowAccess } from './constructs/ci/deploy-access.js';
import { githubRoleNames } from './constructs/ci/github-roles.js';
import { JobEventsCache } from './constructs/cache/job-events-cache.js';
import { JobsQueue } from './constructs/data/jobs-queue.js';
import { JobsTable } from './constructs/data/jobs-table.js';
import { InternalLoadBalancer } from './constructs/edge/internal-load-balancer.js';
import { RestApiGateway } from './constructs/edge/rest-api.js';
import { Network } from './constructs/network/network.js';
import { ApiGatewayExecutionLogs } from './constructs/observability/api-gateway-logging.js';
import { ServiceAlarms } from './constructs/observability/alarms.js';
import { ServiceDashboard } from './constructs/observability/dashboard.js';
import { metricNamespace } from './constructs/observability/alarm-kit.js';
import { ApiService } from './constructs/services/api-service.js';
import { ServicesCluster } from './constructs/services/cluster.js';
import { loginOrigin, StudentIdentity } from './constructs/identity/student-identity.js';
import { PROVIDER_SECRETS, type ProviderName } from './constructs/secrets/provider-keys-secret.js';
import { WorkerService } from './constructs/services/worker-service.js';
import { StudyPage } from './constructs/web/study-page.js';

export interface IsCoolGptStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly apiRepository: ecr.IRepository;
  readonly workerRepository: ecr.IRepository;
  readonly providerSecrets: Record<ProviderName, secretsmanager.ISecret>;
}

/** The running service: network, data, the two Fargate services, the edge, and its alarms. */
export class IsCoolGptStack extends Stack {
  readonly network: Network;
  readonly table: JobsTable;
  readonly queue: JobsQueue;
  readonly eventsCache: JobEventsCache;
  readonly cluster: ServicesCluster;
  readonly loadBalancer: InternalLoadBalancer;
  readonly apiService: ApiService;
  readonly workerService: WorkerService;
  readonly gateway: RestApiGateway;
  readonly studyPage: StudyPage;
  readonly identity: StudentIdentity;
  readonly executionLogs: ApiGatewayExecutionLogs;
  readonly alarms: ServiceAlarms;
  readonly dashboard: ServiceDashboard;
  readonly deployWorkflowAccess: DeployWorkflowAccess | undefined;

  constructor(scope: Construct, id: string, props: IsCoolGptStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.network = new Network(this, 'Network', {
      egress: config.network.egress,
      natGateways: config.network.natGateways,
      interfaceEndpoints: config.network.interfaceEndpoints,
      sqsEndpoint: config.network.sqsEndpoint,
      logRetention: config.logRetention,
    });
    const vpc = this.network.vpc;

    this.table = new JobsTable(this, 'JobsTable', { envName: config.envName });
    this.queue = new JobsQueue(this, 'JobsQueue', { envName: config.envName });
    const { privateSubnets, taskPlacement } = this.network;
    this.eventsCache = new JobEventsCache(this, 'EventsCache', {
      envName: config.envName,
      vpc,
      subnets: privateSubnets,
      maxEcpuPerSecond: config.eventsCacheMaxEcpuPerSecond,
    });

    this.cluster = new ServicesCluster(this, 'Cluster', { envName: config.envName, vpc });
    this.loadBalancer = new InternalLoadBalancer(this, 'LoadBalancer', {
      vpc,
      subnets: privateSubnets,
    });

    const data = {
      queue: this.queue.queue,
      deadLetterQueue: this.queue.deadLetterQueue,
      metricNamespace: metricNamespace(config.envName),
    };
    this.apiService = new ApiService(this, 'Api', {
      ...data,
      redisUrl: this.eventsCache.url,
      jobsTable: this.table,
      cluster: this.cluster.cluster,
      placement: taskPlacement,
      repository: props.apiRepository,
      imageTag: config.imageTag,
      sizing: config.api,
      app: config.app,
      targetGroup: this.loadBalancer.targetGroup,
      loadBalancer: this.loadBalancer.loadBalancer,
      logRetention: config.logRetention,
      corsAllowOrigins: config.edge.corsAllowOrigins,
      // The REST API's stage is named after the environment (RestApiGateway).
      apiStage: config.envName,
    });
    this.workerService = new WorkerService(this, 'Worker', {
      ...data,
      redisUrl: this.eventsCache.url,
      jobsTable: this.table,
      cluster: this.cluster.cluster,
      placement: taskPlacement,
      repository: props.workerRepository,
      imageTag: config.imageTag,
      sizing: config.worker,
      app: config.app,
      providerSecrets: props.providerSecrets,
      logRetention: config.logRetention,
    });
    this.eventsCache.allowFrom(this.apiService.service, 'api tasks to the job events cache');
    this.eventsCache.allowFrom(this.workerService.service, 'worker tasks to the job events cache');

    this.gateway = new RestApiGateway(this, 'Gateway', {
      envName: config.envName,
      vpc,
      privateSubnets,
      loadBalancer: this.loadBalancer.loadBalancer,
      ...config.edge,
      logRetention: config.logRetention,
    });
    this.studyPage = new StudyPage(this, 'Web', {
      envName: config.envName,
      api: this.gateway.api,
      throttle: {
        rateLimit: config.web.throttleRateLimit,
        burstLimit: config.web.throttleBurstLimit,
      },
      quotaPerDay: config.web.quotaPerDay,
      webAclArn: config.web.webAclArn,
      signInOrigins: [loginOrigin(config.envName)],
    });
    // Sign-in for students and teachers, returning to the page; the api trusts it.
    this.identity = new StudentIdentity(this, 'Identity', {
      envName: config.envName,
      pageUrl: `https://${this.studyPage.distribution.distributionDomainName}`,
    });
    this.identity.configureApi(this.apiService.taskDefinition);
    // The account's API Gateway logging role is IsCoolGpt-Account's; the execution logs are ours.
    this.executionLogs = new ApiGatewayExecutionLogs(this, 'ExecutionLogs', {
      api: this.gateway.api,
      stageName: config.envName,
      logRetention: config.logRetention,
    });

    this.alarms = new ServiceAlarms(this, 'Alarms', {
      ...data,
      envName: config.envName,
      apiService: this.apiService.service,
      apiMinTasks: config.api.desiredCount,
      workerService: this.workerService.service,
      providerKeyVariables: this.workerService.providers.map(
        (provider) => PROVIDER_SECRETS[provider].variable,
      ),
      table: this.table.table,
      eventsCache: this.eventsCache,
      api: this.gateway.api,
      accessLogGroup: this.gateway.accessLogGroup,
      loadBalancer: this.loadBalancer.loadBalancer,
      targetGroup: this.loadBalancer.targetGroup,
      jobDeadlineSeconds: config.app.jobDeadlineSeconds,
      backlogAlarmThreshold: config.worker.backlogPerTaskTarget * config.worker.maxCount,
      alarmEmail: config.alarmEmail,
    });
    this.dashboard = new ServiceDashboard(this, 'Dashboard', {
      ...data,
      envName: config.envName,
      apiService: this.apiService.service,
      workerService: this.workerService.service,
      api: this.gateway.api,
      loadBalancer: this.loadBalancer.loadBalancer,
      targetGroup: this.loadBalancer.targetGroup,
      alarms: Object.values(this.alarms.alarms),
      metricNamespace: metricNamespace(config.envName),
    });

    this.deployWorkflowAccess = config.github.repository
      ? new DeployWorkflowAccess(this, 'DeployWorkflow', {
          deployRoleName: githubRoleNames(config.envName).deploy,
          services: [this.apiService.service, this.workerService.service],
          apiKey: this.gateway.apiKey,
          pageBucket: this.studyPage.bucket,
          distribution: this.studyPage.distribution,
        })
      : undefined;
    // The deploy workflow waits on these two services by name (outputs, not a listing).
    new CfnOutput(this, 'ApiServiceName', { value: this.apiService.service.serviceName });
    new CfnOutput(this, 'WorkerServiceName', { value: this.workerService.service.serviceName });
    // The image tag this deployment runs: the deploy workflow's rollback target once it passed.
    new CfnOutput(this, 'ImageTag', { value: config.imageTag });

    // A release that makes the api answer 5xx rolls back, as a crash loop does (circuit breaker).
    this.apiService.service.enableDeploymentAlarms(this.alarms.deploymentAlarmNames, {
      behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
    });
    for (const alarm of [this.alarms.alarms.Api5xxRate, this.alarms.alarms.Target5xxRate]) {
      if (alarm) this.apiService.service.node.addDependency(alarm);
    }
  }
}
