// FTS5's statistics of query terms: how many chunks hold each (its document count) and how many rows the table has,
// as its BM25 sees them. Cached until the index changes (this connection's or another's commit).
import type Database from 'better-sqlite3';
import { decodeVarints } from './fts-totals.js';

export class TermStats {
  private readonly counts = new Map<string, number>();
  private version = '';
  private rowCount = 0;
  /** Prepared on first use (opening a store prepares nothing: a damaged file fails where the open expects it). */
  private statements?: { count: Database.Statement; changes: Database.Statement; averages: Database.Statement };

  constructor(private readonly db: Database.Database) {}

  private get sql() {
    this.statements ??= {
      count: this.db.prepare('SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?').pluck(),
      changes: this.db.prepare('SELECT total_changes()').pluck(),
      averages: this.db.prepare('SELECT block FROM chunks_fts_data WHERE id = 1').pluck(),
    };
    return this.statements;
  }

  /**
   * The rows of chunks_fts as BM25 counts them (the first number of FTS5's averages record). Looks whether the index
   * changed: call it first, then `count` for the terms of the same search.
   */
  rows(): number {
    this.check();
    return this.rowCount;
  }

  /** How many chunks hold `term` (an FTS5 string, quoted), counted once per index state (see `rows`). */
  count(term: string): number {
    let n = this.counts.get(term);
    if (n === undefined) {
      n = this.sql.count.get(term) as number;
      // A long session's distinct terms: forgetting them all now and then bounds the memory.
      if (this.counts.size >= 100_000) this.counts.clear();
      this.counts.set(term, n);
    }
    return n;
  }

  /** Forgets everything when the index changed since the last look: data_version (others' commits), total_changes() (ours). */
  private check(): void {
    const version = `${this.db.pragma('data_version', { simple: true })}:${this.sql.changes.get()}`;
    if (version === this.version) return;
    this.version = version;
    this.counts.clear();
    const block = this.sql.averages.get() as Buffer | undefined;
    this.rowCount = block ? (decodeVarints(block)[0] ?? 0) : 0;
  }
}
