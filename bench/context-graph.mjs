// Context recall with and without the code graph's expansion (Engine.context's `graph` option), lexical only.
// Context recall@budget: the share of gold ranges wholly inside the lines a packed block shows (as `codectx eval`). Also the share
// of questions with any gold range wholly packed. Usage: node bench/context-graph.mjs SUITE.jsonl REPO [budget...]
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, makeConfig } from '../dist/lib.js';

const [suite, repo, ...budgetArgs] = process.argv.slice(2);
const budgets = budgetArgs.length ? budgetArgs.map(Number) : [2000, 4000, 8000];
const questions = readFileSync(suite, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const indexDir = join(tmpdir(), 'ctxg-idx', repo.replace(/[^\w]+/g, '_'));
const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
await engine.index();
// Wholly inside the lines a block shows (a trimmed definition shows only some of its lines).
const inside = (g, c) =>
  c.path === g.path && (c.shown ?? [[c.startLine, c.endLine]]).some(([s, e]) => s <= g.startLine && e >= g.endLine);
const row = {};
for (const graph of [false, true]) {
  for (const budget of budgets) {
    let ranges = 0;
    let found = 0;
    let anyQ = 0;
    for (const q of questions) {
      const { chunks } = await engine.context(q.query, { budgetTokens: budget, graph });
      const hits = q.gold.filter((g) => chunks.some((c) => inside(g, c))).length;
      ranges += q.gold.length;
      found += hits;
      if (hits > 0) anyQ++;
    }
    row[`${graph ? 'graph' : 'plain'}@${budget}`] =
      `${((100 * found) / ranges).toFixed(1)}% ranges, ${((100 * anyQ) / questions.length).toFixed(1)}% q`;
  }
}
await engine.close();
console.log(JSON.stringify({ suite, questions: questions.length, ...row }));
