import { describe, expect, it } from 'vitest';
import { liftCallees } from './lift-callees.js';

/**
 * Results as ids in rank order, each in a file of its own but those of `sameFile`, which share one; `calls` maps an id
 * to the ids it calls; the expected order of ids.
 */
function check(
  input: number[],
  calls: Record<number, number[]>,
  seeds: number,
  within: number,
  expected: number[],
  sameFile: number[] = [],
) {
  const callees = new Map(Object.entries(calls).map(([k, v]) => [Number(k), v]));
  const ranked = input.map((id) => ({ id, chunk: { path: sameFile.includes(id) ? 'a' : `f${id}` } }));
  expect(liftCallees(ranked, callees, seeds, within).map((r) => r.id)).toEqual(expected);
}

describe('liftCallees', () => {
  it("moves a seed's best-ranked callee to just below it", () => {
    check([1, 2, 3, 4, 5], { 1: [5, 4] }, 1, 10, [1, 4, 2, 3, 5]);
  });
  it('leaves a callee ranked at or beyond `within`, above its seed, or already below it', () => {
    check([1, 2, 3, 4, 5], { 1: [5] }, 1, 4, [1, 2, 3, 4, 5]);
    check([1, 2, 3, 4, 5], { 2: [1] }, 2, 10, [1, 2, 3, 4, 5]);
    check([1, 2, 3], { 1: [2] }, 1, 10, [1, 2, 3]);
  });
  it("passes over a callee in the seed's own file", () => {
    check([1, 2, 3, 4, 5], { 1: [4, 5] }, 1, 10, [1, 5, 2, 3, 4], [1, 4]);
    check([1, 2, 3, 4], { 1: [4] }, 1, 10, [1, 2, 3, 4], [1, 4]);
  });
  it('follows the first `seeds` results in turn and never moves a result twice', () => {
    check([1, 2, 3, 4, 5], { 1: [4], 2: [4, 5] }, 2, 10, [1, 4, 2, 5, 3]);
    check([1, 2, 3, 4, 5], { 1: [4], 2: [5] }, 1, 10, [1, 4, 2, 3, 5]);
  });
});
