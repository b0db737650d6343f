// The custom LSP requests of codectx, declared once and shared by the server and the VS Code extension.
// Invariant: this file imports only vscode-languageserver-protocol types, so any client can import it.
import { type Range, RequestType } from 'vscode-languageserver-protocol';

/** How results are ranked. Only `lexical` exists today; `hybrid` answers lexically and says so in `mode`. */
export type SearchMode = 'lexical' | 'dense' | 'hybrid';

/** Parameters of `codectx/search`. */
export interface SearchParams {
  /** Any text: words, identifiers, a path, a pasted stack trace. */
  query: string;
  /** At most this many results (1-200, default 10). */
  limit?: number;
  mode?: SearchMode;
  /** Glob patterns over repository-relative paths (`src/**`, `*.py`); a result must match one. */
  paths?: string[];
  /** Language ids (`typescript`, `python`, `markdown`, …); a result must have one. */
  languages?: string[];
  /** Workspace folder URIs to search; all folders when absent. */
  folders?: string[];
}

/** Where a chunk is, and what it defines. */
export interface ChunkLocation {
  uri: string;
  /** The workspace folder the chunk belongs to. */
  folder: string;
  /** Repository-relative path. */
  path: string;
  /** Whole lines: from the start of the first line to the start of the line after the last. */
  range: Range;
  startLine: number;
  endLine: number;
  symbol: string;
  kind: string;
}

/** One ranked chunk. */
export interface SearchHit extends ChunkLocation {
  language: string;
  score: number;
  snippet: string;
}

/** Result of `codectx/search`. */
export interface SearchResponse {
  results: SearchHit[];
  /** The mode actually used. */
  mode: SearchMode;
  /** True while some folder is still being indexed: results come from what is indexed so far. */
  partial: boolean;
  tookMs: number;
}

/** `codectx/search`: ranked chunks for a query. */
export namespace SearchRequest {
  export const method = 'codectx/search';
  export const type = new RequestType<SearchParams, SearchResponse, void>(method);
}

/** Parameters of `codectx/context`. */
export interface ContextParams {
  query: string;
  /** Token budget of the rendered context (default 4000), counted exactly in `tokenizer`'s encoding. */
  budgetTokens?: number;
  /** How `text` is rendered: markdown (default), json or xml. */
  format?: 'markdown' | 'json' | 'xml';
  /** The encoding tokens are counted in: o200k (default; GPT-4o and later) or cl100k (GPT-4). */
  tokenizer?: 'o200k' | 'cl100k';
  /** The file the user is in (a URI inside a workspace folder); the chunk at `position` is taken first. */
  activeFile?: string;
  position?: { line: number; character: number };
  /** Selected text in the active file; it joins the query (its identifiers then count in retrieval). */
  selection?: string;
  /** URIs of the files open in the editor: their chunks rank a little higher. */
  openFiles?: string[];
  /** Add a map of the files involved (paths and top-level declarations) when the budget leaves room (default true). */
  repoMap?: boolean;
}

/** One block of assembled context (chunks of a file merged, perhaps trimmed), with its citation. */
export interface ContextChunk {
  uri: string;
  /** The workspace folder the file belongs to. */
  folder: string;
  path: string;
  range: Range;
  /** `path:startLine-endLine`, to cite in an answer. */
  citation: string;
  /** The first of `symbols`, or ''. */
  symbol: string;
  /** Symbols of the chunks merged into this block, best rank first. */
  symbols: string[];
  language: string;
  /** The block's lines; where lines were left out (`elided`) a line `⋮` stands in their place. */
  content: string;
  elided: boolean;
  /** Exact tokens of the block as rendered in `text`. */
  tokens: number;
  /** Best rank (1-based) among the block's chunks, and its score (1e9 for the chunk at the cursor). */
  rank: number;
  score: number;
}

/** Result of `codectx/context`. */
export interface ContextResponse {
  /** Prompt-ready context in the asked format: blocks headed by their citations, and a map of the files. */
  text: string;
  format: 'markdown' | 'json' | 'xml';
  /** Blocks in reading order (by folder, path, then line). */
  chunks: ContextChunk[];
  /** The files of the map, each with its top-level declarations; [] when the budget left no room. */
  repoMap: { uri: string; path: string; entries: { line: number; text: string }[] }[];
  /** Exact tokens of `text`; never more than `budgetTokens`. */
  usedTokens: number;
  budgetTokens: number;
  partial: boolean;
}

/** `codectx/context`: ranked chunks packed into a token budget, with citations. */
export namespace ContextRequest {
  export const method = 'codectx/context';
  export const type = new RequestType<ContextParams, ContextResponse, void>(method);
}

/** Parameters of `codectx/related`: a position in a file (the chunk there), or a symbol name (its definitions). */
export interface RelatedParams {
  textDocument?: { uri: string };
  position?: { line: number; character: number };
  symbol?: string;
  /** At most this many callers and this many callees per folder (1-200, default 50). */
  limit?: number;
}

/** A chunk of the code graph. */
export interface RelatedLocation extends ChunkLocation {
  /** The linking name: what a callee defines, what a caller references. */
  name: string;
}

/** Result of `codectx/related`. By name, not resolved: a call of `get` links to every definition named `get`. */
export interface RelatedResponse {
  /** The chunk at the position, or the symbol's definitions. */
  targets: RelatedLocation[];
  /** Chunks that reference a name the targets define. */
  callers: RelatedLocation[];
  /** Definitions of names the targets reference (calls, type uses). */
  callees: RelatedLocation[];
}

/** `codectx/related`: callers and callees of the chunk at a position or of a symbol, from the index's code graph. */
export namespace RelatedRequest {
  export const method = 'codectx/related';
  export const type = new RequestType<RelatedParams, RelatedResponse, void>(method);
}

/** Index state of one workspace folder. */
export interface FolderStatus {
  uri: string;
  path: string;
  /** `indexing` while a run is going, `ready` when the index matches the disk, `error` when it cannot be used. */
  state: 'starting' | 'indexing' | 'ready' | 'error';
  /** `writer` indexes; `reader` follows an index another codectx server writes. */
  role: 'writer' | 'reader';
  files: number;
  chunks: number;
  /** Chunks with a vector of the current embedding model. */
  embedded: number;
  /** `ready`, `embedding`, `starting`, `off: why` (no model, provider none) or `failed: why`. */
  embeddings: string;
  skipped: Record<string, number>;
  languages: Record<string, number>;
  parseFailures: number;
  indexPath: string;
  indexBytes: number;
  lastUpdate?: string;
  /** Progress of the current run. */
  progress?: { filesDone: number; filesTotal: number; filesPerSecond: number };
  /** `on`, `off` (by setting), or `failed: …` (the server then rescans periodically). */
  watcher: string;
  /** Unsaved editor buffers indexed in place of the files on disk. */
  openBuffers: number;
  /**
   * Set when the server found the index file damaged, moved it aside (`index.sqlite.corrupt-<time>`) and began a
   * rebuild: what happened and where the damaged file went. Answers are `partial` until the rebuild is over.
   */
  recovered?: string;
  /**
   * How the last full index run stands: `complete`, `in progress` (this server's run, or another process's), or
   * `incomplete` (stopped, failed or killed: the index holds what it committed; the next run completes it).
   */
  indexRun?: { status: 'complete' | 'in progress' | 'incomplete'; pid: number; startedAt: string; endedAt?: string };
  /**
   * After an unclean shutdown (a writer killed or crashed): `due`, `checking`, `ok`, or what the background integrity
   * check found (the index is then moved aside and rebuilt, and `recovered` says so).
   */
  integrityCheck?: string;
  error?: string;
}

/** Result of `codectx/status`. */
export interface StatusResponse {
  folders: FolderStatus[];
}

/** `codectx/status`: what each folder's index holds and is doing. */
export namespace StatusRequest {
  export const method = 'codectx/status';
  export const type = new RequestType<Record<string, never> | undefined, StatusResponse, void>(method);
}

/** Parameters of `codectx/reindex`. */
export interface ReindexParams {
  /** A workspace folder URI; all folders when absent. */
  folder?: string;
  /** Re-read every file, not only changed ones. */
  full?: boolean;
}

/** `codectx/reindex`: starts an index run; answers at once with the folders it started. */
export namespace ReindexRequest {
  export const method = 'codectx/reindex';
  export const type = new RequestType<ReindexParams | undefined, { started: string[] }, void>(method);
}

/** Settings, from initializationOptions or workspace/didChangeConfiguration (section `codectx`). */
export interface ServerSettings {
  /** Folder under which each workspace folder's index lives (default: the user cache). */
  cacheDir?: string;
  /** Watch the file system with the server's own watcher (default true); turn off for clients that send didChangeWatchedFiles. */
  watch?: boolean;
  /** Quiet period before a batch of file changes is indexed, in ms (default 150). */
  debounceMs?: number;
  /** Files larger than this are skipped (default 1 MiB). */
  maxFileBytes?: number;
  /**
   * The team index, a postgres:// URL: vectors of chunks waiting for one are pulled from it before the model runs; a
   * server that fails is one warning, and the model embeds the rest. Unset: nothing leaves or enters the machine.
   */
  remote?: string;
  /**
   * The embedding model: the shipped local model by default; any Hugging Face feature-extraction model (id or folder);
   * an openai-compatible endpoint (code leaves the machine); or none (lexical search only).
   */
  embeddings?:
    | { provider: 'local'; modelDir?: string }
    | { provider: 'huggingface'; model: string; cacheDir?: string }
    | { provider: 'openai-compatible'; baseUrl: string; model: string; apiKey?: string }
    | { provider: 'none' };
}
