// The engine's side of the team index (remote/): push this index, pull files' rows and vectors into it, search a pushed
// commit. Only here does the engine open a connection, and only when the configuration names a server (Config.remote).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from './config.js';
import { createEmbedder } from './embed/create-embedder.js';
import { queryEmbeddingText } from './embed/embed-text.js';
import type { Embedder } from './embed/embedder.js';
import { rankFound, toResult } from './engine-search.js';
import {
  checkLimit,
  EmbeddingsUnavailable,
  type EngineSearchResponse,
  RepositoryError,
  type SearchOptions,
} from './engine-types.js';
import type { PreparedFiles } from './index/prepared-lookup.js';
import type { Chunk } from './model.js';
import { params } from './rank/params.js';
import { type Candidate, type RankMode, termCoverage } from './rank/rank-candidates.js';
import { gitHead } from './remote/git-head.js';
import { type PullOptions, type PullReport, pullFiles, pullVectors } from './remote/pull.js';
import { type PushProgress, type PushReport, pushIndex } from './remote/push.js';
import { RemoteDb } from './remote/remote-db.js';
import { SNAPSHOT_REMOTE_SCHEMA } from './remote/remote-schema.js';
import {
  findManifest,
  placedChunks,
  type RemoteVectorSearch,
  remoteLexical,
  SignBitSearch,
  tsQueryText,
} from './remote/remote-search.js';
import { findSnapshot, pullSnapshot, pushSnapshot, type SnapshotPush } from './remote/snapshot.js';
import { INDEX_FILE } from './store/open.js';
import { adoptSnapshot, SNAPSHOT_SCHEMA, writeSnapshot } from './store/snapshot.js';
import type { PreparedFile, Store } from './store/store.js';
import { parseQuery } from './tokens/parse-query.js';

export type { PullOptions, PullReport } from './remote/pull.js';
export type { PushProgress, PushReport } from './remote/push.js';

import { RemoteError } from './remote/remote-error.js';

export { type RemoteVectorSearch, SignBitSearch } from './remote/remote-search.js';
export { RemoteError };

/** What `codectx push` asks for beyond the configuration. */
export interface RemotePushOptions {
  /** The name the commit is pushed under (default: the repository folder's name). */
  repoName?: string;
  /** The commit id (default: the work tree's HEAD, read from .git). */
  commit?: string;
  /** Also send the whole index file, the newest snapshot of the repository name (remote/snapshot.ts). */
  snapshot?: boolean;
  batchSize?: number;
  onProgress?: (p: PushProgress) => void;
}

/** The server to talk to; a RepositoryError when none is configured. */
export function remoteOf(config: Config): string {
  if (!config.remote) throw new RepositoryError('no team index configured: pass --remote postgres://… (or set CODECTX_REMOTE)');
  return config.remote;
}

/** Pushes `store` (made for `config.repo`) with the vectors of `model`. Throws RemoteError or RepositoryError. */
export async function pushToRemote(
  store: Store,
  config: Config,
  model: string | undefined,
  options: RemotePushOptions & { chunking?: string },
): Promise<PushReport> {
  const url = remoteOf(config);
  const commit = options.commit ?? gitHead(config.repo);
  if (!commit) throw new RepositoryError(`${config.repo} is not a git work tree with a commit: pass --commit ID`);
  const repoName = options.repoName ?? basename(config.repo);
  const db = await RemoteDb.connect(url);
  try {
    const report = await pushIndex(store, db, { ...options, repoName, commit, model });
    if (!options.snapshot) return report;
    if (!options.chunking) throw new RepositoryError('a snapshot needs an index cut by these rules: run codectx index first');
    const key = { repoName, commit, chunking: options.chunking, schema: SNAPSHOT_SCHEMA, model };
    return { ...report, snapshot: await sendSnapshot(store, db, config, key) };
  } finally {
    await db.close();
  }
}

/** Writes the snapshot file beside the index and sends it; the file is removed either way. */
async function sendSnapshot(
  store: Store,
  db: RemoteDb,
  config: Config,
  key: Parameters<typeof pushSnapshot>[2],
): Promise<SnapshotPush> {
  const file = join(config.indexDir, `${INDEX_FILE}.snapshot-${process.pid}`);
  try {
    try {
      writeSnapshot(store, file);
    } catch (error) {
      throw new RepositoryError(`cannot write the snapshot: ${(error as Error).message}`);
    }
    return await pushSnapshot(db, file, key);
  } finally {
    rmSync(file, { force: true });
  }
}

/** What Engine.pullSnapshot took: the snapshot of which commit, its size, and the time it took. */
export interface SnapshotPull {
  repoName: string;
  commit: string;
  bytes: number;
  ms: number;
}

/**
 * Before the first index of `config.repo` (no index file yet), with a team index configured: makes the newest snapshot
 * of `repoName` (default: the folder's name) cut by `chunking` the local index, the one of the work tree's HEAD first;
 * the index run then brings it to the work tree. Undefined when there is none or an index exists. Never fails for the
 * server's sake: a problem is one warning, and the index is built locally.
 */
export async function pullSnapshotInto(
  config: Config,
  chunking: string,
  options: { repoName?: string; onFound?: (found: { repoName: string; commit: string; bytes: number }) => void },
  onWarning: (message: string) => void,
): Promise<SnapshotPull | undefined> {
  if (!config.remote || existsSync(join(config.indexDir, INDEX_FILE))) return undefined;
  const started = performance.now();
  const repoName = options.repoName ?? basename(config.repo);
  const file = join(config.indexDir, `${INDEX_FILE}.snapshot-${process.pid}`);
  let db: RemoteDb | undefined;
  try {
    db = await RemoteDb.connect(config.remote);
    // A server of an older schema has no snapshots (its rows are still pulled by the index run).
    if ((await db.checkSchema()) < SNAPSHOT_REMOTE_SCHEMA) return undefined;
    const found = await findSnapshot(db, repoName, chunking, SNAPSHOT_SCHEMA, gitHead(config.repo));
    if (!found) return undefined;
    options.onFound?.({ repoName, commit: found.commit, bytes: found.bytes });
    mkdirSync(config.indexDir, { recursive: true });
    await pullSnapshot(db, found, file);
    if (!adoptSnapshot(file, config.indexDir, config.repo)) return undefined;
    return { repoName, commit: found.commit, bytes: found.bytes, ms: performance.now() - started };
  } catch (error) {
    onWarning(`the team index's snapshot was not taken (${(error as Error).message}); indexing locally`);
    return undefined;
  } finally {
    rmSync(file, { force: true });
    await db?.close();
  }
}

/**
 * Pulls from the team index the vectors of every chunk that waits for one of `embedder`'s and is not in the local
 * cache. Throws RemoteError (the caller warns and embeds locally).
 */
export async function pullFromRemote(
  store: Store,
  config: Config,
  embedder: { id: string; dimensions: number },
  options: PullOptions = {},
): Promise<PullReport> {
  const url = remoteOf(config);
  const table = store.vectors.vectorTable(embedder.id, embedder.dimensions);
  const hashes = store.vectors.uncachedPendingHashes(table, embedder.id);
  if (hashes.length === 0) return { asked: 0, pulled: 0, bytes: 0 };
  const db = await RemoteDb.connect(url);
  try {
    await db.checkSchema();
    return await pullVectors(store, db, embedder.id, embedder.dimensions, hashes, options);
  } finally {
    await db.close();
  }
}

/** After a failed pull from the team index, the next is tried this much later (milliseconds). */
const REMOTE_RETRY_MS = 5 * 60_000;

/** One engine's pulls from the team index: what the last one brought, and the pause after a failure. */
export class RemotePull {
  /** What the last pull from the team index brought (undefined: none was tried, or it failed). */
  last: PullReport | undefined;
  /** When a pull from the team index last failed: none is tried again for REMOTE_RETRY_MS (a server saves often). */
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: Config,
    private readonly onWarning: (message: string) => void,
  ) {}

  /**
   * With a team index configured, takes from it the vectors of chunks waiting for one, into the embedding cache. Never
   * fails for the server's sake: any problem is one warning, and the model embeds the rest.
   */
  async pull(store: Store, embedder: { id: string; dimensions: number }, options?: PullOptions): Promise<void> {
    this.last = undefined;
    if (!this.available) return;
    try {
      this.last = await pullFromRemote(store, this.config, embedder, options);
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      this.failed(error, 'embedding locally');
    }
  }

  /**
   * With a team index configured, the files it has cut for an index run (by content hash and language), on one
   * connection opened at the first lookup; `close` it after the run. Undefined without one, or while the pause after a
   * failure lasts.
   */
  files(): (PreparedFiles & { close(): Promise<void> }) | undefined {
    const url = this.config.remote;
    if (!url || !this.available) return undefined;
    let db: Promise<RemoteDb> | undefined;
    let failed = false;
    // One lookup at a time on the one connection (the run asks for the next batch before the last one answers).
    let queue: Promise<unknown> = Promise.resolve();
    const lookup = async (chunking: string, files: { hash: string; language: string }[]) => {
      if (failed) return [];
      try {
        db ??= RemoteDb.connect(url).then(async (d) => {
          await d.checkSchema().catch(async (error: unknown) => {
            await d.close();
            throw error;
          });
          return d;
        });
        return await pullFiles(await db, chunking, files);
      } catch (error) {
        if (!failed) this.failed(error, 'chunking and embedding locally');
        failed = true;
        return [];
      }
    };
    return {
      lookup: (chunking, files): Promise<(PreparedFile | undefined)[]> => {
        const answer = queue.then(() => lookup(chunking, files));
        queue = answer;
        return answer;
      },
      close: async () => {
        await queue;
        await (await db?.catch(() => undefined))?.close();
      },
    };
  }

  private get available(): boolean {
    return this.config.remote !== undefined && performance.now() - this.failedAt >= REMOTE_RETRY_MS;
  }

  /** One warning for a failed pull; none is tried again for REMOTE_RETRY_MS. */
  private failed(error: unknown, then: string): void {
    this.failedAt = performance.now();
    const message = error instanceof Error ? error.message : String(error);
    this.onWarning(`${message}; ${then}`);
  }
}

/** What `codectx search --remote --repo-name` asks for. */
export interface RemoteSearchOptions extends SearchOptions {
  /** The pushed repository to search. */
  repoName: string;
  /** Its commit (default: the latest push of it). */
  commit?: string;
  /** Dense search on the server (default: SignBitSearch with a shortlist of 400). */
  vectorSearch?: RemoteVectorSearch;
}

/**
 * ts_rank of the `simple` tsvector is ~100× smaller than FTS5's BM25, next to which the rank's coverage term was
 * weighed: scaled so that lexical mode adds coverage as it does locally. Not fitted (bench/remote.mjs measures the
 * overlap with local search).
 */
const TS_RANK_SCALE = 100;

/**
 * Searches a pushed commit of the team index, no checkout needed: candidates from the server (ts_rank; sign-bit
 * shortlist re-scored exactly), ranked by the same code as local search. Dense needs the model the commit was pushed
 * with; without it hybrid answers lexically (`mode` says so). Throws RemoteError, EmbeddingsUnavailable.
 */
export async function searchRemote(
  config: Config,
  query: string,
  options: RemoteSearchOptions,
  onWarning: (message: string) => void = () => {},
): Promise<EngineSearchResponse & { commit: string }> {
  const started = performance.now();
  const limit = checkLimit(options.limit ?? 10);
  const q = parseQuery(query);
  const db = await RemoteDb.connect(remoteOf(config));
  let embedder: Embedder | undefined;
  try {
    await db.checkSchema();
    const manifest = await findManifest(db, options.repoName, options.commit);
    let mode: RankMode = options.mode ?? 'hybrid';
    if (mode !== 'lexical') {
      embedder = await createEmbedder(config.embedder, false, onWarning).catch((error: Error) => {
        onWarning(`embeddings are off: ${error.message}`);
        return undefined;
      });
      if (!embedder || embedder.id !== manifest.model) {
        const problem = embedder
          ? `${manifest.repoName}@${manifest.commit.slice(0, 12)} was pushed with the model ${manifest.model ?? '(none)'}, not ${embedder.id}`
          : 'no embedding model is configured';
        if (mode === 'dense') throw new EmbeddingsUnavailable(problem);
        mode = 'lexical';
      }
    }
    const candidates = new Map<string, Candidate>();
    const candidateOf = (chunk: Chunk): Candidate => {
      const key = `${chunk.path}\n${chunk.startByte}\n${chunk.endByte}`;
      let c = candidates.get(key);
      if (!c) {
        c = { id: candidates.size + 1, chunk };
        candidates.set(key, c);
      }
      return c;
    };
    const tsquery = tsQueryText(q.terms, q.phrases);
    if (mode !== 'dense' && tsquery) {
      const rows = await remoteLexical(db, manifest, tsquery, Math.max(params.lexicalCandidates, limit * 4));
      rows.forEach((r, i) => {
        const { rank, ...chunk } = r;
        const c = candidateOf(chunk);
        c.bm25 = rank * TS_RANK_SCALE;
        c.lexicalRank = i + 1;
      });
    }
    // As locally: when none of the query's words occur in the commit, hybrid answers nothing.
    const lexicalEmpty = mode === 'hybrid' && candidates.size === 0;
    const text = queryEmbeddingText(query);
    if (embedder && mode !== 'lexical' && !lexicalEmpty && text) {
      const vector = await embedder.embedQuery(text);
      const search = options.vectorSearch ?? new SignBitSearch();
      const near = await search.nearest(db, manifest, embedder.id, vector, Math.max(params.denseCandidates, limit * 2));
      const rankOf = new Map(near.map((n, i) => [n.hash, { similarity: n.similarity, rank: i + 1 }]));
      for (const chunk of await placedChunks(db, manifest, [...rankOf.keys()])) {
        const n = rankOf.get(chunk.hash);
        if (!n) continue;
        const c = candidateOf(chunk);
        c.similarity = n.similarity;
        c.denseRank = n.rank;
      }
    }
    const found = [...candidates.values()].map((c) => ({ ...c, coverage: termCoverage(c.chunk, q) }));
    const { ranked, terms } = rankFound(found, q, mode, limit);
    return {
      results: ranked.map((r) => toResult(r, terms, options.explain)),
      mode,
      tookMs: performance.now() - started,
      commit: manifest.commit,
    };
  } finally {
    await db.close();
    await embedder?.close();
  }
}
