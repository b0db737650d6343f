// Context recall of Engine.context variants on question suites (gold line ranges): by default with and without the code
// graph's expansion (the `graph` option), lexical only. Context recall@budget: the share of gold ranges wholly inside
// the lines a packed block shows (as `codectx eval`); also the share of questions with any gold range wholly packed.
// Usage: node bench/context-graph.mjs SUITE.jsonl REPO [SUITE.jsonl REPO …] [--budgets 2000,4000,8000]
//        [--variant NAME=JSON …] [--hybrid] [--hand]
// --variant NAME=JSON (repeatable) replaces the default pair with these ContextOptions, e.g. --variant
// no-members='{"members":false}'. --hybrid ranks with the shipped local model (indexes embedded first). --hand adds the
// eight Debian-sourced hand-written dev suites (bench/dev/handwritten: bolt, toolz, marshmallow, kingpin, s3transfer,
// go-systemd, fsspec, prometheus-common). One JSON line per suite and the pooled rows (question-weighted) at the end.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, makeConfig } from '../dist/lib.js';

const HAND = ['bolt', 'toolz', 'marshmallow', 'kingpin', 's3transfer', 'go-systemd', 'fsspec', 'prometheus-common'];
const here = new URL('.', import.meta.url).pathname;

const args = process.argv.slice(2);
const pairs = [];
const variants = [];
let budgets = [2000, 4000, 8000];
let hybrid = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--budgets') budgets = args[++i].split(',').map(Number);
  else if (a === '--hybrid') hybrid = true;
  else if (a === '--variant') {
    const v = args[++i];
    const eq = v.indexOf('=');
    variants.push({ name: v.slice(0, eq), options: JSON.parse(v.slice(eq + 1)) });
  } else if (a === '--hand') {
    const { suites } = JSON.parse(readFileSync(join(here, 'dev', 'handwritten', 'sources.json'), 'utf8'));
    for (const name of HAND) {
      if (existsSync(suites[name].path)) pairs.push([join(here, 'dev', 'handwritten', `${name}.jsonl`), suites[name].path]);
      else console.error(`${name}: ${suites[name].path} is missing (apt-get install ${suites[name].debian}); skipped`);
    }
  } else pairs.push([a, args[++i]]);
}
if (!variants.length) variants.push({ name: 'plain', options: { graph: false } }, { name: 'graph', options: { graph: true } });

// Wholly inside the lines a block shows (a trimmed definition shows only some of its lines).
const inside = (g, c) =>
  c.path === g.path && (c.shown ?? [[c.startLine, c.endLine]]).some(([s, e]) => s <= g.startLine && e >= g.endLine);
const pooled = {};
for (const [suite, repo] of pairs) {
  const questions = readFileSync(suite, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const indexDir = join(tmpdir(), 'ctxg-idx', `${repo.replace(/[^\w]+/g, '_')}${hybrid ? '-local' : ''}`);
  const engine = Engine.open(makeConfig(repo, { indexDir, ...(hybrid ? {} : { embedder: { provider: 'none' } }) }));
  await engine.index();
  if (hybrid) await engine.embed();
  const row = {};
  for (const v of variants) {
    for (const budget of budgets) {
      let ranges = 0;
      let found = 0;
      let anyQ = 0;
      for (const q of questions) {
        const { chunks } = await engine.context(q.query, { ...v.options, budgetTokens: budget });
        const hits = q.gold.filter((g) => chunks.some((c) => inside(g, c))).length;
        ranges += q.gold.length;
        found += hits;
        if (hits > 0) anyQ++;
      }
      const key = `${v.name}@${budget}`;
      row[key] = `${((100 * found) / ranges).toFixed(1)}% ranges, ${((100 * anyQ) / questions.length).toFixed(1)}% q`;
      pooled[key] ??= { ranges: 0, found: 0, questions: 0, anyQ: 0 };
      pooled[key].ranges += ranges;
      pooled[key].found += found;
      pooled[key].questions += questions.length;
      pooled[key].anyQ += anyQ;
    }
  }
  await engine.close();
  console.log(JSON.stringify({ suite, questions: questions.length, ...row }));
}
if (pairs.length > 1) {
  const row = Object.fromEntries(
    Object.entries(pooled).map(([k, p]) => [
      k,
      `${((100 * p.found) / p.ranges).toFixed(1)}% ranges, ${((100 * p.anyQ) / p.questions).toFixed(1)}% q`,
    ]),
  );
  console.log(JSON.stringify({ suite: 'pooled', questions: Object.values(pooled)[0]?.questions ?? 0, ...row }));
}
