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
export { RemoteError } from './remote/remote-error.js';

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
