// Pure. A definition too long for its share of the budget, cut down to what says most: its doc, its signature and the
// lines that match the question; the lines left out become elision markers when rendered.
import type { NumberedLines } from './candidate-lines.js';

/** A signature is looked for in at most this many lines. */
const MAX_SIGNATURE_LINES = 8;

/**
 * The kept lines of a trimmed definition: the doc comment's lines, the signature's lines, at most `maxMatched` lines
 * containing a term (in file order), and a short closing line (`}`, `end`). Returns the lines unchanged when nothing
 * would be left out.
 */
export function trimDefinition(
  lines: NumberedLines,
  doc: string,
  signature: string,
  terms: readonly string[],
  maxMatched = Number.POSITIVE_INFINITY,
): NumberedLines {
  return trimDefinitions(lines, doc, signature, terms, [maxMatched])[0] as NumberedLines;
}

/** trimDefinition for each of `maxMatched`, the lines read once. */
export function trimDefinitions(
  lines: NumberedLines,
  doc: string,
  signature: string,
  terms: readonly string[],
  maxMatched: readonly number[],
): NumberedLines[] {
  if (lines.length === 0) return maxMatched.map(() => lines);
  // 1: always kept; k > 1: the (k-1)th line matching a term.
  const keep = new Uint32Array(lines.length);
  let i = 0;
  // The doc comment opens the chunk when there is one.
  const docLines = doc ? doc.split('\n').length : 0;
  for (; i < Math.min(docLines, lines.length); i++) keep[i] = 1;
  // Skip blank lines and attributes' blank gaps before the declaration.
  while (i < lines.length && !lines[i]?.[1].trim()) i++;
  const wanted = collapse(signature).length;
  let seen = '';
  for (let n = 0; i < lines.length && n < MAX_SIGNATURE_LINES; i++, n++) {
    keep[i] = 1;
    seen = collapse(`${seen} ${lines[i]?.[1] ?? ''}`);
    if (seen.length >= wanted) {
      i++;
      break;
    }
  }
  const needles = terms.map((t) => t.toLowerCase()).filter((t) => t.length >= 2);
  const most = Math.min(Math.max(0, ...maxMatched), lines.length);
  let matched = 0;
  for (let j = i; j < lines.length && matched < most; j++) {
    const text = lines[j]?.[1].toLowerCase() ?? '';
    if (needles.some((t) => text.includes(t))) keep[j] = 2 + matched++;
  }
  const last = lines.length - 1;
  if (last >= i && (lines[last]?.[1].trim().length ?? 0) <= 3) keep[last] = 1;
  // Limits over the lines matched keep the same lines: the same array.
  const byMatched = new Map<number, NumberedLines>();
  return maxMatched.map((max) => {
    const limit = Math.min(max, matched);
    let kept = byMatched.get(limit);
    if (!kept) {
      kept = lines.filter((_, j) => keep[j] === 1 || ((keep[j] as number) > 1 && (keep[j] as number) - 1 <= limit));
      if (kept.length === lines.length) kept = lines;
      byMatched.set(limit, kept);
    }
    return kept;
  });
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
