// Opening the index file: the folder and its permissions, the connection and its pragmas (WAL, busy_timeout), the
// migrations, the repository check and the FTS5 totals; a read-only index is opened as it is. Invariant: damage met
// while opening is a StoreError 'corrupt' (never a half-open database); a schema newer than the code is refused.
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { sqliteBinding } from '../config.js';
import { buildDeferredIndexes, deferredIndexesAbandoned } from './deferred-indexes.js';
import { recomputeFtsTotals } from './fts-totals.js';
import { MIGRATIONS, type Migration, SCHEMA_VERSION } from './schema.js';
import { isCorruption, StoreError } from './store-error.js';
import { damaged, isAmbiguousError } from './verify.js';

/** The index file's name in its folder. */
export const INDEX_FILE = 'index.sqlite';

/** chunks_fts columns: symbol, sigdoc, body, path. */
export const FTS_COLUMNS = 4;

/** The page size of a new index file (SQLite's default is 4 KiB). */
export const PAGE_SIZE = 16_384;

/** An open index file. */
export interface OpenedDatabase {
  db: Database.Database;
  file: string;
  /** A private copy of a read-only index (see openReadOnly), removed on close. */
  scratch?: string;
}

/** One value of the `meta` table. */
export function readMeta(db: Database.Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/**
 * Opens (creating or migrating) the index of `repo` in `dir`. Throws StoreError when the file is corrupt, was written
 * by a newer codectx, or belongs to another repository.
 */
export function openDatabase(dir: string, repo: string): OpenedDatabase {
  const file = join(dir, INDEX_FILE);
  // An index in a place this process cannot write (a read-only mount, another user's cache) is still searchable.
  if (existsSync(file) && !(writable(dir) && writable(file))) return openReadOnly(file, repo);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StoreError(
      'io',
      dir,
      `cannot create the index folder ${dir} (${(error as Error).message}): pass --index-dir DIR (or set CODECTX_INDEX_DIR) to a folder you can write`,
    );
  }
  if (!writable(dir)) {
    throw new StoreError(
      'io',
      dir,
      `the index folder ${dir} is read-only and holds no index yet: pass --index-dir DIR (or set CODECTX_INDEX_DIR) to a folder you can write`,
    );
  }
  let db: Database.Database | undefined;
  try {
    const nativeBinding = sqliteBinding();
    db = new Database(file, nativeBinding ? { nativeBinding } : {});
    sqliteVec.load(db);
    // 16 KiB pages for a new file (an existing one keeps its size: that takes a VACUUM): FTS5's segments and vec0's
    // chunks are large blobs, which fewer, larger pages hold with less overhead. Before journal_mode, which writes
    // the header of a new file.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    migrate(db, file, repo);
    // A fresh run that dropped its secondary indexes was killed before it built them (deferred-indexes.ts).
    if (deferredIndexesAbandoned(db)) buildDeferredIndexes(db);
    // BM25's row and token counts: true unless a delete's correction never ran (an older codectx, a crash).
    if (readMeta(db, 'fts_totals') !== 'ok') {
      recomputeFtsTotals(db, 'chunks_fts', FTS_COLUMNS);
      writeMeta(db, 'fts_totals', 'ok');
    }
    return { db, file };
  } catch (error) {
    const corrupt = !(error instanceof StoreError) && (isCorruption(error) || (isAmbiguousError(error) && db && damaged(db)));
    db?.close();
    if (error instanceof StoreError) throw error;
    if (corrupt) {
      throw new StoreError('corrupt', file, `the index ${file} is corrupt (${(error as Error).message})`);
    }
    const code = (error as { code?: unknown }).code;
    const advice =
      code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN'
        ? ': make the index folder and its files writable, or pass --index-dir DIR (or set CODECTX_INDEX_DIR) to a folder you can write'
        : '';
    throw new StoreError('io', file, `cannot open the index ${file}: ${(error as Error).message}${advice}`);
  }
}

/**
 * Opens an existing index without writing anything (no migration, no repair): searches answer from it as it is.
 * Throws StoreError when it needs a migration, belongs to another repository, or cannot be read.
 */
function openReadOnly(file: string, repo: string): OpenedDatabase {
  let db: Database.Database | undefined;
  let scratch: string | undefined;
  try {
    const nativeBinding = sqliteBinding();
    const options = { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) };
    try {
      db = new Database(file, options);
      db.pragma('user_version');
    } catch {
      db?.close();
      // A WAL index can be read in place only when its -shm file exists or can be made; in a read-only folder that
      // was closed cleanly it does not, and this build has no `immutable` URIs: read a private copy instead.
      scratch = mkdtempSync(join(tmpdir(), 'codectx-read-only-'));
      for (const suffix of ['', '-wal']) {
        if (existsSync(file + suffix)) copyFileSync(file + suffix, join(scratch, INDEX_FILE + suffix));
      }
      db = new Database(join(scratch, INDEX_FILE), nativeBinding ? { nativeBinding } : {});
    }
    sqliteVec.load(db);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SCHEMA_VERSION) {
      throw new StoreError(
        'io',
        file,
        `the index ${file} is read-only and was built by ${version > SCHEMA_VERSION ? 'a newer' : 'an older'} codectx (schema ${version}, this one reads ${SCHEMA_VERSION}): make its folder writable or pass --index-dir DIR`,
      );
    }
    const owner = readMeta(db, 'repo');
    if (owner !== undefined && owner !== repo) {
      throw new StoreError('other-repo', file, `the index ${file} belongs to ${owner}, not ${repo}: use another --index-dir`);
    }
    return { db, file, scratch };
  } catch (error) {
    db?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'io',
      file,
      `cannot read the read-only index ${file} (${(error as Error).message}): make its folder writable or pass --index-dir DIR`,
    );
  }
}

/** Runs the migrations from the file's `user_version` on, in one transaction; refuses a newer schema or another repo. */
function migrate(db: Database.Database, file: string, repo: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'too-new',
      file,
      `the index ${file} has schema version ${version}, newer than this codectx (${SCHEMA_VERSION}): update codectx or use another --index-dir`,
    );
  }
  if (version < SCHEMA_VERSION) {
    db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v++) {
        const migration = MIGRATIONS[v] as Migration;
        if (typeof migration === 'string') db.exec(migration);
        else migration(db);
      }
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      if (version === 0) writeMeta(db, 'repo', repo);
    }).immediate();
  }
  const owner = readMeta(db, 'repo');
  if (owner !== undefined && owner !== repo) {
    throw new StoreError(
      'other-repo',
      file,
      `the index ${file} belongs to ${owner}, not ${repo}: use another --index-dir (or CODECTX_INDEX_DIR)`,
    );
  }
}

/** True when this process may write `path` (false on a read-only mount, or without permission). */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
