// Pure. The code graph inside a pasted issue's ranking: the function a top hit calls is often where the fix goes (a
// public entry point matches the words, its helper in another module does the work). Invariant: a
// permutation of its input.

/**
 * For each of the first `seeds` results in turn, its best-ranked callee in another file among the results below it,
 * before place `within` (`callees` maps a chunk id to the chunk ids it calls), moves up to just below it; results
 * lifted once stay where they were put. A callee in the seed's own file stays: the files-first stage already gives
 * that file's results their places, and moving one there only reshuffles them.
 */
export function liftCallees<T extends { id: number; chunk: { path: string } }>(
  ranked: T[],
  callees: Map<number, number[]>,
  seeds: number,
  within: number,
): T[] {
  const out = ranked.slice();
  const lifted = new Set<number>();
  for (const seed of ranked.slice(0, seeds)) {
    const at = out.indexOf(seed);
    const wanted = new Set(callees.get(seed.id) ?? []);
    const j = out.findIndex(
      (r, k) => k > at && k < within && wanted.has(r.id) && !lifted.has(r.id) && r.chunk.path !== seed.chunk.path,
    );
    if (j < 0 || j === at + 1) continue;
    const callee = out[j] as T;
    out.splice(j, 1);
    out.splice(at + 1, 0, callee);
    lifted.add(callee.id);
  }
  return out;
}
