// Pure. Retrieval metrics of one query, and their means over many; docs/eval.md states the same definitions.
// Invariant: ranks are 1-based; a gold entry counts at most once; the @N cutoffs do not depend on --k (recall@k does).

/** A line range of a file: what a result covers, or where a gold answer is. Lines are 1-based and inclusive. */
export interface Span {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * chunk: a result hits a gold entry when it is in the same file and the line ranges overlap.
 * file: a result hits a gold entry when the paths are equal.
 */
export type Level = 'chunk' | 'file';

/** The scores of one query at one level. */
export interface QueryScores {
  /** 1-based rank of the first result that hits any gold entry, or null when none of the results does. */
  rank: number | null;
  hit1: number;
  hit5: number;
  hit10: number;
  /** Share of the gold entries (at file level: of the distinct gold files) hit by the first k results. */
  recall: number;
  /** 1 / rank when rank ≤ 10, else 0. */
  rr10: number;
  /** nDCG@10 with binary relevance: a result gains 1 when it hits a gold entry that no earlier result hit. */
  ndcg10: number;
}

/** Means over queries (each query weighs the same). */
export interface MetricSummary {
  n: number;
  hit1: number;
  hit5: number;
  hit10: number;
  recall: number;
  mrr10: number;
  ndcg10: number;
}

/** The metric names of a MetricSummary, in report order. */
export const METRICS = ['hit1', 'hit5', 'hit10', 'recall', 'mrr10', 'ndcg10'] as const;
export type MetricName = (typeof METRICS)[number];

export function hits(level: Level, result: Span, gold: Span): boolean {
  if (result.path !== gold.path) return false;
  return level === 'file' || (result.startLine <= gold.endLine && gold.startLine <= result.endLine);
}

/** At file level a gold file counts once, however many of its ranges are gold. */
function goldAt(level: Level, gold: Span[]): Span[] {
  if (level === 'chunk') return gold;
  const seen = new Set<string>();
  return gold.filter((g) => !seen.has(g.path) && seen.add(g.path));
}

/**
 * Scores one query's ranked results against its gold entries. `k` is the cutoff of recall@k; the other metrics
 * look at the first 1, 5 or 10 results whatever `k` is. A query without gold entries scores 0 everywhere.
 */
export function scoreQuery(results: Span[], goldEntries: Span[], level: Level, k: number): QueryScores {
  const gold = goldAt(level, goldEntries);
  let rank: number | null = null;
  for (let i = 0; i < results.length && rank === null; i++) {
    const r = results[i] as Span;
    if (gold.some((g) => hits(level, r, g))) rank = i + 1;
  }
  const found = gold.filter((g) => results.slice(0, k).some((r) => hits(level, r, g))).length;
  // Greedy in result order: each relevant result is credited with the first gold entry (in gold order) not yet
  // credited, so a gold entry adds gain once and a second chunk of the same function adds nothing.
  const credited = new Set<number>();
  let dcg = 0;
  results.slice(0, 10).forEach((r, i) => {
    const g = gold.findIndex((entry, j) => !credited.has(j) && hits(level, r, entry));
    if (g < 0) return;
    credited.add(g);
    dcg += 1 / Math.log2(i + 2);
  });
  let idcg = 0;
  for (let i = 0; i < Math.min(gold.length, 10); i++) idcg += 1 / Math.log2(i + 2);
  const within = (n: number) => (rank !== null && rank <= n ? 1 : 0);
  return {
    rank,
    hit1: within(1),
    hit5: within(5),
    hit10: within(10),
    recall: gold.length ? found / gold.length : 0,
    rr10: rank !== null && rank <= 10 ? 1 / rank : 0,
    ndcg10: idcg ? dcg / idcg : 0,
  };
}

/** The mean of each metric over the queries; all zeros (n = 0) for none. */
export function summarize(scores: QueryScores[]): MetricSummary {
  const n = scores.length;
  const mean = (f: (s: QueryScores) => number) => (n ? scores.reduce((a, s) => a + f(s), 0) / n : 0);
  return {
    n,
    hit1: mean((s) => s.hit1),
    hit5: mean((s) => s.hit5),
    hit10: mean((s) => s.hit10),
    recall: mean((s) => s.recall),
    mrr10: mean((s) => s.rr10),
    ndcg10: mean((s) => s.ndcg10),
  };
}

/** Nearest-rank percentile (p in 0..100): the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? null;
}

/** A packed block as context recall sees it: its file and the runs of lines it shows whole. */
export interface PackedSpan {
  path: string;
  shown: [number, number][];
}

/**
 * Context recall of one question: the share of its gold ranges that lie wholly inside the packed context, i.e. inside
 * one run of lines some block shows whole (a range cut by an elision marker does not count). 0 without gold.
 */
export function contextRecall(blocks: readonly PackedSpan[], gold: readonly Span[]): number {
  if (gold.length === 0) return 0;
  const inside = gold.filter((g) =>
    blocks.some((b) => b.path === g.path && b.shown.some(([s, e]) => s <= g.startLine && g.endLine <= e)),
  );
  return inside.length / gold.length;
}
