// The chunking worker (dist/chunk-worker.js) against in-process chunking: the same index either way, and a chunker
// that fails leaves the run whole (its files are chunked in-process).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { Store } from '../store/store.js';
import { type ChunkPool, WorkerChunkPool } from './chunk-pool.js';

let repo: string;
const dirs: string[] = [];

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-chunker-'));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  for (let i = 0; i < 30; i++) {
    put(`go/f${i}.go`, `package p\n\n// Sum${i} adds.\nfunc Sum${i}(a, b int) int {\n\treturn a + b + ${i}\n}\n`);
    put(`py/m${i}.py`, `class Box${i}:\n    def size(self):\n        return ${i}\n`);
  }
  put('notes.md', '# Notes\n\nPlain text.\n');
  put('broken.ts', 'export function ((( {\n');
});

afterAll(() => {
  for (const d of [repo, ...dirs]) rmSync(d, { recursive: true, force: true });
});

/** The index of `repo` built with `chunker`, as comparable rows (ids aside). */
async function indexWith(chunker: ChunkPool | undefined) {
  const indexDir = mkdtempSync(join(tmpdir(), 'codectx-chunker-index-'));
  dirs.push(indexDir);
  const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
  const report = await engine.index(undefined, { chunker, flushChunks: 7 });
  await engine.close();
  const store = Store.open(indexDir, repo);
  const rows = store.db
    .prepare(
      `SELECT f.path, f.language, f.parse_failed, c.start_line, c.end_line, c.symbol, c.kind, c.content
       FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.start_line, c.symbol`,
    )
    .all();
  const symbols = store.db.prepare('SELECT name, kind FROM symbols ORDER BY name, kind').all();
  const fts = store.db.prepare(`SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH '"sum"'`).pluck().get();
  store.close();
  return { rows, symbols, fts, report: { ...report, elapsedMs: 0 } };
}

it('a worker thread chunks files exactly as this thread does', async () => {
  const worker = new WorkerChunkPool();
  try {
    const here = await indexWith(undefined);
    const there = await indexWith(worker);
    expect(here.rows.length).toBeGreaterThan(60);
    expect(there).toEqual(here);
    expect(worker.filesChunked).toBe(here.report.filesIndexed);
  } finally {
    await worker.close();
  }
});

it('several worker threads write the same rows with the same ids as one thread, indexes deferred or not, any depth', async () => {
  const pool = new WorkerChunkPool(5000, 3);
  const rows = async (chunker: ChunkPool | undefined, deferIndexes: boolean, chunkerDepth?: number) => {
    const indexDir = mkdtempSync(join(tmpdir(), 'codectx-chunker-index-'));
    dirs.push(indexDir);
    const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
    await engine.index(undefined, { chunker, flushChunks: 7, deferIndexes, chunkerDepth });
    await engine.close();
    const store = Store.open(indexDir, repo);
    const all = (sql: string) => store.db.prepare(sql).all();
    const found = {
      chunks: all('SELECT * FROM chunks ORDER BY id'),
      refs: all('SELECT * FROM refs ORDER BY chunk_id, name'),
      symbols: all('SELECT * FROM symbols ORDER BY id'),
      fts: all('SELECT id, sz FROM chunks_fts_docsize ORDER BY id'),
      files: all('SELECT id, path, hash, language, lines FROM files ORDER BY id'),
      schema: all("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"),
      meta: store.getMeta('deferred_indexes'),
    };
    store.close();
    return found;
  };
  try {
    const here = await rows(undefined, false);
    const there = await rows(pool, true);
    expect(pool.started).toBe(3);
    expect(there).toEqual(here);
    // The CLI's depth (64 files a thread in flight): every file of this repository at once, written in order all the same.
    expect(await rows(pool, true, 64)).toEqual(here);
    expect(here.meta).toBeUndefined();
  } finally {
    await pool.close();
  }
});

it('files a chunker fails on are chunked in this thread', async () => {
  const failing: ChunkPool = { prepare: () => Promise.reject(new Error('worker gone')) };
  expect(await indexWith(failing)).toEqual(await indexWith(undefined));
});

it('the worker stops when the last run holding it lets go, and starts again for the next', async () => {
  const worker = new WorkerChunkPool(60_000);
  const config = makeConfig(repo, { embedder: { provider: 'none' } });
  const state = { size: 1, mtimeMs: 1, hash: 'h' };
  try {
    const a = worker.hold();
    const b = worker.hold();
    expect((await worker.prepare(config, 'x.go', 'package x\nfunc X() {}\n', state)).write.chunks.length).toBeGreaterThan(0);
    a();
    a();
    expect(worker.running).toBe(true);
    b();
    expect(worker.running).toBe(false);
    expect((await worker.prepare(config, 'y.py', 'def y():\n    return 1\n', state)).write.language).toBe('python');
    expect(worker.running).toBe(true);
  } finally {
    await worker.close();
  }
});

it('a file that outgrows a worker heap stops only that worker: the run chunks it in its own thread, the next file gets a new worker', async () => {
  // ~900 KB of `#define`s (a generated register header): tens of MiB of rows, over a 16 MiB worker heap.
  const defines = Array.from({ length: 24_000 }, (_, i) => `#define REG_${i}__FIELD_MASK 0x${i.toString(16)}`);
  const big = `${defines.join('\n')}\n`;
  const small = mkdtempSync(join(tmpdir(), 'codectx-chunker-heap-'));
  dirs.push(small);
  writeFileSync(join(small, 'regs.h'), big);
  writeFileSync(join(small, 'a.go'), 'package a\n\nfunc A() int { return 1 }\n');
  const pool = new WorkerChunkPool(60_000, 1, 16);
  const config = makeConfig(small, { embedder: { provider: 'none' } });
  const state = { size: big.length, mtimeMs: 1, hash: 'h' };
  try {
    await expect(pool.prepare(config, 'regs.h', big, state)).rejects.toThrow(/memory/i);
    expect((await pool.prepare(config, 'a.go', 'package a\n\nfunc A() int { return 1 }\n', state)).write.language).toBe('go');
    const index = async (chunker: ChunkPool | undefined) => {
      const indexDir = mkdtempSync(join(tmpdir(), 'codectx-chunker-index-'));
      dirs.push(indexDir);
      const engine = Engine.open(makeConfig(small, { indexDir, embedder: { provider: 'none' } }));
      const report = await engine.index(undefined, { chunker });
      await engine.close();
      const store = Store.open(indexDir, small);
      const counts = store.db
        .prepare('SELECT (SELECT COUNT(*) FROM chunks), (SELECT COUNT(*) FROM symbols)')
        .raw()
        .get() as number[];
      store.close();
      return { counts, files: report.filesIndexed, errors: report.errors };
    };
    const here = await index(undefined);
    expect(here.counts?.[1]).toBeGreaterThanOrEqual(24_000);
    expect(await index(pool)).toEqual(here);
  } finally {
    await pool.close();
  }
});
