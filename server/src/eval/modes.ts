// The search modes `codectx eval` compares. A mode is a named function (engine, query, k) → ranked spans.
// Invariant: a mode returns at most k spans, best first, with repository-relative paths.
import type { Engine } from '../engine.js';
import { checkRipgrep, grepFiles } from './grep-baseline.js';
import type { Level, Span } from './metrics.js';

/** A result as the modes return it: its span, and the symbol of its chunk when it has one (issue suites score it). */
export interface ModeResult extends Span {
  symbol?: string | undefined;
}

export interface EvalMode {
  /** chunk: results are chunks, scored at chunk and file level. file: results are whole files, scored at file level only. */
  level: Level;
  description: string;
  search(engine: Engine, query: string, k: number): ModeResult[] | Promise<ModeResult[]>;
  /** Checks the tools the mode needs before a run; throws ToolMissingError when one is missing. */
  check?(): void;
}

const spans = (results: ModeResult[]): ModeResult[] =>
  results.map(({ path, startLine, endLine, symbol }) => ({ path, startLine, endLine, symbol }));

/** The engine's ranking modes, and the grep baseline. */
export const MODES: Record<string, EvalMode> = {
  lexical: {
    level: 'chunk',
    description: 'BM25 over FTS5 with code-aware boosts (engine.search)',
    search: async (engine, query, k) => spans((await engine.search(query, { limit: k, mode: 'lexical' })).results),
  },
  dense: {
    level: 'chunk',
    description: 'embeddings only: KNN over sqlite-vec with the same boosts',
    search: async (engine, query, k) => spans((await engine.search(query, { limit: k, mode: 'dense' })).results),
  },
  hybrid: {
    level: 'chunk',
    description: 'BM25 and embeddings fused with a query-dependent dense weight, then boosts',
    search: async (engine, query, k) => spans((await engine.search(query, { limit: k, mode: 'hybrid' })).results),
  },
  grep: {
    level: 'file',
    description: 'ripgrep baseline: files ranked by distinct query words found, then by total matches',
    check: () => checkRipgrep(),
    search: (engine, query, k) => grepFiles(engine.config.repo, query, k),
  },
};
