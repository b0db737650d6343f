// BM25's statistics on a real index file: FTS5 leaves its row and token totals as they were when a contentless_delete
// table deletes rows, so the Store corrects them; a re-indexed file must leave the same BM25 scores as a fresh index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeVarints, encodeVarints } from './fts-totals.js';
import { Store } from './store.js';
import { fileWrite } from './test-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-fts-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const files = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    fileWrite(`f${i}.txt`, 'text', [`alpha beta ${i}`, `gamma delta alpha ${i} epsilon`, `zeta ${i}`]),
  );
const totals = (store: Store) => {
  const db = new Database(store.file, { readonly: true });
  try {
    return decodeVarints((db.prepare('SELECT block FROM chunks_fts_data WHERE id = 1').get() as { block: Buffer }).block);
  } finally {
    db.close();
  }
};
/** BM25 of the chunks matching `alpha`, with the engine's kind of column weights (it depends on the totals). */
const scores = (store: Store) =>
  (
    store.db
      .prepare(`SELECT -bm25(chunks_fts, 10, 4, 1, 3) FROM chunks_fts WHERE chunks_fts MATCH '"alpha"'`)
      .pluck()
      .all() as number[]
  )
    .map((bm25) => Math.round(bm25 * 1e6) / 1e6)
    .sort((a, b) => b - a);

describe('FTS5 totals', () => {
  it('varints round-trip as SQLite writes them (big-endian, 7 bits a byte)', () => {
    for (const v of [0, 1, 127, 128, 300, 16383, 16384, 94267, 11882793]) expect(decodeVarints(encodeVarints([v]))).toEqual([v]);
    expect([...encodeVarints([158])]).toEqual([129, 30]);
  });

  it('re-indexing and deleting files leave the totals, and BM25, as a fresh index has them', () => {
    const churned = Store.open(join(dir, 'churned'), dir);
    const fresh = Store.open(join(dir, 'fresh'), dir);
    churned.writeBatch({ writes: files(20), touched: [], deleted: [] });
    for (let round = 0; round < 5; round++) churned.writeBatch({ writes: files(20).slice(0, 10), touched: [], deleted: [] });
    churned.writeBatch({ writes: [], touched: [], deleted: ['f19.txt', 'f18.txt'] });
    fresh.writeBatch({ writes: files(18), touched: [], deleted: [] });
    expect(totals(churned)[0]).toBe(54);
    expect(totals(churned)).toEqual(totals(fresh));
    expect(scores(churned)).toEqual(scores(fresh));
    churned.close();
    fresh.close();
  });

  it('an index whose totals drifted (an older codectx) is corrected when opened', () => {
    const store = Store.open(join(dir, 'old'), dir);
    store.writeBatch({ writes: files(10), touched: [], deleted: [] });
    const right = totals(store);
    store.close();
    const db = new Database(join(dir, 'old', 'index.sqlite'));
    db.unsafeMode(true);
    db.prepare('UPDATE chunks_fts_data SET block = ? WHERE id = 1').run(encodeVarints(right.map((v) => v * 3)));
    db.prepare("DELETE FROM meta WHERE key = 'fts_totals'").run();
    db.close();
    const reopened = Store.open(join(dir, 'old'), dir);
    expect(totals(reopened)).toEqual(right);
    reopened.close();
  });
});
