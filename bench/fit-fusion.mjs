// Fits the hybrid fusion weights (rank/params.ts: denseWeightProse, denseWeightCode) on dev suites built from code that
// neither the embedding model trained on (training/manifest.json marks it as validation) nor any eval suite uses.
// Invariant: eval suites are never read here; the weights it prints are copied into params.ts by hand, with the table.
// Needs `npm run build` (dist/lib.js).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { denseWeight, diversityFor, Engine, makeConfig, params, rankCandidates } from '../dist/lib.js';
import { ROOT, WORK, walk } from './dev-suites.mjs';
import { goCandidates, jsCandidates, pythonCandidates, removeDocs, sample } from './eval-suites.mjs';

const log = (m) => process.stderr.write(`fit-fusion: ${m}\n`);

/** Dev sources: `name=path` pairs on the command line, each a folder of Python or JavaScript/TypeScript code. */
function parseSources(argv) {
  const sources = argv
    .filter((a) => a.includes('='))
    .map((a) => ({ name: a.slice(0, a.indexOf('=')), path: a.slice(a.indexOf('=') + 1) }));
  if (!sources.length) {
    process.stderr.write(
      'usage: node bench/fit-fusion.mjs NAME=DIR [NAME=DIR …]   (validation sources of training/manifest.json)\n',
    );
    process.exit(2);
  }
  return sources;
}

/** Copies a source, samples documented functions, cuts their docs; questions of two kinds: the doc sentence, the name. */
function prepare(source) {
  const repo = join(WORK, source.name, 'repo');
  rmSync(join(WORK, source.name), { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  cpSync(source.path, repo, { recursive: true, verbatimSymlinks: true });
  const candidates = [];
  for (const rel of walk(repo)) {
    if (rel.endsWith('.py')) candidates.push(...pythonCandidates(readFileSync(join(repo, rel), 'utf8'), rel));
    else if (rel.endsWith('.go') && !rel.endsWith('_test.go'))
      candidates.push(...goCandidates(readFileSync(join(repo, rel), 'utf8'), rel));
    else if (/\.(js|mjs|ts)$/.test(rel) && !rel.endsWith('.d.ts'))
      candidates.push(...jsCandidates(readFileSync(join(repo, rel), 'utf8'), rel));
  }
  const { chosen } = sample(candidates, 300, `fit-fusion:${source.name}`);
  const byFile = new Map();
  for (const c of chosen) byFile.set(c.path, [...(byFile.get(c.path) ?? []), c]);
  const questions = [];
  for (const [path, list] of byFile) {
    const cut = removeDocs(readFileSync(join(repo, path), 'utf8'), list, `${source.name}:`);
    writeFileSync(join(repo, path), cut.text);
    for (const q of cut.questions) {
      questions.push({ ...q, kind: 'prose' });
      questions.push({ ...q, id: `${q.id}#name`, query: q.gold[0].symbol, kind: 'identifier' });
    }
  }
  log(`${source.name}: ${candidates.length} documented functions, ${questions.length / 2} sampled`);
  return { name: source.name, repo, questions };
}

const grid = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Reciprocal rank of the first result overlapping a gold range, 0 below the top 10. */
function reciprocal(ranked, gold) {
  const i = ranked.findIndex((r) =>
    gold.some((g) => g.path === r.chunk.path && r.chunk.startLine <= g.endLine && g.startLine <= r.chunk.endLine),
  );
  return i < 0 || i >= 10 ? 0 : 1 / (i + 1);
}

/**
 * Indexes each suite, collects every question's candidates once, and scores them at every dense weight of the grid:
 * per question kind (lexical and dense alone) and per class of query (code-like or prose, the two weights).
 */
async function scoreSuites(suites) {
  const out = { grid, suites: [] };
  for (const suite of suites) {
    const engine = Engine.open(makeConfig(suite.repo, { indexDir: `${suite.repo}/../index` }));
    await engine.index();
    const embedded = await engine.embed();
    if (!embedded) throw new Error(`no embedding model: ${engine.embedderProblem}`);
    const collected = [];
    for (const question of suite.questions) {
      const r = await engine.collect(question.query, { limit: 10, mode: 'hybrid' });
      collected.push({ question, found: r.found, q: r.q });
    }
    await engine.close();
    // Each query uses one of the two weights, by its own words (code-like or prose): score every query at every weight
    // once, then each weight is fitted on the queries it applies to.
    const res = { name: suite.name, n: suite.questions.length / 2, kinds: {}, classes: { code: [], prose: [] } };
    const rr = (c, mode, w) => {
      const p = { ...params, denseWeightCode: w, denseWeightProse: w };
      return reciprocal(diversityFor(rankCandidates(c.found, c.q, p, mode), mode, p), c.question.gold);
    };
    for (const c of collected) {
      c.cls = denseWeight(c.q, params) === params.denseWeightCode ? 'code' : 'prose';
      c.lexical = rr(c, 'lexical', 0);
      c.dense = rr(c, 'dense', 0);
      c.hybrid = grid.map((w) => rr(c, 'hybrid', w));
    }
    const mean = (list, f) => (list.length ? list.reduce((s, c) => s + f(c), 0) / list.length : 0);
    for (const kind of ['prose', 'identifier']) {
      const list = collected.filter((c) => c.question.kind === kind);
      res.kinds[kind] = { n: list.length, lexical: mean(list, (c) => c.lexical), dense: mean(list, (c) => c.dense) };
    }
    for (const cls of ['code', 'prose']) {
      const list = collected.filter((c) => c.cls === cls);
      res.classes[cls] = {
        n: list.length,
        lexical: mean(list, (c) => c.lexical),
        dense: mean(list, (c) => c.dense),
        hybrid: grid.map((_, i) => mean(list, (c) => c.hybrid[i])),
      };
    }
    out.suites.push(res);
  }
  return out;
}

async function main() {
  const sources = parseSources(process.argv.slice(2));
  mkdirSync(WORK, { recursive: true });
  const suites = sources.map(prepare);
  const suitesFile = join(WORK, 'suites.json');
  writeFileSync(suitesFile, JSON.stringify(suites));
  const resultFile = join(ROOT, 'bench', 'results', 'fit-fusion.json');
  const result = await scoreSuites(suites);
  // Each weight: the grid value with the best MRR@10 over the dev queries of its class, weighted by their number.
  const best = {};
  for (const cls of ['code', 'prose']) {
    const total = result.suites.reduce((n, x) => n + x.classes[cls].n, 0);
    const at = (i) => result.suites.reduce((sum, x) => sum + x.classes[cls].hybrid[i] * x.classes[cls].n, 0) / (total || 1);
    let bestI = 0;
    result.grid.forEach((_, i) => {
      if (at(i) > at(bestI) + 1e-9) bestI = i;
    });
    const lexical = result.suites.reduce((sum, x) => sum + x.classes[cls].lexical * x.classes[cls].n, 0) / (total || 1);
    const dense = result.suites.reduce((sum, x) => sum + x.classes[cls].dense * x.classes[cls].n, 0) / (total || 1);
    best[cls] = { weight: result.grid[bestI], mrr: at(bestI), lexical, dense, n: total };
    console.log(`\n${cls}-like queries (${total}): chunk MRR@10 by dense weight, all dev suites`);
    console.log(`| lexical | dense | ${result.grid.map((w) => `w=${w}`).join(' | ')} |`);
    console.log(`|---:|---:|${result.grid.map(() => '---:').join('|')}|`);
    console.log(`| ${lexical.toFixed(3)} | ${dense.toFixed(3)} | ${result.grid.map((_, i) => at(i).toFixed(3)).join(' | ')} |`);
  }
  console.log('\n| dev suite | kind | n | lexical | dense |');
  console.log('|---|---|---:|---:|---:|');
  for (const x of result.suites) {
    for (const [kind, k] of Object.entries(x.kinds))
      console.log(`| ${x.name} | ${kind} | ${k.n} | ${k.lexical.toFixed(3)} | ${k.dense.toFixed(3)} |`);
  }
  result.best = best;
  writeFileSync(resultFile, `${JSON.stringify(result, null, 1)}\n`);
  console.log(`\nset rank/params.ts: denseWeightCode ${best.code.weight}, denseWeightProse ${best.prose.weight}`);
}

await main();
