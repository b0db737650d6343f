import { describe, expect, it } from 'vitest';
import type { Chunk } from '../model.js';
import { parseQuery } from '../tokens/parse-query.js';
import { params } from './params.js';
import { type Candidate, rankCandidates } from './rank-candidates.js';
import { RERANK_FEATURES, type RerankFeature, rerank, rerankFeatures } from './rerank.js';

const chunk = (path: string, symbol: string, kind: Chunk['kind'] = 'function', lines = 3): Chunk => ({
  path,
  language: path.endsWith('.md') ? 'markdown' : 'typescript',
  symbol,
  kind,
  startLine: 1,
  endLine: lines,
  startByte: 0,
  endByte: 0,
  parent: '',
  signature: '',
  doc: '',
  content: '',
  hash: symbol,
});

const query = 'retry the failed job later';
const candidates: Candidate[] = [
  { id: 1, bm25: 9, lexicalRank: 1, similarity: 0.5, denseRank: 3, chunk: chunk('src/queue.ts', 'enqueue') },
  { id: 2, bm25: 6, lexicalRank: 2, similarity: 0.7, denseRank: 1, chunk: chunk('src/retry.ts', 'retryFailedJob') },
  { id: 3, bm25: 3, lexicalRank: 3, similarity: 0.6, denseRank: 2, chunk: chunk('docs/retries.md', 'Retries', 'section', 40) },
];
const fused = () => rankCandidates(candidates, parseQuery(query), params, 'hybrid');
const withWeights = (weights: Partial<Record<RerankFeature, number>>, depth = 30) => ({ rerank: { depth, weights } });
const feature = (row: number[] | undefined, name: RerankFeature) => row?.[RERANK_FEATURES.indexOf(name)];

describe('rerank', () => {
  it('with the identity weights (fused only) keeps the fused order', () => {
    const before = fused();
    const after = rerank(before, parseQuery(query), withWeights({ fused: 1 }));
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after.map((r) => r.explain.rerank?.before)).toEqual([1, 2, 3]);
  });

  it('reorders the head by the weighted features, and leaves results below the depth in place', () => {
    const before = fused();
    const markdownFirst = rerank(before, parseQuery(query), withWeights({ fused: 1, markdown: 5 }));
    expect(markdownFirst[0]?.chunk.path).toBe('docs/retries.md');
    const shallow = rerank(before, parseQuery(query), withWeights({ markdown: 5 }, 1));
    expect(shallow.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(shallow[1]?.explain.rerank).toBeUndefined();
  });

  it('features: name and path coverage, ranks, kind and size', () => {
    const ranked = fused();
    const rows = rerankFeatures(ranked, parseQuery(query));
    const byId = (id: number) => rows[ranked.findIndex((r) => r.id === id)];
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === RERANK_FEATURES.length)).toBe(true);
    // retryFailedJob: retry, failed, job of the query's terms (retry, failed, job, later) are in its name.
    expect(feature(byId(2), 'nameCoverage')).toBeCloseTo(3 / 4);
    expect(feature(byId(1), 'nameCoverage')).toBe(0);
    expect(feature(byId(2), 'pathCoverage')).toBeCloseTo(1 / 4);
    expect(feature(byId(2), 'denseRank')).toBe(1);
    expect(feature(byId(3), 'lexicalRank')).toBeCloseTo(1 / 3);
    // Lexical search alone puts the section last (the definitions are boosted, a section is not).
    expect(feature(byId(3), 'lexicalPosition')).toBeCloseTo(1 / 3);
    expect([feature(byId(1), 'lexicalPosition'), feature(byId(2), 'lexicalPosition')].sort()).toEqual([0.5, 1]);
    expect(feature(byId(3), 'markdown')).toBe(1);
    // A section is a block too (the hand-written dev suites hold README sections, so its weight is fitted on some).
    expect(feature(byId(3), 'blockKind')).toBe(1);
    const block = rerankFeatures(
      rankCandidates(
        [{ id: 4, bm25: 5, lexicalRank: 1, chunk: chunk('src/main.ts', 'main', 'block') }],
        parseQuery(query),
        params,
        'hybrid',
      ),
      parseQuery(query),
    );
    expect(feature(block[0], 'blockKind')).toBe(1);
    expect(feature(block[0], 'markdown')).toBe(0);
    expect(feature(byId(3), 'length')).toBeCloseTo(Math.log(40) / 5);
    expect(feature(rows[0], 'fused')).toBe(1);
  });

  it("a pasted issue's own boosts multiply the rerank's score, which has no feature for them", () => {
    const issue = parseQuery(
      `The failed job is never retried later\n${'when the worker loses its lease the job stays failed and nothing retries it. '.repeat(4)}\nSee the retries guide.`,
    );
    expect(issue.issue).toBeDefined();
    const ranked = rankCandidates(candidates, issue, params, 'hybrid');
    expect(ranked.find((r) => r.id === 3)?.explain.boosts.nonSource).toBe(params.issue.nonSource);
    // Weights that favour the docs section: the rerank alone puts it first, the issue's demotion kept puts it lower.
    const weights = { fused: 1, markdown: 2 };
    expect(rerank(ranked, issue, withWeights(weights))[0]?.id).toBe(3);
    const kept = rerank(ranked, issue, { ...withWeights(weights), issue: { rerankKeeps: ['nonSource'] } });
    expect(kept.findIndex((r) => r.id === 3)).toBeGreaterThan(0);
    // A question keeps the rerank's own order.
    const question = rerank(fused(), parseQuery(query), { ...withWeights(weights), issue: { rerankKeeps: ['nonSource'] } });
    expect(question[0]?.id).toBe(3);
  });

  it('the shipped weights exist for known features only', () => {
    for (const name of Object.keys(params.rerank.weights)) expect(RERANK_FEATURES).toContain(name);
  });
});
