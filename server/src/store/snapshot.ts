// Snapshots of an index for the team index: a compact copy of the file without what belongs to the machine that wrote
// it (the repository's path, the writers' pids, the last run's record), and its adoption as another checkout's index.
// Invariant: a snapshot is adopted only where no index exists yet, and appears there whole or not at all (written
// beside it under another name, then linked into place, which fails when an index appeared meanwhile).
import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteBinding } from '../config.js';
import { INDEX_FILE } from './open.js';
import { SCHEMA_VERSION } from './schema.js';
import type { Store } from './store.js';
import { StoreError } from './store-error.js';

/** Meta keys that describe the machine or the process that wrote an index, not its contents. */
const MACHINE_META = ['repo', 'writer_open', 'needs_check', 'index_run', 'fresh_proof'];

/** The schema version a snapshot of this code has (a reader takes only its own). */
export const SNAPSHOT_SCHEMA = SCHEMA_VERSION;

function open(file: string): Database.Database {
  const nativeBinding = sqliteBinding();
  return new Database(file, nativeBinding ? { nativeBinding } : {});
}

/**
 * Writes a compact copy of `store` to `file` (VACUUM INTO: one consistent read), without the machine's meta. Throws
 * StoreError when an editor buffer is indexed in place of its file (an unsaved text is not the commit's).
 */
export function writeSnapshot(store: Store, file: string): void {
  const buffers = store.db.prepare('SELECT count(*) AS n FROM files WHERE overlay <> 0').get() as { n: number };
  if (buffers.n > 0)
    throw new StoreError(
      'io',
      store.file,
      `the index holds ${buffers.n} unsaved editor buffers: push a snapshot from an index of the checkout alone (as CI builds it)`,
    );
  rmSync(file, { force: true });
  store.db.prepare('VACUUM INTO ?').run(file);
  const copy = open(file);
  try {
    // Deleted cells are overwritten, not left in the page's free space.
    copy.pragma('secure_delete = ON');
    copy.prepare(`DELETE FROM meta WHERE key IN (${MACHINE_META.map(() => '?').join(', ')})`).run(...MACHINE_META);
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/**
 * Makes the snapshot at `file` the index of `repo` in `dir`, unless `dir` has an index already (then false, and the
 * snapshot is removed). The snapshot file must be in `dir` (the link is on one file system).
 */
export function adoptSnapshot(file: string, dir: string, repo: string): boolean {
  try {
    const copy = open(file);
    try {
      copy
        .prepare("INSERT INTO meta(key, value) VALUES ('repo', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .run(repo);
    } finally {
      copy.close();
    }
    mkdirSync(dir, { recursive: true });
    const target = join(dir, INDEX_FILE);
    if (existsSync(target)) return false;
    try {
      linkSync(file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    return true;
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}-journal`, { force: true });
  }
}
