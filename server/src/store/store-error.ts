// The one error type of the store: a problem with the index file itself.

export type StoreErrorCode = 'corrupt' | 'too-new' | 'other-repo' | 'io';

/** A problem with the index file itself; `code` says which, the message says what to do. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * True when SQLite says the file itself is damaged: SQLITE_CORRUPT and its extended codes (SQLITE_CORRUPT_VTAB is what
 * FTS5 and vec0 give, "fts5: corruption …"), SQLITE_NOTADB, or the "database disk image is malformed" message. A plain
 * SQLITE_ERROR ("SQL logic error") is ambiguous — a damaged FTS5 structure record gives it, and so would a bad
 * statement — so the store confirms it with a quick check (Store.confirmsCorruption) before calling it corruption.
 */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) return true;
  const message = (error as Error)?.message ?? '';
  return /database disk image is malformed|fts5: corruption|file is not a database/.test(message);
}

/** True for an error raised by SQLite (better-sqlite3's SqliteError), whatever its code. */
export function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}
