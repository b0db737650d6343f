// Pure. A strong single-side hit survives fusion: the file dense search ranks first keeps a place among the first
// results. Invariant: a permutation of its input that moves at most one result, and only up.

/**
 * When no result among the first `within - 1` is from the file of dense search's first result, that result moves up
 * to place `within` (the others keep their order). `within` 0 changes nothing.
 */
export function keepDenseFirst<T extends { chunk: { path: string }; denseRank?: number }>(ranked: T[], within: number): T[] {
  if (!within) return ranked;
  const i = ranked.findIndex((r) => r.denseRank === 1);
  const first = ranked[i];
  if (!first || i < within || ranked.slice(0, within - 1).some((r) => r.chunk.path === first.chunk.path)) return ranked;
  return [...ranked.slice(0, within - 1), first, ...ranked.slice(within - 1, i), ...ranked.slice(i + 1)];
}
