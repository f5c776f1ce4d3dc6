import type { Template } from 'aws-cdk-lib/assertions';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The parts of an AWS::ApiGateway::Method the tests read. */
export interface MethodProperties {
  readonly HttpMethod: string;
  readonly ApiKeyRequired?: boolean;
  readonly RequestParameters?: Record<string, boolean>;
  readonly Integration: {
    readonly Uri?: unknown;
    readonly RequestParameters?: Record<string, string>;
    readonly ResponseTransferMode?: string;
    readonly TimeoutInMillis?: number;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** The full path of an AWS::ApiGateway::Resource, walking its ParentId chain up to the root. */
function pathOf(resources: Resources, resourceId: string): string {
  const parts: string[] = [];
  let id: string | undefined = resourceId;
  while (id && resources[id]?.Type === 'AWS::ApiGateway::Resource') {
    const properties: Record<string, unknown> = resources[id]!.Properties;
    parts.unshift(properties.PathPart as string);
    id = (properties.ParentId as { Ref?: string }).Ref;
  }
  return `/${parts.join('/')}`;
}

export interface ApiMethod {
  readonly id: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly properties: MethodProperties;
}

/** Every AWS::ApiGateway::Method of the template, with the full path of its resource. */
export function apiMethods(template: Template): ApiMethod[] {
  const resources = template.toJSON().Resources as Resources;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::ApiGateway::Method')
    .map(([id, r]) => {
      const resourceId = r.Properties.ResourceId as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return {
        id,
        httpMethod: r.Properties.HttpMethod as string,
        path: resourceId.Ref ? pathOf(resources, resourceId.Ref) : '/',
        properties: r.Properties as unknown as MethodProperties,
      };
    });
}

/** The properties of the method `httpMethod` on the resource at `path` (e.g. `/api/v1/jobs/{id}`). */
export function apiMethod(template: Template, httpMethod: string, path: string) {
  const found = apiMethods(template).filter((m) => m.httpMethod === httpMethod && m.path === path);
  if (found.length !== 1)
    throw new Error(`expected one ${httpMethod} ${path}, found ${found.length}`);
  return found[0]!.properties;
}
