#!/usr/bin/env node
// `npm run bench:knn`: dense search on an index that has vectors: recall of DenseSearch.nearest against exact search,
// its latency, the vector index's load time, and the shipped model's load time, query latency and throughput.
// Invariant: read-only on the index apart from what opening it does (migrations, vector table conversion).
// Needs `npm run build` (dist/lib.js).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chunkEmbeddingText, createEmbedder, DenseSearch, params, queryEmbeddingText, Store } from '../dist/lib.js';

const USAGE = `usage: node bench/knn.mjs --index-dir DIR --repo REPO --queries FILE.jsonl [options]
  --queries FILE    JSON lines with a "query" (or "question") field, e.g. .bench/queries-go.jsonl
  --max N           queries used (default 200)
  --results PATH    write the figures as JSON (default: print only)`;

function parseArgs(argv) {
  const o = { max: 200 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=');
    const val = () => inline ?? argv[++i];
    if (name === '--index-dir') o.indexDir = resolve(val());
    else if (name === '--repo') o.repo = resolve(val());
    else if (name === '--queries') o.queries = resolve(val());
    else if (name === '--max') o.max = Number(val());
    else if (name === '--results') o.results = resolve(val());
    else {
      console.error(USAGE);
      process.exit(2);
    }
  }
  if (!o.indexDir || !o.repo || !o.queries) {
    console.error(USAGE);
    process.exit(2);
  }
  return o;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

const o = parseArgs(process.argv.slice(2));
const queries = readFileSync(o.queries, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .map((q) => q.query ?? q.question)
  .filter(Boolean)
  .slice(0, o.max);

let t = performance.now();
const embedder = await createEmbedder({ provider: 'local' }, false, (m) => console.error(m));
const modelLoadMs = performance.now() - t;
const store = Store.open(o.indexDir, o.repo);
const table = store.vectors.vectorTable(embedder.id, embedder.dimensions);
const count = store.vectors.embeddedCount(table);
const dense = new DenseSearch(store);
if (count === 0) throw new Error(`no vectors of ${embedder.id} in ${o.indexDir}: run codectx index first`);

// Query embeddings, one at a time as a search does.
const vectors = [];
const embedMs = [];
for (const q of queries) {
  t = performance.now();
  vectors.push(await embedder.embedQuery(queryEmbeddingText(q)));
  embedMs.push(performance.now() - t);
}

// Exact search: every float vector of the table, from the cache, scored by brute force.
const rows = store.db
  .prepare(
    `SELECT c.id, e.vector FROM ${table} v JOIN chunks c ON c.id = v.rowid JOIN embedding_cache e ON e.model = ? AND e.hash = c.hash`,
  )
  .raw()
  .all(embedder.id);
const ids = rows.map((r) => r[0]);
const all = new Float32Array(rows.length * embedder.dimensions);
rows.forEach((r, i) => {
  all.set(new Float32Array(r[1].buffer.slice(r[1].byteOffset, r[1].byteOffset + r[1].byteLength)), i * embedder.dimensions);
});
function exact(q, k) {
  const d = embedder.dimensions;
  const s = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += all[i * d + j] * q[j];
    s[i] = dot;
  }
  // The k-th best score by a native sort of a copy, then only the ids at or above it are ordered (1.2M vectors).
  const cut = k >= ids.length ? Number.NEGATIVE_INFINITY : Float32Array.from(s).sort()[ids.length - k];
  const top = [];
  for (let i = 0; i < ids.length; i++) if (s[i] >= cut) top.push(i);
  return top
    .sort((a, b) => s[b] - s[a] || ids[a] - ids[b])
    .slice(0, k)
    .map((i) => ids[i]);
}
const truth = vectors.map((q) => exact(q, 100));

// vec0's exact KNN over the int8 codes, re-scored with the floats (what a process whose in-memory index is not loaded
// asks below params.denseVec0Below vectors), forced here at any size on a second Store that never loads the index.
const cold = Store.open(o.indexDir, o.repo);
const coldDense = new DenseSearch(cold);
const vec0 = { recall: { 10: 0, 20: 0, 100: 0 }, ms: [] };
vectors.forEach((q, i) => {
  const start = performance.now();
  const got = coldDense
    .nearest(table, q, 100, {
      shortlist: params.denseShortlist,
      rescore: params.denseRescore,
      vec0Below: Number.POSITIVE_INFINITY,
    })
    .map((r) => r.id);
  vec0.ms.push(performance.now() - start);
  for (const k of [10, 20, 100]) {
    const want = new Set(truth[i].slice(0, k));
    vec0.recall[k] += got.slice(0, k).filter((id) => want.has(id)).length / k / vectors.length;
  }
});
cold.close();

// The first dense query of a process loads the vector index.
t = performance.now();
dense.nearest(table, vectors[0], 100, { shortlist: params.denseShortlist, rescore: params.denseRescore });
const indexLoadMs = performance.now() - t;

function measure(shortlist, rescore) {
  const recall = { 10: 0, 20: 0, 100: 0 };
  const ms = [];
  vectors.forEach((q, i) => {
    const start = performance.now();
    const got = dense.nearest(table, q, 100, { shortlist, rescore }).map((r) => r.id);
    ms.push(performance.now() - start);
    for (const k of [10, 20, 100]) {
      const want = new Set(truth[i].slice(0, k));
      recall[k] += got.slice(0, k).filter((id) => want.has(id)).length / k / vectors.length;
    }
  });
  return { shortlist, rescore, recall, p50: pct(ms, 50), p95: pct(ms, 95) };
}
const settings = [
  [params.denseShortlist, params.denseRescore],
  [1000, 200],
  [2000, 300],
  [4000, 200],
  [4000, 300],
  [8000, 300],
  // Larger shortlists, for tables far above the Go standard library's 94k vectors (the kernel's 1.2M).
  ...(count > 200_000
    ? [
        [16000, 200],
        [32000, 200],
        [64000, 200],
        [128000, 200],
      ]
    : []),
];
const sweep = settings.map(([s, r]) => measure(s, r));

// Model throughput on real chunk texts, in the embedding pass's batches of 64.
// Through Store.chunks: the table keeps texts packed (store/chunk-text.ts).
const sample = [...store.chunks(store.db.prepare('SELECT id FROM chunks ORDER BY id LIMIT 2048').pluck().all()).values()];
t = performance.now();
for (let i = 0; i < sample.length; i += 64) await embedder.embedDocuments(sample.slice(i, i + 64).map(chunkEmbeddingText));
const throughput = sample.length / ((performance.now() - t) / 1000);

const result = {
  date: new Date().toISOString(),
  index: o.indexDir,
  model: embedder.id,
  vectors: count,
  queries: queries.length,
  modelLoadMs,
  queryEmbedMs: { p50: pct(embedMs, 50), p95: pct(embedMs, 95) },
  indexLoadMs,
  throughputChunksPerSec: throughput,
  default: { shortlist: params.denseShortlist, rescore: params.denseRescore },
  vec0: { rescore: params.denseRescore, recall: vec0.recall, p50: pct(vec0.ms, 50), p95: pct(vec0.ms, 95) },
  sweep,
};
console.log(
  `${count} vectors, ${queries.length} queries; model load ${fmt(modelLoadMs)} ms; query embedding p50 ${fmt(result.queryEmbedMs.p50)} ms p95 ${fmt(result.queryEmbedMs.p95)} ms`,
);
console.log(`vector index load (first dense query) ${fmt(indexLoadMs)} ms; throughput ${throughput.toFixed(0)} chunks/s`);
console.log('shortlist rescore  recall@10 @20 @100   nearest p50 / p95 (k = 100)');
for (const s of sweep)
  console.log(
    `${String(s.shortlist).padStart(9)} ${String(s.rescore).padStart(7)}  ${s.recall[10].toFixed(4)} ${s.recall[20].toFixed(4)} ${s.recall[100].toFixed(4)}   ${fmt(s.p50)} / ${fmt(s.p95)} ms`,
  );
console.log(
  `vec0 exact int8 KNN ${params.denseRescore}, re-scored  ${vec0.recall[10].toFixed(4)} ${vec0.recall[20].toFixed(4)} ${vec0.recall[100].toFixed(4)}   ${fmt(result.vec0.p50)} / ${fmt(result.vec0.p95)} ms`,
);
if (o.results) writeFileSync(o.results, `${JSON.stringify(result, null, 2)}\n`);
store.close();
await embedder.close();
