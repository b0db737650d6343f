// Lexical candidates: the FTS5 MATCH expression of a parsed query, and the weighted BM25 query over the store's
// chunks_fts. Invariant: no query text gives an invalid expression (every part is a quoted string, joined by OR); a
// pruned search returns exactly the rows and scores of the plain one (see `prunedSearch`).
import { type ChunkFilter, filterClauses } from '../store/chunk-filter.js';
import type { Store } from '../store/store.js';

/** What FTS5 looks for: the query's terms and phrases (a ParsedQuery is one). */
export interface LexicalQuery {
  terms: string[];
  phrases: string[][];
}

/** One candidate: a chunk id and its weighted BM25, higher is better. */
export interface LexicalHit {
  id: number;
  bm25: number;
}

/** Quotes a term for an FTS5 MATCH expression: any text becomes a valid string literal. */
export function ftsString(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** An FTS5 expression that any chunk matching at least one term satisfies; phrases add to the score. Never invalid. */
export function matchExpression(q: LexicalQuery): string | undefined {
  const parts = [...q.terms.map(ftsString), ...q.phrases.map((p) => ftsString(p.join(' ')))];
  return parts.length ? parts.join(' OR ') : undefined;
}

/** When a search prunes its common terms (see `prunedSearch`). */
export interface Pruning {
  /**
   * Pruning starts where the terms' chunks add up to this many: below it the plain query costs a few ms. Scoring costs
   * ~1 µs a matching chunk (the Linux kernel, 1.3M chunks: a query's terms match up to 330k chunks, 300+ ms).
   */
  rows: number;
  /** The first round searches the rarest terms that together match at most this many chunks (3k, 10k, 30k measured). */
  firstRound: number;
}

export const PRUNING: Pruning = { rows: 20_000, firstRound: 10_000 };

/** FTS5's bm25 has k1 = 1.2: a term adds less than IDF × (k1 + 1) to any chunk's score, however often it occurs. */
const K1_PLUS_1 = 2.2;

/**
 * FTS5 candidates: chunk ids with their weighted BM25 (higher is better), best first. `query` is a LexicalQuery or a
 * valid FTS5 expression (searched as it is); `weights` are per column (symbol, sigdoc, body, path). `filter` keeps
 * chunks of files whose path matches one of the SQLite GLOB patterns and whose language is listed.
 */
export function lexicalSearch(
  store: Store,
  query: LexicalQuery | string,
  weights: readonly number[],
  limit: number,
  filter: ChunkFilter = {},
  pruning: Pruning = PRUNING,
): LexicalHit[] {
  const w = weights.map((x) => Number(x).toFixed(3)).join(', ');
  const { where, args } = filterClauses(filter);
  // `+rowid`: a plain `rowid IN (…)` is offered to FTS5, which then evaluates the whole expression once per listed
  // rowid (1.2 s against 18 ms for three files' chunks of sphinx with a pasted issue's 80 terms).
  const restrict = where.length
    ? ` AND +rowid IN (SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id WHERE ${where.join(' AND ')})`
    : '';
  const statement = store.db.prepare(
    `SELECT rowid AS id, bm25(chunks_fts, ${w}) AS score FROM chunks_fts WHERE chunks_fts MATCH ?${restrict} ORDER BY score LIMIT ?`,
  );
  const search = (match: string): LexicalHit[] =>
    (statement.all(match, ...args, limit) as { id: number; score: number }[]).map((r) => ({ id: r.id, bm25: -r.score }));
  if (typeof query === 'string') return search(query);
  const match = matchExpression(query);
  if (!match) return [];
  return prunedSearch(store, query, limit, search, pruning) ?? search(match);
}

/**
 * The best `limit` chunks of the plain OR query without scoring every chunk that holds a common term (MaxScore).
 * The terms split into rare ones R (with the phrases) and common ones C. Two queries score the chunks holding a rare
 * term with every term's weight, as the plain query does: `R` alone (exact for those without a common term) and
 * `(R) AND (C)`; their best `limit` are the plain query's best among such chunks. A chunk holding only common terms
 * scores less than the sum of their bounds (IDF × (k1 + 1) each): when that sum is below the `limit`-th score found,
 * none can enter and the answer is exact. Otherwise a second round takes as many common terms into R as the score
 * found allows, which makes it exact by construction. Undefined when pruning cannot help (the plain query answers).
 */
function prunedSearch(
  store: Store,
  query: LexicalQuery,
  limit: number,
  search: (match: string) => LexicalHit[],
  pruning: Pruning,
): LexicalHit[] | undefined {
  const stats = store.termStats;
  const terms = [...new Set(query.terms)];
  if (terms.length < 2) return undefined;
  const rows = stats.rows();
  // No term holds more chunks than the table has: a small index never counts its terms.
  if (rows * terms.length < pruning.rows) return undefined;
  const counts = new Map(terms.map((t) => [t, stats.count(ftsString(t))]));
  if (terms.reduce((sum, t) => sum + (counts.get(t) ?? 0), 0) < pruning.rows) return undefined;
  const bound = (t: string): number => {
    const n = counts.get(t) ?? 0;
    return K1_PLUS_1 * Math.max(1e-6, Math.log((rows - n + 0.5) / (n + 0.5)));
  };
  // Most common first: C is a prefix of this order, R the rest.
  const order = [...terms].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
  let split = order.length - 1;
  let inR = counts.get(order[split] as string) ?? 0;
  while (split > 0 && inR + (counts.get(order[split - 1] as string) ?? 0) <= pruning.firstRound)
    inR += counts.get(order[--split] as string) ?? 0;
  for (let round = 0; round < 2 && split > 0; round++) {
    const common = order.slice(0, split);
    const hits = rareFirst(query, order.slice(split), common, limit, search);
    const threshold = hits.length >= limit ? (hits[limit - 1] as LexicalHit).bm25 : 0;
    let sum = 0;
    let fits = 0;
    while (fits < common.length && sum + bound(common[fits] as string) < threshold) sum += bound(common[fits++] as string);
    if (fits === common.length) return hits;
    // The threshold only rises with more chunks searched: these common terms stay out of reach in the next round.
    split = fits;
  }
  return undefined;
}

/**
 * The best `limit` of the chunks holding a term of `rare` (or a phrase), scored with every term. Chunks without a
 * common term score the same in `rare` alone; those with one are scored by `(rare) AND (common)`, whose phrases are
 * all the query's. A chunk found only by the first query scoring above the second's last holds no common term (else
 * the second would have found it); one scoring below cannot be among the best `limit`.
 */
function rareFirst(
  query: LexicalQuery,
  rare: string[],
  common: string[],
  limit: number,
  search: (match: string) => LexicalHit[],
): LexicalHit[] {
  const r = matchExpression({ terms: rare, phrases: query.phrases }) as string;
  const alone = search(r);
  const both = search(`(${r}) AND (${common.map(ftsString).join(' OR ')})`);
  const floor = both.length >= limit ? (both[limit - 1] as LexicalHit).bm25 : Number.NEGATIVE_INFINITY;
  const seen = new Set(both.map((h) => h.id));
  const merged = [...both, ...alone.filter((h) => !seen.has(h.id) && h.bm25 > floor)];
  return merged.sort((a, b) => b.bm25 - a.bm25).slice(0, limit);
}
