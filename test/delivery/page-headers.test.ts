/**
 * The study page gets its security headers from two places: the api (embedded mode, `npm start`)
 * and CloudFront's response headers policy (AWS). Both must tell the browser the same thing.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_CSP as CLOUDFRONT_CSP } from '../../infra/lib/constructs/web/study-page.js';
import { PAGE_CSP as API_CSP } from '../../services/api/src/plugins/external/web-page.js';

describe('the study page’s content security policy', () => {
  it('is the same on CloudFront as from the api in embedded mode', () => {
    expect(CLOUDFRONT_CSP).toBe(API_CSP);
  });
});
