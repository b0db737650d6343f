// Integrity checks of an open index database: quick_check / integrity_check and FTS5's own check, and whether an SQLite
// error means the file is damaged. Read-only on the data (FTS5's integrity-check writes nothing).
import { renameSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { isCorruption } from './store-error.js';

/**
 * The problems SQLite finds in the file: `PRAGMA quick_check` (or the slower `integrity_check` with `full`), then
 * FTS5's own 'integrity-check' of chunks_fts against its content. Empty when the index is sound.
 */
export function verifyDatabase(db: Database.Database, full = false): string[] {
  const problems: string[] = [];
  try {
    const rows = db.pragma(full ? 'integrity_check(100)' : 'quick_check(100)') as Record<string, string>[];
    for (const row of rows) {
      const text = Object.values(row)[0];
      if (text !== 'ok') problems.push(String(text));
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (!db.readonly) {
    try {
      db.prepare("INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')").run();
    } catch (error) {
      problems.push(`chunks_fts: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** A quick check of an open database (a check that itself fails on the damage counts as damage). */
export function damaged(db: Database.Database): boolean {
  try {
    const rows = db.pragma('quick_check(1)') as Record<string, string>[];
    if (rows.some((row) => Object.values(row)[0] !== 'ok')) return true;
    if (!db.readonly) db.prepare("INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')").run();
    return false;
  } catch (error) {
    // An index still being created has no chunks_fts yet: that is not damage.
    return isCorruption(error) || (isAmbiguousError(error) && !/no such table/.test((error as Error).message));
  }
}

/**
 * An error that damage can cause but that has other causes too, so a check must confirm it: SQLITE_ERROR ("SQL logic
 * error", what a damaged FTS5 structure record gives) and SQLITE_NOMEM ("out of memory": a damaged record can claim an
 * absurd size, which FTS5 then fails to allocate; seen in live-index.test.ts's damage test). Read-only, busy, I/O: never.
 */
export function isAmbiguousError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_ERROR' || code === 'SQLITE_NOMEM';
}

/** Moves a damaged index file and its WAL sidecars to `<file>.corrupt-<time>` (kept for inspection); returns that name. */
export function moveAside(file: string): string {
  const aside = `${file}.corrupt-${Date.now()}`;
  renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) {
    try {
      renameSync(file + suffix, aside + suffix);
    } catch {
      // No such sidecar: nothing to move.
    }
  }
  return aside;
}
