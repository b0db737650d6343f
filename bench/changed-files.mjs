#!/usr/bin/env node
// `node bench/changed-files.mjs --corpus linux --subdir fs`: what keeping a large tree fresh costs the CLI: the re-run
// with nothing changed, with 1,000 files touched (mtime only: stat, read and hash, nothing re-cut), and with 1,000
// files modified as after a pull (a line appended: re-cut, rewritten, re-embedded when the index has vectors). Files
// are spread evenly over the sorted walk; fewer than 1,000 source files means all of them.
// Invariant: every file it changes gets its bytes and mtime back, also on failure; the index is built first when absent.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, ensureInstalled, isSourceFile, subdirCorpus, WORK, walk } from './corpora.mjs';
import { readOptions } from './options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node bench/changed-files.mjs [options]
  --corpus NAME       a corpus of bench/corpora.mjs (default linux)
  --subdir DIR        only this folder of it (e.g. fs)
  --count N           files touched, then files modified (default 1000)
  --index-dir DIR     the index to update (default .bench/index-<corpus>; built first when it holds none)
  --embeddings SPEC   none or local, passed to codectx index (default none: the lexical index only)
  --results PATH      write the figures as JSON (default: print only)
  --cli PATH          the CLI (default dist/cli.js)`;

const fail = (msg) => {
  process.stderr.write(`changed-files: ${msg}\n`);
  process.exit(2);
};
const opts = {
  corpus: 'linux',
  count: 1000,
  embeddings: 'none',
  cli: join(ROOT, 'dist', 'cli.js'),
  ...readOptions(
    process.argv.slice(2),
    {
      '--corpus': String,
      '--subdir': String,
      '--count': Number,
      '--index-dir': resolve,
      '--embeddings': String,
      '--results': resolve,
      '--cli': resolve,
    },
    USAGE,
    fail,
  ),
};
if (!Object.hasOwn(CORPORA, opts.corpus)) fail(`unknown corpus ${opts.corpus}`);
if (!Number.isInteger(opts.count) || opts.count < 1) fail('--count must be a positive integer');
const corpus = opts.subdir === undefined ? CORPORA[opts.corpus] : subdirCorpus(CORPORA[opts.corpus], opts.subdir);
const indexDir = opts.indexDir ?? join(WORK, `index-${corpus.name}`);
const log = (msg) => process.stderr.write(`[changed-files] ${msg}\n`);
ensureInstalled([corpus], log);

/** One `codectx index` process: wall time, the CLI's own elapsedMs and what it reports. */
function indexRun(label) {
  const load = loadavg()[0];
  const args = [opts.cli, 'index', '--repo', corpus.path, '--index-dir', indexDir, '--json', '--embeddings', opts.embeddings];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${label}: codectx index exited with ${r.status}: ${r.stderr.slice(-600)}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop());
  const run = { label, wallMs, loadAvg1: load, summary };
  log(`${label}: ${(wallMs / 1000).toFixed(2)} s wall (load ${load.toFixed(2)}); ${JSON.stringify(summary).slice(0, 300)}`);
  return run;
}

const { files } = walk(corpus.path);
const sources = files.filter((f) => isSourceFile(corpus, f.rel));
const n = Math.min(opts.count, sources.length);
const picked = Array.from({ length: n }, (_, i) => sources[Math.floor((i * sources.length) / n)]);
const saved = picked.map((f) => ({ f, bytes: readFileSync(f.abs), stat: statSync(f.abs) }));
const restore = () => {
  for (const { f, bytes, stat } of saved) {
    writeFileSync(f.abs, bytes);
    utimesSync(f.abs, stat.atime, stat.mtime);
  }
};

const runs = [];
try {
  if (!existsSync(join(indexDir, 'index.sqlite'))) runs.push(indexRun('fresh index'));
  runs.push(indexRun('re-run, nothing changed'));
  // mtime moves one second on: the size + mtime check fails, the hash check then finds the same bytes.
  for (const { f, stat } of saved) utimesSync(f.abs, stat.atime, new Date(stat.mtimeMs + 1000));
  runs.push(indexRun(`${n} files touched (mtime only)`));
  for (const { f, bytes } of saved)
    writeFileSync(f.abs, Buffer.concat([bytes, Buffer.from(`\n/* codectx bench: changed-files ${f.rel} */\n`)]));
  runs.push(indexRun(`${n} files modified (a line appended)`));
} finally {
  restore();
}
// Put the index back in step with the restored files, so that a kept index serves the next bench as it was.
runs.push(indexRun(`${n} files restored`));
const result = {
  corpus: corpus.name,
  measuredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  sourceFiles: sources.length,
  changed: n,
  embeddings: opts.embeddings,
  runs,
};
if (opts.results) writeFileSync(opts.results, `${JSON.stringify(result, null, 1)}\n`);
process.stdout.write(
  `${JSON.stringify(result.runs.map((r) => ({ label: r.label, wallMs: Math.round(r.wallMs), load: r.loadAvg1 })))}\n`,
);
