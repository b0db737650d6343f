// Pure. Chosen pieces of files become blocks: pieces of one file that overlap, touch, or stand apart by blank lines only
// merge into one block; each line is shown once; gaps inside a block become one elision marker each.
import type { NumberedLines } from './candidate-lines.js';
import { type ContextBlock, ELISION } from './context-types.js';

/** A candidate as chosen for packing: its lines (whole or trimmed), or its own text when its lines are unknown. */
export interface Piece {
  folder: string;
  path: string;
  language: string;
  symbol: string;
  rank: number;
  score: number;
  startLine: number;
  endLine: number;
  /** The lines shown; undefined for a piece shown as its own text (`text`), which merges with nothing. */
  lines: NumberedLines | undefined;
  text: string;
  /** Lines of the piece's range are left out (trimmed, or a skeleton). */
  elided: boolean;
  source: readonly string[] | undefined;
}

/** A block before it is counted: what the renderers need (a ContextBlock without its token count). */
export type MergedBlock = Omit<ContextBlock, 'tokens'>;

/** Merges the pieces of one file (or of several: they are grouped by folder and path) into blocks ordered by line. */
export function mergeBlocks(pieces: readonly Piece[]): MergedBlock[] {
  // One piece, the packer's most frequent question (what does this candidate cost alone), is one block, made once.
  const only = pieces.length === 1 ? pieces[0] : undefined;
  if (only) {
    let block = alone.get(only);
    if (!block) {
      block = toBlock([only]);
      alone.set(only, block);
    }
    return [block];
  }
  const byFile = new Map<string, Piece[]>();
  for (const p of pieces) {
    const key = `${p.folder}\0${p.path}`;
    const list = byFile.get(key);
    if (list) list.push(p);
    else byFile.set(key, [p]);
  }
  const out: MergedBlock[] = [];
  for (const list of byFile.values()) out.push(...mergeFile(list));
  return out;
}

/** The block of a piece alone (pieces and blocks are not changed once made). */
const alone = new WeakMap<Piece, MergedBlock>();

function mergeFile(pieces: Piece[]): MergedBlock[] {
  const sorted = [...pieces].sort((a, b) => span(a)[0] - span(b)[0] || span(a)[1] - span(b)[1] || a.rank - b.rank);
  const groups: Piece[][] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    const [s, e] = span(p);
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    if (group && last?.lines && p.lines && joins(end, s, p.source)) {
      group.push(p);
      end = Math.max(end, e);
    } else {
      groups.push([p]);
      end = e;
    }
  }
  return groups.map(toBlock);
}

/** The lines a piece shows, first and last. */
function span(p: Piece): [number, number] {
  const first = p.lines?.[0];
  const last = p.lines?.[p.lines.length - 1];
  return first && last ? [first[0], last[0]] : [p.startLine, p.endLine];
}

/** A piece starting at `start` joins a block ending at `end` when they overlap, touch, or only blank lines lie between. */
function joins(end: number, start: number, source: readonly string[] | undefined): boolean {
  if (start <= end + 1) return true;
  if (!source) return false;
  for (let l = end + 1; l < start; l++) if (source[l - 1]?.trim()) return false;
  return true;
}

function toBlock(group: Piece[]): MergedBlock {
  const best = [...group].sort((a, b) => a.rank - b.rank);
  const head = best[0] as Piece;
  const meta = {
    folder: head.folder,
    path: head.path,
    language: head.language,
    symbols: unique(best.map((p) => p.symbol).filter(Boolean)),
    ranks: best.map((p) => p.rank),
    rank: head.rank,
    score: Math.max(...group.map((p) => p.score)),
  };
  if (!head.lines) {
    const shown: [number, number][] = head.elided ? [] : [[head.startLine, head.endLine]];
    return { ...meta, startLine: head.startLine, endLine: head.endLine, elided: head.elided, shown, content: head.text };
  }
  // One piece of contiguous lines, the common case, is its own text.
  const only = group.length === 1 ? head.lines : undefined;
  const first = only?.[0];
  const last = only?.[only.length - 1];
  if (only && first && last && last[0] - first[0] + 1 === only.length && last[0] >= head.endLine) {
    return {
      ...meta,
      startLine: first[0],
      endLine: last[0],
      elided: false,
      shown: [[first[0], last[0]]],
      content: joined(only),
    };
  }
  const entries = numberedOnce(group);
  // Blank lines between pieces that were merged across them are shown, not elided.
  const source = group.find((p) => p.source)?.source;
  const rendered: string[] = [];
  const shown: [number, number][] = [];
  let elided = false;
  let previous: number | undefined;
  let previousText = '';
  for (const [n, text] of entries) {
    const run = shown[shown.length - 1];
    if (previous !== undefined && n > previous + 1) {
      if (source && blankBetween(source, previous, n)) {
        for (let l = previous + 1; l < n && l <= source.length; l++) rendered.push(source[l - 1] as string);
        if (run) run[1] = n;
      } else {
        rendered.push(`${deeper(previousText, text)}${ELISION}`);
        elided = true;
        shown.push([n, n]);
      }
    } else if (run) run[1] = n;
    else shown.push([n, n]);
    rendered.push(text);
    previous = n;
    previousText = text;
  }
  // A trimmed definition whose last lines were left out says so.
  const rangeEnd = Math.max(...group.map((p) => p.endLine));
  if (previous !== undefined && rangeEnd > previous) {
    rendered.push(`${/^\s*/.exec(previousText)?.[0] ?? ''}${ELISION}`);
    elided = true;
  }
  return {
    ...meta,
    startLine: entries[0]?.[0] ?? head.startLine,
    endLine: entries[entries.length - 1]?.[0] ?? head.endLine,
    elided,
    shown,
    content: rendered.join('\n'),
  };
}

/** The pieces' lines by number, each once (a later piece's text for a number wins), ascending. */
function numberedOnce(group: Piece[]): NumberedLines {
  const only = group.length === 1 ? group[0]?.lines : undefined;
  // One piece's lines are ascending already, nearly always: no map, no sort.
  if (only?.every(([n], i) => i === 0 || n > (only[i - 1]?.[0] ?? n))) return only;
  const lines = new Map<number, string>();
  for (const p of group) for (const [n, t] of p.lines ?? []) lines.set(n, t);
  return [...lines.entries()].sort((a, b) => a[0] - b[0]);
}

/** True when the source lines strictly between `from` and `to` (1-based) are all blank. */
function blankBetween(source: readonly string[], from: number, to: number): boolean {
  for (let l = from + 1; l < to; l++) if (source[l - 1]?.trim()) return false;
  return true;
}

/**
 * A piece's lines as one text, joined once per lines array: the packer merges a file's pieces again at each choice, and
 * the same string then keeps its hash for the lookups of its count.
 */
const joinedTexts = new WeakMap<NumberedLines, string>();
function joined(lines: NumberedLines): string {
  let text = joinedTexts.get(lines);
  if (text === undefined) {
    text = lines.map(([, t]) => t).join('\n');
    joinedTexts.set(lines, text);
  }
  return text;
}

/** The longer indentation of two lines: an elided body is indented at least as deep as its neighbours. */
function deeper(a = '', b = ''): string {
  const ia = /^\s*/.exec(a)?.[0] ?? '';
  const ib = /^\s*/.exec(b)?.[0] ?? '';
  return ia.length >= ib.length ? ia : ib;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
