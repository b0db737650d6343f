// What bench/fit-fusion.mjs, bench/fit-rerank.mjs and bench/eval-dev.mjs share: where the dev suites live, the walk of a
// dev source, and the hand-written dev suites.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Where the hand-written dev suites' questions and the list of their sources live (committed). */
export const HANDWRITTEN = join(ROOT, 'bench', 'dev', 'handwritten');

/**
 * The hand-written dev suites: each source copied to `.eval/hand/NAME/repo` (npm pack, or a folder a Debian package
 * installs) with its questions. Their indexes go to `.eval/hand/NAME/index`, beside the repo, as for the other dev suites.
 * `heldOut` suites are scored but never fitted on (sources.json).
 */
export function handwrittenSuites() {
  const { suites } = JSON.parse(readFileSync(join(HANDWRITTEN, 'sources.json'), 'utf8'));
  return Object.entries(suites).map(([name, source]) => {
    const repo = join(ROOT, '.eval', 'hand', name, 'repo');
    if (!existsSync(repo)) {
      mkdirSync(repo, { recursive: true });
      if (source.npm) {
        // `subdir`: only that folder of the package (its sources, without the builds an npm package also ships);
        // `exclude`: top-level folders left out (a bundle of the whole library, which a git checkout would not hold).
        const tmp = mkdtempSync(join(tmpdir(), 'codectx-dev-'));
        const file = execFileSync('npm', ['pack', source.npm, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim();
        const unpacked = join(tmp, 'package');
        mkdirSync(unpacked);
        execFileSync('tar', ['xzf', join(tmp, file), '-C', unpacked, '--strip-components=1']);
        const from = join(unpacked, source.subdir ?? '.');
        const skip = new Set((source.exclude ?? []).map((d) => join(from, d)));
        cpSync(from, repo, { recursive: true, filter: (src) => !skip.has(src) });
        rmSync(tmp, { recursive: true, force: true });
      } else if (existsSync(source.path)) {
        cpSync(source.path, repo, { recursive: true, filter: (src) => !src.includes('__pycache__') });
      } else {
        rmSync(repo, { recursive: true, force: true });
        throw new Error(`${source.path} is missing: apt-get install ${source.debian}`);
      }
    }
    const questions = readFileSync(join(HANDWRITTEN, `${name}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    return { name, repo, questions, heldOut: source.heldOut === true };
  });
}
