// The façade and API boundary: open(config) → index(), search(), status(). The CLI and the LSP call only this.
import { existsSync, statSync } from 'node:fs';
import { GrammarLoader } from './chunk/grammar-loader.js';
import type { Config } from './config.js';
import type { SearchResult } from './model.js';
import { params } from './rank/params.js';
import { capPerFile, type Explanation, rankLexical } from './rank/rank-lexical.js';
import { parseQuery } from './search/code-tokens.js';
import { matchExpression } from './search/fts-text.js';
import { snippet } from './search/snippet.js';
import { Store, StoreError, type StoreStatus } from './store/store.js';
import { type IndexProgress, type IndexReport, updateIndex } from './update-index.js';

export type { IndexProgress, IndexReport } from './update-index.js';

/** A repository problem the user must fix (missing folder, unusable index); the CLI exits with code 3. */
export class RepositoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepositoryError';
  }
}

/** Options of one search. */
export interface SearchOptions {
  /** At most this many results (default 10). */
  limit?: number;
  /** Attach each result's ranking explanation. */
  explain?: boolean;
}

/** A search result with its ranking explanation when asked for. */
export interface EngineResult extends SearchResult {
  explain?: Explanation;
}

/** What a search returns: the results and how long the search took inside the engine. */
export interface SearchResponse {
  results: EngineResult[];
  tookMs: number;
}

/** Index status as `codectx status` prints it. */
export interface EngineStatus extends StoreStatus {
  repo: string;
  indexPath: string;
}

/** One repository's index, open for indexing and searching. */
export class Engine {
  private constructor(
    readonly config: Config,
    private readonly store: Store,
    private readonly grammars: GrammarLoader,
  ) {}

  /**
   * Opens the index of `config.repo`. A corrupt index is moved aside and rebuilt from scratch: `onWarning` says so.
   * Throws RepositoryError when the repository is not a folder or the index cannot be used.
   */
  static open(config: Config, onWarning: (message: string) => void = () => {}): Engine {
    if (!existsSync(config.repo) || !statSync(config.repo).isDirectory()) {
      throw new RepositoryError(`${config.repo} is not a folder: pass --repo DIR with a repository folder`);
    }
    let store: Store;
    try {
      store = Store.open(config.indexDir, config.repo);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      if (error.code !== 'corrupt') throw new RepositoryError(error.message);
      const aside = Store.quarantine(config.indexDir);
      onWarning(`${error.message}; moved it to ${aside} and rebuilding the index from scratch`);
      try {
        store = Store.open(config.indexDir, config.repo);
      } catch (again) {
        throw new RepositoryError((again as Error).message);
      }
    }
    return new Engine(config, store, new GrammarLoader());
  }

  /** Brings the index up to date with the files on disk; only changed files are re-read. */
  index(onProgress?: (p: IndexProgress) => void): Promise<IndexReport> {
    return updateIndex(this.config, this.store, this.grammars, onProgress);
  }

  /** Lexical search with code-aware boosts. Any query text is valid; nothing searchable gives no results. */
  search(query: string, options: SearchOptions = {}): SearchResponse {
    const started = performance.now();
    const limit = Math.max(1, Math.min(options.limit ?? 10, 1000));
    const q = parseQuery(query);
    const match = matchExpression(q);
    if (!match) return { results: [], tookMs: performance.now() - started };
    const hits = this.store.lexical(match, params.fieldWeights, Math.max(params.lexicalCandidates, limit * 4));
    const chunks = this.store.chunks(hits.map((h) => h.id));
    const candidates = hits.flatMap((h) => {
      const chunk = chunks.get(h.id);
      return chunk ? [{ id: h.id, bm25: h.bm25, chunk }] : [];
    });
    const ranked = capPerFile(rankLexical(candidates, q, params, query), this.config.maxResultsPerFile).slice(0, limit);
    const terms = [...q.terms, ...q.identifiers.map((i) => i.toLowerCase())];
    const results = ranked.map((r): EngineResult => {
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
      if (options.explain) result.explain = r.explain;
      return result;
    });
    return { results, tookMs: performance.now() - started };
  }

  status(): EngineStatus {
    return { repo: this.config.repo, indexPath: this.store.file, ...this.store.status() };
  }

  close(): void {
    this.store.close();
  }
}
