import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { formatBundleSize, JS_BUDGET_BYTES, measureBundle } from './scripts/bundle-size.js';

const distDir = fileURLToPath(new URL('./dist/', import.meta.url));

/** After each build: print the page's JavaScript weight, and fail the build over the budget. */
function bundleBudget(): Plugin {
  let outDir = distDir;
  return {
    name: 'iscoolgpt-bundle-budget',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const size = measureBundle(outDir);
      this.info(formatBundleSize(size));
      if (size.jsGzipBytes > JS_BUDGET_BYTES) {
        this.error(`the page's JavaScript is over its budget of ${JS_BUDGET_BYTES} bytes gzipped`);
      }
    },
  };
}

export default defineConfig({
  // Preact's JSX runtime; no preset needed (tsconfig.json says the same for tsc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [bundleBudget()],
  build: {
    outDir: distDir,
    emptyOutDir: true,
    // Hashed files only under assets/: the API serves that folder as immutable.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 600,
  },
  // `npm run dev -w web` beside `npm start`: the page on Vite's dev server, the API proxied.
  // Its sign-in configuration too (the development provider's, whose issuer is on the api).
  server: { proxy: { '/api': 'http://127.0.0.1:8000', '/sign-in.json': 'http://127.0.0.1:8000' } },
});
