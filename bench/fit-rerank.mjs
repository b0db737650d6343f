// Fits the learned rerank stage of hybrid search (rank/rerank.ts, weights in rank/params.ts `rerank`) on the dev suites
// of bench/fit-fusion.mjs (run that first: it builds .eval/dev), with three kinds of generated questions: doc sentence,
// symbol name, and error message (bench/error-queries.mjs). Pairwise logistic loss (the first gold result against each
// other result of the first `depth`), L2-pulled towards the identity model (fused = 1), so that without evidence the
// order stays as fusion left it. Reports leave-one-suite-out MRR@10 before and after, by question kind.
// Invariant: eval suites are never read here; the weights it prints are copied into params.ts by hand, with the table.
// Needs `npm run build` (dist/lib.js).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diversityFor, Engine, makeConfig, params, RERANK_FEATURES, rankCandidates, rerankFeatures } from '../dist/lib.js';
import { handwrittenSuites, ROOT, WORK, walk } from './dev-suites.mjs';
import { errorMessages } from './error-queries.mjs';

const log = (m) => process.stderr.write(`fit-rerank: ${m}\n`);

/** Source files that raise errors; tests and type declarations are left out. */
const isSource = (name) => /\.(py|js|mjs|ts|go)$/.test(name) && !/_test\.go$|\.d\.ts$|\.(test|spec)\./.test(name);

/** Error-message questions of a dev repository: each unambiguous literal message, gold the line that raises it. */
function errorQuestions(suite) {
  const all = walk(suite.repo, isSource).flatMap((rel) =>
    errorMessages(readFileSync(join(suite.repo, rel), 'utf8')).map((m) => ({ ...m, path: rel })),
  );
  const count = new Map();
  for (const m of all) count.set(m.query, (count.get(m.query) ?? 0) + 1);
  return all
    .filter((m) => count.get(m.query) === 1)
    .map((m, i) => ({
      id: `${suite.name}:error-${i}`,
      kind: 'error',
      query: m.query,
      gold: [{ path: m.path, startLine: m.line, endLine: m.line }],
    }));
}

const overlaps = (r, gold) =>
  gold.some((g) => g.path === r.chunk.path && r.chunk.startLine <= g.endLine && g.startLine <= r.chunk.endLine);

/**
 * Indexes each suite and runs its questions through hybrid fusion: per question, the rerank features of the first
 * `depth` results, which of them hit a gold range, and where lexical search alone puts the gold.
 */
async function collectFeatures(suites) {
  const depth = params.rerank.depth;
  const out = [];
  for (const suite of suites) {
    const engine = Engine.open(makeConfig(suite.repo, { indexDir: `${suite.repo}/../index` }));
    await engine.index();
    if (!(await engine.embed())) throw new Error(`no embedding model: ${engine.embedderProblem}`);
    for (const question of suite.questions) {
      const { found, q, mode } = await engine.collect(question.query, { limit: 10, mode: 'hybrid' });
      if (mode !== 'hybrid') continue;
      const ranked = diversityFor(rankCandidates(found, q, params, 'hybrid'), 'hybrid', params);
      const head = ranked.slice(0, depth);
      const features = rerankFeatures(head, q);
      // Where lexical search alone puts the gold, what hybrid is not to lose (the held-out table): each lexical
      // candidate of a hybrid ranking carries its position there.
      const positions = ranked.flatMap((r) =>
        overlaps(r, question.gold) && r.explain.lexicalPosition ? [r.explain.lexicalPosition] : [],
      );
      out.push({
        suite: suite.name,
        kind: question.kind,
        handKind: question.handKind,
        heldOut: !!suite.heldOut,
        features,
        gold: head.map((r) => overlaps(r, question.gold)),
        lexicalGold: positions.length ? Math.min(...positions) : 0,
      });
    }
    await engine.close();
  }
  return { features: RERANK_FEATURES, queries: out };
}

/** Pairwise logistic regression, full-batch gradient descent, L2 towards the identity weights. */
function fit(queries, n, { lambda = 0.01, epochs = 300, rate = 0.5, handWeight = 1 } = {}) {
  const identity = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
  const w = identity.slice();
  const pairs = [];
  for (const q of queries) {
    const g = q.gold.indexOf(true);
    if (g < 0) continue;
    const others = q.features.filter((_, i) => !q.gold[i]);
    const weight = q.kind === 'handwritten' ? handWeight : 1;
    for (const o of others) pairs.push([q.features[g].map((x, j) => x - o[j]), weight / others.length]);
  }
  const total = pairs.reduce((s, [, wt]) => s + wt, 0) || 1;
  for (let e = 0; e < epochs; e++) {
    const grad = new Array(n).fill(0);
    for (const [d, wt] of pairs) {
      let s = 0;
      for (let j = 0; j < n; j++) s += w[j] * d[j];
      const g = -wt / (1 + Math.exp(s));
      for (let j = 0; j < n; j++) grad[j] += g * d[j];
    }
    for (let j = 0; j < n; j++) w[j] -= rate * (grad[j] / total + lambda * (w[j] - identity[j]));
  }
  return w;
}

/** 1-based rank of the first gold result when the head is ordered by w; 0 when it is not in the head. */
function rankOf(q, w) {
  const order = q.features
    .map((f, i) => ({ i, s: f.reduce((a, x, j) => a + x * w[j], 0) }))
    .sort((a, b) => b.s - a.s || a.i - b.i);
  return order.findIndex((o) => q.gold[o.i]) + 1;
}

const reciprocal10 = (rank) => (rank > 0 && rank <= 10 ? 1 / rank : 0);

/** MRR@10 of the first gold result when the head is ordered by w (results below the head count as missed). */
function mrr(queries, w) {
  return queries.length ? queries.reduce((sum, q) => sum + reciprocal10(rankOf(q, w)), 0) / queries.length : 0;
}

/**
 * The held-out hand-written questions by kind: MRR@10 of lexical search alone, of fusion, and of the rerank with w, and
 * how many questions hybrid ranks below lexical (rank within the first ten, or found by lexical and missed).
 */
function heldOutTable(queries, identity, w) {
  const kinds = [...new Set(queries.map((q) => q.handKind))].sort();
  const rows = [];
  for (const kind of [...kinds, 'all']) {
    const qs = queries.filter((q) => kind === 'all' || q.handKind === kind);
    const lexical = qs.reduce((s, q) => s + reciprocal10(q.lexicalGold), 0) / qs.length;
    const lost = qs.filter((q) => reciprocal10(rankOf(q, w)) < reciprocal10(q.lexicalGold)).length;
    rows.push({ kind, n: qs.length, lexical, fusion: mrr(qs, identity), rerank: mrr(qs, w), lost });
  }
  return rows;
}

async function main() {
  const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
  const lambda = process.argv.includes('--lambda') ? Number(arg('--lambda')) : 0.01;
  const reuse = process.argv.includes('--reuse'); // features of the last run: only the fit and its table
  // Each hand-written question weighs this many generated ones in the loss (there are ~13 times fewer of them).
  const handWeight = process.argv.includes('--hand-weight') ? Number(arg('--hand-weight')) : 1;
  const suitesFile = join(WORK, 'suites.json');
  const suites = [
    ...JSON.parse(readFileSync(suitesFile, 'utf8')).map((s) => ({
      ...s,
      questions: [...s.questions, ...errorQuestions(s)],
    })),
    // Realistic questions of every kind (bench/dev/handwritten), one column in the tables below.
    // Held-out suites (sources.json) are not fitted on: they check the weights out of sample (docs/eval.md).
    ...handwrittenSuites().map((s) => ({
      ...s,
      questions: s.questions.map((q) => ({ ...q, kind: 'handwritten', handKind: q.kind })),
    })),
  ];
  for (const s of suites) log(`${s.name}: ${s.questions.length} questions`);
  const featuresFile = join(WORK, 'rerank-features.json');
  if (!reuse) writeFileSync(featuresFile, JSON.stringify(await collectFeatures(suites)));
  const collected = JSON.parse(readFileSync(featuresFile, 'utf8'));
  const RERANK_FEATURES = collected.features;
  const fitted = new Set(suites.filter((s) => !s.heldOut).map((s) => s.name));
  const queries = collected.queries.filter((q) => q.features.length && fitted.has(q.suite));
  const heldOut = collected.queries.filter((q) => q.heldOut);
  const n = RERANK_FEATURES.length;
  const identity = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
  const names = [...new Set(queries.map((q) => q.suite))];
  const kinds = [...new Set(queries.map((q) => q.kind))].sort();
  console.log('\nLeave one dev suite out: MRR@10 of the rerank head, fusion → fusion + rerank');
  console.log(`| held-out suite | ${kinds.join(' | ')} |`);
  console.log(`|---|${kinds.map(() => '---:').join('|')}|`);
  const cv = {};
  for (const held of names) {
    const w = fit(
      queries.filter((q) => q.suite !== held),
      n,
      { lambda, handWeight },
    );
    cv[held] = {};
    const cells = kinds.map((kind) => {
      const test = queries.filter((q) => q.suite === held && q.kind === kind);
      cv[held][kind] = { n: test.length, before: mrr(test, identity), after: mrr(test, w) };
      return `${cv[held][kind].before.toFixed(3)} → ${cv[held][kind].after.toFixed(3)} (${test.length})`;
    });
    console.log(`| ${held} | ${cells.join(' | ')} |`);
  }
  const w = fit(queries, n, { lambda, handWeight });
  const resultsFile = join(ROOT, 'bench', 'results', 'fit-rerank.json');
  const last = JSON.parse(readFileSync(resultsFile, 'utf8')).weights;
  const held = heldOutTable(heldOut, identity, w);
  const heldLast = heldOutTable(
    heldOut,
    identity,
    RERANK_FEATURES.map((f) => last[f] ?? 0),
  );
  console.log('\nHeld-out hand-written suites (never fitted on), MRR@10: lexical alone, fusion, the rerank of the last');
  console.log('fit (bench/results/fit-rerank.json) and of this one; questions hybrid ranks below lexical alone');
  console.log('| kind | questions | lexical | fusion | last fit | this fit | below lexical: last, this |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  held.forEach((r, i) => {
    const l = heldLast[i];
    const f = (x) => x.toFixed(3);
    console.log(
      `| ${r.kind} | ${r.n} | ${f(r.lexical)} | ${f(r.fusion)} | ${f(l.rerank)} | ${f(r.rerank)} | ${l.lost}, ${r.lost} |`,
    );
  });
  const weights = Object.fromEntries(RERANK_FEATURES.map((f, i) => [f, Math.round(w[i] * 1000) / 1000]));
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ lambda, handWeight, features: RERANK_FEATURES, weights, cv, heldOut: held }, null, 1)}\n`,
  );
  console.log('\nset rank/params.ts rerank.weights to:');
  console.log(JSON.stringify(weights, null, 2));
}

await main();
