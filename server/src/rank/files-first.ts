// Pure. The second stage of ranking for a pasted issue: files by the evidence of all their results, then the best
// results within each of the first files. Invariant: a permutation of its input; with no slots the order is unchanged.

/**
 * Files ranked by the evidence of their results (the sum of 1/position^power over each of their results among the
 * first `depth`, so that a file's second and third hits add to its first), then the i-th file leads with its best `slots[i]` results, in file
 * order; every other result follows in the order it had.
 */
export function filesFirst<T extends { chunk: { path: string } }>(
  ranked: T[],
  slots: readonly number[],
  power: number,
  depth = Number.POSITIVE_INFINITY,
): T[] {
  if (!slots.length) return ranked.slice();
  const files = new Map<string, { evidence: number; results: T[] }>();
  ranked.forEach((r, i) => {
    const file = files.get(r.chunk.path) ?? { evidence: 0, results: [] };
    if (i < depth) file.evidence += 1 / (i + 1) ** power;
    file.results.push(r);
    files.set(r.chunk.path, file);
  });
  // Ties keep the order of each file's first result (Map order is first appearance; the sort is stable).
  const order = [...files.values()].sort((a, b) => b.evidence - a.evidence);
  const lead = new Set<T>();
  order.slice(0, slots.length).forEach((file, i) => {
    for (const r of file.results.slice(0, slots[i])) lead.add(r);
  });
  const first = order.slice(0, slots.length).flatMap((file) => file.results.filter((r) => lead.has(r)));
  return [...first, ...ranked.filter((r) => !lead.has(r))];
}
