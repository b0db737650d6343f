// Graph expansion on a real index file: the top hits' callees join, worth less; ambiguous names are not followed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { graphFileWrite } from '../store/test-files.js';
import { EXPAND_DEFAULTS, expandCallees } from './expand-graph.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-expand-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One file whose chunks are named `names` (symbols too) and reference `refs`. */
const file = (path: string, names: string[], refs: string[][]) => graphFileWrite(path, names, refs, names);

describe('expandCallees', () => {
  it('adds the definitions a hit references, below it, and skips names defined too often', () => {
    const store = Store.open(join(dir, 'idx'), dir);
    store.writeBatch({
      writes: [
        file('a.go', ['Open', 'openFile', 'get'], [['openFile', 'get'], [], []]),
        file('b.go', ['get'], [[]]),
        file('c.go', ['get'], [[]]),
      ],
      touched: [],
      deleted: [],
    });
    const ids = store.db.prepare('SELECT id, symbol FROM chunks ORDER BY id').all() as { id: number; symbol: string }[];
    const id = (path: string, symbol: string) =>
      store.db
        .prepare('SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = ? AND c.symbol = ?')
        .pluck()
        .get(path, symbol) as number;
    expect(ids.length).toBe(5);
    const out = expandCallees(store.db, [{ id: id('a.go', 'Open'), score: 2 }]);
    expect(out).toEqual([{ id: id('a.go', 'openFile'), score: 2 * EXPAND_DEFAULTS.factor, via: id('a.go', 'Open') }]);
    // Already a hit: not added again.
    expect(
      expandCallees(store.db, [
        { id: id('a.go', 'Open'), score: 2 },
        { id: id('a.go', 'openFile'), score: 1 },
      ]),
    ).toEqual([]);
    store.db.close();
  });
});
