// Pure. What FTS5 indexes for a chunk, column by column (chunks_fts: symbol, sigdoc, body, path). The query side (the
// MATCH expression) is search/lexical-search.ts; both split text with tokens/code-tokens.ts.
import type { Chunk } from '../model.js';
import { expandForIndex, expandPath } from '../tokens/code-tokens.js';

/** The text of a chunk as FTS5 indexes it, one field per column. */
export interface FtsFields {
  symbol: string;
  sigdoc: string;
  body: string;
  path: string;
}

/**
 * The symbol column holds only the chunk's own names (`method`, not `Class.method`; a Markdown section's own heading),
 * so an exact name is not diluted by its parents; the qualified name goes with the signature and doc.
 */
export function ftsFields(chunk: Chunk): FtsFields {
  return {
    symbol: expandForIndex(ownNames(chunk)),
    sigdoc: expandForIndex(`${chunk.symbol}\n${chunk.signature}\n${chunk.doc}`),
    body: expandForIndex(chunk.content),
    path: expandPath(chunk.path),
  };
}

function ownNames(chunk: Chunk): string {
  if (chunk.kind === 'section') {
    const last = chunk.symbol.lastIndexOf(' > ');
    return last < 0 ? chunk.symbol : chunk.symbol.slice(last + 3);
  }
  return chunk.symbol
    .split(/,\s*/)
    .map((q) => q.slice(q.lastIndexOf('.') + 1))
    .join(' ');
}
