// Pure. The repository map: the relevant files, best first, each with its top-level declarations, as many as fit.

import type { ContextFormat, FileOutline } from './context-types.js';
import type { CountTokens } from './count-tokens.js';
import { renderRepoMap } from './format-context.js';

/** A file lists at most this many declarations in the map (a long list says little more than its first lines). */
export const MAX_MAP_ENTRIES = 30;

/**
 * The files that fit in `allowance` tokens, in the order given, with their rendered segment and its exact count.
 * A file with no declarations is listed by its path alone; a file that does not fit is passed over for smaller ones.
 */
export function buildRepoMap(
  outlines: readonly FileOutline[],
  format: ContextFormat,
  allowance: number,
  count: CountTokens,
): { files: FileOutline[]; text: string; tokens: number } {
  const none = { files: [], text: '', tokens: 0 };
  if (outlines.length === 0 || allowance <= 0) return none;
  const frameCost = count(renderRepoMap([{ folder: '', path: '', entries: [] }], format));
  let used = frameCost;
  const files: FileOutline[] = [];
  for (const outline of outlines) {
    const f = { ...outline, entries: outline.entries.slice(0, MAX_MAP_ENTRIES) };
    // Each entry takes at least two tokens (its line number, its line break): a file that cannot fit is not counted.
    if (used + 2 * f.entries.length > allowance) continue;
    // A file's cost: the map with it alone, less the map's frame (its own empty path line, roughly).
    const cost = Math.max(1, count(renderRepoMap([f], format)) - frameCost + 1);
    if (used + cost > allowance) continue;
    files.push(f);
    used += cost;
  }
  if (files.length === 0) return none;
  const text = renderRepoMap(files, format);
  const tokens = count(text);
  // Counted apart, the files may come to a little less than the whole: then the last ones go until it fits.
  if (tokens <= allowance) return { files, text, tokens };
  return buildRepoMap(files.slice(0, -1), format, allowance, count);
}
