// The search path of Engine.search and Engine.collect: FTS5 and KNN candidates with their chunks, ranked, fused,
// reranked and cut to the limit, then shaped into results. Reads the index only through the SearchSources it is given.
import { queryEmbeddingText } from './embed/embed-text.js';
import type { Embedder } from './embed/embedder.js';
import { EmbeddingsUnavailable, type EngineResult, type SearchOptions } from './engine-types.js';
import { filesFirst } from './rank/files-first.js';
import { keepDenseFirst } from './rank/keep-dense-first.js';
import { liftCallees } from './rank/lift-callees.js';
import { params } from './rank/params.js';
import {
  type Candidate,
  diversityFor,
  type Ranked,
  type RankMode,
  rankCandidates,
  termCoverage,
} from './rank/rank-candidates.js';
import { rerank } from './rank/rerank.js';
import type { DenseSearch } from './search/dense-search.js';
import { lexicalSearch, matchExpression } from './search/lexical-search.js';
import { snippet } from './search/snippet.js';
import { calleesOf } from './store/graph.js';
import type { Store } from './store/store.js';
import type { ParsedQuery } from './tokens/parse-query.js';

/** The embedder and its vector table, when the index has vectors for the current model. */
export interface DenseSide {
  embedder: Embedder;
  table: string;
}

/** What a search reads of one engine, as it is now (a recovery replaces the store and the dense search). */
export interface SearchSources {
  store: Store;
  dense: DenseSearch;
  /** Undefined when the index has no vectors for the current model (or the mode is lexical). */
  denseSide: DenseSide | undefined;
  /** Why there is no dense side, when there is none. */
  embedderProblem: string | undefined;
  /** Counts a dense query of the engine; true for its first (see `vec0Below`). */
  firstDenseQuery(): boolean;
  onWarning(message: string): void;
}

/** The candidates of a search before ranking: FTS5 and KNN hits with their chunks, and the mode that can actually run. */
export async function collectCandidates(
  sources: SearchSources,
  query: string,
  q: ParsedQuery,
  limit: number,
  options: SearchOptions,
): Promise<{ found: Candidate[]; mode: RankMode }> {
  const { store, denseSide: dense } = sources;
  const filter = { globs: options.paths?.flatMap(toSqlGlobs), languages: options.languages };
  let mode: RankMode = options.mode ?? 'hybrid';
  if (!dense) {
    if (mode === 'dense') throw new EmbeddingsUnavailable(sources.embedderProblem ?? 'no embeddings in this index yet');
    mode = 'lexical';
  }
  const candidates = new Map<number, Candidate>();
  if (mode !== 'dense' && matchExpression(q)) {
    const hits = lexicalSearch(store, q, params.fieldWeights, Math.max(params.lexicalCandidates, limit * 4), filter);
    hits.forEach((h, i) => {
      candidates.set(h.id, { id: h.id, bm25: h.bm25, lexicalRank: i + 1 } as Candidate);
    });
  }
  // Hybrid adds meaning to words the repository has; when none of the query's words occur anywhere, nearest
  // neighbours of the query are noise (a typo, gibberish), so hybrid answers nothing, like lexical. Dense still answers.
  const lexicalEmpty = mode === 'hybrid' && candidates.size === 0;
  if (dense && !lexicalEmpty) {
    const text = queryEmbeddingText(query);
    if (text) {
      const vector = await dense.embedder.embedQuery(text);
      const k = Math.max(params.denseCandidates, limit * 2);
      const near = sources.dense.nearest(dense.table, vector, k, {
        shortlist: params.denseShortlist,
        rescore: params.denseRescore,
        // vec0's KNN answers the first dense query of this engine (a one-shot search skips the load: 67 ms against
        // 190 ms at 94k vectors); later ones load the in-memory index, which answers in a fraction of vec0's time.
        vec0Below: sources.firstDenseQuery() ? Number.POSITIVE_INFINITY : 0,
        filter,
      });
      // No answer: the vector table was damaged and is being rebuilt; this search answers from what still works.
      if (!near) {
        if (mode === 'dense') throw new EmbeddingsUnavailable(store.vectors.takeRepairs().join('; '));
        mode = 'lexical';
      }
      for (const r of store.vectors.takeRepairs()) sources.onWarning(r);
      near?.forEach((n, i) => {
        const c = candidates.get(n.id) ?? ({ id: n.id } as Candidate);
        c.similarity = n.similarity;
        c.denseRank = i + 1;
        candidates.set(n.id, c);
      });
    }
  }
  const chunks = store.chunks([...candidates.keys()]);
  const found = [...candidates.values()].flatMap((c) => {
    const chunk = chunks.get(c.id);
    return chunk ? [{ ...c, chunk, coverage: termCoverage(chunk, q) }] : [];
  });
  return { found, mode };
}

/**
 * A search's ranked results. For a pasted issue, two stages: the first ranking's best files are searched again alone
 * (a function of the file an issue is about competes even when the whole index crowded it out of the candidates),
 * everything is ranked again, the first results' callees in other files move up below them (rank/lift-callees.ts),
 * and files lead by the evidence of all their results (rank/files-first.ts).
 */
export async function searchRanked(
  sources: SearchSources,
  query: string,
  q: ParsedQuery,
  limit: number,
  options: SearchOptions,
): Promise<{ ranked: Ranked[]; terms: string[]; mode: RankMode }> {
  if (q.issue) q = withoutProjectWords(sources.store, q);
  const { found, mode } = await collectCandidates(sources, query, q, limit, options);
  const p = params.issue;
  if (!q.issue || (!p.topFiles && !p.fileSlots.length)) return rankFound(found, q, mode, limit);
  let all = found;
  if (p.topFiles) {
    const first = rankFound(found, q, mode, found.length).ranked;
    const files = [...new Set(first.map((r) => r.chunk.path))].slice(0, p.topFiles);
    all = [...found, ...withinFiles(sources.store, q, files, found, Math.max(params.lexicalCandidates, limit * 4))];
  }
  const second = rankFound(all, q, mode, all.length);
  let ranked = second.ranked;
  if (p.calleeSeeds) {
    const seeds = ranked.slice(0, p.calleeSeeds).map((r) => r.id);
    ranked = liftCallees(ranked, calleesOf(sources.store.db, seeds, p.calleeDefinitions), p.calleeSeeds, p.calleeWithin);
  }
  // In hybrid search a file's evidence is counted over the results the rerank judged: below its depth the order is
  // fusion's, where a test module's twenty weak hits (× 0.3 each) still summed to more than one first place.
  const depth = mode === 'hybrid' ? params.rerank.depth : undefined;
  return { ...second, ranked: filesFirst(ranked, p.fileSlots, p.evidencePower, depth).slice(0, limit) };
}

/**
 * An issue's title words that name the project itself (`Sphinx 3.2 complains …`, `pytest crashes …`) are no terms: a
 * title's words are kept beyond the terms' cap, and a word found in more than half of the index's chunks (the project's
 * name is in every path of its package) matches nearly everything and displaces the words that tell chunks apart.
 */
export function withoutProjectWords(store: Store, q: ParsedQuery): ParsedQuery {
  const title = q.issue?.title.filter((w) => q.terms.includes(w)) ?? [];
  if (!title.length) return q;
  const half = Math.floor((store.db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number) / 2);
  const count = store.db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)').pluck();
  const common = new Set(title.filter((w) => (count.get(`"${w}"`, half + 1) as number) > half));
  return common.size ? { ...q, terms: q.terms.filter((t) => !common.has(t)) } : q;
}

/**
 * More lexical candidates from `files` alone, those not found already. Their BM25 is on the same scale (the same
 * expression and statistics); their lexical rank is only known to come after the `after` candidates searched first.
 */
function withinFiles(store: Store, q: ParsedQuery, files: string[], found: Candidate[], after: number): Candidate[] {
  if (!matchExpression(q) || !files.length) return [];
  const have = new Set(found.map((c) => c.id));
  const globs = files.map((f) => f.replace(/[[*?]/g, (c) => `[${c}]`));
  const hits = lexicalSearch(store, q, params.fieldWeights, params.issue.fileCandidates + have.size, { globs }).filter(
    (h) => !have.has(h.id),
  );
  const chunks = store.chunks(hits.slice(0, params.issue.fileCandidates).map((h) => h.id));
  return hits.flatMap((h, i) => {
    const chunk = chunks.get(h.id);
    return chunk ? [{ id: h.id, bm25: h.bm25, lexicalRank: after + i + 1, chunk, coverage: termCoverage(chunk, q) }] : [];
  });
}

/** Candidates ranked (fusion and boosts, per-file diversity, the rerank in hybrid), the best `limit`, and the terms to show. */
export function rankFound(
  found: Candidate[],
  q: ParsedQuery,
  mode: RankMode,
  limit: number,
): { ranked: Ranked[]; terms: string[]; mode: RankMode } {
  let ranked = diversityFor(rankCandidates(found, q, params, mode), mode, params, q.issue !== undefined);
  if (mode === 'hybrid') ranked = keepDenseFirst(rerank(ranked, q, params), params.denseFirstWithin);
  ranked = ranked.slice(0, limit);
  return { ranked, terms: [...q.terms, ...q.identifiers.map((i) => i.toLowerCase())], mode };
}

/** One ranked chunk as a search result: its place, score to three decimals, a snippet around `terms`. */
export function toResult(r: Ranked, terms: string[], explain: boolean | undefined): EngineResult {
  const result: EngineResult = {
    path: r.chunk.path,
    startLine: r.chunk.startLine,
    endLine: r.chunk.endLine,
    symbol: r.chunk.symbol,
    kind: r.chunk.kind,
    language: r.chunk.language,
    score: Math.round(r.score * 1000) / 1000,
    snippet: snippet(r.chunk.content, terms),
  };
  if (explain) result.explain = r.explain;
  return result;
}

/**
 * A user's glob (`src/**`, `*.py`, `docs/`) as SQLite GLOB patterns, where `*` also crosses `/`. A pattern without a
 * slash matches a file name at any depth, as in .gitignore.
 */
export function toSqlGlobs(glob: string): string[] {
  let g = glob
    .trim()
    .replace(/^\.\//, '')
    .replace(/\*\*\/?/g, '*');
  if (g.endsWith('/')) g += '*';
  return g.includes('/') ? [g] : [g, `*/${g}`];
}
