// Pure. The last ranking stage of hybrid search: a learned linear model re-scores the first `depth` results of fusion
// and boosts, from features neither stage combines on its own (how confident each side is for this query, how well the
// chunk's name and path cover the query, its size and kind). Weights are fitted by bench/fit-rerank.mjs on generated
// questions of the dev suites, never on eval suites, and live in params.ts.
// Invariant: with every weight 0 except `fused` the order of a question's results is unchanged; results below `depth`
// keep their order.
import { splitIdentifier } from '../tokens/code-tokens.js';
import type { ParsedQuery } from '../tokens/parse-query.js';
import type { Ranked } from './rank-candidates.js';

/** The boosts of rank-candidates.ts that are features, by their names in an explanation. */
const BOOSTS = [
  'exactSymbol',
  'exactIdentifier',
  'nameWord',
  'symbolWords',
  'exactPath',
  'fileStem',
  'definition',
  'testPenalty',
  'exactPhrase',
] as const;

/** Feature names, in the order of the vectors rerankFeatures returns and of params.rerank.weights. */
export const RERANK_FEATURES = [
  'fused', // the fused, boosted score over the best one
  'position', // 1 / position after fusion
  'lexical', // BM25 over the best BM25
  'dense', // min-max cosine over the KNN candidates
  'lexicalRank', // 1 / rank in the FTS5 list, 0 when not found lexically
  'lexicalPosition', // 1 / position in lexical search alone (BM25, boosts, per-file cap), 0 when not found lexically
  'denseRank', // 1 / rank in the KNN list, 0 when not found by embeddings
  ...BOOSTS, // 1 when rank-candidates applied the boost, else 0
  'coverage', // fraction of query terms in the chunk
  'codeLexical', // code-like query × lexical
  'codeDense', // code-like query × dense
  'marginLexical', // how far the best BM25 is ahead of the second × lexical
  'marginDense', // the same lexical margin × dense
  'denseGapDense', // how far the best cosine is ahead of the second (×10) × dense
  'length', // log(lines) / 5
  'markdown',
  'nameCoverage', // fraction of query terms among the words of the chunk's symbol
  'pathCoverage', // fraction of query terms among the words of the chunk's path
  'similarity', // raw cosine, 0 when not found by embeddings
  'blockKind', // a block, line window or section rather than a definition
] as const;

export type RerankFeature = (typeof RERANK_FEATURES)[number];

/** The stage's share of params.ts: how many results it re-scores, and a weight per feature (missing = 0). */
export interface RerankParams {
  rerank: { depth: number; weights: Partial<Record<RerankFeature, number>> };
  /** A pasted issue's boosts that multiply the rerank's score too (none when absent). */
  issue?: { rerankKeeps: readonly string[] };
}

const BOOST_FEATURES = new Set<string>(BOOSTS);

const words = (text: string): Set<string> =>
  new Set(text.split(/[^\p{L}\p{N}_]+/u).flatMap((w) => (w ? splitIdentifier(w) : [])));

/** One feature vector per result (the first `depth` of a fused ranking), in RERANK_FEATURES order. */
export function rerankFeatures(ranked: Ranked[], q: ParsedQuery): number[][] {
  if (!ranked.length) return [];
  const top = ranked[0]?.score || 1;
  const bm25 = ranked.map((r) => r.bm25 ?? 0).sort((a, b) => b - a);
  const margin = (bm25[0] ?? 0) > 0 ? 1 - (bm25[1] ?? 0) / (bm25[0] ?? 1) : 0;
  const sims = ranked.flatMap((r) => (r.similarity === undefined ? [] : [r.similarity])).sort((a, b) => b - a);
  const denseGap = sims.length > 1 ? (sims[0] ?? 0) - (sims[1] ?? 0) : 0;
  const terms = q.terms;
  const share = (set: Set<string>) => (terms.length ? terms.filter((t) => set.has(t)).length / terms.length : 0);
  return ranked.map((r, i) => {
    const lexical = r.explain.fusion?.lexical ?? 0;
    const dense = r.explain.fusion?.dense ?? 0;
    const value: Record<string, number> = {
      fused: r.score / top,
      position: 1 / (i + 1),
      lexical,
      dense,
      lexicalRank: r.lexicalRank ? 1 / r.lexicalRank : 0,
      lexicalPosition: r.explain.lexicalPosition ? 1 / r.explain.lexicalPosition : 0,
      denseRank: r.denseRank ? 1 / r.denseRank : 0,
      coverage: r.explain.coverage,
      codeLexical: q.codeLike ? lexical : 0,
      codeDense: q.codeLike ? dense : 0,
      marginLexical: margin * lexical,
      marginDense: margin * dense,
      denseGapDense: denseGap * 10 * dense,
      length: Math.log(1 + r.chunk.endLine - r.chunk.startLine) / 5,
      markdown: r.chunk.language === 'markdown' ? 1 : 0,
      nameCoverage: share(words(r.chunk.symbol)),
      pathCoverage: share(words(r.chunk.path)),
      similarity: r.similarity ?? 0,
      blockKind: r.chunk.kind === 'block' || r.chunk.kind === 'window' || r.chunk.kind === 'section' ? 1 : 0,
    };
    return RERANK_FEATURES.map((f) => (BOOST_FEATURES.has(f) ? (r.explain.boosts[f] ? 1 : 0) : (value[f] ?? 0)));
  });
}

/**
 * Re-scores the first `p.rerank.depth` results with the learned weights (the rest keep their order, after them). Each
 * re-scored result's explanation gets `rerank`: its score and its position before this stage.
 */
export function rerank(ranked: Ranked[], q: ParsedQuery, p: RerankParams): Ranked[] {
  const head = ranked.slice(0, p.rerank.depth);
  const features = rerankFeatures(head, q);
  const weights = RERANK_FEATURES.map((f) => p.rerank.weights[f] ?? 0);
  // A pasted issue's own boosts (docs and tests down, traceback files up) are no features: the weights were fitted on
  // questions. They multiply the rerank's score as they multiplied the fused one, else the rerank would undo them.
  const keeps = (q.issue && p.issue?.rerankKeeps) || [];
  const scored = head.map((r, i) => {
    const linear = (features[i] ?? []).reduce((sum, x, j) => sum + x * (weights[j] ?? 0), 0);
    const factor = keeps.reduce((f, name) => f * (r.explain.boosts[name] ?? 1), 1);
    const score = linear >= 0 ? linear * factor : linear / factor;
    return {
      r: { ...r, explain: { ...r.explain, rerank: { score: Math.round(score * 1000) / 1000, before: i + 1 } } },
      score,
      i,
    };
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return [...scored.map((s) => s.r), ...ranked.slice(p.rerank.depth)];
}
