// What bench/fit-fusion.mjs and bench/fit-rerank.mjs share: the walk of a dev source, and running an entry bundled from
// server/src (TypeScript) in a child process.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the dev suites live (built by fit-fusion.mjs). */
export const WORK = join(ROOT, '.eval', 'dev');

/** Files under `dir` (relative, sorted) smaller than 1 MB that `keep` accepts; tests, builds and caches left out. */
export function walk(dir, keep = () => true, base = dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) {
      if (!['node_modules', 'dist', '__pycache__', 'test', 'tests'].includes(e.name)) out.push(...walk(abs, keep, base));
    } else if (e.isFile() && keep(e.name) && statSync(abs).size < 1_000_000) out.push(relative(base, abs));
  }
  return out.sort();
}

/**
 * Bundles `entry` (TypeScript source that imports from ./server/src) to `outfile` and runs it with `args`, its output
 * on this terminal; a failing run ends this process with its status.
 */
export async function runBundled(entry, outfile, args) {
  await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
