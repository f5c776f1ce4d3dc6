import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

/** A built page as Vite lays it out: index.html, hashed files under assets/. */
function fakeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'iscoolgpt-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>IsCoolGPT</title><script type="module" src="/assets/index-AbC123.js"></script>',
  );
  writeFileSync(join(root, 'assets', 'index-AbC123.js'), 'console.log("page")');
  writeFileSync(join(root, 'assets', 'KaTeX_Main-Regular-Xy9.woff2'), 'font');
  return root;
}

describe('the study page at /', async () => {
  const { app } = await build({}, { webRoot: fakeBuild() });

  it('serves index.html at / with no-cache, so a new deploy shows on the next visit', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<title>IsCoolGPT</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
    // Revalidation is cheap: the next visit sends the validator back and gets a 304.
    const again = await app.inject({
      method: 'GET',
      url: '/',
      headers: { 'if-none-match': String(response.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('sends the page with a content security policy that allows no inline script and no framing', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['/assets/index-AbC123.js', '/assets/KaTeX_Main-Regular-Xy9.woff2'])(
    'serves the hashed file %s as immutable for a year',
    async (url) => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    },
  );

  it("lets the page's code exchange reach the token endpoint its sign-in.json names (Cognito's), and nothing else", async () => {
    const root = fakeBuild();
    const login = 'https://iscoolgpt-prod-123.auth.eu-west-1.amazoncognito.com';
    writeFileSync(
      join(root, 'sign-in.json'),
      JSON.stringify({
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/pool',
        tokenEndpoint: `${login}/oauth2/token`,
      }),
    );
    const { app: withSignIn } = await build({}, { webRoot: root });
    const response = await withSignIn.inject({ method: 'GET', url: '/' });
    const connect = String(response.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('connect-src'));
    expect(connect).toBe(`connect-src 'self' ${login}`);
    // The file itself is revalidated like index.html: a redeploy's sign-in shows at once.
    const config = await withSignIn.inject({ method: 'GET', url: '/sign-in.json' });
    expect(config.statusCode).toBe(200);
    expect(config.headers['cache-control']).toBe('no-cache');
    // Without one, the page's own origin only.
    const plain = await app.inject({ method: 'GET', url: '/' });
    expect(String(plain.headers['content-security-policy'])).toContain("connect-src 'self';");
  });

  it('leaves the API its paths: health, jobs and unknown API routes answer as before', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    const missingAsset = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    expect(missingAsset.statusCode).toBe(404);
  });
});

describe('without a built page', async () => {
  const { app, logs } = await build({}, { webRoot: join(tmpdir(), 'no-such-web-build') });

  it('is the API alone: / is a 404 and the process says why', async () => {
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect(logs.some((line) => /no study page/.test(String(line.msg)))).toBe(true);
  });
});
