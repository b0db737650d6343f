// The refs table on a real index file: written with a file's chunks, replaced when the file changes, gone with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunksReferencing, definitionChunks, refsOf } from './graph.js';
import { Store } from './store.js';
import { graphFileWrite } from './test-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-graph-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const withRefs = (path: string, refs: string[][]) =>
  graphFileWrite(
    path,
    refs.map((_, i) => `chunk ${i}`),
    refs,
  );

describe('code graph in the store', () => {
  it('writes refs with the chunks, replaces them on change and deletes them with the file', () => {
    const store = Store.open(join(dir, 'idx'), dir);
    store.writeBatch({
      writes: [withRefs('a.go', [['helper', 'Ledger'], []]), withRefs('b.go', [['helper']])],
      touched: [],
      deleted: [],
    });
    const callers = chunksReferencing(store.db, ['helper'], 10);
    expect(callers.length).toBe(2);
    expect(
      refsOf(store.db, [callers[0]?.id as number])
        .get(callers[0]?.id as number)
        ?.sort(),
    ).toEqual(['Ledger', 'helper']);
    // Definitions: f1 is defined in a.go and b.go's chunk 1 (fileWrite names chunks f0, f1, …).
    expect(definitionChunks(store.db, ['f1'], 10).length).toBe(1);
    expect(definitionChunks(store.db, ['F1'], 10).length).toBe(0);

    store.writeBatch({ writes: [withRefs('a.go', [['other']])], touched: [], deleted: [] });
    expect(chunksReferencing(store.db, ['helper'], 10).length).toBe(1);
    expect(chunksReferencing(store.db, ['other'], 10).length).toBe(1);
    store.writeBatch({ writes: [], touched: [], deleted: ['a.go', 'b.go'] });
    expect(store.db.prepare('SELECT COUNT(*) FROM refs').pluck().get()).toBe(0);
    store.db.close();
  });
});
