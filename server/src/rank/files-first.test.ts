import { describe, expect, it } from 'vitest';
import { filesFirst } from './files-first.js';

/** Results written as `path:n` (the n-th result of that file); the expected order in the same notation. */
function check(input: string[], slots: number[], power: number, expected: string[], depth?: number) {
  const ranked = input.map((s) => ({ chunk: { path: s.split(':')[0] as string }, name: s }));
  expect(filesFirst(ranked, slots, power, depth).map((r) => r.name)).toEqual(expected);
}

describe('filesFirst', () => {
  it('keeps the order without slots', () => {
    check(['a:1', 'b:1', 'a:2'], [], 1, ['a:1', 'b:1', 'a:2']);
  });
  it('lets the first file lead with its best results, then the next file, then the rest in order', () => {
    check(['a:1', 'b:1', 'c:1', 'a:2', 'b:2', 'a:3', 'b:3'], [2, 1], 1, ['a:1', 'a:2', 'b:1', 'c:1', 'b:2', 'a:3', 'b:3']);
  });
  it('orders files by the evidence of all their results, not by their first', () => {
    // b: 1/2 + 1/3 + 1/4 = 1.08 beats a: 1; with power 2, b has 0.42 and a keeps the lead.
    check(['a:1', 'b:1', 'b:2', 'b:3'], [1, 1], 1, ['b:1', 'a:1', 'b:2', 'b:3']);
    check(['a:1', 'b:1', 'b:2', 'b:3'], [1, 1], 2, ['a:1', 'b:1', 'b:2', 'b:3']);
  });
  it('counts the evidence of the first `depth` results only', () => {
    // Within the first 3, a has 1 + 1/3 and b 1/2; with every result, b's tail (1/2 + 1/4 + … + 1/8) outweighs a.
    const input = ['a:1', 'b:1', 'a:2', 'b:2', 'b:3', 'b:4', 'b:5', 'b:6', 'b:7'];
    check(input, [1], 1, ['b:1', 'a:1', 'a:2', 'b:2', 'b:3', 'b:4', 'b:5', 'b:6', 'b:7']);
    check(input, [1], 1, input, 3);
  });
  it('is a permutation when there are fewer files than slots', () => {
    check(['a:1', 'a:2'], [5, 3, 2, 1], 1, ['a:1', 'a:2']);
    check([], [5], 1, []);
  });
});
