// Which SQLite errors the store takes for damage: a damaged FTS5 structure record gives SQLITE_CORRUPT_VTAB most of the
// time, but some bytes make FTS5 claim an absurd size and fail with SQLITE_NOMEM; both must count, confirmed by a check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from './store.js';
import { fileWrite } from './test-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-damage-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** 64 bytes that, written over FTS5's structure record, made a MATCH fail with SQLITE_NOMEM (found by trying random ones). */
const NOMEM_BLOB =
  'c499743b6e1f2add0797bce52586b4d58e011199439d9db9f29ed18e1795cd69edd607c547dbb935b3b430ad35f511c2a5bb9a3f0a72e077a483591b39b53d3c';

function damagedSearchError(blob: Buffer): unknown {
  const store = Store.open(join(dir, 'index'), dir);
  store.writeBatch({
    writes: Array.from({ length: 30 }, (_, i) => fileWrite(`f${i}.txt`, 'text', [`total${i} alpha`, `beta ${i}`])),
    touched: [],
    deleted: [],
  });
  store.db.unsafeMode(true);
  store.db.prepare('UPDATE chunks_fts_data SET block = ? WHERE id = 10').run(blob);
  try {
    store.db.prepare(`SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH '"total4"'`).all();
    return undefined;
  } catch (error) {
    const confirmed = store.confirmsCorruption(error);
    store.close();
    return { code: (error as { code?: string }).code, confirmed };
  }
}

describe('damage codes', () => {
  it('an out-of-memory error from a damaged FTS5 record is confirmed as damage', () => {
    expect(damagedSearchError(Buffer.from(NOMEM_BLOB, 'hex'))).toEqual({ code: 'SQLITE_NOMEM', confirmed: true });
  });

  it('a statement error on a sound index is not damage', () => {
    const store = Store.open(join(dir, 'index'), dir);
    store.writeBatch({ writes: [fileWrite('a.txt', 'text', ['alpha'])], touched: [], deleted: [] });
    let error: unknown;
    try {
      store.db.prepare('SELECT no_such_column FROM chunks').all();
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('SQLITE_ERROR');
    expect(store.confirmsCorruption(error)).toBe(false);
    store.close();
  });
});
