import fc from 'fast-check';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { describe, expect, it } from 'vitest';
import { atLineStarts, isEncoding, loadTokenizer, lowTokens, lowTokensWithin, memoizeCount } from './count-tokens.js';

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
  it('counts a text as the sum of its line segments, in both encodings (property)', async () => {
    const counters = [await loadTokenizer('o200k'), await loadTokenizer('cl100k')];
    // Few kinds of pieces, white space and line breaks the most frequent: the seams they make are the ones that matter.
    const piece = fc.oneof(
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
      {
        weight: 8,
        arbitrary: fc.constantFrom('\n', '\n', '\r\n', '\r', ' ', '    ', '        ', '\t', '\u2028', '\u00a0', '/', '//'),
      },
      { weight: 4, arbitrary: fc.constantFrom('x', 'fooBar', 'ünï', '12345', '{', ');', '*/', "'s", '→', '#', '```', '<&"') },
      { weight: 2, arbitrary: fc.constantFrom('\\n', '\\', 'n', "n't", '\u0301', '"') },
    );
    // As written, and as a JSON string (its line breaks escaped).
    const text = fc.oneof(
      fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')),
      fc.array(piece, { maxLength: 30 }).map((parts) => JSON.stringify(parts.join(''))),
    );
    fc.assert(
      fc.property(text, (t) => {
        const cuts = [0, ...atLineStarts(t), t.length];
        for (const count of counters) {
          let sum = 0;
          for (let i = 1; i < cuts.length; i++) sum += count(t.slice(cuts[i - 1], cuts[i]));
          expect(sum).toBe(count(t));
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('memoizes line by line: a text made of known lines is not counted again', async () => {
    const o200k = await loadTokenizer();
    const counted: string[] = [];
    const count = memoizeCount((t) => {
      counted.push(t);
      return o200k(t);
    });
    const a = 'function f() {\n  return 1;\n}\n';
    const b = 'const x = 2;\n';
    expect(count(a) + count(b)).toBe(o200k(a + b));
    counted.length = 0;
    expect(count(a + b)).toBe(o200k(a + b));
    expect(counted).toEqual([]);
    expect([...atLineStarts('a\n\nb\n//c\n/d\r\ne\n')]).toEqual([3, 13]);
    expect([...atLineStarts(JSON.stringify('if (a) {\n  f();\n}\nreturn;\n'))]).toEqual([11, 19, 31]);
  });
  it("bounds a text's tokens from below in both encodings (property), closely for code", async () => {
    const counters = [await loadTokenizer('o200k'), await loadTokenizer('cl100k')];
    const piece = fc.oneof(
      { weight: 2, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
      { weight: 6, arbitrary: fc.constantFrom('\n', '\r\n', '\r', ' ', '    ', '\t', '\u2028', '\u00a0', '/', '//', "'", "'s") },
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          'x',
          'fooBar',
          'ünï',
          'e\u0301',
          '\u0301',
          '12345',
          '٣',
          '{',
          ');',
          '*/',
          '→',
          '#',
          '<&"',
          '𝐀',
          '\\n',
        ),
      },
    );
    const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const low = lowTokens(t);
        for (const count of counters) expect(low).toBeLessThanOrEqual(count(t));
        // What it claims: as many pieces of the splitting regexes, at least.
        for (const split of [O200K_TOKEN_SPLIT_REGEX, CL100K_TOKEN_SPLIT_REGEX]) {
          expect(low).toBeLessThanOrEqual(t.match(split)?.length ?? 0);
        }
      }),
      { numRuns: 5000 },
    );
    // Parts of a text, their runs at the cuts left out: the sum is a lower bound of the whole.
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (t, i, j) => {
        // Cut between code points, as the packer's parts are (a lone half of a pair is no letter).
        const whole = (at: number) => (/[\udc00-\udfff]/.test(t[at] ?? '') ? at + 1 : at);
        const [a, b] = [whole(i % (t.length + 1)), whole(j % (t.length + 1))].sort((x, y) => x - y) as [number, number];
        const sum =
          lowTokensWithin(t.slice(0, a), false, true) +
          lowTokensWithin(t.slice(a, b), true, true) +
          lowTokensWithin(t.slice(b), true, false);
        expect(sum).toBeLessThanOrEqual(lowTokens(t));
        for (const count of counters) expect(sum).toBeLessThanOrEqual(count(t));
      }),
      { numRuns: 5000 },
    );
    const code = [
      '/** Packs ranked candidates into a token budget. */',
      'export function packContext(candidates: readonly ContextCandidate[], options: PackOptions): PackedContext {',
      "  const format = options.format ?? 'markdown';",
      '  for (let i = 0; i < 10; i++) used += cost(blocks[i], i === 0);',
      '}',
    ].join('\n');
    for (const t of [code, JSON.stringify(code)]) {
      for (const count of counters) expect(lowTokens(t) / count(t)).toBeGreaterThan(0.7);
    }
  });
  it('knows its encodings', () => {
    expect(['o200k', 'cl100k', 'p50k', 3].map(isEncoding)).toEqual([true, true, false, false]);
  });
});
