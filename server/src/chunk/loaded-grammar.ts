// Pure. The value the grammar loader (I/O) hands to the chunker: a parser for one language and its tags query.
import type { Parser, Query } from 'web-tree-sitter';

/** A parser ready for one language, with its compiled tags query. */
export interface LoadedGrammar {
  id: string;
  parser: Parser;
  query: Query;
}
