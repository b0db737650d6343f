#!/usr/bin/env node
// `npm run bench:pack`: how long packing 200 ranked candidates into a budget takes (assemble/pack-context.ts), as a
// `codectx context` call packs them: the files' outlines for the repository map, and a fresh counter (nothing counted
// before in the process: a new piece counter, gpt-tokenizer's merge cache cleared; column `counted`). Beside it: `stored`, each candidate with its content's o200k count given
// (ContextCandidate.tokens, as an index that stored a count per chunk would pass it; not done, see docs/eval.md), and
// `warm`, the language server's memoized counter having seen the same lines before.
// Candidates are real code: windows of this repository's own server/src files, with their source lines.
// Times are CPU time of this process (process.cpuUsage), so that other work on a shared machine does not inflate them.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 15;

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
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  walk(join(ROOT, 'server', 'src'));
  files.sort();
  const out = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  while (out.length < 200) {
    const file = files[Math.floor(next() * files.length)];
    const source = readFileSync(file, 'utf8').split('\n');
    const length = 8 + Math.floor(next() * 52);
    const start = 1 + Math.floor(next() * Math.max(1, source.length - length));
    const end = Math.min(source.length, start + length - 1);
    out.push({
      folder: '',
      path: relative(ROOT, file),
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
const { clearMergeCache } = await import('gpt-tokenizer/encoding/o200k_base');
const started = performance.now();
const count = await loadTokenizer('o200k');
const loadMs = performance.now() - started;
const bare = candidates();
// The counts an index would store with each chunk (written at index time, by the same tokenizer).
const all = bare.map((c) => ({ ...c, tokens: count(c.content) }));
const outlines = outlinesOf(all);
const terms = ['token', 'budget', 'chunk', 'search'];
const rows = [];
for (const format of ['markdown', 'json', 'xml']) {
  for (const budget of [2000, 4000, 8000]) {
    const stored = [];
    const counted = [];
    const warm = [];
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
      counted.push(cpuMs(() => packContext(bare, { budget, countTokens: memo, format, terms, outlines })).ms);
      warm.push(cpuMs(() => packContext(bare, { budget, countTokens: memo, format, terms, outlines })).ms);
    }
    rows.push({
      format,
      budget,
      storedMs: median(stored),
      countedMs: median(counted),
      warmMs: median(warm),
      blocks: packed.blocks.length,
      tokens: packed.tokens,
    });
  }
}
console.log(
  `tokenizer load (o200k): ${loadMs.toFixed(0)} ms; 200 candidates, ${all.reduce((n, c) => n + count(c.content), 0)} tokens in all`,
);
console.log(
  'CPU ms, median of 15: counted = a context call (every text counted); stored = content counts given; warm = seen before',
);
console.log('format    budget  counted ms  stored ms  warm ms  blocks  tokens');
for (const r of rows) {
  console.log(
    `${r.format.padEnd(9)} ${String(r.budget).padStart(6)} ${r.countedMs.toFixed(1).padStart(11)} ${r.storedMs.toFixed(1).padStart(10)} ${r.warmMs.toFixed(1).padStart(8)} ${String(r.blocks).padStart(7)} ${String(r.tokens).padStart(7)}`,
  );
}
