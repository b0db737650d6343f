// What the benchmarks (bench/*.mjs) drive of the server, built to dist/lib.js so that they import it as any module
// (no TypeScript bundled at run time, no code in template strings). Not an API for anyone else: it follows the code.
export { makeConfig } from './config.js';
export { createEmbedder } from './embed/create-embedder.js';
export { chunkEmbeddingText, queryEmbeddingText } from './embed/embed-text.js';
export { Engine, SignBitSearch } from './engine.js';
export { scoreIssue } from './eval/issue-metrics.js';
export { WorkerChunkPool } from './index/chunk-pool.js';
export { walkRepository } from './ingest/walk.js';
export { params } from './rank/params.js';
export { denseWeight, diversityFor, rankCandidates } from './rank/rank-candidates.js';
export { RERANK_FEATURES, rerankFeatures } from './rank/rerank.js';
export { startPostgres } from './remote/test-postgres.js';
export { DenseSearch } from './search/dense-search.js';
export { lexicalSearch, matchExpression } from './search/lexical-search.js';
export { Store } from './store/store.js';
export { parseQuery } from './tokens/parse-query.js';
