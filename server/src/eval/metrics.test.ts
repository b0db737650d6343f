import { describe, expect, it } from 'vitest';
import { hits, type Level, percentile, type QueryScores, type Span, scoreQuery, summarize } from './metrics.js';

const span = (text: string): Span => {
  const [path, lines] = text.split(':') as [string, string | undefined];
  const [start, end] = (lines ?? '1-1').split('-').map(Number);
  return { path, startLine: start ?? 1, endLine: end ?? start ?? 1 };
};

describe('hits', () => {
  const check = (level: Level, result: string, gold: string, expected: boolean) =>
    it(`${level}: ${result} vs gold ${gold} → ${expected}`, () => expect(hits(level, span(result), span(gold))).toBe(expected));
  check('chunk', 'a.ts:10-20', 'a.ts:15-30', true);
  check('chunk', 'a.ts:10-20', 'a.ts:20-30', true); // one shared line is enough
  check('chunk', 'a.ts:10-19', 'a.ts:20-30', false);
  check('chunk', 'a.ts:31-40', 'a.ts:20-30', false);
  check('chunk', 'a.ts:1-100', 'a.ts:20-30', true);
  check('chunk', 'b.ts:20-30', 'a.ts:20-30', false);
  check('file', 'a.ts:1-2', 'a.ts:20-30', true);
  check('file', 'src/a.ts:20-30', 'a.ts:20-30', false);
});

describe('scoreQuery (hand-computed)', () => {
  const check = (name: string, results: string[], gold: string[], level: Level, k: number, expected: QueryScores) =>
    it(name, () => {
      const got = scoreQuery(results.map(span), gold.map(span), level, k);
      expect(got.rank).toBe(expected.rank);
      for (const key of ['hit1', 'hit5', 'hit10', 'recall', 'rr10', 'ndcg10'] as const)
        expect(got[key]).toBeCloseTo(expected[key], 6);
    });

  // Gold a.ts:10-20. Ranks: b.ts miss, a.ts:1-9 miss (same file, no overlap), a.ts:15-30 hit at 3.
  // DCG = 1/log2(3+1) = 0.5, IDCG = 1.
  const one = ['b.ts:1-5', 'a.ts:1-9', 'a.ts:15-30', 'c.ts:1-4'];
  check('chunk: first hit at rank 3', one, ['a.ts:10-20'], 'chunk', 10, {
    rank: 3,
    hit1: 0,
    hit5: 1,
    hit10: 1,
    recall: 1,
    rr10: 1 / 3,
    ndcg10: 0.5,
  });
  // File level: a.ts:1-9 already counts, at rank 2. DCG = 1/log2(3) = 0.630930.
  check('file: the same file counts at rank 2', one, ['a.ts:10-20'], 'file', 10, {
    rank: 2,
    hit1: 0,
    hit5: 1,
    hit10: 1,
    recall: 1,
    rr10: 0.5,
    ndcg10: 0.63093,
  });

  // Two gold entries. Rank 1 hits a.ts:10-20; rank 2 hits it again (no gain: a gold entry counts once);
  // rank 4 hits b.ts:1-3. DCG = 1 + 1/log2(5) = 1.430677; IDCG = 1 + 1/log2(3) = 1.630930; nDCG = 0.877215.
  const two = ['a.ts:12-14', 'a.ts:18-25', 'x.ts:1-9', 'b.ts:3-9'];
  const gold2 = ['a.ts:10-20', 'b.ts:1-3'];
  check('chunk: two gold entries, a repeated hit adds no gain', two, gold2, 'chunk', 10, {
    rank: 1,
    hit1: 1,
    hit5: 1,
    hit10: 1,
    recall: 1,
    rr10: 1,
    ndcg10: 0.877215,
  });
  check('chunk: recall@2 sees only the first two results', two, gold2, 'chunk', 2, {
    rank: 1,
    hit1: 1,
    hit5: 1,
    hit10: 1,
    recall: 0.5,
    rr10: 1,
    ndcg10: 0.877215,
  });
  // File level: two gold ranges in one file are one gold file. Gold files {a.ts}: DCG = IDCG = 1.
  check('file: gold ranges of one file count once', ['a.ts:1-2', 'a.ts:50-60'], ['a.ts:1-5', 'a.ts:40-60'], 'file', 10, {
    rank: 1,
    hit1: 1,
    hit5: 1,
    hit10: 1,
    recall: 1,
    rr10: 1,
    ndcg10: 1,
  });
  // A hit at rank 11 exists in the list but is past every @10 cutoff; recall@20 still sees it.
  const eleven = [...Array.from({ length: 10 }, (_, i) => `n${i}.ts:1-5`), 'a.ts:1-5'];
  check('a hit at rank 11 scores only in recall@20', eleven, ['a.ts:3-3'], 'chunk', 20, {
    rank: 11,
    hit1: 0,
    hit5: 0,
    hit10: 0,
    recall: 1,
    rr10: 0,
    ndcg10: 0,
  });
  check('no results', [], ['a.ts:1-5'], 'chunk', 10, { rank: null, hit1: 0, hit5: 0, hit10: 0, recall: 0, rr10: 0, ndcg10: 0 });
  check('no gold', ['a.ts:1-5'], [], 'chunk', 10, { rank: null, hit1: 0, hit5: 0, hit10: 0, recall: 0, rr10: 0, ndcg10: 0 });
  // 12 gold entries: the ideal DCG stops at 10 positions. Results hit gold 1 and 2 at ranks 1 and 2.
  // DCG = 1 + 0.630930 = 1.630930; IDCG = Σ_{i=1..10} 1/log2(i+1) = 4.543559; nDCG = 0.358954; recall = 2/12.
  const many = Array.from({ length: 12 }, (_, i) => `g.ts:${i * 10 + 1}-${i * 10 + 5}`);
  check('ideal DCG is cut at 10', ['g.ts:1-1', 'g.ts:11-11'], many, 'chunk', 10, {
    rank: 1,
    hit1: 1,
    hit5: 1,
    hit10: 1,
    recall: 2 / 12,
    rr10: 1,
    ndcg10: 0.358954,
  });
});

describe('summarize', () => {
  it('averages each metric over queries', () => {
    const q = (rank: number | null, recall: number, ndcg10: number): QueryScores => ({
      rank,
      hit1: rank === 1 ? 1 : 0,
      hit5: rank !== null && rank <= 5 ? 1 : 0,
      hit10: rank !== null && rank <= 10 ? 1 : 0,
      recall,
      rr10: rank !== null && rank <= 10 ? 1 / rank : 0,
      ndcg10,
    });
    const s = summarize([q(1, 1, 1), q(3, 0.5, 0.5), q(null, 0, 0), q(7, 1, 0.25)]);
    expect(s.n).toBe(4);
    expect(s.hit1).toBeCloseTo(0.25, 9);
    expect(s.hit5).toBeCloseTo(0.5, 9);
    expect(s.hit10).toBeCloseTo(0.75, 9);
    expect(s.recall).toBeCloseTo(0.625, 9);
    // (1 + 1/3 + 0 + 1/7) / 4 = 0.369048
    expect(s.mrr10).toBeCloseTo(0.369048, 6);
    expect(s.ndcg10).toBeCloseTo(0.4375, 9);
  });
  it('is all zeros for no queries', () => {
    expect(summarize([])).toEqual({ n: 0, hit1: 0, hit5: 0, hit10: 0, recall: 0, mrr10: 0, ndcg10: 0 });
  });
});

describe('percentile (nearest rank)', () => {
  const check = (values: number[], p: number, expected: number | null) =>
    it(`p${p} of [${values}] = ${expected}`, () => expect(percentile(values, p)).toBe(expected));
  check([5, 1, 3, 2, 4], 50, 3);
  check([5, 1, 3, 2, 4], 95, 5);
  check([5, 1, 3, 2, 4], 20, 1);
  check([10], 95, 10);
  check([4, 1, 3, 2], 50, 2);
  check([], 50, null);
});
