// Pure. The values context assembly passes around: ranked candidates in, packed blocks and rendered text out.
// Invariant: lines are 1-based and refer to the file as indexed; `folder` keeps files of different workspace folders apart.

/** How packed context is rendered. */
export const CONTEXT_FORMATS = ['markdown', 'json', 'xml'] as const;
export type ContextFormat = (typeof CONTEXT_FORMATS)[number];

export function isContextFormat(value: unknown): value is ContextFormat {
  return typeof value === 'string' && (CONTEXT_FORMATS as readonly string[]).includes(value);
}

/** A ranked chunk offered to the packer, best first. */
export interface ContextCandidate {
  /** The workspace folder the file belongs to ('' for a single repository); shown before the path when set. */
  folder: string;
  path: string;
  language: string;
  symbol: string;
  kind: string;
  startLine: number;
  endLine: number;
  /** The chunk's text: its source lines, or a skeleton / a part headed by its definition's first line. */
  content: string;
  /** The declaration, whitespace collapsed ('' when none). */
  signature: string;
  /** The doc comment, markers kept ('' when none). */
  doc: string;
  score: number;
  /**
   * The tokens of `content` alone by the packer's counter, when the caller knows them (the index stores each chunk's
   * o200k count): the packer then counts only the header and closing of a block that shows the content as is.
   */
  tokens?: number;
  /**
   * The file's lines as indexed, when the caller could read them unchanged: chunks of one file then merge by their real
   * lines. Without them a chunk is shown as its own text and merges with nothing.
   */
  source?: readonly string[];
  /** Taken before anything else when it fits (the chunk at the editor's cursor). */
  pinned?: boolean;
  /**
   * The lines of the whole definition this chunk is a part of, when it reaches past the chunk (a long definition cut
   * into parts). With the source known, the definition is taken whole in the chunk's place when it fits its share.
   */
  definition?: { startLine: number; endLine: number };
}

/** Top-level declarations of one file, for the repository map. */
export interface FileOutline {
  folder: string;
  path: string;
  /** 1-based line and the declaration's text (one line). */
  entries: { line: number; text: string }[];
}

/** One packed block: a contiguous stretch of a file (gaps shown as elision markers), with where it came from. */
export interface ContextBlock {
  folder: string;
  path: string;
  language: string;
  startLine: number;
  endLine: number;
  /** Symbols of the candidates merged into this block, best rank first. */
  symbols: string[];
  /** 1-based ranks of the merged candidates, best first; `rank` is the best. */
  ranks: number[];
  rank: number;
  score: number;
  /** True when lines were left out (a definition trimmed to its signature, doc and matching lines, or a skeleton). */
  elided: boolean;
  /** Runs of lines shown whole, [first, last] each: what a citation of this block can rely on. */
  shown: [number, number][];
  /** The block's lines as rendered, elision markers included. */
  content: string;
  /** Exact tokens of this block as rendered in the chosen format (header and fences included). */
  tokens: number;
}

/** What the packer returns: the blocks, the map, and the rendered text whose exact token count is ≤ the budget. */
export interface PackedContext {
  format: ContextFormat;
  budget: number;
  /** Exact tokens of `text`. Never more than `budget`. */
  tokens: number;
  text: string;
  /** In reading order: by folder, path, then line. */
  blocks: ContextBlock[];
  /** Files and their top-level declarations, when the budget left room for them; [] otherwise. */
  repoMap: FileOutline[];
  /** Candidates offered, dropped as duplicates of others, and left out for lack of budget. */
  candidates: number;
  duplicates: number;
  omitted: number;
}

/** The marker put where lines are left out. */
export const ELISION = '⋮';
