import { fileURLToPath } from 'node:url';

/**
 * Where the built study page lives: web/dist at the repository root (and at /app in the image),
 * the same from src/ (tsx) and dist/ (compiled), which sit at the same depth.
 */
export const WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
