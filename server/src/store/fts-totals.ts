// The BM25 statistics of the contentless FTS5 table, kept true by hand.
// FTS5 keeps, in its "averages" record (chunks_fts_data id 1), the number of rows and the number of tokens per column:
// BM25's IDF and average document length come from it. On a contentless_delete=1 table a DELETE removes the row's
// entries and its docsize row but leaves that record as it was (SQLite 3.53): every re-indexed file would count twice
// from then on, and BM25 would drift further with every edit. So each write that deletes rows subtracts their sizes
// (read from chunks_fts_docsize before the delete) in a transaction of its own after the commit: FTS5 caches the record
// for the length of a transaction and would write its own copy back over a change made inside one.
// Record format (fts5_storage.c): SQLite varints (big-endian, 7 bits a byte): rows, then tokens of each column.
import type Database from 'better-sqlite3';

/** Rows removed from the FTS table and their tokens per column. */
export interface FtsSizes {
  rows: number;
  tokens: number[];
}

export function decodeVarints(block: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < block.length) {
    let value = 0;
    let byte: number;
    let n = 0;
    do {
      byte = block[i++] as number;
      // The 9th byte of a SQLite varint carries 8 bits; sizes here never get there.
      value = n === 8 ? value * 256 + byte : value * 128 + (byte & 0x7f);
      n++;
    } while (byte & 0x80 && i < block.length && n < 9);
    out.push(value);
  }
  return out;
}

export function encodeVarints(values: number[]): Buffer {
  const out: number[] = [];
  for (const v of values) {
    let rest = Math.max(0, Math.floor(v));
    const bytes = [rest % 128];
    rest = Math.floor(rest / 128);
    while (rest > 0) {
      bytes.unshift((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    out.push(...bytes);
  }
  return Buffer.from(out);
}

/** Adds one docsize blob (tokens per column of one row) to `into`. */
export function addSizes(into: FtsSizes, sz: Uint8Array): void {
  into.rows++;
  decodeVarints(sz).forEach((v, i) => {
    into.tokens[i] = (into.tokens[i] ?? 0) + v;
  });
}

/** Writes the averages record (FTS5's shadow tables are read-only unless the connection leaves defensive mode). */
function writeTotals(db: Database.Database, table: string, values: number[]): void {
  db.unsafeMode(true);
  try {
    db.prepare(`UPDATE ${table}_data SET block = ? WHERE id = 1`).run(encodeVarints(values));
  } finally {
    db.unsafeMode(false);
  }
}

/** Takes removed rows out of the averages record. Its own transaction: call it after the deleting one committed. */
export function subtractFtsTotals(db: Database.Database, table: string, removed: FtsSizes): void {
  if (removed.rows === 0) return;
  db.transaction(() => {
    const row = db.prepare(`SELECT block FROM ${table}_data WHERE id = 1`).get() as { block: Buffer } | undefined;
    if (!row) return;
    const [rows = 0, ...tokens] = decodeVarints(row.block);
    writeTotals(
      db,
      table,
      [rows - removed.rows, ...tokens.map((t, i) => t - (removed.tokens[i] ?? 0))].map((v) => Math.max(0, v)),
    );
  }).immediate();
}

/** Recomputes the averages record from the docsize table (O(rows)): for indexes written before this was kept. */
export function recomputeFtsTotals(db: Database.Database, table: string, columns: number): void {
  db.transaction(() => {
    const total: FtsSizes = { rows: 0, tokens: new Array(columns).fill(0) };
    for (const [sz] of db.prepare(`SELECT sz FROM ${table}_docsize`).raw().iterate() as Iterable<[Buffer]>) addSizes(total, sz);
    if (db.prepare(`SELECT 1 FROM ${table}_data WHERE id = 1`).get()) writeTotals(db, table, [total.rows, ...total.tokens]);
  }).immediate();
}
