// Dense candidates: the k nearest chunks to a query vector, from an in-memory copy of the store's vec0 table
// (vector-index.ts) or from vec0's own KNN, re-scored exactly with the float vectors of the embedding cache.
// Invariant: a copy serves only the generation of the table it holds; this process's writes are applied to it, another
// process's make it reload (store/vectors.ts bumps the generation).
import Database from 'better-sqlite3';
import { type ChunkFilter, filterClauses } from '../store/chunk-filter.js';
import { quantize } from '../store/int8-codes.js';
import type { Store } from '../store/store.js';
import type { VectorChange } from '../store/vectors.js';
import { type Approximate, VectorIndex } from './vector-index.js';

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

/** KNN over one store's vector tables, holding the in-memory copy of each table searched so far. */
export class DenseSearch {
  /** The in-memory vector index of each table searched so far, with the generation of the table it holds. */
  private readonly indexes = new Map<string, { index: VectorIndex; generation: number }>();

  constructor(private readonly store: Store) {
    store.vectors.onChange((table, change) => this.follow(table, change));
  }

  /** Whether any chunk has a vector in `table` (vec0 reads its first chunk of rows, not all of them). */
  hasVectors(table: string): boolean {
    // A loaded, current in-memory index answers without SQL: `EXISTS` over a vec0 table costs ~12 ms at 94k vectors.
    const loaded = this.indexes.get(table);
    if (loaded && loaded.generation === this.store.vectors.generation(table)) return loaded.index.size > 0;
    return this.store.vectors.embeddedCount(table) > 0;
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
      return this.search(table, vector, k, options);
    } catch (error) {
      if (!(error instanceof Database.SqliteError)) throw error;
      // vec0 reports the table damaged: rebuilt empty (the next embedding pass refills it from the cache); the repair is
      // reported through takeRepairs and the caller answers without vectors this time.
      this.store.vectors.rebuildVectorTable(table, error.message);
      return undefined;
    }
  }

  private search(table: string, vector: Float32Array, k: number, options: NearestOptions): { id: number; similarity: number }[] {
    const vectors = this.store.vectors;
    const model = vectors.tableInfo(table).model;
    const allowed = options.filter ? this.allowedIds(options.filter) : undefined;
    const n = Math.max(k, options.rescore);
    const loaded = this.indexes.get(table);
    const current = loaded !== undefined && loaded.generation === vectors.generation(table);
    let approximate: Approximate[];
    if (!current && options.vec0Below !== undefined && vectors.embeddedCount(table) < options.vec0Below) {
      // A stale copy (another process wrote) would be reloaded in full; vec0 reads the current rows instead.
      this.indexes.delete(table);
      approximate = this.vec0Nearest(table, vector, n, allowed);
    } else {
      const accept = allowed && ((id: number) => allowed.has(id));
      approximate = this.index(table).search(vector, n, Math.max(k, options.shortlist), accept);
    }
    const exact = vectors.floatVectors(
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

  /** The ids of the chunks a filter keeps, or undefined when it keeps all of them. */
  private allowedIds(filter: ChunkFilter): Set<number> | undefined {
    if (!filter.globs?.length && !filter.languages?.length) return undefined;
    const { where, args } = filterClauses(filter);
    const sql = `SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE ${where.join(' AND ')}`;
    return new Set(
      this.store.db
        .prepare(sql)
        .pluck()
        .all(...args) as number[],
    );
  }

  /** vec0's exact KNN over the int8 codes (vec0 caps k at 4096): the `n` best by int8 cosine, with its similarity. */
  private vec0Nearest(table: string, vector: Float32Array, n: number, allowed?: Set<number>): Approximate[] {
    const codes = quantize(vector);
    const blob = Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength);
    const k = Math.min(n, 4096);
    if (allowed?.size === 0) return [];
    const db = this.store.db;
    const rows = allowed
      ? db
          .prepare(
            `SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH vec_int8(?) AND k = ? AND rowid IN (SELECT value FROM json_each(?))`,
          )
          .all(blob, k, JSON.stringify([...allowed]))
      : db.prepare(`SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH vec_int8(?) AND k = ?`).all(blob, k);
    return (rows as { id: number; distance: number }[]).map((r) => ({ id: r.id, similarity: 1 - r.distance }));
  }

  /**
   * The in-memory index of `table`, loaded on first use and again whenever the table's generation (in `meta`) is not
   * the one it holds: another process wrote vectors. This process's own writes update it in place (follow).
   */
  private index(table: string): VectorIndex {
    const loaded = this.indexes.get(table);
    if (loaded && loaded.generation === this.store.vectors.generation(table)) return loaded.index;
    const { copy, generation } = this.store.vectors.readCodes(table, (dimensions, expected) => {
      const index = new VectorIndex(dimensions);
      index.reserve(expected);
      return index;
    });
    this.indexes.set(table, { index: copy, generation });
    return copy;
  }

  /** A change this process made to a table: applied to the loaded copy if it held the generation before, else dropped. */
  private follow(table: string, change: VectorChange): void {
    const loaded = this.indexes.get(table);
    if (!loaded) return;
    if (change.reset || loaded.generation !== change.before) {
      this.indexes.delete(table);
      return;
    }
    change.apply(loaded.index);
    loaded.generation = change.after;
  }
}
