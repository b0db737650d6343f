// Pure. Cuts a range of lines into windows under the line and character budgets, preferring blank lines as cuts.
import type { Chunk } from '../model.js';
import type { ChunkFields, SourceLines } from './source-lines.js';

export interface WindowBudget {
  maxLines: number;
  maxChars: number;
}

/**
 * Windows over [start, end]. Every non-blank line lands in exactly one window. When `header` is given, each window
 * that does not begin at `start` is prefixed with it (the signature line of the definition being split).
 */
export function lineWindows(
  src: SourceLines,
  start: number,
  end: number,
  budget: WindowBudget,
  fields: ChunkFields,
  header?: string,
): Chunk[] {
  const chunks: Chunk[] = [];
  let s = start;
  while (s <= end) {
    let e = s;
    let chars = src.line(s).length + 1;
    while (e < end && e - s + 1 < budget.maxLines && chars + src.line(e + 1).length + 1 <= budget.maxChars) {
      e++;
      chars += src.line(e).length + 1;
    }
    // A short remainder joins this window rather than standing alone (up to a quarter over budget).
    if (e < end && end - e <= Math.max(3, budget.maxLines / 10) && end - s + 1 <= budget.maxLines * 1.25) {
      const extra = src.chars(e + 1, end);
      if (chars + extra <= budget.maxChars * 1.25) e = end;
    }
    if (e < end) {
      // Prefer ending on a blank line in the last third of the window.
      for (let b = e; b > s + Math.floor((e - s) * 0.66); b--) {
        if (src.isBlank(b)) {
          e = b;
          break;
        }
      }
    }
    const range = src.trim(s, e);
    if (range) {
      const [ws, we] = range;
      const prefix = header !== undefined && ws > start ? `${header}\n` : undefined;
      chunks.push(src.chunk(ws, we, prefix ? { ...fields, content: prefix + src.text(ws, we) } : fields));
    }
    s = e + 1;
  }
  return chunks;
}
