// The engine's side of the team index (remote/): push this index, pull vectors into it, search a pushed commit. Only
// here does the engine open a connection, and only when the configuration names a server (Config.remote).
import { basename } from 'node:path';
import type { Config } from './config.js';
import { RepositoryError } from './engine-types.js';
import { gitHead } from './remote/git-head.js';
import { type PullOptions, type PullReport, pullVectors } from './remote/pull.js';
import { type PushProgress, type PushReport, pushIndex } from './remote/push.js';
import { RemoteDb } from './remote/remote-db.js';
import type { Store } from './store/store.js';

export type { PullOptions, PullReport } from './remote/pull.js';
export type { PushProgress, PushReport } from './remote/push.js';

import { RemoteError } from './remote/remote-error.js';

export { RemoteError };

/** What `codectx push` asks for beyond the configuration. */
export interface RemotePushOptions {
  /** The name the commit is pushed under (default: the repository folder's name). */
  repoName?: string;
  /** The commit id (default: the work tree's HEAD, read from .git). */
  commit?: string;
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
  options: RemotePushOptions,
): Promise<PushReport> {
  const url = remoteOf(config);
  const commit = options.commit ?? gitHead(config.repo);
  if (!commit) throw new RepositoryError(`${config.repo} is not a git work tree with a commit: pass --commit ID`);
  const repoName = options.repoName ?? basename(config.repo);
  const db = await RemoteDb.connect(url);
  try {
    return await pushIndex(store, db, { ...options, repoName, commit, model });
  } finally {
    await db.close();
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
    if (!this.config.remote || performance.now() - this.failedAt < REMOTE_RETRY_MS) return;
    try {
      this.last = await pullFromRemote(store, this.config, embedder, options);
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      this.failedAt = performance.now();
      this.onWarning(`${error.message}; embedding locally`);
    }
  }
}
