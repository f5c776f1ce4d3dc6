/** `vite build` of the page into web/dist, as `npm start` runs it, from Node (tests, bench). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const WEB_DIR = fileURLToPath(new URL('../', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const viteBin = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

/** Resolves with what the build printed (its per-file sizes and the budget line). */
export async function buildPage(outDir = DIST_DIR): Promise<string> {
  const args = [viteBin, 'build', '--outDir', outDir];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
    cwd: WEB_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout + stderr;
}
