import { describe, expect, it } from 'vitest';
import { estimateTokens, packContext } from './pack-context.js';

const item = (path: string, startLine: number, endLine: number, chars: number, score = 1) => ({
  path,
  startLine,
  endLine,
  content: 'x'.repeat(chars),
  score,
});

describe('packContext', () => {
  it('takes items in order while they fit, and cites them', () => {
    const { packed, usedTokens } = packContext([item('a.ts', 1, 10, 400), item('b.ts', 5, 9, 400)], 1000);
    expect(packed.map((p) => p.citation)).toEqual(['a.ts:1-10', 'b.ts:5-9']);
    expect(usedTokens).toBe(2 * (100 + 8));
  });
  it('passes over an item too large for the rest of the budget, for smaller ones', () => {
    const { packed } = packContext([item('a.ts', 1, 10, 400), item('big.ts', 1, 500, 40_000), item('c.ts', 1, 2, 40)], 200);
    expect(packed.map((p) => p.item.path)).toEqual(['a.ts', 'c.ts']);
  });
  it('drops an item overlapping one already taken from the same file', () => {
    const { packed } = packContext([item('a.ts', 1, 50, 40), item('a.ts', 10, 20, 40), item('a.ts', 51, 60, 40)], 1000);
    expect(packed.map((p) => p.citation)).toEqual(['a.ts:1-50', 'a.ts:51-60']);
  });
  it('items of different repositories never overlap, even at the same relative path', () => {
    const a = { ...item('src/index.ts', 1, 20, 40), repo: '/work/a' };
    const b = { ...item('src/index.ts', 1, 20, 40), repo: '/work/b' };
    const again = { ...item('src/index.ts', 5, 9, 40), repo: '/work/a' };
    const { packed } = packContext([a, b, again], 1000);
    expect(packed.map((p) => p.item.repo)).toEqual(['/work/a', '/work/b']);
  });
  it('never exceeds the budget', () => {
    const many = Array.from({ length: 50 }, (_, i) => item(`f${i}.ts`, 1, 5, 37 * (i + 1)));
    for (const budget of [0, 10, 100, 1000, 5000]) {
      const { usedTokens, packed } = packContext(many, budget);
      expect(usedTokens).toBeLessThanOrEqual(budget);
      expect(usedTokens).toBe(packed.reduce((n, p) => n + p.tokens, 0));
    }
    expect(estimateTokens('abcd')).toBe(1);
  });
});
