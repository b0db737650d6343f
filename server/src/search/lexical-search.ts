// Lexical candidates: the FTS5 MATCH expression of a parsed query. Never builds an invalid expression from any text.
import type { ParsedQuery } from '../tokens/parse-query.js';

/** Quotes a term for an FTS5 MATCH expression: any text becomes a valid string literal. */
export function ftsString(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** An FTS5 expression that any chunk matching at least one term satisfies; phrases add to the score. Never invalid. */
export function matchExpression(q: ParsedQuery): string | undefined {
  const parts = [...q.terms.map(ftsString), ...q.phrases.map((p) => ftsString(p.join(' ')))];
  return parts.length ? parts.join(' OR ') : undefined;
}
