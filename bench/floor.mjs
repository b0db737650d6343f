#!/usr/bin/env node
// `node bench/floor.mjs --corpus linux [--subdir fs]`: the floor under an index run of the same tree, what no indexer
// can go below on this machine: read every file once, and parse every C file (.c, .h) with web-tree-sitter and do
// nothing else, on one thread. Wall and CPU time of each, so that a loaded machine still gives a comparable CPU figure.
// Invariant: reads the corpus only; the grammar is the one the server loads (@repomix/tree-sitter-wasms).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import { CORPORA, ensureInstalled, subdirCorpus, walk } from './corpora.mjs';
import { readOptions } from './options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node bench/floor.mjs [options]
  --corpus NAME     a corpus of bench/corpora.mjs (default linux)
  --subdir DIR      only this folder of it (e.g. fs)
  --results PATH    write the figures as JSON (default: print only)`;

const fail = (msg) => {
  process.stderr.write(`floor: ${msg}\n`);
  process.exit(2);
};
const opts = {
  corpus: 'linux',
  ...readOptions(process.argv.slice(2), { '--corpus': String, '--subdir': String, '--results': resolve }, USAGE, fail),
};
if (!Object.hasOwn(CORPORA, opts.corpus)) fail(`unknown corpus ${opts.corpus}`);
const corpus = opts.subdir === undefined ? CORPORA[opts.corpus] : subdirCorpus(CORPORA[opts.corpus], opts.subdir);
const log = (msg) => process.stderr.write(`[floor] ${msg}\n`);
ensureInstalled([corpus], log);

/** Wall and CPU (user + system) milliseconds of `fn`. */
function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const load0 = loadavg()[0];
const { files } = walk(corpus.path);
// Read every file once (the page cache is warm from the walk's neighbours only by chance; run twice for a warm figure).
const read = timed(() => {
  let bytes = 0;
  for (const f of files) bytes += readFileSync(f.abs).length;
  return bytes;
});
log(
  `read ${files.length} files, ${(read.value / 2 ** 20).toFixed(0)} MiB: ${read.wallMs.toFixed(0)} ms wall, ${read.cpuMs.toFixed(0)} ms CPU`,
);

await Parser.init();
const require = createRequire(join(ROOT, 'package.json'));
const wasm = join(dirname(require.resolve('@repomix/tree-sitter-wasms/package.json')), 'out', 'tree-sitter-c.wasm');
const parser = new Parser();
parser.setLanguage(await Language.load(wasm));
const cFiles = files.filter((f) => f.rel.endsWith('.c') || f.rel.endsWith('.h'));
const texts = cFiles.map((f) => readFileSync(f.abs, 'utf8'));
const parse = timed(() => {
  let lines = 0;
  let errors = 0;
  for (const text of texts) {
    const tree = parser.parse(text);
    if (tree) {
      lines += tree.rootNode.endPosition.row + 1;
      if (tree.rootNode.hasError) errors++;
      tree.delete();
    }
  }
  return { lines, errors };
});
log(
  `parsed ${cFiles.length} C files (${parse.value.lines} lines, ${parse.value.errors} with syntax errors): ` +
    `${parse.wallMs.toFixed(0)} ms wall, ${parse.cpuMs.toFixed(0)} ms CPU on one thread`,
);
const result = {
  corpus: corpus.name,
  path: corpus.path.replace(`${ROOT}/`, ''),
  measuredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  loadAvg1: { before: load0, after: loadavg()[0] },
  files: files.length,
  bytes: read.value,
  read: { wallMs: read.wallMs, cpuMs: read.cpuMs },
  cFiles: cFiles.length,
  cLines: parse.value.lines,
  cFilesWithSyntaxErrors: parse.value.errors,
  parse: { wallMs: parse.wallMs, cpuMs: parse.cpuMs },
};
log(`load average (1 min): ${load0.toFixed(2)} before, ${result.loadAvg1.after.toFixed(2)} after`);
if (opts.results) writeFileSync(opts.results, `${JSON.stringify(result, null, 1)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
