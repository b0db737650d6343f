// Pure. What FTS5 indexes for a chunk, column by column, and the MATCH expression for a query.
import type { Chunk } from '../model.js';
import type { FtsFields } from '../store/store.js';
import { expandForIndex, expandPath, ftsString, type QueryTerms } from './code-tokens.js';

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

/** An FTS5 expression that any chunk matching at least one term satisfies; phrases add to the score. Never invalid. */
export function matchExpression(q: QueryTerms): string | undefined {
  const parts = [...q.terms.map(ftsString), ...q.phrases.map((p) => ftsString(p.join(' ')))];
  return parts.length ? parts.join(' OR ') : undefined;
}
