// Pure. Which lines of its file a chunk shows, numbered: the key to merging chunks of one file and to trimming them.
import type { ContextCandidate } from './context-types.js';

/** Numbered lines, ascending, each line once. */
export type NumberedLines = [line: number, text: string][];

/** How far above a part its definition's header line is looked for. */
const HEADER_SEARCH_LINES = 5000;

/**
 * The numbered lines a candidate shows, or undefined when they cannot be known (a skeleton or a part without the file's
 * source): the candidate is then shown as its own text. A chunk's content is its source lines, or a skeleton (some of
 * them, with elided members marked by lines not in the source), or a part headed by its definition's first line
 * (trimmed, from above the part): each content line is found in the source in order, and the rest are markers.
 */
export function candidateLines(c: ContextCandidate): NumberedLines | undefined {
  const span = c.endLine - c.startLine + 1;
  const { source } = c;
  // The common case, a chunk of whole source lines: compared in place, its lines are the source's strings.
  if (source && span > 0 && c.endLine <= source.length && isRange(c.content, source, c.startLine - 1, c.endLine)) {
    const out: NumberedLines = new Array(span);
    for (let l = c.startLine; l <= c.endLine; l++) out[l - c.startLine] = [l, source[l - 1] as string];
    return out;
  }
  const content = c.content.split('\n');
  if (!source) {
    return content.length === span ? content.map((text, i): [number, string] => [c.startLine + i, text]) : undefined;
  }
  const out: NumberedLines = [];
  let from = c.startLine;
  let i = 0;
  const first = content[0]?.trim() ?? '';
  if (first && source[c.startLine - 1]?.trim() !== first) {
    for (let l = c.startLine - 1; l >= Math.max(1, c.startLine - HEADER_SEARCH_LINES); l--) {
      if (source[l - 1]?.trim() === first) {
        out.push([l, source[l - 1] ?? '']);
        i = 1;
        break;
      }
    }
  }
  for (; i < content.length; i++) {
    const text = content[i] ?? '';
    for (let l = from; l <= Math.min(c.endLine, source.length); l++) {
      if (source[l - 1] === text) {
        out.push([l, text]);
        from = l + 1;
        break;
      }
    }
  }
  return out.length > 0 ? out : undefined;
}

/**
 * True when `text` is source[from…to) joined by line breaks: their lengths first, then one comparison of the joined
 * lines (a `startsWith` a line costs a runtime call each, several times the join).
 */
function isRange(text: string, source: readonly string[], from: number, to: number): boolean {
  let length = to - from - 1;
  for (let i = from; i < to; i++) {
    const line = source[i];
    if (line === undefined) return false;
    length += line.length;
  }
  return length === text.length && source.slice(from, to).join('\n') === text;
}
