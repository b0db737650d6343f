// Member expansion of ranked hits: a class (struct, impl…) among the top hits offers its best-matching members, by BM25
// over that class's member chunks only, so that the packer gets the method a question is about, not only the skeleton.
import type Database from 'better-sqlite3';
import type { ChunkKind } from '../model.js';

/** Kinds whose chunk is a skeleton with member chunks of its own (chunk/chunk-file.ts). */
const CONTAINER_KINDS: ReadonlySet<ChunkKind> = new Set(['class', 'struct', 'impl', 'interface', 'trait', 'module', 'enum']);

export interface MemberOptions {
  /** Hits looked at, from the top (default 10). */
  seeds: number;
  /**
   * Members offered per container (default 1: on the 52 real issues of bench/dev-issues.mjs, 2 lost 2 points of
   * function recall at 2k and 2 of file recall at 8k against 1, and the hand-written suites gained 0.4 at 2k only).
   */
  perSeed: number;
  /** The i-th member offered (0-based) scores the container's score times `memberFactor^(i+1)` (default 0.9). */
  memberFactor: number;
  /**
   * The container itself then scores this share of its score (default 0.7): below its members, still packed. Kept at
   * 1.0 (with 2 members) the hand-written suites lost 0.8 to 1.2 points at every budget, and the real issues were
   * exactly as without member expansion.
   */
  containerFactor: number;
}

export const MEMBER_DEFAULTS: MemberOptions = { seeds: 10, perSeed: 1, memberFactor: 0.9, containerFactor: 0.7 };

export interface MemberHit {
  id: number;
  kind: ChunkKind;
  path: string;
  symbol: string;
  startLine: number;
  endLine: number;
  score: number;
}

/**
 * Members of the container hits among the first `seeds` of `hits`, best BM25 first within each container:
 * `{id, score, via}` with the scores of MemberOptions, and the new score of each container that offered any. `match`
 * is the query's FTS5 expression (search/lexical-search.ts), `weights` the BM25 column weights. A member that is a hit
 * already is offered too (the caller keeps its better score); a member matching no term is not offered.
 */
export function expandMembers(
  db: Database.Database,
  hits: MemberHit[],
  match: string | undefined,
  weights: readonly number[],
  options: MemberOptions = MEMBER_DEFAULTS,
): { members: { id: number; score: number; via: number }[]; containers: Map<number, number> } {
  const members: { id: number; score: number; via: number }[] = [];
  const containers = new Map<number, number>();
  if (!match) return { members, containers };
  const w = weights.map((x) => Number(x).toFixed(3)).join(', ');
  // A container's members: chunks of its file whose parent is its symbol, inside its lines (a skeleton cut into parts
  // is several chunks of one symbol: each finds the same members, which are offered once).
  const best = db.prepare(
    `SELECT fts.rowid AS id FROM chunks_fts fts
       WHERE chunks_fts MATCH ? AND fts.rowid IN (
         SELECT m.id FROM chunks m JOIN files f ON f.id = m.file_id
          WHERE f.path = ? AND m.parent = ? AND m.start_line >= ? AND m.end_line <= ? AND m.id != ?)
       ORDER BY bm25(chunks_fts, ${w}) LIMIT ?`,
  );
  const offered = new Set<number>();
  for (const hit of hits.slice(0, options.seeds)) {
    if (!CONTAINER_KINDS.has(hit.kind) || !hit.symbol) continue;
    const ids = best
      .pluck()
      .all(match, hit.path, hit.symbol, hit.startLine, hit.endLine, hit.id, options.perSeed + offered.size) as number[];
    let factor = 1;
    for (const id of ids) {
      if (offered.has(id)) continue;
      if (members.filter((m) => m.via === hit.id).length >= options.perSeed) break;
      factor *= options.memberFactor;
      offered.add(id);
      members.push({ id, score: hit.score * factor, via: hit.id });
    }
    if (factor < 1) containers.set(hit.id, hit.score * options.containerFactor);
  }
  return { members, containers };
}
