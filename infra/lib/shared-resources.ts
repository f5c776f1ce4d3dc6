/**
 * The queue and table settings live in one place, shared with `npm run aws:bootstrap`, so the
 * deployed resources match what runs locally. Imported by relative path (not through
 * `@iscoolgpt/shared`) so that synthesizing never loads the domain code or its dependencies.
 */
export {
  defaultResourceNames,
  gatewaySettings,
  jobsQueue,
  jobsTable,
} from '../../shared/src/adapters/aws/resources.js';

export { PAGE_CSP, pageCsp } from '../../shared/src/page-security.js';
export { CORS_REQUEST_HEADERS } from '../../shared/src/cors.js';
export { EMF_METRICS } from '../../shared/src/adapters/aws/emf-names.js';
