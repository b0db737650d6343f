// The index: one SQLite file (WAL) with files, chunks, symbols, skipped files and an FTS5 index over chunks.
// Invariant: a file's row, chunks, symbols and FTS entries change together in one transaction, or not at all.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ChunkKind, SkipReason } from '../model.js';
import { bindable, packChunk, type StoredRow, unpackRows } from './chunk-text.js';
import { buildDeferredIndexes, dropDeferredIndexes } from './deferred-indexes.js';
import { addSizes, type FtsSizes, subtractFtsTotals } from './fts-totals.js';
import { FTS_COLUMNS, INDEX_FILE, openDatabase, readMeta, writeMeta } from './open.js';
import { isCorruption } from './store-error.js';
import type {
  CutFile,
  FileState,
  FileWrite,
  LastEmbeddingPass,
  SkippedFile,
  StoredChunk,
  StoredSymbol,
  StoreStatus,
} from './store-types.js';
import { TermStats } from './term-stats.js';
import { VectorStore } from './vectors.js';
import { damaged, isAmbiguousError, moveAside, verifyDatabase } from './verify.js';
import { markWriterClosed, markWriterOpen } from './writers.js';

export type { ChunkFilter } from './chunk-filter.js';
export { isCorruption, isSqliteError, StoreError, type StoreErrorCode } from './store-error.js';
export type {
  CutChunk,
  CutFile,
  FileState,
  FileWrite,
  PreparedFile,
  SkippedFile,
  StoredChunk,
  StoredSymbol,
  StoreStatus,
} from './store-types.js';

export class Store {
  /** The vectors: embedding cache, vec0 tables, pending list, generations, repairs (vectors.ts). */
  readonly vectors: VectorStore;
  /** FTS5's document counts of query terms, cached until the index changes (term-stats.ts). */
  readonly termStats: TermStats;

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    /** A private copy of a read-only index (see open.ts), removed on close. */
    private readonly scratch?: string,
  ) {
    this.vectors = new VectorStore(db, file, this);
    this.termStats = new TermStats(db);
  }

  /**
   * Opens (creating or migrating) the index of `repo` in `dir` (open.ts). Throws StoreError when the file is corrupt,
   * was written by a newer codectx, or belongs to another repository.
   */
  static open(dir: string, repo: string): Store {
    const { db, file, scratch } = openDatabase(dir, repo);
    const store = new Store(db, file, scratch);
    if (!store.readOnly) markWriterOpen(db);
    return store;
  }

  /**
   * True when an integrity check is due: a process that had this index open for writing ended without closing it
   * (killed, crashed, the machine lost power). Kept in `meta.needs_check` until `checked()` clears it, so that the
   * process that checks need not be the first to open the index after the crash.
   */
  get needsCheck(): boolean {
    return this.getMeta('needs_check') !== undefined;
  }

  /** The check after an unclean shutdown is done (and found the index sound, or it was rebuilt). */
  checked(): void {
    if (!this.readOnly) this.db.prepare("DELETE FROM meta WHERE key = 'needs_check'").run();
  }

  /** True when the index was opened read-only (its folder or file cannot be written): it is searched as it is. */
  get readOnly(): boolean {
    return this.db.readonly || this.scratch !== undefined;
  }

  /** Moves a corrupt index aside (kept for inspection) so that a fresh one can be built in its place. */
  static quarantine(dir: string): string {
    return moveAside(join(dir, INDEX_FILE));
  }

  getMeta(key: string): string | undefined {
    return readMeta(this.db, key);
  }

  setMeta(key: string, value: string): void {
    writeMeta(this.db, key, value);
  }

  /**
   * The states of the files at these paths and below them (a path may be a folder): what a run over a few paths needs,
   * read by the path index instead of the whole table (on the kernel, a save read 76.6k rows).
   */
  fileStatesAt(paths: readonly string[]): Map<string, FileState> {
    const cols = 'SELECT path, size, mtime_ms AS mtimeMs, hash, overlay FROM files';
    const exact = this.db.prepare(`${cols} WHERE path = ?`);
    // Below a folder: from `dir/` up to `dir0` ('0' follows '/'), a range of the path index.
    const below = this.db.prepare(`${cols} WHERE path >= ? AND path < ?`);
    const out = new Map<string, FileState>();
    const add = (r: FileState & { path: string }) =>
      out.set(r.path, { size: r.size, mtimeMs: r.mtimeMs, hash: r.hash, overlay: r.overlay });
    for (const path of new Set(paths)) {
      const row = exact.get(path) as (FileState & { path: string }) | undefined;
      if (row) add(row);
      for (const r of below.iterate(`${path}/`, `${path}0`) as Iterable<FileState & { path: string }>) add(r);
    }
    return out;
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
    const q = writeStatements(db);
    // What the deleted rows counted in BM25's totals, taken out after the commit (fts-totals.ts).
    const removedFts: FtsSizes = { rows: 0, tokens: new Array(FTS_COLUMNS).fill(0) };
    // The chunks' vectors go with them; copies in memory (search/dense-search.ts) follow after the commit.
    const vectors = this.vectors.chunkRemover();
    // FTS5 writes its pending terms to disk as a new segment whenever a later statement of the transaction opens a
    // statement journal (a trigger, an upsert: SQLite calls the table's xSavepoint). Written per chunk, that made a
    // segment per chunk and merges without end (the kernel fs/'s writes: 8.2-8.9 s CPU, 4.7 s so): the batch's FTS5 deletes
    // and inserts come last in the transaction, where they flush once (at 1 MiB of terms, and at the commit).
    const ftsGone: number[] = [];
    const ftsNew: [number | bigint, FileWrite['chunks'][number]['fts']][] = [];
    const clear = (id: number): void => {
      const chunks = q.chunkIds.all(id) as number[];
      if (vectors.active) for (const chunk of chunks) vectors.remove(chunk);
      for (const [sz] of q.ftsSizes.all(id) as [Buffer][]) addSizes(removedFts, sz);
      ftsGone.push(...chunks);
      q.delRefs.run(id);
      q.delChunks.run(id);
      q.delSymbols.run(id);
    };
    const now = Date.now();
    const afterCommit: (() => void)[] = [];
    db.transaction(() => {
      for (const path of batch.deleted) {
        const id = q.fileId.get(path) as number | undefined;
        if (id === undefined) continue;
        clear(id);
        q.delFile.run(id);
      }
      for (const t of batch.touched) q.touch.run(t.size, t.mtimeMs, t.path);
      for (const w of batch.writes) {
        const old = q.fileId.get(w.path) as number | undefined;
        if (old !== undefined) clear(old);
        const id = q.upsertFile.get({ ...w, parseFailed: w.parseFailed ? 1 : 0, now }) as number;
        for (const { chunk, fts, refs, stored } of w.chunks) {
          const texts = stored ?? packChunk(chunk);
          const info = q.insChunk.run({ ...chunk, ...texts, content: bindable(texts.content), fileId: id });
          ftsNew.push([info.lastInsertRowid, fts]);
          // Written with the chunk, deleted with it (clear): the graph stays as fresh as the chunks.
          if (refs?.length) q.insRefs.run(info.lastInsertRowid, JSON.stringify(refs));
        }
        for (const s of w.symbols) q.insSymbol.run({ ...s, fileId: id });
      }
      afterCommit.push(...vectors.finish());
      this.setMeta('updated_at', new Date(now).toISOString());
      if (removedFts.rows > 0) this.setMeta('fts_totals', 'pending');
      // Last (see ftsGone): a chunk id freed above and taken again by a new chunk is deleted before it is inserted.
      for (const rowid of ftsGone) q.delFts.run(rowid);
      for (const [rowid, fts] of ftsNew) q.insFts.run(rowid, fts.symbol, fts.sigdoc, fts.body, fts.path);
    }).immediate();
    if (removedFts.rows > 0) {
      subtractFtsTotals(db, 'chunks_fts', removedFts);
      this.setMeta('fts_totals', 'ok');
    }
    for (const apply of afterCommit) apply();
  }

  /**
   * A fresh run of an empty index: its secondary indexes on random keys are built once at the end (`buildIndexes`)
   * instead of row by row; until then lookups by chunk hash, symbol name and reference name scan their tables.
   * Killed meanwhile, the next writer to open the index builds them (deferred-indexes.ts).
   */
  deferIndexes(): void {
    dropDeferredIndexes(this.db);
  }

  /** Builds the indexes `deferIndexes` dropped (nothing when none is missing). */
  buildIndexes(): void {
    buildDeferredIndexes(this.db);
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

  /**
   * How many rows of `files` and `skipped` have been written or deleted (schema 7's triggers): equal at two moments,
   * the two tables hold the same rows at both. Undefined in an index that does not count them.
   */
  filesEpoch(): number | undefined {
    const value = this.getMeta('files_epoch');
    return value === undefined ? undefined : Number(value);
  }

  /** Sets a meta value only if `files_epoch` is still `epoch` (in one transaction); false when it moved on. */
  setMetaAtEpoch(key: string, value: string, epoch: number): boolean {
    return this.db
      .transaction(() => {
        if (this.filesEpoch() !== epoch) return false;
        this.setMeta(key, value);
        return true;
      })
      .immediate();
  }

  /** True when the `skipped` table holds exactly these files (as `setSkipped` would write them), in any order. */
  sameSkipped(skipped: SkippedFile[]): boolean {
    const rows = this.db.prepare('SELECT path, reason, is_dir, size, mtime_ms FROM skipped').raw().all() as [
      string,
      string,
      number,
      number,
      number,
    ][];
    if (rows.length !== skipped.length) return false;
    const want = new Map(skipped.map((s) => [s.path, s]));
    if (want.size !== skipped.length) return false;
    for (const [path, reason, isDir, size, mtimeMs] of rows) {
      const s = want.get(path);
      if (!s || s.reason !== reason || (s.dir ? 1 : 0) !== isDir || (s.size ?? 0) !== size || (s.mtimeMs ?? 0) !== mtimeMs)
        return false;
    }
    return true;
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
    // Signatures are packed with the chunk's text (chunk-text.ts): the file's top-level chunks are read and unpacked.
    const rows = this.db
      .prepare(
        `SELECT c.start_line AS line, c.doc, c.signature, c.content FROM chunks c JOIN files f ON f.id = c.file_id
         WHERE f.path = ? AND c.parent = '' ORDER BY c.start_line, c.id`,
      )
      .all(path) as { line: number; doc: string; signature: string; content: string | Buffer }[];
    const out: { line: number; signature: string }[] = [];
    for (const r of unpackRows(rows)) {
      if (r.signature === '' || out.at(-1)?.line === r.line) continue;
      out.push({ line: r.line, signature: r.signature });
      if (out.length === limit) break;
    }
    return out;
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
      .all(JSON.stringify(ids)) as (StoredRow & { kind: ChunkKind })[];
    for (const r of unpackRows(rows)) out.set(r.id, r);
    return out;
  }

  /**
   * Where every chunk of the files on disk sits (editor buffers left out), by path and line: what a push to the team
   * index lists in its manifest.
   */
  placements(): { path: string; startLine: number; endLine: number; startByte: number; endByte: number; hash: string }[] {
    return this.db
      .prepare(
        `SELECT f.path, c.start_line AS startLine, c.end_line AS endLine, c.start_byte AS startByte, c.end_byte AS endByte, c.hash
         FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.overlay = 0 ORDER BY f.path, c.start_line, c.id`,
      )
      .all() as { path: string; startLine: number; endLine: number; startByte: number; endByte: number; hash: string }[];
  }

  /** The files on disk (editor buffers and files that failed to parse left out): what a push sends per file content. */
  cutFileKeys(): { path: string; hash: string; language: string }[] {
    return this.db
      .prepare('SELECT path, hash, language FROM files WHERE overlay = 0 AND parse_failed = 0 ORDER BY path')
      .all() as { path: string; hash: string; language: string }[];
  }

  /** The rows of these files as chunking cut them (chunks and symbols in the order written), by path. */
  cutFiles(paths: string[]): Map<string, CutFile> {
    const files = this.db
      .prepare('SELECT f.id, f.path, f.lines FROM json_each(?) j JOIN files f ON f.path = j.value')
      .all(JSON.stringify(paths)) as { id: number; path: string; lines: number }[];
    const chunks = this.db.prepare(
      `SELECT id, start_line AS startLine, end_line AS endLine, start_byte AS startByte, end_byte AS endByte, symbol, kind,
              parent, signature, doc, content, hash FROM chunks WHERE file_id = ? ORDER BY id`,
    );
    const refs = this.db.prepare('SELECT name FROM refs WHERE chunk_id = ?').pluck();
    const symbols = this.db.prepare(
      `SELECT name, qualified, kind, start_line AS startLine, end_line AS endLine, parent FROM symbols WHERE file_id = ?
       ORDER BY id`,
    );
    const out = new Map<string, CutFile>();
    for (const f of files) {
      // The doc and signature may be packed with the text (chunk-text.ts), which a cut file leaves out.
      const rows = unpackRows(
        chunks.all(f.id) as (Omit<CutFile['chunks'][number], 'refs'> & { id: number; content: string | Buffer })[],
      );
      out.set(f.path, {
        lines: f.lines,
        chunks: rows.map(({ id, content: _, ...c }) => ({ ...c, refs: refs.all(id) as string[] })),
        symbols: symbols.all(f.id) as CutFile['symbols'],
      });
    }
    return out;
  }

  /** One chunk (any of those with the same text) per content hash. */
  chunksByHash(hashes: string[]): Map<string, StoredChunk> {
    const rows = this.db
      .prepare(
        `SELECT c.id, f.path, f.language, c.symbol, c.kind, c.start_line AS startLine, c.end_line AS endLine,
                c.start_byte AS startByte, c.end_byte AS endByte, c.parent, c.signature, c.doc, c.content, c.hash
         FROM json_each(?) j CROSS JOIN chunks c ON c.hash = j.value JOIN files f ON f.id = c.file_id`,
      )
      .all(JSON.stringify(hashes)) as StoredRow[];
    const out = new Map<string, StoredChunk>();
    for (const r of unpackRows(rows)) if (!out.has(r.hash)) out.set(r.hash, r);
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
      ).map((t) => ({ model: t.model, dimensions: t.dimensions, embedded: this.vectors.embeddedCount(t.name) })),
      lastEmbeddingPass: parseJson(this.getMeta('last_embedding_pass')) as LastEmbeddingPass | undefined,
    };
  }

  /** Folds the WAL back into the main file (after a large index run) so the index is one compact file. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * The problems SQLite finds in the file: `PRAGMA quick_check` (or the slower `integrity_check` with `full`), then
   * FTS5's own 'integrity-check' of chunks_fts against its content. Empty when the index is sound.
   */
  verify(full = false): string[] {
    return verifyDatabase(this.db, full);
  }

  /** True when `error` means the file is damaged: a corruption code, or an SQLite error that a quick check confirms. */
  confirmsCorruption(error: unknown): boolean {
    if (isCorruption(error)) return true;
    return isAmbiguousError(error) && this.db.open && damaged(this.db);
  }

  close(): void {
    if (this.db.open && !this.readOnly) markWriterClosed(this.db);
    this.db.close();
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }
}
/** A JSON value kept in meta; undefined when absent or written by something else. */
function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The statements of `Store.writeBatch`. */
function writeStatements(db: Database.Database) {
  const fileId = db.prepare('SELECT id FROM files WHERE path = ?').pluck();
  const delFts = db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
  const ftsSizes = db.prepare('SELECT sz FROM chunks_fts_docsize WHERE id IN (SELECT id FROM chunks WHERE file_id = ?)').raw();
  const delRefs = db.prepare('DELETE FROM refs WHERE chunk_id IN (SELECT id FROM chunks WHERE file_id = ?)');
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
  const insRefs = db.prepare('INSERT OR IGNORE INTO refs(chunk_id, name) SELECT ?, value FROM json_each(?)');
  const insSymbol = db.prepare(
    `INSERT INTO symbols(file_id, name, qualified, kind, start_line, end_line, parent)
     VALUES (@fileId, @name, @qualified, @kind, @startLine, @endLine, @parent)`,
  );
  const touch = db.prepare('UPDATE files SET size = ?, mtime_ms = ?, overlay = 0 WHERE path = ?');
  const chunkIds = db.prepare('SELECT id FROM chunks WHERE file_id = ?').pluck();
  return {
    fileId,
    delFts,
    ftsSizes,
    delRefs,
    delChunks,
    delSymbols,
    delFile,
    upsertFile,
    insChunk,
    insFts,
    insRefs,
    insSymbol,
    touch,
    chunkIds,
  };
}
