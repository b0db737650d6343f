// Pure. Turns FTS5 candidates into ranked results: boosts on top of BM25, then at most N per file before the rest.
// Every score carries its explanation: the BM25 it started from and each factor applied.
import type { Chunk } from '../model.js';
import { isIdentifierLike, type QueryTerms, splitIdentifier } from '../search/code-tokens.js';
import type { RankParams } from './params.js';

export interface Candidate {
  id: number;
  bm25: number;
  chunk: Chunk;
}

export interface Explanation {
  /** 1-based rank in the FTS5 candidate list. */
  lexicalRank: number;
  bm25: number;
  /** Fraction of the query's terms found in the chunk (symbol, path or text). */
  coverage: number;
  /** Factor by boost name; only factors ≠ 1 are listed. */
  boosts: Record<string, number>;
}

export interface Ranked extends Candidate {
  score: number;
  explain: Explanation;
}

const DEFINITION_KINDS = new Set([
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'struct',
  'trait',
  'impl',
  'module',
  'macro',
]);
const TESTISH =
  /(^|\/)(tests?|__tests__|spec|specs|testdata|fixtures?|examples?|mocks?)\/|[._-](test|spec)s?\.[a-z]+$|_test\.go$|(^|\/)test_[^/]+\.py$|\.generated\.|\.pb\.go$|_pb2\.py$/i;
const ASKS_FOR_TESTS = /\b(tests?|spec|fixtures?|examples?|mock|testdata|generated)\b/i;

export function rankLexical(candidates: Candidate[], q: QueryTerms, p: RankParams, query: string): Ranked[] {
  const identifiers = new Set(q.identifiers.map((s) => s.toLowerCase()));
  const exactCase = new Set(q.identifiers);
  const nameWords = new Set(q.nameWords);
  const compounds = q.identifiers.filter((id) => id.length > 3 && isIdentifierLike(id));
  const termSet = new Set(q.terms);
  const wantsTests = ASKS_FOR_TESTS.test(query);
  const ranked = candidates.map((c, i): Ranked => {
    const boosts: Record<string, number> = {};
    const names = c.chunk.symbol.split(/,\s*/).filter(Boolean);
    for (const qualified of names) {
      const name = qualified.slice(qualified.lastIndexOf('.') + 1);
      if (identifiers.has(name.toLowerCase()) || identifiers.has(qualified.toLowerCase())) {
        boosts.exactSymbol = p.exactSymbol * (exactCase.has(name) || exactCase.has(qualified) ? p.exactSymbolCaseBonus : 1);
        break;
      }
      if (nameWords.has(name.toLowerCase())) boosts.nameWord = p.nameWord;
      const words = splitIdentifier(name);
      if (words.length > 1 && words.every((w) => termSet.has(w))) boosts.symbolWords = p.symbolWords;
    }
    // An identifier the user typed (`JOBQ_LEASE_SECONDS`, `parseArgs`) appearing verbatim, not just its parts.
    if (compounds.length && compounds.some((id) => c.chunk.content.includes(id))) boosts.exactIdentifier = p.exactIdentifier;
    const path = c.chunk.path;
    if (q.paths.some((qp) => path === qp || path.endsWith(`/${qp.replace(/^\.?\//, '')}`))) boosts.exactPath = p.exactPath;
    else {
      const file = path.slice(path.lastIndexOf('/') + 1);
      const stem = file.slice(0, file.indexOf('.') > 0 ? file.indexOf('.') : undefined).toLowerCase();
      if (stem.length > 2 && (termSet.has(stem) || identifiers.has(stem))) boosts.fileStem = p.fileStem;
    }
    if (DEFINITION_KINDS.has(c.chunk.kind)) boosts.definition = p.definition;
    if (!wantsTests && TESTISH.test(path)) boosts.testPenalty = p.testPenalty;
    const haystack = `${c.chunk.symbol}\n${path}\n${c.chunk.content}`.toLowerCase();
    const coverage = q.terms.length ? q.terms.filter((t) => haystack.includes(t)).length / q.terms.length : 0;
    let score = c.bm25 + coverage * p.coverage;
    for (const f of Object.values(boosts)) score *= f;
    return { ...c, score, explain: { lexicalRank: i + 1, bm25: c.bm25, coverage, boosts } };
  });
  ranked.sort((a, b) => b.score - a.score || a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine);
  return ranked;
}

/** At most `perFile` results from one file come first; the others follow in score order (diversity, not loss). */
export function capPerFile<T extends { chunk: { path: string } }>(ranked: T[], perFile: number): T[] {
  const counts = new Map<string, number>();
  const first: T[] = [];
  const rest: T[] = [];
  for (const r of ranked) {
    const n = counts.get(r.chunk.path) ?? 0;
    counts.set(r.chunk.path, n + 1);
    (n < perFile ? first : rest).push(r);
  }
  return [...first, ...rest];
}
