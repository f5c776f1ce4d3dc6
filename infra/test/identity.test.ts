import { beforeAll, describe, expect, it } from 'vitest';
import { onlyResource, rolesOf, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

describe('sign-in for students and teachers (Cognito)', () => {
  it('has the groups the api tells students and teachers apart by', () => {
    for (const group of ['students', 'teachers']) {
      app.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    }
  });

  it('gives the page a public client: code flow (PKCE), no secret, returning to the CloudFront URL', () => {
    const distribution = onlyResource(app.template, 'AWS::CloudFront::Distribution').id;
    app.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] },
      ],
    });
  });

  it('signs in through managed login on a Cognito domain', () => {
    app.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    app.template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
  });

  it('keeps the accounts when the stack goes (students’ data)', () => {
    const pool = onlyResource(app.template, 'AWS::Cognito::UserPool');
    expect(pool.resource.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(pool.resource.Properties.DeletionProtection).toBe('ACTIVE');
  });

  it('tells the api whose tokens to trust, and hands it the guest-token key as a secret', () => {
    const { container } = rolesOf(app.template, 'api');
    const pool = onlyResource(app.template, 'AWS::Cognito::UserPool').id;
    const client = onlyResource(app.template, 'AWS::Cognito::UserPoolClient').id;
    const environment = container.Environment as { Name: string; Value: unknown }[];
    const value = (name: string) => environment.find((entry) => entry.Name === name)?.Value;
    expect(JSON.stringify(value('AUTH_ISSUER'))).toMatch(/https:\/\/cognito-idp\./);
    expect(JSON.stringify(value('AUTH_ISSUER'))).toContain(JSON.stringify({ Ref: pool }));
    expect(value('AUTH_AUDIENCE')).toEqual({ Ref: client });
    expect(container.Secrets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'GUEST_TOKEN_SECRET', ValueFrom: expect.anything() }),
      ]),
    );
  });
});
