// Opening the index file (open.ts): a fresh file gets the schema, the pragmas and its repository; a newer schema,
// another repository's index, a damaged file and a folder that cannot be made are refused with the right StoreError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INDEX_FILE, openDatabase, PAGE_SIZE, readMeta, writeMeta } from './open.js';
import { SCHEMA_VERSION } from './schema.js';
import { StoreError } from './store-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The StoreError code `open` throws, or undefined when it opens. */
function refusal(open: () => void): string | undefined {
  try {
    open();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return (error as StoreError).code;
  }
}

describe('openDatabase', () => {
  it('creates the folder and a file with the current schema, WAL, a busy timeout and its repository', () => {
    const { db, file, scratch } = openDatabase(join(dir, 'a', 'b'), '/repo');
    try {
      expect(file).toBe(join(dir, 'a', 'b', INDEX_FILE));
      expect(scratch).toBeUndefined();
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(10000);
      expect(readMeta(db, 'repo')).toBe('/repo');
      expect(readMeta(db, 'fts_totals')).toBe('ok');
      writeMeta(db, 'k', 'one');
      writeMeta(db, 'k', 'two');
      expect(readMeta(db, 'k')).toBe('two');
      expect(readMeta(db, 'absent')).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('makes a new file with 16 KiB pages and leaves an existing file its own page size', () => {
    const fresh = openDatabase(join(dir, 'new'), '/repo').db;
    expect(fresh.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(PAGE_SIZE).toBe(16_384);
    fresh.close();
    // An index made by an older codectx, with SQLite's default 4 KiB pages, in WAL mode.
    const old = new Database(join(dir, INDEX_FILE));
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x)');
    old.close();
    const { db } = openDatabase(dir, '/repo');
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    expect(readMeta(db, 'repo')).toBe('/repo');
    db.close();
  });

  it('reopens its own index and refuses another repository', () => {
    openDatabase(dir, '/repo').db.close();
    const again = openDatabase(dir, '/repo');
    expect(readMeta(again.db, 'repo')).toBe('/repo');
    again.db.close();
    expect(refusal(() => openDatabase(dir, '/other').db.close())).toBe('other-repo');
  });

  it('refuses a schema newer than the code and leaves it as it is', () => {
    const { db } = openDatabase(dir, '/repo');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(refusal(() => openDatabase(dir, '/repo').db.close())).toBe('too-new');
    // Read without openDatabase, which would refuse it again.
    const after = new Database(join(dir, INDEX_FILE), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('calls a file that is no database corrupt', () => {
    writeFileSync(join(dir, INDEX_FILE), Buffer.alloc(8192, 0x5a));
    expect(refusal(() => openDatabase(dir, '/repo').db.close())).toBe('corrupt');
  });

  it('says so when the index folder cannot be made', () => {
    writeFileSync(join(dir, 'file'), 'not a folder');
    expect(refusal(() => openDatabase(join(dir, 'file', 'index'), '/repo').db.close())).toBe('io');
  });
});
