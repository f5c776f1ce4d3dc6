import { beforeAll, describe, expect, it } from 'vitest';
import {
  onlyResource,
  rolesOf,
  synthesize,
  templateText,
  type Synthesized,
} from './support/synth.js';

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

  it("hands the deploy the page's /sign-in.json: the pool's issuer, the page's client and the login domain's endpoints", () => {
    const outputs = app.template.findOutputs('*');
    const [output] = Object.entries(outputs).filter(([id]) => id.includes('SignInConfig'));
    expect(output, 'a SignInConfig output').toBeDefined();
    const text = templateText(output![1].Value);
    const pool = onlyResource(app.template, 'AWS::Cognito::UserPool').id;
    const client = onlyResource(app.template, 'AWS::Cognito::UserPoolClient').id;
    const domain = templateText(
      onlyResource(app.template, 'AWS::Cognito::UserPoolDomain').resource.Properties.Domain,
    );
    const login = `https://${domain}.auth.\${AWS::Region}.amazoncognito.com`;
    // The issuer the api trusts (AUTH_ISSUER): the ID token the page checks comes from it too.
    const { container } = rolesOf(app.template, 'api');
    const environment = container.Environment as { Name: string; Value: unknown }[];
    const issuer = environment.find((entry) => entry.Name === 'AUTH_ISSUER')?.Value;
    expect(templateText(issuer)).toContain(`\${${pool}}`);
    expect(JSON.parse(text)).toEqual({
      issuer: templateText(issuer),
      clientId: `\${${client}}`,
      scope: 'openid profile email',
      authorizationEndpoint: `${login}/oauth2/authorize`,
      tokenEndpoint: `${login}/oauth2/token`,
      endSessionEndpoint: `${login}/logout`,
      postLogoutRedirectParam: 'logout_uri',
    });
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
