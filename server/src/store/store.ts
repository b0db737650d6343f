// The index: one SQLite file (WAL) with files, chunks, symbols, skipped files and an FTS5 index over chunks.
// Invariant: a file's row, chunks, symbols and FTS entries change together in one transaction, or not at all.
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Chunk, ChunkKind, SkipReason, SymbolDef } from '../model.js';
import { MIGRATIONS, type Migration, SCHEMA_VERSION } from './schema.js';

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
}

const INDEX_FILE = 'index.sqlite';

export class Store {
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

    // One rowid at a time: vec0 answers `rowid = ?` by lookup, but `rowid IN (subquery)` by scanning the whole table.
    const chunkIds = db.prepare('SELECT id FROM chunks WHERE file_id = ?').pluck();
    const delVectors = this.vectorTableNames().flatMap((name) => [
      db.prepare(`DELETE FROM ${name} WHERE rowid = ?`),
      db.prepare(`DELETE FROM ${name}_bits WHERE rowid = ?`),
    ]);
    const clear = (id: number): void => {
      if (delVectors.length) {
        for (const chunk of chunkIds.all(id) as number[]) for (const del of delVectors) del.run(BigInt(chunk));
      }
      delFts.run(id);
      delChunks.run(id);
      delSymbols.run(id);
    };
    const now = Date.now();
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
      this.setMeta('updated_at', new Date(now).toISOString());
    }).immediate();
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

  /** Which of `ids` belong to files matching the filter (see `lexical`). */
  filterIds(ids: number[], filter: ChunkFilter): Set<number> {
    const clauses = filterClauses(filter);
    const where = ['c.id IN (SELECT value FROM json_each(?))', ...clauses.where];
    const args: unknown[] = [JSON.stringify(ids), ...clauses.args];
    const sql = `SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE ${where.join(' AND ')}`;
    return new Set(
      this.db
        .prepare(sql)
        .pluck()
        .all(...args) as number[],
    );
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
    };
  }

  private vectorTableNames(): string[] {
    return (this.db.prepare('SELECT name FROM vector_tables').pluck().all() as string[]).filter((n) => /^vec_\d+$/.test(n));
  }

  /** The vec0 table of a model, created on first use. A model of other dimensions under the same id is refused. */
  vectorTable(model: string, dimensions: number): string {
    const row = this.db.prepare('SELECT name, dimensions FROM vector_tables WHERE model = ?').get(model) as
      | { name: string; dimensions: number }
      | undefined;
    if (row) {
      if (row.dimensions !== dimensions) {
        throw new StoreError('io', this.file, `model ${model} gives ${dimensions} dimensions, its index has ${row.dimensions}`);
      }
      return row.name;
    }
    const n = (this.db.prepare('SELECT COUNT(*) FROM vector_tables').pluck().get() as number) + 1;
    const name = `vec_${n}`;
    this.db
      .transaction(() => {
        this.db.exec(`CREATE VIRTUAL TABLE ${name} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
        // One bit per dimension: a coarse first pass over large indexes, re-scored exactly (see nearest()).
        this.db.exec(`CREATE VIRTUAL TABLE ${name}_bits USING vec0(embedding bit[${dimensions}])`);
        this.db.prepare('INSERT INTO vector_tables(model, name, dimensions) VALUES (?, ?, ?)').run(model, name, dimensions);
        // A new model starts with every chunk pending; from now on the chunks triggers keep the list right.
        this.db.prepare('INSERT INTO embed_pending(tbl, chunk_id) SELECT ?, id FROM chunks').run(name);
      })
      .immediate();
    return name;
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

  /** Cached vectors of a model by content hash. */
  cachedVectors(model: string, hashes: string[]): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    if (hashes.length === 0) return out;
    const rows = this.db
      .prepare('SELECT hash, vector FROM embedding_cache WHERE model = ? AND hash IN (SELECT value FROM json_each(?))')
      .all(model, JSON.stringify(hashes)) as { hash: string; vector: Buffer }[];
    for (const r of rows)
      out.set(r.hash, new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)));
    return out;
  }

  /** Stores vectors for chunks (and in the cache by content hash) in one transaction. Chunks gone since are skipped. */
  putVectors(table: string, model: string, items: { id: number; hash: string; vector: Float32Array; cached: boolean }[]): void {
    const exists = this.db.prepare('SELECT 1 FROM chunks WHERE id = ?').pluck();
    const insVec = this.db.prepare(`INSERT OR REPLACE INTO ${table}(rowid, embedding) VALUES (?, ?)`);
    const insBits = this.db.prepare(`INSERT OR REPLACE INTO ${table}_bits(rowid, embedding) VALUES (?, vec_quantize_binary(?))`);
    const insCache = this.db.prepare('INSERT OR IGNORE INTO embedding_cache(model, hash, vector) VALUES (?, ?, ?)');
    const done = this.db.prepare('DELETE FROM embed_pending WHERE tbl = ? AND chunk_id = ?');
    this.db
      .transaction(() => {
        for (const it of items) {
          const blob = Buffer.from(it.vector.buffer, it.vector.byteOffset, it.vector.byteLength);
          if (!it.cached) insCache.run(model, it.hash, blob);
          if (!exists.get(it.id)) continue;
          insVec.run(BigInt(it.id), blob);
          insBits.run(BigInt(it.id), blob);
          done.run(table, it.id);
        }
      })
      .immediate();
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
   * The `k` nearest chunks to `vector` in `table` by cosine: ids with similarity (1 = same direction). With
   * `prefilter`, the first pass ranks `prefilter` candidates by Hamming distance of the sign bits, and only those are
   * scored exactly (measured recall against the exact search is in docs/benchmarks.md).
   */
  nearest(
    table: string,
    vector: Float32Array,
    k: number,
    prefilter?: number,
    model?: string,
  ): { id: number; similarity: number }[] {
    const q = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    if (prefilter && prefilter > k && model) {
      const ids = this.db
        .prepare(`SELECT rowid FROM ${table}_bits WHERE embedding MATCH vec_quantize_binary(?) AND k = ?`)
        .pluck()
        .all(q, prefilter) as number[];
      // Exact cosine of the candidates, from the cache (keyed by content hash): vec0 has no fast lookup by a rowid list.
      const rows = this.db
        .prepare(
          `SELECT c.id, e.vector FROM chunks c JOIN embedding_cache e ON e.model = ? AND e.hash = c.hash
           WHERE c.id IN (SELECT value FROM json_each(?))`,
        )
        .all(model, JSON.stringify(ids.map(Number))) as { id: number; vector: Buffer }[];
      const scored = rows.map((r) => {
        const v = new Float32Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength / 4);
        let dot = 0;
        for (let i = 0; i < v.length; i++) dot += (v[i] as number) * (vector[i] as number);
        return { id: r.id, similarity: dot };
      });
      return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
    }
    const rows = this.db
      .prepare(`SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH ? AND k = ? ORDER BY distance`)
      .all(q, k) as { id: number; distance: number }[];
    return rows.map((r) => ({ id: Number(r.id), similarity: 1 - r.distance }));
  }

  /** Folds the WAL back into the main file (after a large index run) so the index is one compact file. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    this.db.close();
  }
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
