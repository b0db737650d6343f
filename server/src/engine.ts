// The one door: open(config) → index(), search(), context(), symbols(), status(). The CLI, the language server and
// eval call only this; the stages below never see them.
import { join } from 'node:path';
import { GrammarLoader } from './chunk/grammar-loader.js';
import type { Config } from './config.js';
import { createEmbedder, createEmbedderPool } from './embed/create-embedder.js';
import type { Embedder } from './embed/embedder.js';
import { type ContextSide, contextAcross, indexedSource } from './engine-context.js';
import { rankSymbols, relatedTo, symbolGraphOf } from './engine-graph.js';
import { withRunLock } from './engine-lock.js';
import { openStore } from './engine-open.js';
import { RecoveringStore } from './engine-recovery.js';
import {
  type PullOptions,
  type PullReport,
  type PushReport,
  pullSnapshotInto,
  pushToRemote,
  RemotePull,
  type RemotePushOptions,
  type RemoteSearchOptions,
  type SnapshotPull,
  searchRemote,
} from './engine-remote.js';
import { collectCandidates, type DenseSide, type SearchSources, searchRanked, toResult } from './engine-search.js';
import {
  type ContextBundle,
  type ContextOptions,
  checkLimit,
  type EngineSearchResponse,
  type EngineStatus,
  type RelatedReport,
  RepositoryError,
  type SearchOptions,
  type SymbolGraph,
} from './engine-types.js';
import { type EmbedOptions, type EmbedProgress, embedPending } from './index/embed-pass.js';
import { LiveIndex, type LiveIndexOptions } from './index/live-index.js';
import { chunkingFingerprint } from './index/prepare-file.js';
import { RunLock } from './index/run-lock.js';
import {
  type IndexProgress,
  type IndexReport,
  indexBuffer,
  indexRunOf,
  type UpdateOptions,
  updateIndex,
} from './index/update-index.js';
import { type Candidate, type Ranked, type RankMode, scoresInListOrder } from './rank/rank-candidates.js';
import type { DenseSearch } from './search/dense-search.js';
import type { Store, StoredSymbol } from './store/store.js';
import { type ParsedQuery, parseQuery } from './tokens/parse-query.js';

export { CONTEXT_FORMATS, type ContextFormat, isContextFormat } from './assemble/context-types.js';
export { ENCODINGS, type Encoding, isEncoding } from './assemble/count-tokens.js';
export { definedNames } from './engine-graph.js';
export {
  type PullOptions,
  type PullReport,
  type PushProgress,
  type PushReport,
  RemoteError,
  type RemotePushOptions,
  type RemoteSearchOptions,
  type RemoteVectorSearch,
  SignBitSearch,
  type SnapshotPull,
} from './engine-remote.js';
export { toSqlGlobs } from './engine-search.js';
export * from './engine-types.js';
export { type ChunkPool, WorkerChunkPool } from './index/chunk-pool.js';
export type { EmbedProgress, LastEmbeddingPass } from './index/embed-pass.js';
export type { FolderState, LiveIndex, LiveIndexOptions } from './index/live-index.js';
export { RunLockError } from './index/run-lock.js';
export type { IndexProgress, IndexReport, UpdateOptions } from './index/update-index.js';
export type { RankMode } from './rank/rank-candidates.js';
export type { StoredSymbol } from './store/store.js';

/** Chunks without a vector above which the CLI's embedding pass loads the model in worker threads (Engine.embed). */
const POOL_ABOVE_CHUNKS = 2000;

/** One repository's index, open for indexing and searching. */
export class Engine {
  private embedderPromise: Promise<Embedder | undefined> | undefined;
  /** Why there are no embeddings, when there are none. */
  embedderProblem: string | undefined;

  /** The store and its KNN, replaced together when the index is found damaged (engine-recovery.ts). */
  private readonly health: RecoveringStore;
  private get store(): Store {
    return this.health.store;
  }
  private get dense(): DenseSearch {
    return this.health.dense;
  }
  /** How many times this engine found its index damaged and started a fresh one (see `recover`). */
  get recoveries(): number {
    return this.health.recoveries;
  }
  /** Called after a recovery, so that a long-running front end rebuilds the fresh index (Engine.live). */
  set onRecovered(callback: (() => void) | undefined) {
    this.health.onRecovered = callback;
  }
  /**
   * One index run or embedding pass at a time on this index, across processes (`index.lock`, a pid): `index()` and
   * `embed()` wait for another process's; a front end may hold it over both, or skip updating while another runs.
   */
  readonly runLock: RunLock;

  private constructor(
    readonly config: Config,
    store: Store,
    private readonly grammars: GrammarLoader,
    private readonly onWarning: (message: string) => void,
  ) {
    this.health = new RecoveringStore(config, store, onWarning);
    this.runLock = new RunLock(join(config.indexDir, 'index.lock'));
    this.remote = new RemotePull(config, onWarning);
  }

  /**
   * Opens the index of `config.repo`. A corrupt index is moved aside and rebuilt from scratch: `onWarning` says so.
   * Throws RepositoryError when the repository is not a folder or the index cannot be used.
   */
  static open(config: Config, onWarning: (message: string) => void = () => {}): Engine {
    const store = openStore(config, onWarning);
    return new Engine(config, store, new GrammarLoader(), onWarning);
  }

  /**
   * A live index of `config.repo` for a long-running front end (the language server): a first run, a watcher, editor
   * buffers, one writer per index. Its engine opens on `start()` (from the team index's snapshot where there is no index yet
   * and `config.remote` names a server); `engine` answers at once, `ready()` after the first run.
   */
  static live(config: Config, options: LiveIndexOptions): LiveIndex<Engine> {
    const open = () => {
      const engine = Engine.open(config, options.log);
      // A damaged index found while serving: the fresh one fills in by a full run; searches answer `partial` meanwhile.
      engine.onRecovered = () => void live.reindex(true);
      return engine;
    };
    const fromSnapshot = async () => {
      const took = await Engine.pullSnapshot(config, {}, options.log);
      if (took) options.log(`codectx: ${config.repo}: started from the team index's snapshot of ${took.repoName}@${took.commit}`);
      return open();
    };
    const live: LiveIndex<Engine> = new LiveIndex(config, options, config.remote ? fromSnapshot : open);
    return live;
  }

  /** Runs `op`, recovering once from a damaged index file (engine-recovery.ts). */
  private guarded<T>(op: () => T | Promise<T>): Promise<T> {
    return this.health.guarded(op);
  }

  private guardedSync<T>(op: () => T): T {
    return this.health.guardedSync(op);
  }

  /**
   * Moves the index file aside (`index.sqlite.corrupt-<time>`, kept for inspection) and opens a fresh, empty index in
   * its place; the next index run fills it. `onWarning` says so; `status().recovered` keeps the message.
   */
  recover(reason: string): void {
    this.health.recover(reason);
  }

  /** True when the index was not closed cleanly last time (a killed or crashed writer) and no check has run since. */
  get needsCheck(): boolean {
    return this.guardedSync(() => this.store.needsCheck);
  }

  /** The integrity check after an unclean shutdown; a damaged index is moved aside and rebuilt (engine-recovery.ts). */
  checkAfterUncleanShutdown(): Promise<string[]> {
    return this.health.checkAfterUncleanShutdown();
  }

  /** The problems an integrity check finds in the index (PRAGMA quick_check or integrity_check, FTS5 integrity-check). */
  verify(full = false): string[] {
    return this.store.verify(full);
  }

  /** True when the index was opened read-only (its folder cannot be written): searches answer from it as it is. */
  get readOnly(): boolean {
    return this.store.readOnly;
  }

  /** Brings the index up to date with the files on disk; only changed files are re-read. */
  async index(onProgress?: (p: IndexProgress) => void, options?: UpdateOptions): Promise<IndexReport> {
    if (this.store.readOnly) {
      throw new RepositoryError(
        `the index ${this.store.file} is read-only, so it cannot be updated: make its folder writable, or pass --index-dir DIR (or set CODECTX_INDEX_DIR) to a folder you can write`,
      );
    }
    // A full run with a team index configured writes the files the server has cut instead of parsing them.
    const prepared = options?.paths ? undefined : this.remote.files();
    const report = await this.locked(
      () => this.guarded(() => updateIndex(this.config, this.store, this.grammars, onProgress, { ...options, prepared })),
      options ?? {},
    ).finally(() => prepared?.close());
    for (const r of this.store.vectors.takeRepairs()) this.onWarning(r);
    if (report.recut) this.onWarning('the chunking rules changed since this index was built: every file was cut again');
    return report;
  }

  /**
   * Indexes an editor buffer in place of the file on disk (the index then answers with what the user sees). A buffer
   * equal to what is indexed writes nothing. Returns false for a path the walk would skip (ignored, secret, …).
   * The index stage decides, by the rules of an index run (index/update-index.ts).
   */
  async indexBuffer(path: string, text: string): Promise<boolean> {
    return this.guarded(() => indexBuffer(this.config, this.store, this.grammars, path, text));
  }

  /** Forgets an editor buffer: the file on disk (or its absence) is what the index holds again. */
  async dropBuffer(path: string): Promise<void> {
    const stored = this.guardedSync(() => this.store.fileState(path));
    if (stored && stored.overlay === process.pid) await this.index(undefined, { paths: [path] });
  }

  /**
   * Search. `hybrid` (the default when a model is available) fuses BM25 and embeddings; `lexical` uses BM25 only;
   * `dense` embeddings only. Without embeddings, hybrid answers lexically and `mode` says so. Any query text is valid.
   */
  async search(query: string, options: SearchOptions = {}): Promise<EngineSearchResponse> {
    const started = performance.now();
    const { ranked, terms, mode } = await this.guarded(() => this.rank(query, options));
    const results = scoresInListOrder(ranked).map((r) => toResult(r, terms, options.explain));
    return { results, mode, tookMs: performance.now() - started };
  }

  /**
   * Context for a question: the best chunks, with their full text, packed into a token budget with citations. The chunk
   * at `options.active` (the cursor) comes first. Any query text is valid.
   */
  context(query: string, options: ContextOptions = {}): Promise<ContextBundle> {
    return this.guarded(() => Engine.contextAcross([this], query, options));
  }

  /** Context from several indexes at once, ranked together into one budget (engine-context.ts). */
  static contextAcross(engines: Engine[], query: string, options: ContextOptions = {}): Promise<ContextBundle> {
    return contextAcross(
      engines.map((e) => e.side()),
      query,
      options,
    );
  }

  /** This engine as context assembly sees it (engine-context.ts); `store` follows a recovery. */
  private side(): ContextSide {
    const engine = this;
    return {
      repo: this.config.repo,
      get store() {
        return engine.store;
      },
      guarded: (op) => this.guarded(op),
      guardedSync: (op) => this.guardedSync(op),
      rank: (query, options) => this.rank(query, options),
      indexedSource: (path) => indexedSource(this.store, this.config.repo, path),
    };
  }

  private async rank(
    query: string,
    options: SearchOptions,
  ): Promise<{ ranked: Ranked[]; terms: string[]; mode: RankMode; q: ParsedQuery }> {
    const limit = checkLimit(options.limit ?? 10);
    const q = parseQuery(query);
    return { ...(await searchRanked(await this.sources(options), query, q, limit, options)), q };
  }

  /**
   * The candidates of a search before ranking: FTS5 and KNN hits with their chunks, the parsed query, and the mode that
   * can actually run. For the fitting of ranking weights (bench/fit-fusion.mjs), which re-ranks them many times.
   */
  async collect(query: string, options: SearchOptions = {}): Promise<{ found: Candidate[]; q: ParsedQuery; mode: RankMode }> {
    const limit = checkLimit(options.limit ?? 10);
    const q = parseQuery(query);
    const { found, mode } = await collectCandidates(await this.sources(options), query, q, limit, options);
    return { found, q, mode };
  }

  /** What a search of this mode reads of the engine, as it is now. */
  private async sources(options: SearchOptions): Promise<SearchSources> {
    const denseSide = (options.mode ?? 'hybrid') === 'lexical' ? undefined : await this.denseSide();
    return {
      store: this.store,
      dense: this.dense,
      denseSide,
      embedderProblem: this.embedderProblem,
      firstDenseQuery: () => this.denseQueries++ === 0,
      onWarning: (message) => this.onWarning(message),
    };
  }

  /** Dense searches this engine has run (see `vec0Below` in engine-search.ts). */
  private denseQueries = 0;

  /** The embedder and its vector table, when the index has vectors for the current model. */
  private async denseSide(): Promise<DenseSide | undefined> {
    const embedder = await this.embedder();
    if (!embedder) return undefined;
    const table = this.store.vectors.vectorTable(embedder.id, embedder.dimensions);
    if (!this.dense.hasVectors(table)) {
      this.embedderProblem = 'no chunk has an embedding yet: run codectx index';
      return undefined;
    }
    return { embedder, table };
  }

  /** The configured embedder, loaded on first use; undefined when there is none (the reason is kept). */
  embedder(): Promise<Embedder | undefined> {
    this.embedderPromise ??= createEmbedder(this.config.embedder, this.config.embedInWorker, (m) => {
      this.embedderProblem = m;
      this.onWarning(m);
    }).catch((error) => {
      this.embedderProblem = (error as Error).message;
      this.onWarning(`embeddings are off: ${this.embedderProblem}`);
      return undefined;
    });
    return this.embedderPromise;
  }

  /**
   * For a long embedding pass in this thread (the CLI's; `config.indexThreads` > 1), the model in that many worker
   * threads, which embed as many batches at once; undefined otherwise (the language server embeds in its one worker,
   * beside the requests it answers) or when they cannot start (one warning: the pass runs here).
   */
  private async embedderPool(embedder: Embedder): Promise<Embedder | undefined> {
    const threads = this.config.indexThreads;
    if (this.config.embedInWorker || threads < 2) return undefined;
    const vectors = this.store.vectors;
    if (vectors.pendingCount(vectors.vectorTable(embedder.id, embedder.dimensions)) < POOL_ABOVE_CHUNKS) return undefined;
    try {
      const pool = await createEmbedderPool(this.config.embedder, threads);
      if (pool && (pool.id !== embedder.id || pool.dimensions !== embedder.dimensions)) {
        await pool.close();
        return undefined;
      }
      return pool;
    } catch (error) {
      this.onWarning(`the model's worker threads did not start, embedding in one thread: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Pulls from the team index, when one is configured (engine-remote.ts). */
  private readonly remote: RemotePull;

  /** What the last pull from the team index brought (undefined: none was tried, or it failed). */
  get lastPull(): PullReport | undefined {
    return this.remote.last;
  }

  /**
   * Embeds every chunk that has no vector for the current model: the team index first when one is configured
   * (`options.pull`: its batch size and a callback per batch), then the cache, then the model. Undefined without an
   * embedder.
   */
  async embed(options: EmbedOptions & { pull?: PullOptions } = {}): Promise<EmbedProgress | undefined> {
    const embedder = await this.embedder();
    if (!embedder || this.store.readOnly) return undefined;
    const progress = await this.locked(
      () =>
        this.guarded(async () => {
          await this.remote.pull(this.store, embedder, options.pull);
          const pool = await this.embedderPool(embedder);
          try {
            return await embedPending(this.store, pool ?? embedder, options);
          } finally {
            await pool?.close();
          }
        }),
      options,
    );
    for (const r of this.store.vectors.takeRepairs()) this.onWarning(r);
    return progress;
  }

  /**
   * Pushes this index to the team index (`config.remote`): chunks and the current model's vectors by content hash,
   * then the manifest of the repository name and commit. Run `index()` and `embed()` first. Throws RemoteError.
   */
  async push(options: RemotePushOptions = {}): Promise<PushReport> {
    const embedder = await this.embedder();
    // Files' rows go along only when every chunk of the index was cut by this codectx's rules.
    const rules = chunkingFingerprint(this.config, this.grammars);
    const chunking = this.store.getMeta('chunking') === rules ? rules : undefined;
    return pushToRemote(this.store, this.config, embedder?.id, { ...options, chunking });
  }

  /** Runs `op` holding the run lock (engine-lock.ts). */
  private locked<T>(op: () => Promise<T>, options: { signal?: AbortSignal; onWait?: (pid: number) => void }): Promise<T> {
    return withRunLock(this.runLock, () => this.store.file, op, options);
  }

  /**
   * Before `open`, where `config.repo` has no index yet and a team index is configured: starts the index from the
   * newest snapshot pushed for the repository name (`push --snapshot`), which the next `index()` brings to the work
   * tree (engine-remote.ts). Undefined when none was taken; a failure is one warning.
   */
  static pullSnapshot(
    config: Config,
    options: { repoName?: string; onFound?: (found: { repoName: string; commit: string; bytes: number }) => void } = {},
    onWarning: (message: string) => void = () => {},
  ): Promise<SnapshotPull | undefined> {
    return pullSnapshotInto(config, chunkingFingerprint(config, new GrammarLoader()), options, onWarning);
  }

  /**
   * Searches a commit pushed to the team index (`config.remote`) without a checkout or a local index: candidates from
   * the server, ranked by the same code as `search` (engine-remote.ts). Throws RemoteError, EmbeddingsUnavailable.
   */
  static searchRemote(
    config: Config,
    query: string,
    options: RemoteSearchOptions,
    onWarning?: (message: string) => void,
  ): Promise<EngineSearchResponse & { commit: string }> {
    return searchRemote(config, query, options, onWarning);
  }

  /** Definitions whose name fuzzily matches `query` (characters in order), best first: exact, prefix, substring, rest. */
  symbols(query: string, limit = 100): StoredSymbol[] {
    const q = query.trim().toLowerCase();
    return rankSymbols(
      this.guardedSync(() => this.store.symbols(q, Math.max(limit * 20, 500))),
      q,
      limit,
    );
  }

  /** Where `name` is defined and which chunks reference it: the code graph, by exact name, at most `limit` of each. */
  symbolGraph(name: string, limit = 50): SymbolGraph {
    return this.guardedSync(() => symbolGraphOf(this.store, name, limit));
  }

  /**
   * Callers and callees of the chunk at `path`:`line`, or of the definitions of `symbol`. Callees are the definitions of
   * the names the targets reference; callers the chunks referencing a name the targets define. By name, unresolved.
   */
  related(target: { path: string; line: number } | { symbol: string }, limit = 50): RelatedReport {
    return this.guardedSync(() => relatedTo(this.store, target, limit));
  }

  /** A value the index keeps for its users (`state` is shared by servers following one index). */
  meta(key: string): string | undefined {
    return this.guardedSync(() => this.store.getMeta(key));
  }

  setMeta(key: string, value: string): void {
    this.guardedSync(() => this.store.setMeta(key, value));
  }

  status(): EngineStatus {
    const status = this.guardedSync(() => this.store.status());
    const run = indexRunOf(this.guardedSync(() => this.store.getMeta('index_run')));
    const due = this.guardedSync(() => this.store.needsCheck);
    return {
      repo: this.config.repo,
      indexPath: this.store.file,
      ...status,
      ...(run ? { indexRun: run } : {}),
      ...(this.health.integrity || due ? { integrityCheck: this.health.integrity ?? 'due' } : {}),
      ...(this.health.recovered ? { recovered: this.health.recovered } : {}),
    };
  }

  /** Closes the index and stops the embedder (its worker thread). */
  async close(): Promise<void> {
    this.store.close();
    const embedder = await this.embedderPromise;
    await embedder?.close();
  }
}
