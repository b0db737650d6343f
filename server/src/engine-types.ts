// What the engine's door takes and gives: options, results, errors and the one rule for limits and budgets.
// Invariant: the CLI, the language server and eval validate `limit` and budgets only through checkLimit/checkBudget.
import type { ContextFormat } from './assemble/context-types.js';
import type { Encoding } from './assemble/count-tokens.js';
import type { IndexRunRecord } from './index/update-index.js';
import type { SearchResult } from './model.js';
import type { Explanation, RankMode } from './rank/rank-candidates.js';
import type { StoreStatus } from './store/store.js';

/** Results per search: from 1 to this many (the CLI, the language server and the engine share the rule). */
export const MAX_LIMIT = 1000;

/** A request the engine cannot answer as asked (a limit out of range, say): the message says what to change. */
export class InvalidRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

/** The one rule for `limit`: an integer from 1 to MAX_LIMIT; `name` is how the caller spells it (`--limit`, `limit`). */
export function checkLimit(value: unknown, name = 'limit'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT)
    throw new InvalidRequest(`${name} must be an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(value)}`);
  return value;
}

/** Context budgets: from 1 to this many tokens. */
export const MAX_BUDGET = 1_000_000;

/** The rule for a context budget: an integer from 1 to MAX_BUDGET tokens. */
export function checkBudget(value: unknown, name = 'budget'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_BUDGET)
    throw new InvalidRequest(`${name} must be an integer from 1 to ${MAX_BUDGET}, got ${JSON.stringify(value)}`);
  return value;
}

/** A repository problem the user must fix (missing folder, unusable index); the CLI exits with code 3. */
export class RepositoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepositoryError';
  }
}

/** Options of one search. */
export interface SearchOptions {
  /** At most this many results (default 10). */
  limit?: number;
  /** Glob patterns over repository-relative paths; a result must match one. */
  paths?: string[];
  /** Language ids; a result must have one. */
  languages?: string[];
  /** Ranking: hybrid (default), lexical, or dense. */
  mode?: RankMode;
  /** Attach each result's ranking explanation. */
  explain?: boolean;
}

/** Options of a context request. */
export interface ContextOptions {
  /** Token budget of the rendered context (1 to MAX_BUDGET, default 4000), counted exactly with `tokenizer`. */
  budgetTokens?: number;
  /** markdown (default), json or xml. */
  format?: ContextFormat;
  /** The encoding tokens are counted in: o200k (default) or cl100k. */
  tokenizer?: Encoding;
  /** Where the user is: the chunk covering this line (1-based) of this repository-relative path is taken first. */
  active?: { repo: string; path: string; line: number };
  /** Files open in the editor: their chunks rank a little higher. */
  openFiles?: { repo: string; path: string }[];
  /** Ranked chunks considered per repository before packing (default 60). */
  candidates?: number;
  /**
   * Follow the code graph: the definitions the top hits reference join the candidates, worth 0.3 of their hit's score
   * (search/expand-graph.ts). Default: from a budget of 8000 tokens, where it was measured to help.
   */
  graph?: boolean;
  /**
   * A class (struct, impl…) among the top 10 hits offers its best-matching member (BM25 over its member chunks) at 0.9
   * of its score, and itself drops to 0.7 of it (search/expand-members.ts). Default: true.
   */
  members?: boolean;
  /**
   * A chunk that is a part of a long definition stands for the whole definition when that fits the chunk's share of
   * the budget (assemble/pack-context.ts). Default: true.
   */
  wholeDefinitions?: boolean;
  /** Add a map of the files involved (paths and top-level declarations) when the budget leaves room (default true). */
  repoMap?: boolean;
}

/** One block of packed context: a stretch of a file (merged chunks, maybe trimmed), its repository and citation. */
export interface ContextItem {
  repo: string;
  path: string;
  language: string;
  startLine: number;
  endLine: number;
  /** `path:start-end`. */
  citation: string;
  /** The symbols of the chunks merged into the block, best rank first ('' when none). */
  symbol: string;
  symbols: string[];
  /** Best 1-based rank among the merged chunks, and all of them. */
  rank: number;
  ranks: number[];
  /** The best rank score; Infinity for the chunk under the cursor. */
  score: number;
  /** Lines were left out (a trimmed definition, a skeleton): `shown` says which lines are there whole. */
  elided: boolean;
  shown: [number, number][];
  /** The block's lines as rendered, elision markers (⋮) included. */
  content: string;
  /** Exact tokens of the block as rendered. */
  tokens: number;
}

/** Packed context: the rendered text within the budget, its blocks in reading order, and the map of the files. */
export interface ContextBundle {
  /** Prompt-ready text in `format`; its exact token count is `usedTokens` ≤ `budgetTokens`. */
  text: string;
  format: ContextFormat;
  tokenizer: Encoding;
  chunks: ContextItem[];
  repoMap: { repo: string; path: string; entries: { line: number; text: string }[] }[];
  usedTokens: number;
  budgetTokens: number;
  /** Ranked chunks offered to the packer, dropped as duplicates, and left out for lack of room. */
  candidates: number;
  duplicates: number;
  omitted: number;
  tookMs: number;
}

/** A search result with its ranking explanation when asked for. */
export interface EngineResult extends SearchResult {
  explain?: Explanation;
}

/** What a search returns: the results and how long the search took inside the engine. */
export interface EngineSearchResponse {
  results: EngineResult[];
  /** The mode actually used (hybrid falls back to lexical without embeddings). */
  mode: RankMode;
  tookMs: number;
}

/** Dense search was asked for, but there is no model or no vector: the message says which. */
export class EmbeddingsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingsUnavailable';
  }
}

/** Index status as `codectx status` prints it. */
export interface EngineStatus extends StoreStatus {
  repo: string;
  indexPath: string;
  /** Set when this process found the index damaged, moved it aside and started over: what happened and where it went. */
  recovered?: string;
  /** How the last full index run stands: complete, in progress (in another process too), or incomplete (killed, stopped). */
  indexRun?: IndexRunRecord;
  /**
   * After an unclean shutdown (a writer killed or crashed): `due` until a check runs (the language server runs one in
   * the background at start, `codectx status` before it answers), then `checking`, `ok`, or what it found.
   */
  integrityCheck?: string;
}

/** A chunk of the code graph: where a name is defined or used. */
export interface GraphLocation {
  path: string;
  startLine: number;
  endLine: number;
  symbol: string;
  kind: string;
  /** The name that links it: the name defined there (a callee) or the name it references (a caller, a reference). */
  name: string;
}

/** `codectx symbols NAME`: where a name is defined, and which chunks reference it (by exact name). */
export interface SymbolGraph {
  name: string;
  definitions: GraphLocation[];
  references: GraphLocation[];
}

/** Callers and callees of a chunk (the one at a position) or of a symbol's definitions. */
export interface RelatedReport {
  /** The chunks asked about: the chunk at the position, or where the symbol is defined. */
  targets: GraphLocation[];
  /** Definitions of the names the targets reference. */
  callees: GraphLocation[];
  /** Chunks that reference a name the targets define. */
  callers: GraphLocation[];
}
