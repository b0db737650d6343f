#!/usr/bin/env node
// `node bench/eval-kernel.mjs [--subdir fs]`: the hand-written kernel dev suite (bench/dev/kernel/linux.jsonl, 30
// questions a kernel developer asks, gold paths relative to the tree's root) through `codectx eval` on the Linux corpus,
// or on one folder of it: gold paths are then made relative to that folder, questions outside it left out. Prints chunk
// MRR@10 (hit@10) of lexical, dense and hybrid, overall and per kind. Dev data: never an eval suite, never fitted on.
// Needs `npm run build` and the tree (`npm run bench -- --corpus linux` unpacks it).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, ensureInstalled, subdirCorpus, WORK } from './corpora.mjs';
import { runEval } from './eval-corpora.mjs';
import { readOptions } from './options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node bench/eval-kernel.mjs [options]
  --subdir DIR      only this folder of the tree (e.g. fs); default the whole tree
  --index-dir DIR   the index (default .bench/index-<corpus>, as npm run bench -- --keep leaves it; built when absent)
  --modes LIST      default lexical,dense,hybrid
  --results PATH    write codectx eval's JSON result here
  --cli PATH        the CLI (default dist/cli.js)`;
const fail = (msg) => {
  process.stderr.write(`eval-kernel: ${msg}\n`);
  process.exit(2);
};
const opts = {
  modes: 'lexical,dense,hybrid',
  cli: join(ROOT, 'dist', 'cli.js'),
  ...readOptions(
    process.argv.slice(2),
    { '--subdir': String, '--index-dir': resolve, '--modes': String, '--results': resolve, '--cli': resolve },
    USAGE,
    fail,
  ),
};
const corpus = opts.subdir === undefined ? CORPORA.linux : subdirCorpus(CORPORA.linux, opts.subdir);
ensureInstalled([corpus], (m) => process.stderr.write(`[eval-kernel] ${m}\n`));
const prefix = corpus.subdir ? `${corpus.subdir}/` : '';
const questions = readFileSync(join(ROOT, 'bench', 'dev', 'kernel', 'linux.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((q) => q.gold.every((g) => g.path.startsWith(prefix)))
  .map((q) => ({ ...q, gold: q.gold.map((g) => ({ ...g, path: g.path.slice(prefix.length) })) }));
if (questions.length === 0) fail(`no question has its gold under ${prefix}`);
mkdirSync(WORK, { recursive: true });
const dataset = join(WORK, `kernel-questions-${corpus.name}.jsonl`);
writeFileSync(dataset, `${questions.map((q) => JSON.stringify(q)).join('\n')}\n`);
const indexDir = opts.indexDir ?? join(WORK, `index-${corpus.name}`);
const r = await runEval(opts.cli, [
  dataset,
  '--repo',
  corpus.path,
  '--index-dir',
  indexDir,
  '--modes',
  opts.modes,
  '--context-budgets',
  'none',
]).catch((error) => process.exit(error.status ?? 1));
if (opts.results) writeFileSync(opts.results, `${JSON.stringify(r, null, 1)}\n`);
const modes = opts.modes.split(',');
const cell = (t) => (t ? `${t.chunk.mrr10.toFixed(3)} (${t.chunk.hit10.toFixed(3)})` : '–');
console.log(`${corpus.title}: ${r.questions} questions; chunk MRR@10 (hit@10)`);
console.log(`| kind | questions | ${modes.join(' | ')} |`);
console.log(`|---|---:|${modes.map(() => '---:').join('|')}|`);
console.log(`| **all** | ${r.questions} | ${modes.map((m) => `**${cell(r.modes[m].total)}**`).join(' | ')} |`);
for (const [kind, t] of Object.entries(r.modes[modes[0]].byKind))
  console.log(`| ${kind} | ${t.n} | ${modes.map((m) => cell(r.modes[m].byKind[kind])).join(' | ')} |`);
