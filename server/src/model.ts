// Shared plain types of the pipeline: what ingest, chunk, store, search and rank pass to each other.
// Invariant: paths are repository-relative with forward slashes; lines are 1-based inclusive; bytes are UTF-8 offsets.

/** The kind of a chunk: a definition kind from a grammar's tags query, or how the text was cut. */
export type ChunkKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'struct'
  | 'trait'
  | 'impl'
  | 'module'
  | 'constant'
  | 'variable'
  | 'field'
  | 'macro'
  /** Top-level code outside any definition (imports, statements, small constants merged together). */
  | 'block'
  /** A Markdown section, from its heading to the next heading. */
  | 'section'
  /** A window of lines, for files without a grammar or that failed to parse. */
  | 'window';

/** A searchable piece of a file. */
export interface Chunk {
  path: string;
  language: string;
  /** Qualified symbol (`Class.method`), a heading path for Markdown, or '' for windows and blocks without a name. */
  symbol: string;
  kind: ChunkKind;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** UTF-8 byte range [startByte, endByte) of the lines the chunk covers. */
  startByte: number;
  endByte: number;
  /** Qualified symbol of the enclosing definition, or ''. */
  parent: string;
  /** The declaration line(s) up to the body, whitespace collapsed; '' when there is none. */
  signature: string;
  /** The doc comment attached to the definition, comment markers kept; '' when there is none. */
  doc: string;
  /** The text that is indexed and shown: the source lines, or a skeleton / a part with its header line. */
  content: string;
  /** Hex digest of `content`. */
  hash: string;
}

/** A named definition, for the symbol table (workspace/symbol) whether or not it got a chunk of its own. */
export interface SymbolDef {
  name: string;
  qualified: string;
  kind: ChunkKind;
  startLine: number;
  endLine: number;
  parent: string;
}

/** The result of chunking one file. Chunking never throws: problems are reported here. */
export interface ChunkedFile {
  chunks: Chunk[];
  symbols: SymbolDef[];
  /** The names each chunk references (calls, type uses), aligned with `chunks` (chunk/extract-refs.ts). */
  refs: string[][];
  /** Human-readable problems (a parse failure, a grammar that did not load); the file still got line windows. */
  errors: string[];
  /** True when the grammar failed and the file fell back to line windows. */
  parseFailed: boolean;
}

/** Why a file found by the walk was not indexed. */
export type SkipReason =
  | 'ignored' // .gitignore, .codectxignore or a default ignore pattern
  | 'binary'
  | 'too-large'
  | 'minified'
  | 'lock-file'
  | 'secret'
  | 'symlink-outside-root'
  | 'symlink-dangling' // a link whose target does not exist (or a loop of links)
  | 'unreadable';

/** A file the walk selected for indexing. */
export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** One search hit as the CLI and (later) the LSP return it. */
export interface SearchResult {
  path: string;
  startLine: number;
  endLine: number;
  symbol: string;
  kind: ChunkKind;
  language: string;
  score: number;
  snippet: string;
}
