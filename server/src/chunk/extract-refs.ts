// Pure. The code graph's edges from one file: the names each chunk references (calls, type uses, inherited classes,
// component uses), from the tags query's `@reference.<kind>` captures. Honestly approximate: by name only, not resolved
// to a definition (a call of `get` refers to every `get`). Never throws.
import type { QueryMatch } from 'web-tree-sitter';

/** At most this many distinct names are kept per chunk (first seen first): a huge generated table adds no signal. */
export const MAX_REFS_PER_CHUNK = 64;

/** A referenced name and the 1-based line it is on. */
export interface RefSite {
  name: string;
  line: number;
}

/** A name worth a graph edge: an identifier-like word of 2 to 80 characters. */
const NAME = /^[\p{L}_$][\p{L}\p{N}_$]{1,79}$/u;

/** The references in a file's tags matches, in source order. */
export function referenceSites(matches: QueryMatch[]): RefSite[] {
  const out: RefSite[] = [];
  for (const match of matches) {
    for (const capture of match.captures) {
      if (!capture.name.startsWith('reference.')) continue;
      const name = capture.node.text;
      if (NAME.test(name)) out.push({ name, line: capture.node.startPosition.row + 1 });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/**
 * The names each chunk references: a site belongs to the smallest chunk whose lines cover it (a method's chunk, not
 * its class's skeleton). Deduplicated, at most MAX_REFS_PER_CHUNK per chunk, aligned with `chunks`.
 */
export function refsByChunk(chunks: { startLine: number; endLine: number }[], sites: RefSite[]): string[][] {
  const out: Set<string>[] = chunks.map(() => new Set<string>());
  if (sites.length === 0 || chunks.length === 0) return out.map(() => []);
  const lastLine = Math.max(...chunks.map((c) => c.endLine));
  const owner = new Int32Array(lastLine + 2).fill(-1);
  // Paint the largest chunks first, so that smaller (nested) ones own their lines.
  const order = chunks.map((_, i) => i).sort((a, b) => span(chunks[b]) - span(chunks[a]));
  for (const i of order) {
    const c = chunks[i] as { startLine: number; endLine: number };
    owner.fill(i, Math.max(c.startLine, 0), Math.max(c.endLine + 1, 0));
  }
  for (const site of sites) {
    const i = site.line <= lastLine ? (owner[site.line] ?? -1) : -1;
    const set = out[i];
    if (set && set.size < MAX_REFS_PER_CHUNK) set.add(site.name);
  }
  return out.map((s) => [...s]);
}

function span(c: { startLine: number; endLine: number } | undefined): number {
  return c ? c.endLine - c.startLine : 0;
}
