// Pure. Markdown by headings: a section runs from its heading to the next heading; fenced code never holds headings.
import type { Chunk } from '../model.js';
import { lineWindows, type WindowBudget } from './line-windows.js';
import type { SourceLines } from './source-lines.js';

interface Heading {
  line: number;
  level: number;
  title: string;
  /** First line of the heading (a setext heading starts on its text line). */
  start: number;
}

export function chunkMarkdown(src: SourceLines, budget: WindowBudget): Chunk[] {
  const headings = findHeadings(src);
  const chunks: Chunk[] = [];
  const path: string[] = [];
  const firstStart = headings[0]?.start ?? src.count + 1;
  if (firstStart > 1) chunks.push(...section(src, 1, firstStart - 1, '', budget));
  // A heading with nothing under it but the next heading (`# Guide` then `## Install`) joins the next section.
  let pendingStart: number | undefined;
  headings.forEach((h, i) => {
    path.length = h.level - 1;
    path[h.level - 1] = h.title;
    const next = headings[i + 1];
    const end = (next?.start ?? src.count + 1) - 1;
    if (next && src.trim(h.line + 1, end) === undefined) {
      pendingStart ??= h.start;
      return;
    }
    const symbol = path.filter(Boolean).join(' > ');
    chunks.push(...section(src, pendingStart ?? h.start, end, symbol, budget, h.start));
    pendingStart = undefined;
  });
  return chunks;
}

function section(
  src: SourceLines,
  start: number,
  end: number,
  symbol: string,
  budget: WindowBudget,
  headingLine = start,
): Chunk[] {
  const range = src.trim(start, end);
  if (!range) return [];
  const [s, e] = range;
  const heading = symbol ? src.line(headingLine).trim() : '';
  return lineWindows(src, s, e, budget, { symbol, kind: 'section', signature: heading }, heading || undefined);
}

function findHeadings(src: SourceLines): Heading[] {
  const headings: Heading[] = [];
  let fence: string | undefined;
  for (let n = 1; n <= src.count; n++) {
    const line = src.line(n);
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch?.[1]) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx?.[1]) {
      headings.push({ line: n, start: n, level: atx[1].length, title: headingTitle(atx[2] ?? '') });
      continue;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
    const prev = src.line(n - 1);
    if (setext?.[1] && n > 1 && !src.isBlank(n - 1) && !/^ {0,3}([#>*+-]|\d+[.)])/.test(prev)) {
      // The text line above is the heading, unless it already belongs to a heading.
      if (headings[headings.length - 1]?.line !== n - 1) {
        headings.push({ line: n, start: n - 1, level: setext[1][0] === '=' ? 1 : 2, title: headingTitle(prev) });
      }
    }
  }
  return headings;
}

/**
 * A heading as the words a reader sees: badges and other images dropped, links and inline HTML reduced to their text
 * (`# cacache [![npm](…/v.svg)](…)` → `cacache`, `<a name="rm"></a> rm.all` → `rm.all`). It names the section.
 */
export function headingTitle(text: string): string {
  const plain = text
    .replace(/\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)/g, ' ') // a linked image (a badge)
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ') // an image
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link: its text
    .replace(/<[^>]*>/g, ' ') // inline HTML tags
    .replace(/\s+/g, ' ')
    .trim();
  return plain || text.trim();
}
