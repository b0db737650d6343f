// Embedding runs against a real index file with the hash test double: cache reuse, model switches, dense search.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { Store } from '../store/store.js';
import { embedPending } from './embed-pass.js';
import { HashEmbedder } from './hash-embedder.js';

let repo: string;
let indexDir: string;

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-embed-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-embed-index-'));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  put(
    'src/cache.ts',
    'export function isEntryStale(entry: Entry, now: number) {\n  return now - entry.storedAt > entry.ttl;\n}\n',
  );
  put('src/queue.ts', 'export function enqueueJob(queue: Job[], job: Job) {\n  queue.push(job);\n}\n');
  put('README.md', '# Cache\n\nEntries go stale after their time to live.\n');
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

async function indexed(): Promise<{ engine: Engine; store: Store }> {
  const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
  await engine.index();
  await engine.close();
  return { engine, store: Store.open(indexDir, repo) };
}

describe('embedPending', () => {
  it('embeds every chunk once; a rename re-embeds nothing (the cache answers by content hash)', async () => {
    const { store } = await indexed();
    const model = new HashEmbedder(32);
    const first = await embedPending(store, model);
    expect(first).toMatchObject({ embedded: 3, total: 3, computed: 3, fromCache: 0 });
    expect(await embedPending(store, model)).toMatchObject({ embedded: 3, computed: 0, fromCache: 0 });
    store.close();

    renameSync(join(repo, 'src/queue.ts'), join(repo, 'src/jobs.ts'));
    const { store: again } = await indexed();
    const after = await embedPending(again, model);
    expect(after).toMatchObject({ embedded: 3, total: 3, computed: 0, fromCache: 1 });
    expect(model.embedded).toBe(3);
    again.close();
  });

  it('a model switch gets its own vector table and never mixes with the old one', async () => {
    const { store } = await indexed();
    await embedPending(store, new HashEmbedder(32));
    const other = new HashEmbedder(48);
    expect(await embedPending(store, other)).toMatchObject({ embedded: 3, computed: 3 });
    const a = store.vectorTable('hash-32', 32);
    const b = store.vectorTable('hash-48', 48);
    expect(a).not.toBe(b);
    expect(store.embeddedCount(a)).toBe(3);
    expect(() => store.vectorTable('hash-32', 64)).toThrow(/gives 64 dimensions, its index has 32/);
    store.close();
  });

  it('nearest gives the exact cosines of the brute-force best, by float vectors from the cache', async () => {
    const { store } = await indexed();
    const model = new HashEmbedder(32);
    await embedPending(store, model);
    const table = store.vectorTable(model.id, 32);
    const query = await model.embedQuery('enqueue job queue');
    const chunks = [...store.chunks([1, 2, 3, 4, 5, 6]).values()];
    const vectors = store.cachedVectors(
      model.id,
      chunks.map((c) => c.hash),
    );
    const cosine = (v: Float32Array) => {
      let dot = 0;
      let n = 0;
      let m = 0;
      v.forEach((x, i) => {
        dot += x * (query[i] as number);
        n += x * x;
        m += (query[i] as number) ** 2;
      });
      return dot / Math.sqrt(n * m);
    };
    const brute = chunks
      .map((c) => ({ id: c.id, similarity: cosine(vectors.get(c.hash) as Float32Array) }))
      .sort((a, b) => b.similarity - a.similarity);
    const near = store.nearest(table, query, 3, { shortlist: 10, rescore: 10 });
    expect(near.map((r) => [r.id, r.similarity.toFixed(5)])).toEqual(
      brute.slice(0, 3).map((r) => [r.id, r.similarity.toFixed(5)]),
    );
    // A filter is applied before ranking: only chunks of matching files, still up to k of them.
    const path = chunks.find((c) => c.id === near[0]?.id)?.path as string;
    const filtered = store.nearest(table, query, 3, { shortlist: 10, rescore: 10, filter: { globs: [path] } });
    expect(filtered.length).toBe(Math.min(3, chunks.filter((c) => c.path === path).length));
    expect(filtered.every((r) => chunks.find((c) => c.id === r.id)?.path === path)).toBe(true);
    store.close();
  });

  it('deleted chunks take their vectors with them', async () => {
    const { store } = await indexed();
    await embedPending(store, new HashEmbedder(32));
    store.close();
    rmSync(join(repo, 'src/queue.ts'));
    const { store: again } = await indexed();
    expect(again.embeddedCount(again.vectorTable('hash-32', 32))).toBe(2);
    again.close();
  });
});

describe('engine with embeddings (hash double)', () => {
  it('dense and hybrid modes search the vectors and explain both sides', async () => {
    const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'hash', dimensions: 64 } }));
    try {
      await engine.index();
      expect(await engine.embed()).toMatchObject({ embedded: 3, total: 3 });
      const dense = await engine.search('enqueue job', { mode: 'dense', explain: true });
      expect(dense.mode).toBe('dense');
      expect(dense.results[0]?.symbol).toBe('enqueueJob');
      expect(dense.results[0]?.explain?.denseRank).toBe(1);
      const hybrid = await engine.search('is entry stale', { mode: 'hybrid', explain: true });
      expect(hybrid.mode).toBe('hybrid');
      expect(hybrid.results[0]?.symbol).toBe('isEntryStale');
      expect(hybrid.results[0]?.explain?.fusion?.denseWeight).toBeGreaterThan(0);
      expect((await engine.search('stale', { mode: 'dense', languages: ['markdown'] })).results.map((r) => r.path)).toEqual([
        'README.md',
      ]);
    } finally {
      await engine.close();
    }
  });

  it('without a model, hybrid answers lexically and dense says why', async () => {
    const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
    try {
      await engine.index();
      expect((await engine.search('enqueue job')).mode).toBe('lexical');
      await expect(engine.search('enqueue job', { mode: 'dense' })).rejects.toThrow(/no embeddings|no chunk/);
    } finally {
      await engine.close();
    }
  });
});
