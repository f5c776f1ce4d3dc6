/**
 * The study page's weight: builds web/ as `npm start` does and prints its JavaScript gzipped
 * against the 250 KB budget (KaTeX fonts and CSS reported aside).
 */
import { buildPage, DIST_DIR } from '../web/scripts/build.js';
import { formatBundleSize, measureBundle } from '../web/scripts/bundle-size.js';

export async function benchWebBundle(): Promise<void> {
  const started = performance.now();
  await buildPage();
  const size = measureBundle(DIST_DIR);
  console.log(formatBundleSize(size));
  for (const file of size.files) {
    console.log(
      `  ${file.name}: ${(file.rawBytes / 1024).toFixed(1)} KB raw, ${(file.gzipBytes / 1024).toFixed(1)} KB gzipped`,
    );
  }
  console.log(`build time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
