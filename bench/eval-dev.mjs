// The hand-written dev suites (bench/dev/handwritten) through `codectx eval`: chunk MRR@10 (hit@10) of lexical, dense
// and hybrid, per suite and per question kind, as a Markdown table, then the pooled MRR@10 of each mode (every question
// weighs the same); bench/results/eval-dev.json keeps the numbers.
// These suites are dev data (the rerank is fitted on them, bench/fit-rerank.mjs): their rows are in-sample for the
// rerank, unlike the eval suites of docs/eval.md. Needs `npm run build` (dist/cli.js) and the sources of sources.json.
// Usage: node bench/eval-dev.mjs [--no-context] [--out FILE] [--suites a,b] [--modes lexical,dense,hybrid]
// --no-context skips context recall (codectx eval --context-budgets none: the run is then search only, much faster);
// --out writes the JSON elsewhere than bench/results/eval-dev.json (a run to compare, not to commit); --suites runs
// only those suites.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HANDWRITTEN, handwrittenSuites, ROOT } from './dev-suites.mjs';
import { runEval } from './eval-corpora.mjs';

const { values } = parseArgs({
  options: {
    'no-context': { type: 'boolean' },
    out: { type: 'string' },
    suites: { type: 'string' },
    modes: { type: 'string' },
  },
});
const MODES = (values.modes ?? 'lexical,dense,hybrid').split(',');
const only = values.suites?.split(',');
const out = resolve(values.out ?? join(ROOT, 'bench', 'results', 'eval-dev.json'));
const cell = (t) => `${t.chunk.mrr10.toFixed(3)} (${t.chunk.hit10.toFixed(3)})`;
const results = {};
const rows = [];
const pooled = Object.fromEntries(MODES.map((m) => [m, { n: 0, mrr: 0 }]));
for (const suite of handwrittenSuites()) {
  if (only && !only.includes(suite.name)) continue;
  const args = [
    join(HANDWRITTEN, `${suite.name}.jsonl`),
    '--repo',
    suite.repo,
    '--index-dir',
    join(dirname(suite.repo), 'index'),
    '--modes',
    MODES.join(','),
    ...(values['no-context'] ? ['--context-budgets', 'none'] : []),
  ];
  const r = await runEval(join(ROOT, 'dist', 'cli.js'), args).catch((error) => process.exit(error.status ?? 1));
  results[suite.name] = Object.fromEntries(MODES.map((m) => [m, { total: r.modes[m].total, byKind: r.modes[m].byKind }]));
  for (const m of MODES) {
    pooled[m].n += r.modes[m].total.n;
    pooled[m].mrr += r.modes[m].total.chunk.mrr10 * r.modes[m].total.n;
  }
  rows.push(`| **${suite.name}** | ${r.questions} | ${MODES.map((m) => `**${cell(r.modes[m].total)}**`).join(' | ')} |`);
  for (const [kind, t] of Object.entries(r.modes[MODES[0]].byKind)) {
    rows.push(`| ${kind} | ${t.n} | ${MODES.map((m) => cell(r.modes[m].byKind[kind])).join(' | ')} |`);
  }
}
console.log(`| suite / kind | questions | ${MODES.join(' | ')} |`);
console.log(`|---|---:|${MODES.map(() => '---:').join('|')}|`);
console.log(rows.join('\n'));
console.log(
  `| **pooled** | ${pooled[MODES[0]].n} | ${MODES.map((m) => `**${(pooled[m].mrr / Math.max(1, pooled[m].n)).toFixed(3)}**`).join(' | ')} |`,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
