import { describe, expect, it } from 'vitest';
import { isEncoding, loadTokenizer, memoizeCount } from './count-tokens.js';

describe('count-tokens', () => {
  it('counts exactly with o200k (default) and cl100k, which differ', async () => {
    const o200k = await loadTokenizer();
    const cl100k = await loadTokenizer('cl100k');
    expect(o200k('hello world')).toBe(2);
    expect(o200k('')).toBe(0);
    const text = 'export function packContext(candidates: readonly ContextCandidate[]): PackedContext {}';
    expect(o200k(text)).not.toBe(cl100k(text));
    expect(await loadTokenizer('o200k')).toBe(o200k);
  });
  it('memoizes counts, forgetting the oldest beyond capacity', () => {
    let calls = 0;
    const count = memoizeCount((t) => {
      calls++;
      return t.length;
    }, 2);
    expect([count('a'), count('bb'), count('a'), count('ccc'), count('a')]).toEqual([1, 2, 1, 3, 1]);
    expect(calls).toBe(4);
  });
  it('knows its encodings', () => {
    expect(['o200k', 'cl100k', 'p50k', 3].map(isEncoding)).toEqual([true, true, false, false]);
  });
});
