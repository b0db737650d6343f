// The façade and API boundary: open(config) → index(), search(), status(). The CLI and the LSP call only this.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { GrammarLoader } from './chunk/grammar-loader.js';
import type { Config } from './config.js';
import { skipByContent } from './ingest/ignore-rules.js';
import { classifyPaths } from './ingest/walk.js';
import type { Chunk, SearchResult } from './model.js';
import { params } from './rank/params.js';
import { capPerFile, type Explanation, type Ranked, rankLexical } from './rank/rank-lexical.js';
import { parseQuery } from './search/code-tokens.js';
import { matchExpression } from './search/fts-text.js';
import { snippet } from './search/snippet.js';
import { Store, type StoredSymbol, StoreError, type StoreStatus } from './store/store.js';
import { type IndexProgress, type IndexReport, prepareFile, type UpdateOptions, updateIndex } from './update-index.js';

export type { StoredSymbol } from './store/store.js';
export type { IndexProgress, IndexReport, UpdateOptions } from './update-index.js';

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
  /** Glob patterns over repository-relative paths; a result must match one. */
  paths?: string[];
  /** Language ids; a result must have one. */
  languages?: string[];
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
  index(onProgress?: (p: IndexProgress) => void, options?: UpdateOptions): Promise<IndexReport> {
    return updateIndex(this.config, this.store, this.grammars, onProgress, options);
  }

  /**
   * Indexes an editor buffer in place of the file on disk (the index then answers with what the user sees). A buffer
   * equal to what is indexed writes nothing. Returns false for a path the walk would skip (ignored, secret, …).
   */
  async indexBuffer(path: string, text: string): Promise<boolean> {
    const verdict = classifyPaths(this.config.repo, [path], { maxFileBytes: this.config.maxFileBytes });
    const onDisk = verdict.files.length > 0;
    if (!onDisk && verdict.missing.length === 0) return false;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > this.config.maxFileBytes || skipByContent(bytes)) return false;
    const hash = createHash('sha1').update(bytes).digest('hex');
    const stored = this.store.fileState(path);
    if (stored && stored.hash === hash) return true;
    const report = { errors: [] as string[], parseFailures: 0 };
    const write = await prepareFile(
      this.config,
      this.grammars,
      path,
      text,
      { size: -1, mtimeMs: -1, hash, overlay: process.pid },
      report,
    );
    this.store.writeFile(write);
    return true;
  }

  /** Forgets an editor buffer: the file on disk (or its absence) is what the index holds again. */
  async dropBuffer(path: string): Promise<void> {
    const stored = this.store.fileState(path);
    if (stored && stored.overlay === process.pid) await this.index(undefined, { paths: [path] });
  }

  /** Lexical search with code-aware boosts. Any query text is valid; nothing searchable gives no results. */
  search(query: string, options: SearchOptions = {}): SearchResponse {
    const started = performance.now();
    const { ranked, terms } = this.rank(query, options);
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

  /** Ranked chunks with their full text, for context assembly. */
  searchChunks(query: string, options: SearchOptions = {}): (Chunk & { score: number })[] {
    return this.rank(query, options).ranked.map((r) => ({ ...r.chunk, score: r.score }));
  }

  private rank(query: string, options: SearchOptions): { ranked: Ranked[]; terms: string[] } {
    const limit = Math.max(1, Math.min(options.limit ?? 10, 1000));
    const q = parseQuery(query);
    const match = matchExpression(q);
    if (!match) return { ranked: [], terms: [] };
    const filter = { globs: options.paths?.flatMap(toSqlGlobs), languages: options.languages };
    const hits = this.store.lexical(match, params.fieldWeights, Math.max(params.lexicalCandidates, limit * 4), filter);
    const chunks = this.store.chunks(hits.map((h) => h.id));
    const candidates = hits.flatMap((h) => {
      const chunk = chunks.get(h.id);
      return chunk ? [{ id: h.id, bm25: h.bm25, chunk }] : [];
    });
    const ranked = capPerFile(rankLexical(candidates, q, params, query), this.config.maxResultsPerFile).slice(0, limit);
    return { ranked, terms: [...q.terms, ...q.identifiers.map((i) => i.toLowerCase())] };
  }

  /** The smallest chunk covering a line of a file (1-based), for context around the cursor. */
  chunkAt(path: string, line: number): Chunk | undefined {
    return this.store.chunkAt(path, line);
  }

  /** Definitions whose name fuzzily matches `query` (characters in order), best first: exact, prefix, substring, rest. */
  symbols(query: string, limit = 100): StoredSymbol[] {
    const q = query.trim().toLowerCase();
    const found = this.store.symbols(q, Math.max(limit * 20, 500));
    const rankOf = (name: string): number => {
      const n = name.toLowerCase();
      return n === q ? 0 : n.startsWith(q) ? 1 : n.includes(q) ? 2 : 3;
    };
    return found
      .map((s, i) => ({ s, key: rankOf(s.name) * 1e6 + i }))
      .sort((a, b) => a.key - b.key)
      .slice(0, limit)
      .map((x) => x.s);
  }

  /** A value the index keeps for its users (`state` is shared by servers following one index). */
  meta(key: string): string | undefined {
    return this.store.getMeta(key);
  }

  setMeta(key: string, value: string): void {
    this.store.setMeta(key, value);
  }

  status(): EngineStatus {
    return { repo: this.config.repo, indexPath: this.store.file, ...this.store.status() };
  }

  close(): void {
    this.store.close();
  }
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
