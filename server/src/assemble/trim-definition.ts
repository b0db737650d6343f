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
  if (lines.length === 0) return lines;
  const keep = new Set<number>();
  let i = 0;
  // The doc comment opens the chunk when there is one.
  const docLines = doc ? doc.split('\n').length : 0;
  for (; i < Math.min(docLines, lines.length); i++) keep.add(i);
  // Skip blank lines and attributes' blank gaps before the declaration.
  while (i < lines.length && !lines[i]?.[1].trim()) i++;
  const wanted = collapse(signature).length;
  let seen = '';
  for (let n = 0; i < lines.length && n < MAX_SIGNATURE_LINES; i++, n++) {
    keep.add(i);
    seen = collapse(`${seen} ${lines[i]?.[1] ?? ''}`);
    if (seen.length >= wanted) {
      i++;
      break;
    }
  }
  const needles = terms.map((t) => t.toLowerCase()).filter((t) => t.length >= 2);
  let matched = 0;
  for (let j = i; j < lines.length && matched < maxMatched; j++) {
    const text = lines[j]?.[1].toLowerCase() ?? '';
    if (needles.some((t) => text.includes(t))) {
      keep.add(j);
      matched++;
    }
  }
  const last = lines.length - 1;
  if (last >= i && (lines[last]?.[1].trim().length ?? 0) <= 3) keep.add(last);
  if (keep.size === lines.length) return lines;
  return lines.filter((_, j) => keep.has(j));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
