import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { fileWrite } from '../store/test-files.js';
import { parseQuery } from '../tokens/parse-query.js';
import { lexicalSearch, matchExpression } from './lexical-search.js';

describe('matchExpression', () => {
  // Every one of these must give a valid FTS5 expression (or none): quotes are doubled, operators are just words.
  const hostile = [
    '',
    '   ',
    '"',
    '""""',
    "'",
    'AND OR NOT',
    'NEAR(a b, 3)',
    'col:value',
    '^start',
    'prefix*',
    '(unbalanced',
    'a) OR (b',
    '{symbol body}: x',
    '-- DROP TABLE chunks; --',
    '\u0000\u0001\uffff',
    '😀 emoji 🚀',
    'x'.repeat(10_000),
    '"quoted with "" inside"',
  ];
  for (const input of hostile) {
    it(`hostile input ${JSON.stringify(input.slice(0, 30))} yields only quoted terms`, () => {
      const expr = matchExpression(parseQuery(input));
      if (expr !== undefined) expect(expr).toMatch(/^"(?:[^"]|"")*"(?: OR "(?:[^"]|"")*")*$/);
    });
  }
});

describe('lexicalSearch with a path filter', () => {
  it('keeps only the chunks of matching files, with the BM25 they have unfiltered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-lexical-'));
    const store = Store.open(join(dir, 'index'), dir);
    try {
      const writes = ['src/a.ts', 'src/[id].ts', 'lib/b.ts'].map((p) =>
        fileWrite(p, 'typescript', ['alpha beta', 'alpha', 'gamma']),
      );
      store.writeBatch({ writes, touched: [], deleted: [] });
      const all = lexicalSearch(store, '"alpha"', [10, 4, 1, 3], 100);
      // A file name with GLOB's special characters, escaped as withinFiles (engine-search.ts) escapes them.
      const some = lexicalSearch(store, '"alpha"', [10, 4, 1, 3], 100, { globs: ['src/a.ts', 'src/[[]id].ts'] });
      expect(all).toHaveLength(6);
      expect(some).toHaveLength(4);
      const paths = store.chunks(some.map((h) => h.id));
      expect([...new Set([...paths.values()].map((c) => c.path))].sort()).toEqual(['src/[id].ts', 'src/a.ts']);
      for (const h of some) expect(h.bm25).toBeCloseTo(all.find((a) => a.id === h.id)?.bm25 ?? Number.NaN, 9);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
