import { describe, expect, it } from 'vitest';
import { keepDenseFirst } from './keep-dense-first.js';

/** Results written as `path` or `path*` (dense search's first result); the expected order in the same notation. */
function check(input: string[], within: number, expected: string[]) {
  const ranked = input.map((s) => ({ chunk: { path: s.replace('*', '') }, denseRank: s.endsWith('*') ? 1 : 5, name: s }));
  expect(keepDenseFirst(ranked, within).map((r) => r.name)).toEqual(expected);
}

describe('keepDenseFirst', () => {
  it('moves the dense first result up to place `within` when its file has none before', () => {
    check(['a', 'b', 'c', 'd', 'e*'], 3, ['a', 'b', 'e*', 'c', 'd']);
  });
  it('leaves it where it is when its file already has a result before that place', () => {
    check(['a', 'e', 'c', 'd', 'e*'], 3, ['a', 'e', 'c', 'd', 'e*']);
  });
  it('leaves it when it is within reach already, when there is none, and when off', () => {
    check(['a', 'e*', 'c'], 3, ['a', 'e*', 'c']);
    check(['a', 'b', 'c', 'd'], 2, ['a', 'b', 'c', 'd']);
    check(['a', 'b', 'c', 'e*'], 0, ['a', 'b', 'c', 'e*']);
  });
});
