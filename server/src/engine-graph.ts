// The code graph as the engine answers it (Engine.symbolGraph, Engine.related): definitions and references by exact
// name, read from the store's graph tables; callers run these inside the engine's corruption guard.
import { checkLimit, type GraphLocation, type RelatedReport, type SymbolGraph } from './engine-types.js';
import { chunksReferencing, definitionChunks, refsOf } from './store/graph.js';
import type { Store, StoredChunk, StoredSymbol } from './store/store.js';

export function symbolGraphOf(store: Store, name: string, limit: number): SymbolGraph {
  const n = checkLimit(limit);
  const defs = definitionChunks(store.db, [name], n);
  const refs = chunksReferencing(store.db, [name], n);
  return { name, definitions: locations(store, defs), references: locations(store, refs) };
}

export function relatedTo(
  store: Store,
  target: { path: string; line: number } | { symbol: string },
  limit: number,
): RelatedReport {
  const n = checkLimit(limit);
  let targets: { id: number; name: string }[];
  if ('symbol' in target) targets = definitionChunks(store.db, [target.symbol], n);
  else {
    const here = store.chunkAt(target.path, target.line);
    targets = here ? [{ id: here.id, name: definedNames(here)[0] ?? '' }] : [];
  }
  const ids = new Set(targets.map((t) => t.id));
  const targetChunks = store.chunks([...ids]);
  const referenced = [...new Set([...refsOf(store.db, [...ids]).values()].flat())];
  const defined = [...new Set([...targetChunks.values()].flatMap(definedNames))];
  const callees = definitionChunks(store.db, referenced, n).filter((c) => !ids.has(c.id));
  const callers = chunksReferencing(store.db, defined, n).filter((c) => !ids.has(c.id));
  return { targets: locations(store, targets), callees: locations(store, callees), callers: locations(store, callers) };
}

function locations(store: Store, rows: { id: number; name: string }[]): GraphLocation[] {
  const chunks = store.chunks(rows.map((r) => r.id));
  return rows.flatMap((r) => {
    const c = chunks.get(r.id);
    return c ? [{ path: c.path, startLine: c.startLine, endLine: c.endLine, symbol: c.symbol, kind: c.kind, name: r.name }] : [];
  });
}

/** The names a chunk defines, for finding its callers: the last part of each qualified symbol (`Cls.get` → `get`). */
export function definedNames(chunk: Pick<StoredChunk, 'symbol' | 'kind'>): string[] {
  if (!chunk.symbol || chunk.kind === 'section' || chunk.kind === 'window') return [];
  return chunk.symbol
    .split(', ')
    .map((s) => s.slice(s.lastIndexOf('.') + 1))
    .filter((s) => s.length > 1);
}

/** Symbols found by `q` (lower case), best first: exact name, prefix, substring, the rest; the store's order within. */
export function rankSymbols(found: StoredSymbol[], q: string, limit: number): StoredSymbol[] {
  const rankOf = (name: string): number => {
    const n = name.toLowerCase();
    return n === q ? 0 : n.startsWith(q) ? 1 : n.includes(q) ? 2 : 3;
  };
  return found
    .map((s, i) => ({ s, key: rankOf(s.name) * 1e6 + i }))
    .sort((a, b) => a.key - b.key)
    .slice(0, limit)
    .map((x) => x.s);
}
