// Pure. What FTS5 indexes for a chunk, column by column, and the MATCH expression for a query.
import type { Chunk } from '../model.js';
import type { FtsFields } from '../store/store.js';
import { expandForIndex, expandPath, ftsString, type QueryTerms } from './code-tokens.js';

export function ftsFields(chunk: Chunk): FtsFields {
  return {
    symbol: expandForIndex(chunk.symbol),
    sigdoc: expandForIndex(`${chunk.signature}\n${chunk.doc}`),
    body: expandForIndex(chunk.content),
    path: expandPath(chunk.path),
  };
}

/** An FTS5 expression that any chunk matching at least one term satisfies; phrases add to the score. Never invalid. */
export function matchExpression(q: QueryTerms): string | undefined {
  const parts = [...q.terms.map(ftsString), ...q.phrases.map((p) => ftsString(p.join(' ')))];
  return parts.length ? parts.join(' OR ') : undefined;
}
