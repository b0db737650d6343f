// The code graph's reads: which chunks reference a name (refs table) and which chunk defines it (symbols table).
// Names match exactly (case-sensitive); the graph is by name, not resolved, so `get` meets every `get`.
import type Database from 'better-sqlite3';

/** Ids of chunks that reference `name`, at most `limit`, in index order. */
export function chunksReferencing(db: Database.Database, names: string[], limit: number): { id: number; name: string }[] {
  if (names.length === 0) return [];
  return db
    .prepare(
      `SELECT r.chunk_id AS id, r.name FROM refs r WHERE r.name IN (SELECT value FROM json_each(?)) ORDER BY r.chunk_id LIMIT ?`,
    )
    .all(JSON.stringify(names), limit) as { id: number; name: string }[];
}

/** The names each chunk references. */
export function refsOf(db: Database.Database, ids: number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare('SELECT chunk_id AS id, name FROM refs WHERE chunk_id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(JSON.stringify(ids)) as [number, string][];
  for (const [id, name] of rows) {
    const list = out.get(id);
    if (list) list.push(name);
    else out.set(id, [name]);
  }
  return out;
}

/**
 * Where names are defined: per definition, its name and the smallest chunk of its file covering its first line, at most
 * `limit` rows.
 */
export function definitionChunks(db: Database.Database, names: string[], limit: number): { id: number; name: string }[] {
  if (names.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT s.name,
         (SELECT c.id FROM chunks c WHERE c.file_id = s.file_id AND c.start_line <= s.start_line AND c.end_line >= s.start_line
          ORDER BY c.end_line - c.start_line LIMIT 1) AS id
       FROM json_each(?) j JOIN symbols s ON s.name = j.value COLLATE NOCASE
       LIMIT ?`,
    )
    .all(JSON.stringify(names), limit * 4) as { id: number | null; name: string }[];
  const wanted = new Set(names);
  const seen = new Set<number>();
  const out: { id: number; name: string }[] = [];
  for (const r of rows) {
    if (r.id === null || !wanted.has(r.name) || seen.has(r.id)) continue;
    seen.add(r.id);
    out.push({ id: r.id, name: r.name });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The whole definition each chunk is a part of, where it reaches past the chunk (a definition longer than the chunk
 * budget is cut into parts, chunk/chunk-file.ts): its first and last line, keyed by chunk id. Chunks whose definition
 * they hold whole, and chunks without a symbol, are left out.
 */
export function definitionSpans(
  db: Database.Database,
  chunks: { id: number; path: string; symbol: string; startLine: number; endLine: number }[],
): Map<number, { startLine: number; endLine: number }> {
  const out = new Map<number, { startLine: number; endLine: number }>();
  const find = db.prepare(
    `SELECT s.start_line AS startLine, s.end_line AS endLine FROM symbols s JOIN files f ON f.id = s.file_id
      WHERE f.path = ? AND s.qualified = ? AND s.start_line <= ? AND s.end_line >= ?
      ORDER BY s.end_line - s.start_line LIMIT 1`,
  );
  for (const c of chunks) {
    if (!c.symbol) continue;
    const def = find.get(c.path, c.symbol, c.endLine, c.startLine) as { startLine: number; endLine: number } | undefined;
    if (!def || (def.startLine >= c.startLine && def.endLine <= c.endLine)) continue;
    out.set(c.id, { startLine: Math.min(def.startLine, c.startLine), endLine: Math.max(def.endLine, c.endLine) });
  }
  return out;
}

/**
 * The definitions each of `ids` calls (by the names it references): per chunk, the chunks that define those names
 * (the smallest chunk covering a definition's first line). A name defined in the caller's own file resolves there
 * alone; any other name only when it has at most `maxDefinitions` definitions in the index (`get` meets every `get`).
 */
export function calleesOf(db: Database.Database, ids: number[], maxDefinitions: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT r.chunk_id AS caller, r.name, s.file_id = c0.file_id AS same,
         (SELECT c.id FROM chunks c WHERE c.file_id = s.file_id AND c.start_line <= s.start_line AND c.end_line >= s.start_line
          ORDER BY c.end_line - c.start_line LIMIT 1) AS id
       FROM refs r JOIN chunks c0 ON c0.id = r.chunk_id JOIN symbols s ON s.name = r.name
       WHERE r.chunk_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as { caller: number; name: string; same: number; id: number | null }[];
  const byRef = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.caller}\0${r.name}`;
    const list = byRef.get(key);
    if (list) list.push(r);
    else byRef.set(key, [r]);
  }
  for (const defs of byRef.values()) {
    const same = defs.filter((d) => d.same);
    const chosen = same.length ? same : defs.length <= maxDefinitions ? defs : [];
    for (const d of chosen) {
      if (d.id === null || d.id === d.caller) continue;
      const list = out.get(d.caller) ?? [];
      if (!list.includes(d.id)) list.push(d.id);
      out.set(d.caller, list);
    }
  }
  return out;
}
