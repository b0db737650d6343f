// Graph expansion of ranked hits: the definitions the top hits reference (public wrapper → internal helper), added as
// candidates worth less than the hit that led to them. Reads the store's code graph (store/graph.ts).
import type Database from 'better-sqlite3';
import { definitionChunks, refsOf } from '../store/graph.js';

export interface ExpandOptions {
  /** Hits whose references are followed, from the top (default 5). */
  seeds: number;
  /** A name defined in more places than this is ambiguous (`get`, `New`) and is not followed (default 2). */
  maxDefinitions: number;
  /** Definitions added per seed (default 3). */
  perSeed: number;
  /** A callee's score: its seed's score times this (default 0.3; 0.5 crowded out hits on fsspec), below its seed. */
  factor: number;
}

export const EXPAND_DEFAULTS: ExpandOptions = { seeds: 5, maxDefinitions: 2, perSeed: 3, factor: 0.3 };

/**
 * Callees of the top `seeds` hits that are not hits already: `{id, score, via}` for each, `via` the seed's id. Names are
 * followed in name order; a name with too many definitions is skipped.
 */
export function expandCallees(
  db: Database.Database,
  hits: { id: number; score: number }[],
  options: ExpandOptions = EXPAND_DEFAULTS,
): { id: number; score: number; via: number }[] {
  const seeds = hits.slice(0, options.seeds);
  const taken = new Set(hits.map((h) => h.id));
  const refs = refsOf(
    db,
    seeds.map((s) => s.id),
  );
  const names = [...new Set([...refs.values()].flat())];
  // Definitions per name, at most maxDefinitions + 1 looked up to tell the ambiguous ones.
  const byName = new Map<string, number[]>();
  for (const d of definitionChunks(db, names, names.length * (options.maxDefinitions + 1) + 50)) {
    const list = byName.get(d.name) ?? [];
    list.push(d.id);
    byName.set(d.name, list);
  }
  const out: { id: number; score: number; via: number }[] = [];
  for (const seed of seeds) {
    let added = 0;
    for (const name of refs.get(seed.id) ?? []) {
      const defs = byName.get(name) ?? [];
      if (defs.length === 0 || defs.length > options.maxDefinitions) continue;
      for (const id of defs) {
        if (taken.has(id) || added >= options.perSeed) continue;
        taken.add(id);
        out.push({ id, score: seed.score * options.factor, via: seed.id });
        added++;
      }
    }
  }
  return out;
}
