#!/usr/bin/env node
// `npm run bench:pack`: how long packing 200 ranked candidates into a budget takes (assemble/pack-context.ts), as a
// `codectx context` call packs them: the files' outlines for the repository map, and a fresh counter (nothing counted
// before in the process: a new piece counter, gpt-tokenizer's merge cache cleared; column `counted`). Beside it: `stored`, each candidate with its content's o200k count given
// (ContextCandidate.tokens, as an index that stored a count per chunk would pass it; not done, see docs/eval.md), and
// `warm`, the language server's memoized counter having seen the same lines before.
// Candidates are real code: windows of this repository's own server/src files as of one commit (`--at REV`, default
// bd4c360, so that figures of different commits pack the same candidates; `--at worktree` reads the files on disk),
// with their source lines. Column `gpt-tokenizer`: the counted path with gpt-tokenizer's own count (its API, merge
// cache cleared), the counter before split-pieces.ts, as the baseline of the same run; its packing must be the same.
// Options: --at REV, --runs N (41), --format markdown,json,xml, --budget 2000,4000,8000 (the cells to run).
// Times are CPU time of this process (process.cpuUsage), so that other work on a shared machine does not inflate them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The value of a `--name VALUE` flag, else `fallback`. */
const flag = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
};
const RUNS = Number(flag('runs', '41'));
const AT = flag('at', 'bd4c360');
const FORMATS = flag('format', 'markdown,json,xml').split(',');
const BUDGETS = flag('budget', '2000,4000,8000').split(',').map(Number);

async function loadAssemble() {
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.bench', 'pack-bundle-'));
  const src = join(ROOT, 'server', 'src', 'assemble');
  await build({
    entryPoints: [join(src, 'pack-context.ts'), join(src, 'count-tokens.ts')],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    const pack = await import(pathToFileURL(join(dir, 'pack-context.mjs')).href);
    const tokens = await import(pathToFileURL(join(dir, 'count-tokens.mjs')).href);
    return { ...pack, ...tokens };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 200 candidates: windows of 8 to 60 lines over the repository's TypeScript sources, some overlapping. */
function candidates() {
  const { files, read } = AT === 'worktree' ? worktreeSources() : committedSources(AT);
  const out = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  while (out.length < 200) {
    const file = files[Math.floor(next() * files.length)];
    const source = read(file).split('\n');
    const length = 8 + Math.floor(next() * 52);
    const start = 1 + Math.floor(next() * Math.max(1, source.length - length));
    const end = Math.min(source.length, start + length - 1);
    out.push({
      folder: '',
      path: file,
      language: 'typescript',
      symbol: `s${out.length}`,
      kind: 'function',
      startLine: start,
      endLine: end,
      content: source.slice(start - 1, end).join('\n'),
      signature: source[start - 1]?.trim() ?? '',
      doc: '',
      score: 1 / (out.length + 1),
      source,
    });
  }
  return out;
}

/** The TypeScript files under server/src on disk. */
function worktreeSources() {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, 'server', 'src'));
  files.sort();
  return { files, read: (file) => readFileSync(join(ROOT, file), 'utf8') };
}

/** The TypeScript files under server/src at a commit (a clone with history; `--at worktree` otherwise). */
function committedSources(rev) {
  const git = (...args) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  let listed;
  try {
    listed = git('ls-tree', '-r', '--name-only', rev, '--', 'server/src');
  } catch {
    console.error(`bench:pack: commit ${rev} is not in this clone; pass --at worktree to use the files on disk`);
    process.exit(2);
  }
  const files = listed
    .split('\n')
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const texts = new Map();
  const read = (file) => {
    if (!texts.has(file)) texts.set(file, git('show', `${rev}:${file}`));
    return texts.get(file);
  };
  return { files, read };
}

/** The files' top-level declarations, once per file in rank order: what Store.outline gives the repository map. */
function outlinesOf(all) {
  const seen = new Map();
  for (const c of all) {
    if (seen.has(c.path)) continue;
    const entries = [];
    c.source.forEach((text, i) => {
      if (/^(export )?(async )?(function|const|class|interface|type) /.test(text) && entries.length < 30)
        entries.push({ line: i + 1, text: text.trim() });
    });
    seen.set(c.path, { folder: '', path: c.path, entries });
  }
  return [...seen.values()];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** CPU milliseconds spent by `fn`. */
function cpuMs(fn) {
  const before = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
}

const { packContext, loadTokenizer, newTokenizer, memoizeCount } = await loadAssemble();
const started = performance.now();
const count = await loadTokenizer('o200k');
const loadMs = performance.now() - started;
// Loaded by loadTokenizer already: the module's own count, for the baseline column.
const { clearMergeCache, default: gptTokenizer } = await import('gpt-tokenizer/encoding/o200k_base');
const ORDINARY = { disallowedSpecial: new Set() };
const bare = candidates();
// The counts an index would store with each chunk (written at index time, by the same tokenizer).
const all = bare.map((c) => ({ ...c, tokens: count(c.content) }));
const outlines = outlinesOf(all);
const terms = ['token', 'budget', 'chunk', 'search'];
const rows = [];
for (const format of FORMATS) {
  for (const budget of BUDGETS) {
    const stored = [];
    const counted = [];
    const warm = [];
    const api = [];
    let packed;
    for (let i = 0; i < RUNS; i++) {
      // A fresh memo each time, as in a new process (the tokenizer itself is loaded and JIT-warm).
      const real = cpuMs(() => packContext(all, { budget, countTokens: memoizeCount(count), format, terms, outlines }));
      packed = real.value;
      stored.push(real.ms);
      // As in a new process: nothing counted before (the tokenizer's tables loaded and JIT-warm).
      const fresh = await newTokenizer('o200k');
      clearMergeCache();
      const memo = memoizeCount(fresh);
      const ours = cpuMs(() => packContext(bare, { budget, countTokens: memo, format, terms, outlines }));
      counted.push(ours.ms);
      warm.push(cpuMs(() => packContext(bare, { budget, countTokens: memo, format, terms, outlines })).ms);
      clearMergeCache();
      const apiMemo = memoizeCount((text) => gptTokenizer.countTokens(text, ORDINARY));
      const theirs = cpuMs(() => packContext(bare, { budget, countTokens: apiMemo, format, terms, outlines }));
      api.push(theirs.ms);
      if (theirs.value.text !== ours.value.text)
        throw new Error(`${format} ${budget}: packed differently with gpt-tokenizer's count`);
    }
    rows.push({
      format,
      budget,
      storedMs: median(stored),
      countedMs: median(counted),
      warmMs: median(warm),
      apiMs: median(api),
      blocks: packed.blocks.length,
      tokens: packed.tokens,
    });
  }
}
console.log(
  `tokenizer load (o200k): ${loadMs.toFixed(0)} ms; 200 candidates, ${all.reduce((n, c) => n + count(c.content), 0)} tokens in all`,
);
console.log(
  `candidates from server/src at ${AT}; CPU ms, median of ${RUNS}: counted = a context call (every text counted); stored = content counts given; warm = seen before; gpt-tokenizer = counted with its own count`,
);
console.log('format    budget  counted ms  stored ms  warm ms  gpt-tokenizer ms  blocks  tokens');
for (const r of rows) {
  console.log(
    `${r.format.padEnd(9)} ${String(r.budget).padStart(6)} ${r.countedMs.toFixed(1).padStart(11)} ${r.storedMs.toFixed(1).padStart(10)} ${r.warmMs.toFixed(1).padStart(8)} ${r.apiMs.toFixed(1).padStart(17)} ${String(r.blocks).padStart(7)} ${String(r.tokens).padStart(7)}`,
  );
}
