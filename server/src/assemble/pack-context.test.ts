import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContextCandidate, ContextFormat } from './context-types.js';
import { type CountTokens, loadTokenizer } from './count-tokens.js';
import { packContext } from './pack-context.js';

let count: CountTokens;
beforeAll(async () => {
  count = await loadTokenizer('o200k');
});

/** A file of `n` numbered lines: `line 1 of a.ts` … */
const fileLines = (path: string, n: number): string[] => Array.from({ length: n }, (_, i) => `  const v${i + 1} = '${path}';`);

const cand = (
  path: string,
  startLine: number,
  endLine: number,
  extra: Partial<ContextCandidate> = {},
  source = fileLines(path, 400),
): ContextCandidate => ({
  folder: '',
  path,
  language: 'typescript',
  symbol: `${path}#${startLine}`,
  kind: 'function',
  startLine,
  endLine,
  content: source.slice(startLine - 1, endLine).join('\n'),
  signature: '',
  doc: '',
  score: 1,
  source,
  ...extra,
});

describe('packContext', () => {
  it('renders each block under its citation and symbol, fenced with its language', () => {
    const packed = packContext([cand('a.ts', 1, 3)], { budget: 1000, countTokens: count });
    expect(packed.text).toBe(
      "### a.ts:1-3 a.ts#1\n```typescript\n  const v1 = 'a.ts';\n  const v2 = 'a.ts';\n  const v3 = 'a.ts';\n```\n\n",
    );
    expect(packed.tokens).toBe(count(packed.text));
    expect(packed.blocks[0]).toMatchObject({ path: 'a.ts', startLine: 1, endLine: 3, rank: 1, ranks: [1], elided: false });
  });

  it('merges overlapping and adjacent chunks of a file, and orders blocks by file then line, keeping ranks', () => {
    const packed = packContext([cand('b.ts', 20, 25), cand('a.ts', 10, 12), cand('b.ts', 5, 8), cand('b.ts', 26, 30)], {
      budget: 2000,
      countTokens: count,
    });
    expect(packed.blocks.map((b) => [b.path, b.startLine, b.endLine, b.ranks])).toEqual([
      ['a.ts', 10, 12, [2]],
      ['b.ts', 5, 8, [3]],
      ['b.ts', 20, 30, [1, 4]],
    ]);
    expect(packed.text.match(/^### /gm)).toHaveLength(3);
  });

  it('merges chunks separated by blank lines only, showing the blank lines', () => {
    const source = ['function a() {', '}', '', '', 'function b() {', '}'];
    const packed = packContext([cand('a.ts', 1, 2, {}, source), cand('a.ts', 5, 6, {}, source)], {
      budget: 500,
      countTokens: count,
    });
    expect(packed.blocks).toHaveLength(1);
    expect(packed.blocks[0]?.content).toBe(source.join('\n'));
  });

  it('drops duplicates: the same range twice, a chunk inside one already taken, the same text elsewhere', () => {
    const packed = packContext(
      [
        cand('a.ts', 1, 10),
        cand('a.ts', 1, 10),
        cand('a.ts', 3, 4),
        cand('c.ts', 1, 10, { content: cand('a.ts', 1, 10).content }),
      ],
      { budget: 2000, countTokens: count },
    );
    expect(packed.duplicates).toBe(3);
    expect(packed.blocks).toHaveLength(1);
  });

  it('trims a definition too long for its share to its doc, signature and matching lines, marking the gaps', () => {
    const source = [
      '/** Resets the password. */',
      'export function resetPassword(user: User): void {',
      ...Array.from({ length: 200 }, (_, i) => `  step${i}(user);`),
      '  audit.log(user, "password reset");',
      ...Array.from({ length: 100 }, (_, i) => `  more${i}(user);`),
      '}',
    ];
    const big = cand(
      'auth.ts',
      1,
      source.length,
      {
        doc: '/** Resets the password. */',
        signature: 'export function resetPassword(user: User): void {',
      },
      source,
    );
    const packed = packContext([cand('x.ts', 1, 2), big], { budget: 600, countTokens: count, terms: ['audit'] });
    const block = packed.blocks.find((b) => b.path === 'auth.ts');
    expect(block?.elided).toBe(true);
    expect(block?.content).toBe(
      [
        '/** Resets the password. */',
        'export function resetPassword(user: User): void {',
        '  ⋮',
        '  audit.log(user, "password reset");',
        '  ⋮',
        '}',
      ].join('\n'),
    );
    expect(block?.shown).toEqual([
      [1, 2],
      [203, 203],
      [304, 304],
    ]);
    expect(packed.tokens).toBeLessThanOrEqual(600);
  });

  it('shows a skeleton by its real lines when the source is known, and as its own text when not', () => {
    const source = ['class A {', '  f() {', '    return 1;', '    // more', '  }', '  g = 2;', '}'];
    const skeleton = ['class A {', '  f() {', '    …', '  g = 2;', '}'].join('\n');
    const withSource = packContext([cand('a.ts', 1, 7, { content: skeleton }, source)], { budget: 500, countTokens: count });
    // The elided body is a short gap: with room in the budget it is filled, and the class reads whole.
    expect(withSource.blocks[0]).toMatchObject({ content: source.join('\n'), elided: false, shown: [[1, 7]] });
    const exact = count(withSource.text);
    const tight = packContext([cand('a.ts', 1, 7, { content: skeleton }, source)], { budget: exact - 3, countTokens: count });
    expect(tight.blocks[0]?.content).toBe(['class A {', '  f() {', '  ⋮', '  g = 2;', '}'].join('\n'));
    const without = packContext([{ ...cand('a.ts', 1, 7, { content: skeleton }, source), source: undefined }], {
      budget: 500,
      countTokens: count,
    });
    expect(without.blocks[0]).toMatchObject({ content: skeleton, elided: true, shown: [] });
  });

  it('keeps files of different workspace folders apart, even at the same path', () => {
    const packed = packContext([cand('a.ts', 1, 3, { folder: 'one' }), cand('a.ts', 1, 3, { folder: 'two', content: 'x' })], {
      budget: 1000,
      countTokens: count,
    });
    expect(packed.blocks.map((b) => `${b.folder}/${b.path}`)).toEqual(['one/a.ts', 'two/a.ts']);
    expect(packed.text).toContain('### one/a.ts:1-3');
  });

  it('takes a pinned candidate first, whatever its rank', () => {
    const many = Array.from({ length: 30 }, (_, i) => cand(`f${i}.ts`, 1, 3));
    const packed = packContext([...many, cand('here.ts', 1, 20, { pinned: true })], { budget: 150, countTokens: count });
    expect(packed.blocks.map((b) => b.path)).toContain('here.ts');
  });

  it('adds a repository map when the budget leaves room, and leaves it out when not', () => {
    const outlines = [{ folder: '', path: 'a.ts', entries: [{ line: 1, text: 'export function a(): void' }] }];
    const roomy = packContext([cand('a.ts', 1, 2)], { budget: 1000, countTokens: count, outlines });
    expect(roomy.repoMap).toHaveLength(1);
    expect(roomy.text.startsWith('### Repository map\n```text\na.ts\n  1: export function a(): void\n```\n\n### a.ts:1-2')).toBe(
      true,
    );
    const tight = packContext([cand('a.ts', 1, 2)], { budget: 40, countTokens: count, outlines });
    expect(tight.repoMap).toEqual([]);
    expect(tight.blocks).toHaveLength(1);
  });

  it.each<[ContextFormat, (text: string) => void]>([
    [
      'json',
      (text) => {
        const value = JSON.parse(text);
        expect(value.repoMap[0].path).toBe('a.ts');
        expect(value.blocks[0]).toMatchObject({ path: 'a.ts', startLine: 1, endLine: 2, rank: 1 });
      },
    ],
    [
      'xml',
      (text) => {
        expect(text).toMatch(/^<context>\n<repo_map>\n<file path="a.ts">/);
        expect(text).toContain('<block path="a.ts" lines="1-2" symbols="a.ts#1" language="typescript" rank="1">');
        expect(text).toContain('&lt;T&gt; &amp;');
        expect(text.endsWith('</context>\n')).toBe(true);
      },
    ],
  ])('renders %s', (format, check) => {
    const source = ['function a<T>() {', "  return 'x' && 1; // <T> &", '}'];
    source[1] = '  // <T> &';
    const packed = packContext([cand('a.ts', 1, 2, {}, source)], {
      budget: 1000,
      countTokens: count,
      format,
      outlines: [{ folder: '', path: 'a.ts', entries: [{ line: 1, text: 'function a<T>()' }] }],
    });
    check(packed.text);
    expect(packed.tokens).toBe(count(packed.text));
  });

  it('answers nothing, within budget, for a budget too small for anything', () => {
    for (const format of ['markdown', 'json', 'xml'] as const) {
      const packed = packContext([cand('a.ts', 1, 50)], { budget: 3, countTokens: count, format });
      expect(packed.tokens).toBeLessThanOrEqual(3);
      expect(packed.blocks).toEqual([]);
    }
    expect(packContext([], { budget: Number.NaN, countTokens: count }).text).toBe('');
  });

  it('takes the whole definition a part belongs to when it fits the share and what is left, else the part', () => {
    // `part` is lines 10-19 of a definition on lines 10-40 (with its header, the definition is ~295 tokens, the part
    // ~105, lines 1-40 of another file ~365).
    const part = cand('a.ts', 10, 19, { definition: { startLine: 10, endLine: 40 } });
    const lines = (packed: ReturnType<typeof packContext>) => packed.blocks.map((b) => [b.startLine, b.endLine]);
    expect(lines(packContext([part], { budget: 1000, countTokens: count }))).toEqual([[10, 40]]);
    // Within the share (half of 1000 for the first candidate), but not within what two pinned chunks leave (~270).
    const pinned = (path: string) => cand(path, 1, 40, { pinned: true });
    expect(lines(packContext([part, pinned('b.ts'), pinned('c.ts')], { budget: 1000, countTokens: count }))).toEqual([
      [10, 19],
      [1, 40],
      [1, 40],
    ]);
    // Over the share of a later rank (a quarter of 1000): the part alone, and a later part of it is not a duplicate.
    const second = cand('a.ts', 20, 29, { definition: { startLine: 10, endLine: 40 } });
    expect(lines(packContext([cand('c.ts', 1, 2), part, second], { budget: 1000, countTokens: count }))).toEqual([
      [10, 29],
      [1, 2],
    ]);
  });

  it('costs a block from the stored count of its content, counting only its header and closing', () => {
    const c = cand('a.ts', 1, 30);
    const exact = packContext([c], { budget: 1000, countTokens: count });
    const texts: string[] = [];
    const spy: CountTokens = (text) => {
      texts.push(text);
      return count(text);
    };
    const stored = packContext([{ ...c, tokens: count(c.content) }], { budget: 1000, countTokens: spy });
    expect(stored.text).toBe(exact.text);
    expect(stored.tokens).toBe(count(stored.text));
    // The content is counted only inside the whole text, never alone or as a block.
    expect(texts.filter((t) => t.includes(c.content) && t !== stored.text)).toEqual([]);
    // A block's count from parts is the exact count, or over it by a token or two where BPE would merge across a seam.
    const block = stored.blocks[0]?.tokens ?? 0;
    expect(block - (exact.blocks[0]?.tokens ?? 0)).toBeGreaterThanOrEqual(0);
    expect(block - (exact.blocks[0]?.tokens ?? 0)).toBeLessThanOrEqual(2);
    // An escaped format counts the block: the raw count is no count of the escaped text.
    const xml = packContext([{ ...c, content: `${c.content}\n<T>`, endLine: 31, source: undefined, tokens: 5 }], {
      budget: 1000,
      countTokens: count,
      format: 'xml',
    });
    expect(xml.blocks[0]?.tokens).toBeGreaterThan(100);
  });

  it('packs the same with and without its lower bounds, over many code-like candidates (property)', () => {
    // Lines of code-like words, so that trims match terms and long runs of candidates reach a nearly full budget.
    const word = fc.constantFrom(
      'const',
      'token',
      'budget',
      'return',
      'if (x)',
      '{',
      '}',
      '/** doc */',
      '  ',
      '<T>',
      '"&"',
      '12',
    );
    const line = fc.array(word, { minLength: 0, maxLength: 8 }).map((ws) => ws.join(' '));
    const spec = fc.record({
      path: fc.constantFrom('a.ts', 'b.ts', 'c.py', 'd/e.go', 'f.ts', 'g.ts'),
      start: fc.integer({ min: 1, max: 150 }),
      length: fc.integer({ min: 2, max: 50 }),
      doc: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 200, maxLength: 200 }),
        fc.array(spec, { minLength: 20, maxLength: 80 }),
        fc.integer({ min: 100, max: 4000 }),
        fc.constantFrom<ContextFormat>('markdown', 'json', 'xml'),
        (source, specs, budget, format) => {
          const candidates = specs.map((s, i) =>
            cand(
              s.path,
              s.start,
              Math.min(source.length, s.start + s.length - 1),
              {
                symbol: `s${i}`,
                signature: source[s.start - 1] ?? '',
                doc: s.doc ? '/** doc */' : '',
              },
              source,
            ),
          );
          const options = { budget, countTokens: count, format, terms: ['token', 'budget'] };
          expect(packContext(candidates, { ...options, lowerBound: () => 0 })).toEqual(packContext(candidates, options));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never exceeds the budget, over random candidates, budgets and formats (property)', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('', '}', '```', '  return x;', '<a href="&">', '/** doc */', '    …', 'ünïcödé → ✓'),
    );
    const candidate = fc.record({
      folder: fc.constantFrom('', 'one', 'two'),
      path: fc.constantFrom('a.ts', 'b.py', 'dir/c.go', 'a.ts '),
      start: fc.integer({ min: 1, max: 60 }),
      length: fc.integer({ min: 1, max: 40 }),
      skeleton: fc.boolean(),
      withSource: fc.boolean(),
      pinned: fc.boolean(),
      doc: fc.constantFrom('', '/** doc */'),
      signature: fc.string({ maxLength: 30 }),
      definition: fc.option(fc.record({ before: fc.integer({ min: 0, max: 20 }), after: fc.integer({ min: 0, max: 40 }) })),
      // The content's count as the index stores it, none, or a wrong one (a stale or foreign count must not break the budget).
      tokens: fc.oneof(fc.constant<'exact' | undefined>('exact'), fc.constant(undefined), fc.integer({ min: 0, max: 400 })),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 100, maxLength: 100 }),
        fc.array(candidate, { maxLength: 25 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.constantFrom<ContextFormat>('markdown', 'json', 'xml'),
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 3 }),
        (source, specs, budget, format, terms) => {
          const candidates = specs.map((s): ContextCandidate => {
            const lines = source.slice(s.start - 1, s.start - 1 + s.length);
            const content = s.skeleton ? [lines[0] ?? '', '  …', ...lines.slice(-1)].join('\n') : lines.join('\n');
            return {
              folder: s.folder,
              path: s.path,
              language: 'x',
              symbol: s.signature.slice(0, 5),
              kind: 'function',
              startLine: s.start,
              endLine: s.start + lines.length - 1,
              content,
              signature: s.signature,
              doc: s.doc,
              score: 1,
              source: s.withSource ? source : undefined,
              pinned: s.pinned,
              tokens: s.tokens === 'exact' ? count(content) : s.tokens,
              definition: s.definition
                ? {
                    startLine: Math.max(1, s.start - s.definition.before),
                    endLine: s.start + lines.length - 1 + s.definition.after,
                  }
                : undefined,
            };
          });
          const outlines = specs.slice(0, 4).map((s) => ({
            folder: s.folder,
            path: s.path,
            entries: [{ line: s.start, text: s.signature }],
          }));
          const packed = packContext(candidates, { budget, countTokens: count, format, terms, outlines });
          // The lower bound only spares counting: without it (a bound of 0), the same context.
          const unbounded = packContext(candidates, { budget, countTokens: count, format, terms, outlines, lowerBound: () => 0 });
          expect(unbounded).toEqual(packed);
          const exact = count(packed.text);
          expect(exact).toBeLessThanOrEqual(budget);
          expect(packed.tokens).toBe(exact);
          if (format === 'json' && packed.text) JSON.parse(packed.text);
          // Reading order, and no line of a file shown twice.
          const keys = packed.blocks.map((b) => `${b.folder}\0${b.path}\0${String(b.startLine).padStart(4, '0')}`);
          expect(keys).toEqual([...keys].sort());
          for (let i = 1; i < packed.blocks.length; i++) {
            const a = packed.blocks[i - 1];
            const b = packed.blocks[i];
            if (a && b && a.folder === b.folder && a.path === b.path && a.shown.length && b.shown.length) {
              expect(b.startLine).toBeGreaterThan(a.endLine);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
