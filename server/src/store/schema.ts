// The index's schema as numbered migrations. Invariant: a migration is never edited once released; add a new one.

/** What a migration written as code needs of the database (better-sqlite3's Database has it). */
export interface MigrationDb {
  exec(sql: string): unknown;
  prepare(sql: string): { pluck(): { all(): unknown[] } };
}

/** A migration: SQL, or code for what SQL cannot say (tables whose names are data). */
export type Migration = string | ((db: MigrationDb) => void);

export const MIGRATIONS: Migration[] = [
  // 1: files, chunks, symbols, skipped files, and the FTS5 index over chunks.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    hash TEXT NOT NULL,
    language TEXT NOT NULL,
    lines INTEGER NOT NULL,
    parse_failed INTEGER NOT NULL DEFAULT 0,
    -- pid of the language server whose unsaved editor buffer this row holds; 0 when it holds the file on disk
    overlay INTEGER NOT NULL DEFAULT 0,
    indexed_at INTEGER NOT NULL
  );
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    start_byte INTEGER NOT NULL,
    end_byte INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT NOT NULL,
    signature TEXT NOT NULL,
    doc TEXT NOT NULL,
    content TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX chunks_file ON chunks(file_id);
  CREATE INDEX chunks_hash ON chunks(hash);
  CREATE TABLE symbols (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    name TEXT NOT NULL,
    qualified TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    parent TEXT NOT NULL
  );
  CREATE INDEX symbols_file ON symbols(file_id);
  CREATE INDEX symbols_name ON symbols(name COLLATE NOCASE);
  CREATE TABLE skipped (
    path TEXT PRIMARY KEY, reason TEXT NOT NULL, is_dir INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0, mtime_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    symbol, sigdoc, body, path,
    content = '', contentless_delete = 1,
    tokenize = "porter unicode61 remove_diacritics 2 tokenchars '_'"
  );
  `,
  // 2: embeddings. Vectors are cached by (model, chunk content hash), so a rename, a branch switch back and forth or
  // a re-index never embeds the same text twice; each model gets its own vec0 table, so models never mix.
  `
  CREATE TABLE embedding_cache (
    model TEXT NOT NULL,
    hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, hash)
  ) WITHOUT ROWID;
  CREATE TABLE vector_tables (
    model TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dimensions INTEGER NOT NULL
  );
  `,
  // 3: the embedding cache as a rowid table. Its rows (~1.1 KB: a 256-dim float32 vector) exceed what a WITHOUT ROWID
  // b-tree keeps in a 4 KB page (~1 KB), so each one spilled into an overflow page of its own: 4.5 KB a row.
  // The vector tables named in vector_tables change form in code (Store.vectorTable), which knows their names.
  `
  CREATE TABLE embedding_cache_3 (
    id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    UNIQUE (model, hash)
  );
  INSERT INTO embedding_cache_3(model, hash, vector) SELECT model, hash, vector FROM embedding_cache;
  DROP TABLE embedding_cache;
  ALTER TABLE embedding_cache_3 RENAME TO embedding_cache;
  `,
  // 4: chunks waiting for a vector, per vector table, so the embedding pass finds them in O(pending) instead of
  // probing every chunk against vec0. Triggers keep it right on every insert and delete of a chunk; putVectors and
  // Store.vectorTable maintain the rest in the same transactions as the vectors.
  (db) => {
    db.exec(`
      CREATE TABLE embed_pending (
        tbl TEXT NOT NULL,
        chunk_id INTEGER NOT NULL,
        PRIMARY KEY (tbl, chunk_id)
      ) WITHOUT ROWID;
      CREATE TRIGGER chunks_embed_pending_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO embed_pending(tbl, chunk_id) SELECT name, new.id FROM vector_tables;
      END;
      CREATE TRIGGER chunks_embed_pending_delete AFTER DELETE ON chunks BEGIN
        DELETE FROM embed_pending WHERE tbl IN (SELECT name FROM vector_tables) AND chunk_id = old.id;
      END;
    `);
    const tables = db.prepare('SELECT name FROM vector_tables').pluck().all() as string[];
    for (const name of tables.filter((n) => /^vec_\d+$/.test(n))) {
      db.exec(
        `INSERT INTO embed_pending(tbl, chunk_id) SELECT '${name}', c.id FROM chunks c
         WHERE NOT EXISTS (SELECT 1 FROM ${name} v WHERE v.rowid = c.id)`,
      );
    }
  },
  // 5: the code graph's edges: the names each chunk references (chunk/extract-refs.ts), written and deleted with the
  // chunk. Indexes built before it have none until re-chunked: CHUNKER_VERSION 4 (index/prepare-file.ts) does that.
  `
  CREATE TABLE refs (
    chunk_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (chunk_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX refs_name ON refs(name);
  `,
  // 6: chunks.content holds the chunk's doc, signature and text packed together (raw DEFLATE, a BLOB; doc and signature
  // then empty) where that saves a tenth, the texts in their columns (TEXT) otherwise (chunk-text.ts). Rows written
  // before stay TEXT and read as they are; the version keeps an older codectx, which would take a BLOB for text and an
  // empty signature for none, from reading such an index.
  '-- chunks.content: TEXT or a DEFLATE BLOB of doc, signature and content',
  // 7: `meta.files_epoch` counts every row written to or deleted from `files` and `skipped`, whoever writes them (a
  // trigger, so no writer can forget it): a full run that found every file as the index had it records the epoch with
  // the digest of its walk (index/fresh-proof.ts), and the next run with the same walk and epoch reads no file rows.
  // The version keeps an older codectx, which would write rows without counting them, from opening such an index.
  `
  INSERT OR IGNORE INTO meta(key, value) VALUES ('files_epoch', '0');
  CREATE TRIGGER files_epoch_insert AFTER INSERT ON files BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'files_epoch';
  END;
  CREATE TRIGGER files_epoch_update AFTER UPDATE ON files BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'files_epoch';
  END;
  CREATE TRIGGER files_epoch_delete AFTER DELETE ON files BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'files_epoch';
  END;
  CREATE TRIGGER skipped_epoch_insert AFTER INSERT ON skipped BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'files_epoch';
  END;
  CREATE TRIGGER skipped_epoch_update AFTER UPDATE ON skipped BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'files_epoch';
  END;
  CREATE TRIGGER skipped_epoch_delete AFTER DELETE ON skipped BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'files_epoch';
  END;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
