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

describe('lexicalSearch pruning common terms', () => {
  it('returns the plain query’s rows and scores, in its order, for every query', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-lexical-prune-'));
    const store = Store.open(join(dir, 'index'), dir);
    try {
      // Words of very different frequencies (w0 in most chunks, w11 in a few), chunks of different lengths.
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const word = () => `w${Math.floor(-Math.log(1 - random()) * 2.5) % 12}`;
      const writes = Array.from({ length: 40 }, (_, f) =>
        fileWrite(
          `src/f${f}.ts`,
          'typescript',
          Array.from({ length: 25 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, word).join(' ')),
        ),
      );
      // Short chunks of common words only, which outscore long chunks with one rare word: the bound must keep them.
      writes.push(fileWrite('src/common.ts', 'typescript', ['w0 w1 w2 w1', 'w1 w2 w3 w2', 'w0 w2 w3 w3']));
      writes.push(fileWrite('src/long.ts', 'typescript', [`w11 ${'w0 '.repeat(60)}`, `w10 w9 ${'w1 '.repeat(60)}`]));
      store.writeBatch({ writes, touched: [], deleted: [] });
      const weights = [10, 4, 1, 3];
      let pruned = 0;
      for (let i = 0; i < 60; i++) {
        const terms = [...new Set(Array.from({ length: 2 + (i % 5) }, word))];
        const query = { terms, phrases: i % 7 === 0 ? [['w1', 'w2']] : [] };
        const plain = lexicalSearch(store, matchExpression(query) as string, weights, 20);
        const found = lexicalSearch(store, query, weights, 20, {}, { rows: 50, firstRound: 40 });
        // The same scores in the same order; the same chunks, but for ties with the last score (either may be cut).
        expect(found.map((h) => h.bm25.toFixed(9))).toEqual(plain.map((h) => h.bm25.toFixed(9)));
        const last = plain.at(-1)?.bm25.toFixed(9);
        const above = (hits: typeof plain) =>
          hits
            .filter((h) => h.bm25.toFixed(9) !== last)
            .map((h) => h.id)
            .sort((a, b) => a - b);
        expect(above(found)).toEqual(above(plain));
        if (terms.some((t) => t === 'w0') && terms.some((t) => Number(t.slice(1)) > 3)) pruned++;
      }
      expect(pruned).toBeGreaterThan(5);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
