// The hand-written dev suites (bench/dev/handwritten) through `codectx eval`: chunk MRR@10 (hit@10) of lexical, dense
// and hybrid, per suite and per question kind, as a Markdown table; bench/results/eval-dev.json keeps the numbers.
// These suites are dev data (the rerank is fitted on them, bench/fit-rerank.mjs): their rows are in-sample for the
// rerank, unlike the eval suites of docs/eval.md. Needs `npm run build` (dist/cli.js) and the sources of sources.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HANDWRITTEN, handwrittenSuites, ROOT } from './dev-suites.mjs';
import { runEval } from './eval-corpora.mjs';

const MODES = ['lexical', 'dense', 'hybrid'];
const cell = (t) => `${t.chunk.mrr10.toFixed(3)} (${t.chunk.hit10.toFixed(3)})`;
const results = {};
const rows = [];
for (const suite of handwrittenSuites()) {
  const args = [
    join(HANDWRITTEN, `${suite.name}.jsonl`),
    '--repo',
    suite.repo,
    '--index-dir',
    join(dirname(suite.repo), 'index'),
    '--modes',
    MODES.join(','),
  ];
  const r = await runEval(join(ROOT, 'dist', 'cli.js'), args).catch((error) => process.exit(error.status ?? 1));
  results[suite.name] = Object.fromEntries(MODES.map((m) => [m, { total: r.modes[m].total, byKind: r.modes[m].byKind }]));
  rows.push(`| **${suite.name}** | ${r.questions} | ${MODES.map((m) => `**${cell(r.modes[m].total)}**`).join(' | ')} |`);
  for (const [kind, t] of Object.entries(r.modes.lexical.byKind)) {
    rows.push(`| ${kind} | ${t.n} | ${MODES.map((m) => cell(r.modes[m].byKind[kind])).join(' | ')} |`);
  }
}
console.log(`| suite / kind | questions | ${MODES.join(' | ')} |`);
console.log(`|---|---:|${MODES.map(() => '---:').join('|')}|`);
console.log(rows.join('\n'));
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'eval-dev.json'), `${JSON.stringify(results, null, 1)}\n`);
