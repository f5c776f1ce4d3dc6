import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';

export interface ImageRepositoriesProps {
  readonly envName: string;
  /** Tagged images kept per repository: the rollback window, counted in deployments. */
  readonly keepImages?: number;
}

/**
 * One ECR repository per service image. Tags are immutable: the CI tags each image with the
 * commit SHA, so a tag always names the exact build that was tested, and a deployment pinned to
 * a tag cannot silently change under a running service (ECS re-pulls on every task start).
 */
export class ImageRepositories extends Construct {
  readonly api: ecr.Repository;
  readonly worker: ecr.Repository;

  constructor(scope: Construct, id: string, props: ImageRepositoriesProps) {
    super(scope, id);
    const keepImages = props.keepImages ?? 30;
    const repository = (name: 'api' | 'worker') =>
      new ecr.Repository(this, name === 'api' ? 'Api' : 'Worker', {
        repositoryName: `iscoolgpt/${props.envName}/${name}`,
        imageScanOnPush: true,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        encryption: ecr.RepositoryEncryption.AES_256,
        lifecycleRules: [
          {
            description: 'Drop untagged layers left by multi-stage pushes after a week',
            tagStatus: ecr.TagStatus.UNTAGGED,
            maxImageAge: Duration.days(7),
          },
          {
            description: `Keep the last ${keepImages} images: the rollback window`,
            tagStatus: ecr.TagStatus.ANY,
            maxImageCount: keepImages,
          },
        ],
        // Deleting the stack must not delete the only copy of the images a rollback needs; a
        // create that rolls back removes its (still empty) repositories, so a retry finds the
        // names free.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
    this.api = repository('api');
    this.worker = repository('worker');
  }
}
