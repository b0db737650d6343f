// The Store's vector side on a real index file: codes live in a vec0 int8 table, both KNN paths (vec0 and the in-memory
// index) agree with brute force, the in-memory index follows this process's writes and another's, filters apply
// before ranking, and an index of schema 2 (WITHOUT ROWID cache, vec0 tables) migrates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS } from '../store/schema.js';
import { Store } from '../store/store.js';
import { fileWrite } from '../store/test-files.js';
import { dense } from './test-dense.js';

const DIMS = 16;
const MODEL = 'test-model';
const OPTIONS = { shortlist: 100, rescore: 100 };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-vectors-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A unit vector pointing mostly along axis `axis`, a little along the next one by `tilt`. */
function vec(axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(DIMS);
  v[axis % DIMS] = 1;
  v[(axis + 1) % DIMS] = tilt;
  const n = Math.hypot(1, tilt);
  return v.map((x) => x / n);
}

/** Writes `files` (path → [hash, vector] per chunk) and their vectors; returns chunk ids by hash. */
function write(store: Store, table: string, files: Record<string, [string, Float32Array][]>): Map<string, number> {
  store.writeBatch({
    writes: Object.entries(files).map(([path, cs]) =>
      fileWrite(
        path,
        path.endsWith('.py') ? 'python' : 'go',
        cs.map(([h]) => h),
      ),
    ),
    touched: [],
    deleted: [],
  });
  const vectors = new Map(Object.values(files).flat());
  const ids = new Map<string, number>();
  const pending = store.vectors.chunksToEmbed(table, 1000);
  for (const c of pending) ids.set(c.hash, c.id);
  store.vectors.putVectors(
    table,
    MODEL,
    pending.map((c) => ({ id: c.id, hash: c.hash, vector: vectors.get(c.hash) as Float32Array, cached: false })),
  );
  return ids;
}

/** Random unit vectors, the same for a given seed. */
function randomVectors(n: number, seed: number): Float32Array[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIMS }, next);
    const norm = Math.hypot(...v);
    return v.map((c) => c / norm);
  });
}

describe('Store vectors', () => {
  it('keeps the codes in a vec0 int8 table whose rowid is the chunk id', () => {
    const store = Store.open(dir, '/repo');
    const table = store.vectors.vectorTable(MODEL, DIMS);
    const sql = store.db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string;
    expect(sql).toContain('USING vec0');
    expect(sql).toContain(`int8[${DIMS}]`);
    expect(dense(store).hasVectors(table)).toBe(false);
    const ids = write(store, table, { 'x.go': [['x0', vec(0, 0.5)]] });
    expect(dense(store).hasVectors(table)).toBe(true);
    const [rowid, codes] = store.db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().get() as [number, Buffer];
    expect(rowid).toBe(ids.get('x0'));
    expect([...new Int8Array(codes.buffer, codes.byteOffset, codes.byteLength)].slice(0, 3)).toEqual([127, 64, 0]);
    // Put again (a re-embedded chunk): vec0 has no OR REPLACE, the row is replaced all the same.
    store.vectors.putVectors(table, MODEL, [{ id: ids.get('x0') as number, hash: 'x0', vector: vec(0), cached: true }]);
    expect(store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get()).toBe(1);
    store.close();
  });

  it('answers with the ids of brute force by vec0 KNN in a fresh process and by the in-memory index', () => {
    const vectors = randomVectors(60, 7);
    const queries = randomVectors(8, 99);
    const a = Store.open(dir, '/repo');
    const table = a.vectors.vectorTable(MODEL, DIMS);
    const ids = write(a, table, { 'v.go': vectors.map((v, i) => [`h${i}`, v]) });
    a.close();
    const brute = (q: Float32Array, k: number) =>
      vectors
        .map((v, i) => ({ id: ids.get(`h${i}`) as number, dot: v.reduce((s, x, j) => s + x * (q[j] as number), 0) }))
        .sort((x, y) => y.dot - x.dot || x.id - y.id)
        .slice(0, k)
        .map((r) => r.id);
    // A shortlist of everything: 16 sign bits are too coarse a first pass for the exact ids (real models have 256).
    const options = { shortlist: 100, rescore: 20 };
    for (const [path, vec0Below] of [
      ['vec0', 1000],
      ['in-memory', 10],
    ] as const) {
      const store = Store.open(dir, '/repo');
      const prepare = vi.spyOn(store.db, 'prepare');
      for (const q of queries)
        expect(
          dense(store)
            .nearest(table, q, 10, { ...options, vec0Below })
            ?.map((r) => r.id),
        ).toEqual(brute(q, 10));
      const asked = prepare.mock.calls.some(([sql]) => sql.includes('MATCH vec_int8'));
      expect(asked).toBe(path === 'vec0');
      // The in-memory index loads from vec0's chunk blobs, not row by row through the virtual table.
      expect(prepare.mock.calls.some(([sql]) => sql.includes('SELECT rowid, embedding'))).toBe(false);
      store.close();
    }
  });

  it('follows its own inserts and deletes, and another process’s, including a reused chunk id', () => {
    const a = Store.open(dir, '/repo');
    const table = a.vectors.vectorTable(MODEL, DIMS);
    const ids = write(a, table, {
      'x.go': [
        ['x0', vec(0)],
        ['x1', vec(1)],
      ],
      'y.go': [['y0', vec(2)]],
    });
    expect(dense(a).nearest(table, vec(2), 1, OPTIONS)?.[0]?.id).toBe(ids.get('y0'));
    const b = Store.open(dir, '/repo');
    expect(dense(b).nearest(table, vec(1), 1, OPTIONS)?.[0]).toMatchObject({
      id: ids.get('x1'),
      similarity: expect.closeTo(1, 5),
    });

    // a deletes y.go and writes z.go, whose chunk takes the id y0 had (the largest): b must see the new vector there.
    a.writeBatch({ writes: [], touched: [], deleted: ['y.go'] });
    const z = write(a, table, { 'z.go': [['z0', vec(5)]] });
    expect(z.get('z0')).toBe(ids.get('y0'));
    for (const s of [a, b]) {
      expect(dense(s).nearest(table, vec(5), 1, OPTIONS)?.[0]).toMatchObject({
        id: z.get('z0'),
        similarity: expect.closeTo(1, 5),
      });
      expect(
        dense(s)
          .nearest(table, vec(2), 10, OPTIONS)
          ?.map((r) => r.id),
      ).toHaveLength(3);
    }
    // b writes; a follows.
    b.writeBatch({ writes: [], touched: [], deleted: ['x.go'] });
    const prepare = vi.spyOn(a.db, 'prepare');
    expect(
      dense(a)
        .nearest(table, vec(0), 10, OPTIONS)
        ?.map((r) => r.id),
    ).toEqual([z.get('z0')]);
    // The reload read vec0's chunk blobs, deleted slots and all, without falling back to the virtual table.
    expect(prepare.mock.calls.some(([sql]) => sql.includes('_vector_chunks00'))).toBe(true);
    expect(prepare.mock.calls.some(([sql]) => sql.includes('SELECT rowid, embedding'))).toBe(false);
    a.close();
    b.close();
  });

  it('deletes chunks whose vectors sit in another model’s table not yet upgraded (float vec0 or plain codes)', () => {
    const store = Store.open(dir, '/repo');
    const table = store.vectors.vectorTable(MODEL, DIMS);
    const ids = write(store, table, { 'x.go': [['x0', vec(0)]], 'y.go': [['y0', vec(1)]] });
    const [x0, y0] = [ids.get('x0'), ids.get('y0')];
    store.db.exec(`CREATE VIRTUAL TABLE vec_8 USING vec0(embedding float[${DIMS}] distance_metric=cosine);
      CREATE TABLE vec_9 (id INTEGER PRIMARY KEY, codes BLOB NOT NULL)`);
    store.db
      .prepare("INSERT INTO vector_tables(model, name, dimensions) VALUES ('old-a', 'vec_8', ?), ('old-b', 'vec_9', ?)")
      .run(DIMS, DIMS);
    for (const id of [x0, y0]) {
      store.db.prepare('INSERT INTO vec_8(rowid, embedding) VALUES (?, ?)').run(BigInt(id as number), Buffer.from(vec(0).buffer));
      store.db.prepare('INSERT INTO vec_9(id, codes) VALUES (?, ?)').run(id, Buffer.alloc(DIMS));
    }
    store.writeBatch({ writes: [], touched: [], deleted: ['x.go'] });
    for (const t of [table, 'vec_8', 'vec_9']) expect(store.db.prepare(`SELECT rowid FROM ${t}`).pluck().all()).toEqual([y0]);
    store.close();
  });

  it('applies path and language filters before ranking', () => {
    const store = Store.open(dir, '/repo');
    const table = store.vectors.vectorTable(MODEL, DIMS);
    write(store, table, {
      'a/near.go': [
        ['n0', vec(3)],
        ['n1', vec(3, 0.1)],
      ],
      'b/far.py': [
        ['f0', vec(3, 0.5)],
        ['f1', vec(3, 0.6)],
        ['f2', vec(9)],
      ],
    });
    store.close();
    // Through vec0's KNN (a fresh process, a small table), then the in-memory index.
    for (const vec0Below of [1000, 0]) {
      const s = Store.open(dir, '/repo');
      const options = { ...OPTIONS, vec0Below };
      const paths = (rows: { id: number }[] | undefined) =>
        [...s.chunks((rows ?? []).map((r) => r.id)).values()].map((c) => c.path);
      expect(paths(dense(s).nearest(table, vec(3), 2, options))).toEqual(['a/near.go', 'a/near.go']);
      expect(paths(dense(s).nearest(table, vec(3), 2, { ...options, filter: { globs: ['b/*'] } }))).toEqual([
        'b/far.py',
        'b/far.py',
      ]);
      expect(dense(s).nearest(table, vec(3), 5, { ...options, filter: { languages: ['python'] } })).toHaveLength(3);
      expect(dense(s).nearest(table, vec(3), 5, { ...options, filter: { languages: ['rust'] } })).toEqual([]);
      s.close();
    }
  });

  it('migrates a schema-2 index: the cache keeps its vectors, a vec0 table is rebuilt empty for the cache to refill', () => {
    const db = new Database(join(dir, 'index.sqlite'));
    sqliteVec.load(db);
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m as string);
    db.pragma('user_version = 2');
    db.prepare("INSERT INTO meta(key, value) VALUES ('repo', '/repo')").run();
    const v = vec(4);
    db.prepare('INSERT INTO embedding_cache(model, hash, vector) VALUES (?, ?, ?)').run(MODEL, 'h4', Buffer.from(v.buffer));
    db.exec(`CREATE VIRTUAL TABLE vec_1 USING vec0(embedding float[${DIMS}] distance_metric=cosine)`);
    db.exec(`CREATE VIRTUAL TABLE vec_1_bits USING vec0(embedding bit[${DIMS}])`);
    db.prepare('INSERT INTO vector_tables(model, name, dimensions) VALUES (?, ?, ?)').run(MODEL, 'vec_1', DIMS);
    db.close();

    const store = Store.open(dir, '/repo');
    expect([...(store.vectors.cachedVectors(MODEL, ['h4']).get('h4') ?? [])]).toEqual([...v]);
    const table = store.vectors.vectorTable(MODEL, DIMS);
    expect(table).toBe('vec_1');
    expect(store.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'vec_1_bits%'").pluck().get()).toBe(0);
    const ids = write(store, table, { 'w.go': [['w0', vec(7)]] });
    expect(dense(store).nearest(table, vec(7), 1, OPTIONS)?.[0]?.id).toBe(ids.get('w0'));
    store.close();
  });
});
