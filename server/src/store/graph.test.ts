// The refs table on a real index file: written with a file's chunks, replaced when the file changes, gone with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calleesOf, chunksReferencing, definitionChunks, definitionSpans, refsOf } from './graph.js';
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

  it('finds the whole definition a part of a long one belongs to, and nothing for a definition held whole', () => {
    const store = Store.open(join(dir, 'idx'), dir);
    // Chunks on lines 1, 2 and 3: `long` is cut into the parts on lines 1 and 2; `short` (line 3) is whole.
    const w = graphFileWrite('a.go', ['func long() {', '}', 'func short() {}'], [], ['long', 'long', 'short']);
    w.symbols = [
      { name: 'long', qualified: 'long', kind: 'function', startLine: 1, endLine: 2, parent: '' },
      { name: 'short', qualified: 'short', kind: 'function', startLine: 3, endLine: 3, parent: '' },
    ];
    store.writeBatch({ writes: [w], touched: [], deleted: [] });
    const ids = store.db.prepare('SELECT id FROM chunks ORDER BY start_line').pluck().all() as number[];
    const chunk = (i: number, symbol: string) => ({
      id: ids[i] as number,
      path: 'a.go',
      symbol,
      startLine: i + 1,
      endLine: i + 1,
    });
    const spans = definitionSpans(store.db, [chunk(0, 'long'), chunk(1, 'long'), chunk(2, 'short'), chunk(2, '')]);
    expect([...spans]).toEqual([
      [ids[0], { startLine: 1, endLine: 2 }],
      [ids[1], { startLine: 1, endLine: 2 }],
    ]);
    store.db.close();
  });

  it("resolves a callee in the caller's own file first, else only when few files define it", () => {
    const store = Store.open(join(dir, 'idx'), dir);
    const texts = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);
    store.writeBatch({
      writes: [
        graphFileWrite('a.go', texts(3), [['run', 'once', 'many', 'caller']], ['caller', 'run', 'x']),
        graphFileWrite('b.go', texts(3), [], ['run', 'once', 'many']),
        graphFileWrite('c.go', texts(2), [], ['run', 'many']),
        graphFileWrite('d.go', texts(1), [], ['many']),
      ],
      touched: [],
      deleted: [],
    });
    const id = (path: string, symbol: string) =>
      store.db
        .prepare('SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = ? AND c.symbol = ?')
        .pluck()
        .get(path, symbol) as number;
    const caller = id('a.go', 'caller');
    // `run` resolves to a.go's alone, `once` (one definition) to b.go's, `many` (three) to none, itself to nothing.
    expect(calleesOf(store.db, [caller], 2).get(caller)?.sort()).toEqual([id('a.go', 'run'), id('b.go', 'once')].sort());
    expect(calleesOf(store.db, [caller], 3).get(caller)?.length).toBe(5);
    expect(calleesOf(store.db, [id('b.go', 'run')], 2).size).toBe(0);
    store.db.close();
  });
});
