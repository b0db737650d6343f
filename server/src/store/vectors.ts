// The store's vector side: the embedding cache (floats by content hash), one vec0 table of int8 codes per model, the
// pending list of chunks without a vector, the generation of each table, and the repair of a table vec0 reports damaged.
// Invariant: every chunk with codes in a table has its float vector in the cache; every write that changes a table
// bumps its generation in the same transaction. No searching here: search/dense-search.ts reads what this holds.
import Database from 'better-sqlite3';
import type { Chunk } from '../model.js';
import { unpackRows } from './chunk-text.js';
import { floats, quantize } from './int8-codes.js';
import { StoreError } from './store-error.js';

/** The index's `meta` table, where the generation of each vector table is kept. */
export interface MetaTable {
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

/** What an in-memory copy of a vector table offers, to be loaded and to follow this process's writes. */
export interface VectorCopy {
  readonly size: number;
  addCodes(id: number, codes: Int8Array): void;
  remove(id: number): void;
}

/**
 * A change to a vector table, told to the listeners (onChange): `reset` when the table was rebuilt empty; otherwise,
 * after the commit, the generation it went from and to, and how to apply the change to a copy that held `before`.
 */
export type VectorChange = { reset: true } | { reset: false; before: number; after: number; apply(copy: VectorCopy): void };

export class VectorStore {
  /** Repairs made since the owner last took them (takeRepairs): what the user is told. */
  private repairs: string[] = [];
  private readonly listeners: ((table: string, change: VectorChange) => void)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly meta: MetaTable,
  ) {}

  /** The repairs made since the last call (damaged vector tables rebuilt), for the owner to report. */
  takeRepairs(): string[] {
    const out = this.repairs;
    this.repairs = [];
    return out;
  }

  /** Calls `listener` on every change of a vector table made through this store (not by another process). */
  onChange(listener: (table: string, change: VectorChange) => void): void {
    this.listeners.push(listener);
  }

  private tell(table: string, change: VectorChange): void {
    for (const listener of this.listeners) listener(table, change);
  }

  /** The names of the vector tables (`vec_N`). */
  tableNames(): string[] {
    return (this.db.prepare('SELECT name FROM vector_tables').pluck().all() as string[]).filter((n) => /^vec_\d+$/.test(n));
  }

  /**
   * The vector table of a model, created on first use: a vec0 table whose rowid is the chunk id and whose `embedding`
   * holds the chunk's int8 codes (see int8-codes.ts). The float vectors stay in `embedding_cache` only. A model of
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
    return this.addVectorTable(model, dimensions);
  }

  /**
   * Creates the vector table of `model`, or takes the one another connection created since this one looked: the look
   * and the creation are one write transaction, so two processes starting their first embedding pass at once share one
   * table (before, the second failed on `vec_1` existing).
   */
  addVectorTable(model: string, dimensions: number): string {
    return this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT name, dimensions FROM vector_tables WHERE model = ?').get(model) as
          | { name: string; dimensions: number }
          | undefined;
        if (row) {
          if (row.dimensions !== dimensions) {
            throw new StoreError(
              'io',
              this.file,
              `model ${model} gives ${dimensions} dimensions, its index has ${row.dimensions}`,
            );
          }
          return row.name;
        }
        const n = (this.db.prepare('SELECT COUNT(*) FROM vector_tables').pluck().get() as number) + 1;
        const name = `vec_${n}`;
        this.createVectorTable(name, dimensions);
        this.db.prepare('INSERT INTO vector_tables(model, name, dimensions) VALUES (?, ?, ?)').run(model, name, dimensions);
        return name;
      })
      .immediate();
  }

  /** The model and dimensions of a vector table; StoreError when there is no such table. */
  tableInfo(table: string): { model: string; dimensions: number } {
    const info = this.db.prepare('SELECT model, dimensions FROM vector_tables WHERE name = ?').get(table) as
      | { model: string; dimensions: number }
      | undefined;
    if (!info) throw new StoreError('io', this.file, `no vector table ${table}`);
    return info;
  }

  /**
   * Drops a vector table and creates it empty, every chunk pending for it: the embedding pass refills it from the cache
   * (no model call for text it has seen). For an older form of the table, and for one that vec0 reports damaged. Runs
   * inside the caller's transaction when there is one.
   */
  rebuildVectorTable(name: string, damage?: string): void {
    const { dimensions } = this.tableInfo(name);
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
    this.tell(name, { reset: true });
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
    const rows = this.db
      .prepare(
        `SELECT c.id, f.path, f.language, c.symbol, c.kind, c.start_line AS startLine, c.end_line AS endLine,
                c.start_byte AS startByte, c.end_byte AS endByte, c.parent, c.signature, c.doc, c.content, c.hash
         FROM embed_pending p JOIN chunks c ON c.id = p.chunk_id JOIN files f ON f.id = c.file_id
         WHERE p.tbl = ? ORDER BY p.chunk_id LIMIT ?`,
      )
      .all(table, limit) as (Omit<Chunk, 'content'> & { id: number; content: string | Buffer })[];
    return unpackRows(rows);
  }

  /** How many chunks have a vector in `table`: all chunks but the pending ones (vec0 has no cheap COUNT). */
  embeddedCount(table: string): number {
    return this.chunkCount() - this.pendingCount(table);
  }

  /** How many chunks wait for a vector in `table`. */
  pendingCount(table: string): number {
    return this.db.prepare('SELECT COUNT(*) FROM embed_pending WHERE tbl = ?').pluck().get(table) as number;
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
    for (const r of rows) out.set(r.hash, floats(r.vector));
    return out;
  }

  /** Content hashes of chunks waiting for a vector of `table` whose vector the cache does not hold either. */
  uncachedPendingHashes(table: string, model: string): string[] {
    return this.db
      .prepare(
        `SELECT DISTINCT c.hash FROM embed_pending p JOIN chunks c ON c.id = p.chunk_id
         WHERE p.tbl = ? AND NOT EXISTS (SELECT 1 FROM embedding_cache e WHERE e.model = ? AND e.hash = c.hash)`,
      )
      .pluck()
      .all(table, model) as string[];
  }

  /** Puts vectors into the cache by content hash (from the team index), in one transaction; the next pass uses them. */
  cacheVectors(model: string, items: { hash: string; vector: Float32Array }[]): void {
    const ins = this.db.prepare('INSERT OR IGNORE INTO embedding_cache(model, hash, vector) VALUES (?, ?, ?)');
    this.db
      .transaction(() => {
        for (const it of items)
          ins.run(model, it.hash, Buffer.from(it.vector.buffer, it.vector.byteOffset, it.vector.byteLength));
      })
      .immediate();
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
        apply = this.changed(table, (copy) => {
          for (const a of added) copy.addCodes(a.id, a.codes);
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

  /** Float vectors of chunks by id, from the cache (through each chunk's content hash). */
  floatVectors(model: string, ids: number[]): Map<number, Float32Array> {
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

  /**
   * Every vector of `table` as int8 codes, into a copy that `create` makes for its dimensions and expected count, with
   * the generation they are of (one read transaction: the rows and the generation are of the same snapshot).
   */
  readCodes<T extends VectorCopy>(
    table: string,
    create: (dimensions: number, expected: number) => T,
  ): { copy: T; generation: number } {
    const { dimensions } = this.tableInfo(table);
    return this.db.transaction(() => {
      const expected = this.embeddedCount(table);
      let copy = create(dimensions, expected);
      if (!this.readVec0Chunks(table, dimensions, copy) || copy.size !== expected) {
        // Row by row through vec0 (materializing every row first would double the peak memory of the load).
        copy = create(dimensions, expected);
        for (const [id, codes] of this.db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().iterate() as Iterable<
          [number, Buffer]
        >)
          copy.addCodes(id, new Int8Array(codes.buffer, codes.byteOffset, codes.byteLength));
      }
      return { copy, generation: this.generation(table) };
    })();
  }

  /**
   * Reads `table` from vec0's own storage (sqlite-vec 0.1.9): `<table>_chunks` holds, per chunk of rows, a validity
   * bitmap and the rowids (int64), `<table>_vector_chunks00` the codes of the same slots. A few large blobs read 5–7×
   * faster than a row at a time through the virtual table. False when the layout is not that one; the caller checks
   * the count and falls back to the virtual table.
   */
  private readVec0Chunks(table: string, d: number, copy: VectorCopy): boolean {
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
        copy.addCodes(id, new Int8Array(vectors.buffer, vectors.byteOffset + i * d, d));
      }
    }
    return true;
  }

  /** The generation of `table`: bumped by every write transaction that changes it, in this process or another. */
  generation(table: string): number {
    return Number(this.meta.getMeta(`generation:${table}`) ?? 0);
  }

  /** Inside a write transaction: a new generation for `table`. */
  private bumpGeneration(table: string): { before: number; after: number } {
    const before = this.generation(table);
    this.meta.setMeta(`generation:${table}`, String(before + 1));
    return { before, after: before + 1 };
  }

  /**
   * Inside the write transaction that changed `table`: bumps its generation and returns what to run after the commit,
   * which tells the listeners the change (a copy that held the generation before applies it; any other drops itself).
   */
  private changed(table: string, apply: (copy: VectorCopy) => void): () => void {
    const { before, after } = this.bumpGeneration(table);
    return () => this.tell(table, { reset: false, before, after, apply });
  }

  /**
   * For a write that deletes chunks, made before its transaction: `remove`, inside it, deletes a chunk's codes from
   * every vector table; `finish`, at its end, rebuilds a table vec0 reported damaged (the lexical index must still be
   * written; the table is refilled from the cache) and returns what to run after the commit.
   */
  chunkRemover(): { active: boolean; remove(chunkId: number): void; finish(): (() => void)[] } {
    const tables = this.tableNames();
    // One rowid at a time: vec0 answers `rowid = ?` by lookup, `rowid IN (…)` by a scan of the table.
    const deletes = tables.map((name) => this.db.prepare(`DELETE FROM ${name} WHERE rowid = ?`));
    const removed: number[] = [];
    const changedTables = new Set<string>();
    const damaged = new Map<string, string>();
    return {
      active: tables.length > 0,
      remove: (chunk) => {
        removed.push(chunk);
        deletes.forEach((del, i) => {
          const name = tables[i] as string;
          if (damaged.has(name)) return;
          try {
            if (del.run(chunk).changes > 0) changedTables.add(name);
          } catch (error) {
            damaged.set(name, (error as Error).message);
          }
        });
      },
      finish: () => {
        for (const [name, message] of damaged) {
          this.rebuildVectorTable(name, message);
          changedTables.delete(name);
        }
        return [...changedTables].map((table) =>
          this.changed(table, (copy) => {
            for (const id of removed) copy.remove(id);
          }),
        );
      },
    };
  }
}
