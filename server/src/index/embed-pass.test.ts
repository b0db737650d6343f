// Embedding runs against a real index file with the hash test double: cache reuse, model switches, dense search.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { chunkEmbeddingText } from '../embed/embed-text.js';
import { HashEmbedder } from '../embed/hash-embedder.js';
import { Engine } from '../engine.js';
import { dense } from '../search/test-dense.js';
import { Store } from '../store/store.js';
import { embedPending } from './embed-pass.js';

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

  it('a model computing several batches at once gets them all in flight and each vector lands on its own chunk', async () => {
    const { store } = await indexed();
    const serial = new HashEmbedder(32);
    const table = store.vectors.vectorTable(serial.id, 32);
    const chunks = store.vectors.chunksToEmbed(table, 100);
    const expected = new Map<string, Float32Array>();
    for (const c of chunks) expected.set(c.hash, (await serial.embedDocuments([chunkEmbeddingText(c)]))[0] as Float32Array);

    // The same model as a pool of 3 whose answers come back out of order.
    let inFlight = 0;
    let most = 0;
    const slow = (model: HashEmbedder) => async (texts: string[]) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 30 - 10 * inFlight));
      inFlight--;
      return model.embedDocuments(texts);
    };
    const pool = {
      id: serial.id,
      dimensions: 32,
      parallel: 3,
      embedQuery: (t: string) => serial.embedQuery(t),
      close: async () => {},
      embedDocuments: slow(serial),
    };
    expect(await embedPending(store, pool, { batchSize: 1 })).toMatchObject({ embedded: 3, computed: 3 });
    expect(most).toBe(3);
    // One model thread (another model: nothing cached) gets two batches: one it computes, one waiting for it.
    const one = new HashEmbedder(48);
    most = 0;
    const single = { ...pool, id: one.id, dimensions: 48, parallel: 1, embedDocuments: slow(one) };
    expect(await embedPending(store, single, { batchSize: 1 })).toMatchObject({ embedded: 3, computed: 3 });
    expect(most).toBe(2);
    const got = store.vectors.cachedVectors(serial.id, [...expected.keys()]);
    expect(got.size).toBe(3);
    for (const [hash, v] of expected) expect(Array.from(got.get(hash) ?? [])).toEqual(Array.from(v));
    expect(dense(store).nearest(table, await serial.embedQuery('enqueue job'), 1, { shortlist: 10, rescore: 10 })).toHaveLength(
      1,
    );
    store.close();
  });

  it('a model switch gets its own vector table and never mixes with the old one', async () => {
    const { store } = await indexed();
    await embedPending(store, new HashEmbedder(32));
    const other = new HashEmbedder(48);
    expect(await embedPending(store, other)).toMatchObject({ embedded: 3, computed: 3 });
    const a = store.vectors.vectorTable('hash-32', 32);
    const b = store.vectors.vectorTable('hash-48', 48);
    expect(a).not.toBe(b);
    expect(store.vectors.embeddedCount(a)).toBe(3);
    expect(() => store.vectors.vectorTable('hash-32', 64)).toThrow(/gives 64 dimensions, its index has 32/);
    store.close();
  });

  it('nearest gives the exact cosines of the brute-force best, by float vectors from the cache', async () => {
    const { store } = await indexed();
    const model = new HashEmbedder(32);
    await embedPending(store, model);
    const table = store.vectors.vectorTable(model.id, 32);
    const query = await model.embedQuery('enqueue job queue');
    const chunks = [...store.chunks([1, 2, 3, 4, 5, 6]).values()];
    const vectors = store.vectors.cachedVectors(
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
    const near = dense(store).nearest(table, query, 3, { shortlist: 10, rescore: 10 });
    expect(near?.map((r) => [r.id, r.similarity.toFixed(5)])).toEqual(
      brute.slice(0, 3).map((r) => [r.id, r.similarity.toFixed(5)]),
    );
    // A filter is applied before ranking: only chunks of matching files, still up to k of them.
    const path = chunks.find((c) => c.id === near?.[0]?.id)?.path as string;
    const filtered = dense(store).nearest(table, query, 3, { shortlist: 10, rescore: 10, filter: { globs: [path] } });
    expect(filtered?.length).toBe(Math.min(3, chunks.filter((c) => c.path === path).length));
    expect(filtered?.every((r) => chunks.find((c) => c.id === r.id)?.path === path)).toBe(true);
    store.close();
  });

  it('deleted chunks take their vectors with them', async () => {
    const { store } = await indexed();
    await embedPending(store, new HashEmbedder(32));
    store.close();
    rmSync(join(repo, 'src/queue.ts'));
    const { store: again } = await indexed();
    expect(again.vectors.embeddedCount(again.vectors.vectorTable('hash-32', 32))).toBe(2);
    again.close();
  });
});

/** Checks the pending list against vec0 itself: pending = chunks without a vector, embedded = chunks with one. */
function expectPendingExact(store: Store, table: string): number[] {
  const without = store.db
    .prepare(`SELECT c.id FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM ${table} v WHERE v.rowid = c.id) ORDER BY c.id`)
    .pluck()
    .all() as number[];
  expect(store.vectors.chunksToEmbed(table, 1000).map((c) => c.id)).toEqual(without);
  expect(store.vectors.embeddedCount(table)).toBe(store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
  return without;
}

describe('pending embeddings', () => {
  it('stay exact after edits, deletes, renames and model switches', async () => {
    const { store } = await indexed();
    const a = new HashEmbedder(32);
    await embedPending(store, a);
    const tableA = store.vectors.vectorTable(a.id, 32);
    expect(expectPendingExact(store, tableA)).toEqual([]);
    store.close();

    // An edit, a delete and a rename: only the chunks written since are pending.
    writeFileSync(join(repo, 'src/cache.ts'), 'export function isEntryFresh(entry: Entry) {\n  return !entry.stale;\n}\n');
    rmSync(join(repo, 'README.md'));
    renameSync(join(repo, 'src/queue.ts'), join(repo, 'src/jobs.ts'));
    const { store: s2 } = await indexed();
    const pending = expectPendingExact(s2, tableA);
    expect(s2.chunks(pending).size).toBe(2);
    expect([...s2.chunks(pending).values()].map((c) => c.path).sort()).toEqual(['src/cache.ts', 'src/jobs.ts']);

    // A second model starts with everything pending and does not disturb the first.
    const b = new HashEmbedder(48);
    const tableB = s2.vectors.vectorTable(b.id, 48);
    expect(expectPendingExact(s2, tableB)).toHaveLength(2);
    expect(await embedPending(s2, b)).toMatchObject({ embedded: 2, total: 2 });
    expect(expectPendingExact(s2, tableB)).toEqual([]);
    expect(expectPendingExact(s2, tableA)).toHaveLength(2);
    s2.close();

    // Back to the first model after one more edit: it catches up on what changed under either.
    writeFileSync(join(repo, 'src/extra.ts'), 'export const limit = 3;\n');
    const { store: s3 } = await indexed();
    expect(expectPendingExact(s3, tableA)).toHaveLength(3);
    expect(expectPendingExact(s3, tableB)).toHaveLength(1);
    expect(await embedPending(s3, a)).toMatchObject({ embedded: 3, total: 3, computed: 2, fromCache: 1 });
    expect(expectPendingExact(s3, tableA)).toEqual([]);
    s3.close();
  });

  it('an index of schema 3 gets its pending list from the vectors it has', async () => {
    const { store } = await indexed();
    const model = new HashEmbedder(32);
    await embedPending(store, model);
    const table = store.vectors.vectorTable(model.id, 32);
    // Back to schema 3 (no pending list, no code graph, no files epoch), with one vector missing (as if the pass had
    // stopped there).
    store.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(store.db.prepare('SELECT MIN(id) FROM chunks').pluck().get());
    const epochTriggers = ['files', 'skipped'].flatMap((t) => ['insert', 'update', 'delete'].map((op) => `${t}_epoch_${op}`));
    store.db.exec(
      `DROP TRIGGER chunks_embed_pending_insert; DROP TRIGGER chunks_embed_pending_delete; DROP TABLE embed_pending; DROP TABLE refs;
       ${epochTriggers.map((t) => `DROP TRIGGER ${t};`).join(' ')} DELETE FROM meta WHERE key = 'files_epoch'; PRAGMA user_version = 3`,
    );
    store.close();
    const migrated = Store.open(indexDir, repo);
    expect(expectPendingExact(migrated, table)).toHaveLength(1);
    expect(await embedPending(migrated, model)).toMatchObject({ embedded: 3, fromCache: 1, computed: 0 });
    expect(expectPendingExact(migrated, table)).toEqual([]);
    migrated.close();
  });
});

describe('older vector tables', () => {
  // The forms a model's table had before vec0 int8: vec0 of floats (with a bits twin), then a plain table of codes.
  const OLD_FORMS: Record<string, (table: string, dims: number) => string> = {
    'vec0 float': (t, d) =>
      `CREATE VIRTUAL TABLE ${t} USING vec0(embedding float[${d}] distance_metric=cosine);
       CREATE VIRTUAL TABLE ${t}_bits USING vec0(embedding bit[${d}])`,
    'plain codes': (t) => `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, codes BLOB NOT NULL)`,
  };
  for (const [name, create] of Object.entries(OLD_FORMS)) {
    it(`a ${name} table becomes vec0 int8, refilled from the cache without the model`, async () => {
      const { store } = await indexed();
      const model = new HashEmbedder(32);
      await embedPending(store, model);
      const table = store.vectors.vectorTable(model.id, 32);
      const query = await model.embedQuery('stale entry');
      const before = dense(store).nearest(table, query, 3, { shortlist: 10, rescore: 10 });
      // Back to the old form, full of vectors: nothing pending.
      store.db.exec(`DROP TABLE ${table}; ${create(table, 32)}`);
      store.db.prepare('DELETE FROM embed_pending WHERE tbl = ?').run(table);
      store.close();

      const upgraded = Store.open(indexDir, repo);
      expect(upgraded.vectors.vectorTable(model.id, 32)).toBe(table);
      const sql = upgraded.db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string;
      expect(sql).toMatch(/USING vec0\(embedding int8\[32\]/);
      expect(upgraded.db.prepare('SELECT COUNT(*) FROM sqlite_master WHERE name LIKE ?').pluck().get(`${table}_bits%`)).toBe(0);
      expect(expectPendingExact(upgraded, table)).toHaveLength(3);
      const noModel = new HashEmbedder(32);
      noModel.embedDocuments = () => Promise.reject(new Error('the model must not run'));
      expect(await embedPending(upgraded, noModel)).toMatchObject({ embedded: 3, computed: 0, fromCache: 3 });
      expect(expectPendingExact(upgraded, table)).toEqual([]);
      expect(dense(upgraded).nearest(table, query, 3, { shortlist: 10, rescore: 10 })).toEqual(before);
      upgraded.close();
    });
  }
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
      expect(hybrid.results[0]?.explain?.rerank?.before).toBeGreaterThan(0);
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

describe('a damaged vector table', () => {
  // vec0 keeps its rows in shadow tables; a validity bitmap of the wrong size is what a torn or hand-edited file gives.
  // Written through a second connection without sqlite-vec, as vec0 guards its shadow tables in its own.
  const damage = (engine: Engine) => {
    const db = new Database(engine.status().indexPath);
    const table = db.prepare("SELECT name FROM vector_tables WHERE model LIKE 'hash%'").pluck().get() as string;
    db.prepare(`UPDATE ${table}_chunks SET validity = zeroblob(3)`).run();
    db.close();
  };

  it('search answers lexically and says so; the table is rebuilt and refilled from the cache, no model call', async () => {
    const warnings: string[] = [];
    const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'hash', dimensions: 64 } }), (m) =>
      warnings.push(m),
    );
    try {
      await engine.index();
      expect(await engine.embed()).toMatchObject({ embedded: 3, computed: 3 });
      damage(engine);
      const r = await engine.search('is entry stale', { mode: 'hybrid' });
      expect(r.mode).toBe('lexical');
      expect(r.results[0]?.symbol).toBe('isEntryStale');
      expect(warnings.join('\n')).toMatch(/the vector table vec_\d+ was damaged \(.*\): rebuilt/);
      expect(await engine.embed()).toMatchObject({ embedded: 3, computed: 0, fromCache: 3 });
      expect((await engine.search('enqueue job', { mode: 'dense' })).results[0]?.symbol).toBe('enqueueJob');
    } finally {
      await engine.close();
    }
  });

  it('an index run still writes the lexical index, rebuilding the table in the same transaction', async () => {
    const warnings: string[] = [];
    const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'hash', dimensions: 64 } }), (m) =>
      warnings.push(m),
    );
    try {
      await engine.index();
      await engine.embed();
      damage(engine);
      writeFileSync(join(repo, 'src/queue.ts'), 'export function dequeueJob(queue: Job[]) {\n  return queue.shift();\n}\n');
      const report = await engine.index();
      expect(report.errors).toEqual([]);
      expect(warnings.join('\n')).toMatch(/was damaged/);
      expect((await engine.search('dequeueJob', { mode: 'lexical' })).results[0]?.symbol).toBe('dequeueJob');
      expect(await engine.embed()).toMatchObject({ embedded: 3, computed: 1, fromCache: 2 });
      expect((await engine.search('dequeue job', { mode: 'hybrid' })).mode).toBe('hybrid');
    } finally {
      await engine.close();
    }
  });
});
