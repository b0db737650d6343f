import { describe, expect, it } from 'vitest';
import { parseQuery } from '../tokens/parse-query.js';
import { matchExpression } from './lexical-search.js';

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
