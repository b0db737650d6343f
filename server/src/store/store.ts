// The index: one SQLite file (WAL) with files, chunks, symbols, skipped files and an FTS5 index over chunks.
// Invariant: a file's row, chunks, symbols and FTS entries change together in one transaction, or not at all.
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Chunk, ChunkKind, SkipReason, SymbolDef } from '../model.js';
import { addSizes, type FtsSizes, recomputeFtsTotals, subtractFtsTotals } from './fts-totals.js';
import { MIGRATIONS, type Migration, SCHEMA_VERSION } from './schema.js';
import { type Approximate, quantize, VectorIndex } from './vector-index.js';

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

/** The text of a chunk as FTS5 indexes it, one field per column. */
export interface FtsFields {
  symbol: string;
  sigdoc: string;
  body: string;
  path: string;
}

export interface FileWrite {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  language: string;
  lines: number;
  parseFailed: boolean;
  /** pid of the server whose editor buffer this is, 0 for the file on disk. */
  overlay: number;
  chunks: { chunk: Chunk; fts: FtsFields }[];
  symbols: SymbolDef[];
}

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  dir: boolean;
  /** Size and mtime when the content was judged (content reasons only). */
  size?: number;
  mtimeMs?: number;
}

export interface FileState {
  size: number;
  mtimeMs: number;
  hash: string;
  overlay: number;
}

/** Restricts candidates by file path (SQLite GLOB patterns) and language. */
export interface ChunkFilter {
  globs?: string[];
  languages?: string[];
}

export interface StoredSymbol extends SymbolDef {
  path: string;
}

export interface StoredChunk extends Chunk {
  id: number;
}

export interface StoreStatus {
  files: number;
  chunks: number;
  symbols: number;
  lines: number;
  parseFailures: number;
  languages: Record<string, number>;
  skipped: Record<string, number>;
  skippedDirs: number;
  indexBytes: number;
  lastUpdate: string | undefined;
  /** Per embedding model: chunks with a vector (of `chunks`), from the pending lists: no model is loaded. */
  embeddings: { model: string; dimensions: number; embedded: number }[];
  /** The last embedding pass that did any work (embed-pass.ts), as JSON, or undefined. */
  lastEmbeddingPass: string | undefined;
}

const INDEX_FILE = 'index.sqlite';

/** How `nearest` searches: see params.denseShortlist and params.denseRescore; `vec0Below` as the engine decides. */
export interface NearestOptions {
  /** Ids kept by the sign-bit (Hamming) pass, out of all vectors. */
  shortlist: number;
  /** Ids of the shortlist, best by int8 cosine, whose float vectors are fetched and scored exactly. */
  rescore: number;
  /**
   * While the in-memory index is not loaded, a table with fewer vectors than this is searched by vec0's own exact KNN
   * over the int8 codes instead of loading it (default 0: always load).
   */
  vec0Below?: number;
  filter?: ChunkFilter;
}

/** chunks_fts columns: symbol, sigdoc, body, path. */
const FTS_COLUMNS = 4;

export class Store {
  /** The in-memory vector index of each table searched so far, with the generation of the table it holds. */
  private readonly vectorIndexes = new Map<string, { index: VectorIndex; generation: number }>();
  /** Repairs made since the owner last took them (takeRepairs): what the user is told. */
  private repairs: string[] = [];

  /** The repairs made since the last call (damaged vector tables rebuilt), for the owner to report. */
  takeRepairs(): string[] {
    const out = this.repairs;
    this.repairs = [];
    return out;
  }

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
  ) {}

  /**
   * Opens (creating or migrating) the index of `repo` in `dir`. Throws StoreError when the file is corrupt, was written
   * by a newer codectx, or belongs to another repository.
   */
  static open(dir: string, repo: string): Store {
    const file = join(dir, INDEX_FILE);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StoreError('io', dir, `cannot create the index folder ${dir}: ${(error as Error).message}`);
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      sqliteVec.load(db);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      const store = new Store(db, file);
      store.migrate(repo);
      // BM25's row and token counts: true unless a delete's correction never ran (an older codectx, a crash).
      if (store.getMeta('fts_totals') !== 'ok') {
        recomputeFtsTotals(db, 'chunks_fts', FTS_COLUMNS);
        store.setMeta('fts_totals', 'ok');
      }
      return store;
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      const code = (error as { code?: string }).code ?? '';
      if (/SQLITE_(CORRUPT|NOTADB)/.test(code)) {
        throw new StoreError('corrupt', file, `the index ${file} is corrupt (${(error as Error).message})`);
      }
      throw new StoreError('io', file, `cannot open the index ${file}: ${(error as Error).message}`);
    }
  }

  /** Moves a corrupt index aside (kept for inspection) so that a fresh one can be built in its place. */
  static quarantine(dir: string): string {
    const file = join(dir, INDEX_FILE);
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

  private migrate(repo: string): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'too-new',
        this.file,
        `the index ${this.file} has schema version ${version}, newer than this codectx (${SCHEMA_VERSION}): update codectx or use another --index-dir`,
      );
    }
    if (version < SCHEMA_VERSION) {
      this.db
        .transaction(() => {
          for (let v = version; v < SCHEMA_VERSION; v++) {
            const migration = MIGRATIONS[v] as Migration;
            if (typeof migration === 'string') this.db.exec(migration);
            else migration(this.db);
          }
          this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
          if (version === 0) this.setMeta('repo', repo);
        })
        .immediate();
    }
    const owner = this.getMeta('repo');
    if (owner !== undefined && owner !== repo) {
      throw new StoreError(
        'other-repo',
        this.file,
        `the index ${this.file} belongs to ${owner}, not ${repo}: use another --index-dir (or CODECTX_INDEX_DIR)`,
      );
    }
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  fileStates(): Map<string, FileState> {
    const rows = this.db.prepare('SELECT path, size, mtime_ms AS mtimeMs, hash, overlay FROM files').all() as (FileState & {
      path: string;
    })[];
    return new Map(rows.map((r) => [r.path, { size: r.size, mtimeMs: r.mtimeMs, hash: r.hash, overlay: r.overlay }]));
  }

  /** Applies one batch — new and changed files, touched files, deletions — in a single write transaction. */
  writeBatch(batch: {
    writes: FileWrite[];
    touched: { path: string; size: number; mtimeMs: number }[];
    deleted: string[];
  }): void {
    const db = this.db;
    const fileId = db.prepare('SELECT id FROM files WHERE path = ?').pluck();
    const delFts = db.prepare('DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE file_id = ?)');
    const ftsSizes = db.prepare('SELECT sz FROM chunks_fts_docsize WHERE id IN (SELECT id FROM chunks WHERE file_id = ?)').raw();
    // What the deleted rows counted in BM25's totals, taken out after the commit (fts-totals.ts).
    const removedFts: FtsSizes = { rows: 0, tokens: new Array(FTS_COLUMNS).fill(0) };
    const delChunks = db.prepare('DELETE FROM chunks WHERE file_id = ?');
    const delSymbols = db.prepare('DELETE FROM symbols WHERE file_id = ?');
    const delFile = db.prepare('DELETE FROM files WHERE id = ?');
    const upsertFile = db
      .prepare(
        `INSERT INTO files(path, size, mtime_ms, hash, language, lines, parse_failed, overlay, indexed_at)
       VALUES (@path, @size, @mtimeMs, @hash, @language, @lines, @parseFailed, @overlay, @now)
       ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash,
         language = excluded.language, lines = excluded.lines, parse_failed = excluded.parse_failed,
         overlay = excluded.overlay, indexed_at = excluded.indexed_at
       RETURNING id`,
      )
      .pluck();
    const insChunk = db.prepare(
      `INSERT INTO chunks(file_id, start_line, end_line, start_byte, end_byte, symbol, kind, parent, signature, doc, content, hash)
       VALUES (@fileId, @startLine, @endLine, @startByte, @endByte, @symbol, @kind, @parent, @signature, @doc, @content, @hash)`,
    );
    const insFts = db.prepare('INSERT INTO chunks_fts(rowid, symbol, sigdoc, body, path) VALUES (?, ?, ?, ?, ?)');
    const insSymbol = db.prepare(
      `INSERT INTO symbols(file_id, name, qualified, kind, start_line, end_line, parent)
       VALUES (@fileId, @name, @qualified, @kind, @startLine, @endLine, @parent)`,
    );
    const touch = db.prepare('UPDATE files SET size = ?, mtime_ms = ?, overlay = 0 WHERE path = ?');

    // Chunk ids whose vectors go, and the tables that lost any: the in-memory indexes follow after the commit.
    const vectorTables = this.vectorTableNames();
    const chunkIds = db.prepare('SELECT id FROM chunks WHERE file_id = ?').pluck();
    // One rowid at a time: vec0 answers `rowid = ?` by lookup, `rowid IN (…)` by a scan of the table.
    const delVectors = vectorTables.map((name) => db.prepare(`DELETE FROM ${name} WHERE rowid = ?`));
    const removedIds: number[] = [];
    const changedTables = new Set<string>();
    const damaged = new Map<string, string>();
    const clear = (id: number): void => {
      if (vectorTables.length) {
        for (const chunk of chunkIds.all(id) as number[]) {
          removedIds.push(chunk);
          delVectors.forEach((del, i) => {
            const name = vectorTables[i] as string;
            if (damaged.has(name)) return;
            try {
              if (del.run(chunk).changes > 0) changedTables.add(name);
            } catch (error) {
              // vec0 reports its table damaged: the lexical index must still be written, so the table is rebuilt
              // (empty, refilled from the embedding cache) at the end of this transaction.
              damaged.set(name, (error as Error).message);
            }
          });
        }
      }
      for (const [sz] of ftsSizes.all(id) as [Buffer][]) addSizes(removedFts, sz);
      delFts.run(id);
      delChunks.run(id);
      delSymbols.run(id);
    };
    const now = Date.now();
    const afterCommit: (() => void)[] = [];
    db.transaction(() => {
      for (const path of batch.deleted) {
        const id = fileId.get(path) as number | undefined;
        if (id === undefined) continue;
        clear(id);
        delFile.run(id);
      }
      for (const t of batch.touched) touch.run(t.size, t.mtimeMs, t.path);
      for (const w of batch.writes) {
        const old = fileId.get(w.path) as number | undefined;
        if (old !== undefined) clear(old);
        const id = upsertFile.get({ ...w, parseFailed: w.parseFailed ? 1 : 0, now }) as number;
        for (const { chunk, fts } of w.chunks) {
          const info = insChunk.run({ ...chunk, fileId: id });
          insFts.run(info.lastInsertRowid, fts.symbol, fts.sigdoc, fts.body, fts.path);
        }
        for (const s of w.symbols) insSymbol.run({ ...s, fileId: id });
      }
      for (const [name, message] of damaged) {
        this.rebuildVectorTable(name, message);
        changedTables.delete(name);
      }
      this.setMeta('updated_at', new Date(now).toISOString());
      if (removedFts.rows > 0) this.setMeta('fts_totals', 'pending');
      for (const table of changedTables)
        afterCommit.push(
          this.vectorsChanged(table, (index) => {
            for (const id of removedIds) index.remove(id);
          }),
        );
    }).immediate();
    if (removedFts.rows > 0) {
      subtractFtsTotals(db, 'chunks_fts', removedFts);
      this.setMeta('fts_totals', 'ok');
    }
    for (const apply of afterCommit) apply();
  }

  /** Replaces the list of skipped files (the walk recomputes it each time). */
  setSkipped(skipped: SkippedFile[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO skipped(path, reason, is_dir, size, mtime_ms) VALUES (?, ?, ?, ?, ?)');
    this.db
      .transaction(() => {
        this.db.exec('DELETE FROM skipped');
        for (const s of skipped) ins.run(s.path, s.reason, s.dir ? 1 : 0, s.size ?? 0, s.mtimeMs ?? 0);
      })
      .immediate();
  }

  /** Records `upserts` as skipped and forgets `removals` (paths that are files again, or gone). */
  updateSkipped(upserts: SkippedFile[], removals: string[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO skipped(path, reason, is_dir, size, mtime_ms) VALUES (?, ?, ?, ?, ?)');
    const del = this.db.prepare('DELETE FROM skipped WHERE path = ?');
    this.db
      .transaction(() => {
        for (const p of removals) del.run(p);
        for (const s of upserts) ins.run(s.path, s.reason, s.dir ? 1 : 0, s.size ?? 0, s.mtimeMs ?? 0);
      })
      .immediate();
  }

  /** Files skipped for what their content said, by path: unchanged ones need not be read again. */
  skippedByContent(): Map<string, SkippedFile> {
    const rows = this.db
      .prepare(
        `SELECT path, reason, size, mtime_ms AS mtimeMs FROM skipped WHERE is_dir = 0 AND reason IN ('binary', 'minified', 'secret')`,
      )
      .all() as { path: string; reason: SkipReason; size: number; mtimeMs: number }[];
    return new Map(rows.map((r) => [r.path, { ...r, dir: false }]));
  }

  /**
   * FTS5 candidates: chunk ids with their weighted BM25 (higher is better). `match` must be a valid FTS5 expression.
   * `filter` keeps chunks of files whose path matches one of the SQLite GLOB patterns and whose language is listed.
   */
  lexical(match: string, weights: readonly number[], limit: number, filter: ChunkFilter = {}): { id: number; bm25: number }[] {
    const w = weights.map((x) => Number(x).toFixed(3)).join(', ');
    const { where, args: filterArgs } = filterClauses(filter);
    const args: unknown[] = [match, ...filterArgs];
    const restrict = where.length
      ? ` AND rowid IN (SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE ${where.join(' AND ')})`
      : '';
    const sql = `SELECT rowid AS id, bm25(chunks_fts, ${w}) AS score FROM chunks_fts WHERE chunks_fts MATCH ?${restrict} ORDER BY score LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, limit) as { id: number; score: number }[];
    return rows.map((r) => ({ id: r.id, bm25: -r.score }));
  }

  /** Symbols whose name contains the query's characters in order (case-insensitive), at most `limit`, shortest first. */
  symbols(query: string, limit: number): StoredSymbol[] {
    const pattern = `%${[...query.replace(/[%_\\]/g, '')].join('%')}%`;
    return this.db
      .prepare(
        `SELECT s.name, s.qualified, s.kind, s.start_line AS startLine, s.end_line AS endLine, s.parent, f.path
         FROM symbols s JOIN files f ON f.id = s.file_id
         WHERE s.name LIKE ? ORDER BY length(s.name), s.name LIMIT ?`,
      )
      .all(pattern, limit) as StoredSymbol[];
  }

  /** The smallest chunk of `path` whose lines cover `line`, or undefined. */
  chunkAt(path: string, line: number): StoredChunk | undefined {
    const id = this.db
      .prepare(
        `SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id
         WHERE f.path = ? AND c.start_line <= ? AND c.end_line >= ? ORDER BY c.end_line - c.start_line LIMIT 1`,
      )
      .pluck()
      .get(path, line, line) as number | undefined;
    return id === undefined ? undefined : this.chunks([id]).get(id);
  }

  /**
   * The top-level declarations of `path` (chunks without a parent that have a signature), by line: the repository
   * map of context assembly. At most `limit`.
   */
  outline(path: string, limit: number): { line: number; signature: string }[] {
    return this.db
      .prepare(
        `SELECT c.start_line AS line, c.signature FROM chunks c JOIN files f ON f.id = c.file_id
         WHERE f.path = ? AND c.parent = '' AND c.signature != '' GROUP BY c.start_line ORDER BY c.start_line LIMIT ?`,
      )
      .all(path, limit) as { line: number; signature: string }[];
  }

  /** The stored state of one file, or undefined. */
  fileState(path: string): (FileState & { path: string }) | undefined {
    return this.db.prepare('SELECT path, size, mtime_ms AS mtimeMs, hash, overlay FROM files WHERE path = ?').get(path) as
      | (FileState & { path: string })
      | undefined;
  }

  /** Writes one file's chunks (an editor buffer, or a file re-read from disk) in its own transaction. */
  writeFile(write: FileWrite): void {
    this.writeBatch({ writes: [write], touched: [], deleted: [] });
  }

  chunks(ids: number[]): Map<number, StoredChunk> {
    const out = new Map<number, StoredChunk>();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT c.id, f.path, f.language, c.symbol, c.kind, c.start_line AS startLine, c.end_line AS endLine,
                c.start_byte AS startByte, c.end_byte AS endByte, c.parent, c.signature, c.doc, c.content, c.hash
         FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as (StoredChunk & { kind: ChunkKind })[];
    for (const r of rows) out.set(r.id, r);
    return out;
  }

  status(): StoreStatus {
    const one = <T>(sql: string): T => this.db.prepare(sql).pluck().get() as T;
    const languages: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT language, COUNT(*) AS n FROM files GROUP BY language ORDER BY n DESC').all() as {
      language: string;
      n: number;
    }[])
      languages[r.language] = r.n;
    const skipped: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT reason, COUNT(*) AS n FROM skipped GROUP BY reason ORDER BY n DESC').all() as {
      reason: string;
      n: number;
    }[])
      skipped[r.reason] = r.n;
    let indexBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        indexBytes += statSync(this.file + suffix).size;
      } catch {
        // The WAL may not exist after a checkpoint.
      }
    }
    return {
      files: one<number>('SELECT COUNT(*) FROM files'),
      chunks: one<number>('SELECT COUNT(*) FROM chunks'),
      symbols: one<number>('SELECT COUNT(*) FROM symbols'),
      lines: one<number>('SELECT COALESCE(SUM(lines), 0) FROM files'),
      parseFailures: one<number>('SELECT COUNT(*) FROM files WHERE parse_failed = 1'),
      languages,
      skipped,
      skippedDirs: one<number>('SELECT COUNT(*) FROM skipped WHERE is_dir = 1'),
      indexBytes,
      lastUpdate: this.getMeta('updated_at'),
      embeddings: (
        this.db.prepare('SELECT model, name, dimensions FROM vector_tables ORDER BY name').all() as {
          model: string;
          name: string;
          dimensions: number;
        }[]
      ).map((t) => ({ model: t.model, dimensions: t.dimensions, embedded: this.embeddedCount(t.name) })),
      lastEmbeddingPass: this.getMeta('last_embedding_pass'),
    };
  }

  private vectorTableNames(): string[] {
    return (this.db.prepare('SELECT name FROM vector_tables').pluck().all() as string[]).filter((n) => /^vec_\d+$/.test(n));
  }

  /**
   * The vector table of a model, created on first use: a vec0 table whose rowid is the chunk id and whose `embedding`
   * holds the chunk's int8 codes (see vector-index.ts). The float vectors stay in `embedding_cache` only. A model of
   * other dimensions under the same id is refused. The table of an older index (vec0 of floats, or a plain table of
   * codes) is dropped and recreated empty: the embedding pass refills it from the cache, without the model.
   */
  vectorTable(model: string, dimensions: number): string {
    const row = this.db.prepare('SELECT name, dimensions FROM vector_tables WHERE model = ?').get(model) as
      | { name: string; dimensions: number }
      | undefined;
    if (row) {
      if (row.dimensions !== dimensions) {
        throw new StoreError('io', this.file, `model ${model} gives ${dimensions} dimensions, its index has ${row.dimensions}`);
      }
      const sql = this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(row.name);
      if (typeof sql !== 'string' || !/USING\s+vec0/i.test(sql) || !/\bint8\[/i.test(sql)) this.rebuildVectorTable(row.name);
      return row.name;
    }
    const n = (this.db.prepare('SELECT COUNT(*) FROM vector_tables').pluck().get() as number) + 1;
    const name = `vec_${n}`;
    this.db
      .transaction(() => {
        this.createVectorTable(name, dimensions);
        this.db.prepare('INSERT INTO vector_tables(model, name, dimensions) VALUES (?, ?, ?)').run(model, name, dimensions);
      })
      .immediate();
    return name;
  }

  /**
   * Drops a vector table and creates it empty, every chunk pending for it: the embedding pass refills it from the cache
   * (no model call for text it has seen). For an older form of the table, and for one that vec0 reports damaged. Runs
   * inside the caller's transaction when there is one.
   */
  rebuildVectorTable(name: string, damage?: string): void {
    const { dimensions } = this.vectorTableInfo(name);
    if (damage)
      this.repairs.push(
        `the vector table ${name} was damaged (${damage}): rebuilt, its vectors come back from the embedding cache`,
      );
    const rebuild = () => {
      this.db.exec(`DROP TABLE IF EXISTS ${name}`);
      this.db.exec(`DROP TABLE IF EXISTS ${name}_bits`);
      this.createVectorTable(name, dimensions);
    };
    if (this.db.inTransaction) rebuild();
    else this.db.transaction(rebuild).immediate();
    this.vectorIndexes.delete(name);
  }

  /**
   * An empty vector table with every chunk pending for it (a new model, or a damaged table rebuilt); from then on the
   * chunks triggers, putVectors and writeBatch keep the pending list right.
   */
  private createVectorTable(name: string, dimensions: number): void {
    this.db.exec(`CREATE VIRTUAL TABLE ${name} USING vec0(embedding int8[${dimensions}] distance_metric=cosine)`);
    this.db.prepare('DELETE FROM embed_pending WHERE tbl = ?').run(name);
    this.db.prepare('INSERT INTO embed_pending(tbl, chunk_id) SELECT ?, id FROM chunks').run(name);
    this.bumpGeneration(name);
  }

  /**
   * Chunks that have no vector in `table` yet, in id order, with what their embedding text is made of. Reads the
   * pending list (embed_pending), so its cost follows what is pending, not the size of the index.
   */
  chunksToEmbed(table: string, limit: number): (Chunk & { id: number })[] {
    return this.db
      .prepare(
        `SELECT c.id, f.path, f.language, c.symbol, c.kind, c.start_line AS startLine, c.end_line AS endLine,
                c.start_byte AS startByte, c.end_byte AS endByte, c.parent, c.signature, c.doc, c.content, c.hash
         FROM embed_pending p JOIN chunks c ON c.id = p.chunk_id JOIN files f ON f.id = c.file_id
         WHERE p.tbl = ? ORDER BY p.chunk_id LIMIT ?`,
      )
      .all(table, limit) as (Chunk & { id: number })[];
  }

  /** How many chunks have a vector in `table`: all chunks but the pending ones (vec0 has no cheap COUNT). */
  embeddedCount(table: string): number {
    const pending = this.db.prepare('SELECT COUNT(*) FROM embed_pending WHERE tbl = ?').pluck().get(table) as number;
    return this.chunkCount() - pending;
  }

  /** How many chunks the index holds. */
  chunkCount(): number {
    return this.db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
  }

  /** Whether any chunk has a vector in `table` (vec0 reads its first chunk of rows, not all of them). */
  hasVectors(table: string): boolean {
    // A loaded, current in-memory index answers without SQL: `EXISTS` over a vec0 table costs ~12 ms at 94k vectors.
    const loaded = this.vectorIndexes.get(table);
    if (loaded && loaded.generation === this.generation(table)) return loaded.index.size > 0;
    return this.embeddedCount(table) > 0;
  }

  /** Cached vectors of a model by content hash. */
  cachedVectors(model: string, hashes: string[]): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    if (hashes.length === 0) return out;
    const rows = this.db
      .prepare('SELECT hash, vector FROM embedding_cache WHERE model = ? AND hash IN (SELECT value FROM json_each(?))')
      .all(model, JSON.stringify(hashes)) as { hash: string; vector: Buffer }[];
    for (const r of rows) out.set(r.hash, floats(r.vector));
    return out;
  }

  /**
   * Stores vectors for chunks (int8 codes in `table`, floats in the cache by content hash) in one transaction. Chunks
   * gone since are skipped. Invariant: every chunk with codes in `table` has its float vector in the cache.
   */
  putVectors(table: string, model: string, items: { id: number; hash: string; vector: Float32Array; cached: boolean }[]): void {
    const exists = this.db.prepare('SELECT 1 FROM chunks WHERE id = ?').pluck();
    // vec0 has no OR REPLACE: delete by rowid (a lookup), then insert. Its rowids must be bound as integers (BigInt).
    const delCodes = this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`);
    const insCodes = this.db.prepare(`INSERT INTO ${table}(rowid, embedding) VALUES (?, vec_int8(?))`);
    const insCache = this.db.prepare('INSERT OR IGNORE INTO embedding_cache(model, hash, vector) VALUES (?, ?, ?)');
    const done = this.db.prepare('DELETE FROM embed_pending WHERE tbl = ? AND chunk_id = ?');
    let added: { id: number; codes: Int8Array }[] = [];
    let apply = (): void => {};
    const write = this.db.transaction(() => {
      added = [];
      for (const it of items) {
        if (!it.cached) insCache.run(model, it.hash, Buffer.from(it.vector.buffer, it.vector.byteOffset, it.vector.byteLength));
        if (!exists.get(it.id)) continue;
        const codes = quantize(it.vector);
        delCodes.run(it.id);
        insCodes.run(BigInt(it.id), Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength));
        added.push({ id: it.id, codes });
        done.run(table, it.id);
      }
      if (added.length)
        apply = this.vectorsChanged(table, (index) => {
          for (const a of added) index.addCodes(a.id, a.codes);
        });
    });
    try {
      write.immediate();
    } catch (error) {
      if (!(error instanceof Database.SqliteError)) throw error;
      // vec0 reports the table damaged: rebuild it empty (every chunk pending again) and write this batch once more.
      this.rebuildVectorTable(table, error.message);
      write.immediate();
    }
    apply();
  }

  /**
   * Drops cached vectors of text no chunk has any more, once the cache holds more than twice what is indexed (a
   * branch switched back soon still finds its vectors; a long-gone one does not keep the file growing).
   */
  pruneVectorCache(model: string): number {
    const cached = this.db.prepare('SELECT COUNT(*) FROM embedding_cache WHERE model = ?').pluck().get(model) as number;
    const chunks = this.db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
    if (cached <= 2 * chunks + 1000) return 0;
    return this.db.prepare('DELETE FROM embedding_cache WHERE model = ? AND hash NOT IN (SELECT hash FROM chunks)').run(model)
      .changes;
  }

  /**
   * The `k` nearest chunks to `vector` in `table` by cosine: ids with similarity (1 = same direction), best first.
   * The in-memory index (vector-index.ts) ranks every vector by sign bits, keeps `shortlist`, ranks those by int8
   * cosine, and the best `rescore` of them are scored exactly with their float vectors. While that index is not loaded
   * and the table has fewer than `vec0Below` vectors, vec0's exact KNN over the int8 codes stands in for it (no load:
   * a cold process on a small repository answers sooner). `filter` is applied before ranking, so k results come back
   * whenever k chunks pass it. Recall against exact search: docs/benchmarks.md.
   */
  nearest(
    table: string,
    vector: Float32Array,
    k: number,
    options: NearestOptions,
  ): { id: number; similarity: number }[] | undefined {
    try {
      return this.searchVectors(table, vector, k, options);
    } catch (error) {
      if (!(error instanceof Database.SqliteError)) throw error;
      // vec0 reports the table damaged: rebuilt empty (the next embedding pass refills it from the cache); the repair is
      // reported through takeRepairs and the caller answers without vectors this time.
      this.rebuildVectorTable(table, error.message);
      return undefined;
    }
  }

  private searchVectors(
    table: string,
    vector: Float32Array,
    k: number,
    options: NearestOptions,
  ): { id: number; similarity: number }[] {
    const model = this.vectorTableInfo(table).model;
    let allowed: Set<number> | undefined;
    if (options.filter?.globs?.length || options.filter?.languages?.length) {
      const { where, args } = filterClauses(options.filter);
      const sql = `SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE ${where.join(' AND ')}`;
      allowed = new Set(
        this.db
          .prepare(sql)
          .pluck()
          .all(...args) as number[],
      );
    }
    const n = Math.max(k, options.rescore);
    const loaded = this.vectorIndexes.get(table);
    const current = loaded !== undefined && loaded.generation === this.generation(table);
    let approximate: Approximate[];
    if (!current && options.vec0Below !== undefined && this.embeddedCount(table) < options.vec0Below) {
      // A stale copy (another process wrote) would be reloaded in full; vec0 reads the current rows instead.
      this.vectorIndexes.delete(table);
      approximate = this.vec0Nearest(table, vector, n, allowed);
    } else {
      const accept = allowed && ((id: number) => allowed.has(id));
      approximate = this.vectorIndex(table).search(vector, n, Math.max(k, options.shortlist), accept);
    }
    const exact = this.floatVectors(
      model,
      approximate.map((a) => a.id),
    );
    let qnorm = 0;
    for (let i = 0; i < vector.length; i++) qnorm += (vector[i] as number) ** 2;
    qnorm = Math.sqrt(qnorm);
    const scored = approximate.map((a) => {
      const v = exact.get(a.id);
      // Every vector has its floats in the cache (putVectors); the int8 cosine stands in should one be missing.
      if (!v) return a;
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < v.length; i++) {
        dot += (v[i] as number) * (vector[i] as number);
        norm += (v[i] as number) ** 2;
      }
      return { id: a.id, similarity: norm > 0 && qnorm > 0 ? dot / (Math.sqrt(norm) * qnorm) : 0 };
    });
    return scored.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, k);
  }

  /** Float vectors of chunks by id, from the cache (through each chunk's content hash). */
  private floatVectors(model: string, ids: number[]): Map<number, Float32Array> {
    const rows = this.db
      .prepare(
        // CROSS JOIN fixes the order: left to itself, SQLite walks every cached vector of the model (by the index on
        // model) and looks each one up in chunks, which costs ~1 s at 16k chunks instead of a few milliseconds.
        `SELECT c.id, e.vector FROM json_each(?) j CROSS JOIN chunks c ON c.id = j.value
         CROSS JOIN embedding_cache e ON e.model = ? AND e.hash = c.hash`,
      )
      .all(JSON.stringify(ids), model) as { id: number; vector: Buffer }[];
    return new Map(rows.map((r) => [r.id, floats(r.vector)]));
  }

  /** vec0's exact KNN over the int8 codes (vec0 caps k at 4096): the `n` best by int8 cosine, with its similarity. */
  private vec0Nearest(table: string, vector: Float32Array, n: number, allowed?: Set<number>): Approximate[] {
    const codes = quantize(vector);
    const blob = Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength);
    const k = Math.min(n, 4096);
    if (allowed?.size === 0) return [];
    const rows = allowed
      ? this.db
          .prepare(
            `SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH vec_int8(?) AND k = ? AND rowid IN (SELECT value FROM json_each(?))`,
          )
          .all(blob, k, JSON.stringify([...allowed]))
      : this.db.prepare(`SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH vec_int8(?) AND k = ?`).all(blob, k);
    return (rows as { id: number; distance: number }[]).map((r) => ({ id: r.id, similarity: 1 - r.distance }));
  }

  private vectorTableInfo(table: string): { model: string; dimensions: number } {
    const info = this.db.prepare('SELECT model, dimensions FROM vector_tables WHERE name = ?').get(table) as
      | { model: string; dimensions: number }
      | undefined;
    if (!info) throw new StoreError('io', this.file, `no vector table ${table}`);
    return info;
  }

  /**
   * The in-memory index of `table`, loaded on first use and again whenever the table's generation (in `meta`) is not
   * the one it holds: another process wrote vectors. This process's own writes update it in place (vectorsChanged).
   */
  private vectorIndex(table: string): VectorIndex {
    const info = this.vectorTableInfo(table);
    const loaded = this.vectorIndexes.get(table);
    if (loaded && loaded.generation === this.generation(table)) return loaded.index;
    // One read transaction: the rows and the generation are of the same snapshot.
    const fresh = this.db.transaction(() => {
      const expected = this.embeddedCount(table);
      let index = new VectorIndex(info.dimensions);
      index.reserve(expected);
      if (!this.loadVec0Chunks(table, index) || index.size !== expected) {
        // Row by row through vec0 (materializing every row first would double the peak memory of the load).
        index = new VectorIndex(info.dimensions);
        index.reserve(expected);
        for (const [id, codes] of this.db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().iterate() as Iterable<
          [number, Buffer]
        >)
          index.addCodes(id, new Int8Array(codes.buffer, codes.byteOffset, codes.byteLength));
      }
      return { index, generation: this.generation(table) };
    })();
    this.vectorIndexes.set(table, fresh);
    return fresh.index;
  }

  /**
   * Loads `index` from vec0's own storage (sqlite-vec 0.1.9): `<table>_chunks` holds, per chunk of rows, a validity
   * bitmap and the rowids (int64), `<table>_vector_chunks00` the codes of the same slots. A few large blobs read 5–7×
   * faster than a row at a time through the virtual table. False when the layout is not that one; the caller checks
   * the count and falls back to the virtual table.
   */
  private loadVec0Chunks(table: string, index: VectorIndex): boolean {
    const d = index.dimensions;
    let rows: Iterable<[number, Buffer, Buffer, Buffer]>;
    try {
      rows = this.db
        .prepare(
          `SELECT c.size, c.validity, c.rowids, v.vectors FROM "${table}_chunks" c
           JOIN "${table}_vector_chunks00" v ON v.rowid = c.chunk_id`,
        )
        .raw()
        .iterate() as Iterable<[number, Buffer, Buffer, Buffer]>;
    } catch {
      return false;
    }
    for (const [size, validity, rowids, vectors] of rows) {
      if (rowids.byteLength !== size * 8 || vectors.byteLength !== size * d || validity.byteLength * 8 < size) return false;
      for (let i = 0; i < size; i++) {
        if (((validity[i >> 3] as number) & (1 << (i & 7))) === 0) continue;
        const id = Number(rowids.readBigInt64LE(i * 8));
        index.addCodes(id, new Int8Array(vectors.buffer, vectors.byteOffset + i * d, d));
      }
    }
    return true;
  }

  private generation(table: string): number {
    return Number(this.getMeta(`generation:${table}`) ?? 0);
  }

  /** Inside a write transaction: a new generation for `table`. */
  private bumpGeneration(table: string): { before: number; after: number } {
    const before = this.generation(table);
    this.setMeta(`generation:${table}`, String(before + 1));
    return { before, after: before + 1 };
  }

  /**
   * Inside the write transaction that changed `table`: bumps its generation and returns what to run after the commit,
   * which applies `change` to the loaded index if it held the generation before, and otherwise drops it (reloaded on
   * the next search).
   */
  private vectorsChanged(table: string, change: (index: VectorIndex) => void): () => void {
    const { before, after } = this.bumpGeneration(table);
    return () => {
      const loaded = this.vectorIndexes.get(table);
      if (!loaded) return;
      if (loaded.generation !== before) {
        this.vectorIndexes.delete(table);
        return;
      }
      change(loaded.index);
      loaded.generation = after;
    };
  }

  /** Folds the WAL back into the main file (after a large index run) so the index is one compact file. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    this.db.close();
  }
}

/** A float32 vector over a copy of a blob's bytes (a Buffer's offset need not be 4-aligned). */
function floats(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

/** The WHERE clauses (over `files f`) and their arguments that a ChunkFilter stands for. */
function filterClauses(filter: ChunkFilter): { where: string[]; args: string[] } {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.globs?.length) {
    where.push(`(${filter.globs.map(() => 'f.path GLOB ?').join(' OR ')})`);
    args.push(...filter.globs);
  }
  if (filter.languages?.length) {
    where.push(`f.language IN (${filter.languages.map(() => '?').join(', ')})`);
    args.push(...filter.languages);
  }
  return { where, args };
}
