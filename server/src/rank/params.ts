// Every ranking weight in one place. Change a number here only with `codectx eval` numbers before and after.

export const params = {
  /** BM25 column weights, in the FTS5 column order: symbol, signature + doc, body, path. */
  fieldWeights: [10, 4, 1, 3] as const,
  /**
   * Added to BM25 per unit of term coverage (the fraction of query terms found in the chunk's text, symbol or path).
   * A tie-breaker: it matters only where BM25 cannot tell chunks apart, e.g. in tiny repositories where every IDF is ~0.
   */
  coverage: 0.01,
  /** Candidates fetched from FTS5 before boosts and the per-file cap. */
  lexicalCandidates: 200,
  /** The query names the chunk's symbol exactly (case-insensitive; ×caseBonus more when the case matches too). */
  exactSymbol: 2.5,
  exactSymbolCaseBonus: 1.1,
  /** The chunk's text holds an identifier of the query verbatim (case and all), not only its parts. */
  exactIdentifier: 1.5,
  /** A plain word of a sentence-like query equals the chunk's name (`clone` in "clone the camera"): weak evidence. */
  nameWord: 1.3,
  /** Every word of the chunk's symbol name appears in the query (`user name` finds `getUserName`). */
  symbolWords: 1.4,
  /** The query contains the chunk's path, or a path suffix such as `store/schema.ts`. */
  exactPath: 2,
  /** A query word equals the file's stem (`engine` → engine.ts). */
  fileStem: 1.15,
  /** Definitions over text that merely mentions things. */
  definition: 1.1,
  /** Hybrid: the dense share of the fused score for code-like queries and for plain-language questions. */
  // Fitted by bench/fit-fusion.mjs on dev suites the model never saw (pydantic, oauthlib, lib/pq, luxon):
  // prose MRR@10 0.491 lexical → 0.527 at 0.5; code-like queries flat from 0 to 0.4 (0.640 → 0.645 at 0.3).
  denseWeightCode: 0.3,
  denseWeightProse: 0.5,
  /** KNN candidates fetched for dense and hybrid search. */
  denseCandidates: 100,
  /**
   * KNN (Store.nearest): the in-memory index ranks every vector by the Hamming distance of its sign bits and keeps
   * `denseShortlist`; those are ranked by int8 cosine, and the best `denseRescore` are scored exactly (float vectors).
   */
  // Recall against exact search and latency on the Go std lib (94k vectors): docs/benchmarks.md, "Dense search".
  denseShortlist: 8000,
  denseRescore: 200,
  /** Tests, fixtures, examples and generated files, unless the query asks for them. */
  testPenalty: 0.8,
} as const;

export type RankParams = typeof params;
