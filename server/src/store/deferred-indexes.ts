// The secondary indexes a fresh index run builds after its rows instead of row by row: their keys (a content hash, a
// name) come in random order, so each insert touched a page of its own (on the kernel's 1.3M chunks most were not in
// SQLite's page cache: ~4x the CPU of building them once, sorted, at the end). Invariant: they exist whenever no run
// that dropped them is alive; a run killed meanwhile leaves `meta.deferred_indexes`, and the next writer to open the
// index builds them.
import type Database from 'better-sqlite3';

/** The indexes as migrations 1 and 5 create them (schema.ts; deferred-indexes.test.ts checks they stay equal). */
export const DEFERRED_INDEXES: Record<string, string> = {
  chunks_hash: 'CREATE INDEX chunks_hash ON chunks(hash)',
  symbols_name: 'CREATE INDEX symbols_name ON symbols(name COLLATE NOCASE)',
  refs_name: 'CREATE INDEX refs_name ON refs(name)',
};

/** Drops the deferred indexes for this process's run (an empty index being filled), recording it in `meta`. */
export function dropDeferredIndexes(db: Database.Database): void {
  db.transaction(() => {
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('deferred_indexes', ?)").run(String(process.pid));
    for (const name of Object.keys(DEFERRED_INDEXES)) db.exec(`DROP INDEX IF EXISTS ${name}`);
  }).immediate();
}

/** Builds the deferred indexes that are missing, in one transaction, and clears the record. */
export function buildDeferredIndexes(db: Database.Database): void {
  db.transaction(() => {
    for (const sql of Object.values(DEFERRED_INDEXES)) db.exec(sql.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS'));
    db.prepare("DELETE FROM meta WHERE key = 'deferred_indexes'").run();
  }).immediate();
}

/** True when a run dropped the indexes and its process is gone (killed, crashed): they are due now. */
export function deferredIndexesAbandoned(db: Database.Database): boolean {
  const pid = Number(db.prepare("SELECT value FROM meta WHERE key = 'deferred_indexes'").pluck().get() ?? 0);
  if (!pid) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
