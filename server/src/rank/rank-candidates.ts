// Pure. Turns candidates (FTS5, KNN or both) into ranked results: BM25, cosine or their fusion, then boosts, then at
// most N per file before the rest.
// Every score carries its explanation: the BM25 it started from and each factor applied.
import type { Chunk } from '../model.js';
import {
  isIdentifierLike,
  longestRun,
  phraseWords,
  qualifiedParts,
  splitIdentifier,
  stringLiterals,
} from '../tokens/code-tokens.js';
import type { ParsedQuery } from '../tokens/parse-query.js';
import type { RankParams } from './params.js';

/** A chunk found by FTS5, by KNN, or by both. */
export interface Candidate {
  id: number;
  chunk: Chunk;
  /** Weighted BM25 (higher is better) and 1-based rank in the FTS5 list, when found lexically. */
  bm25?: number;
  lexicalRank?: number;
  /** Cosine similarity and 1-based rank in the KNN list, when found by embeddings. */
  similarity?: number;
  denseRank?: number;
  /** The query's term coverage of this chunk, when already computed (see termCoverage). */
  coverage?: number;
}

/** Fraction of the query's terms found in the chunk's symbol, path or text. */
export function termCoverage(chunk: Chunk, q: ParsedQuery): number {
  if (!q.terms.length) return 0;
  const haystack = `${chunk.symbol}\n${chunk.path}\n${chunk.content}`.toLowerCase();
  return q.terms.filter((t) => haystack.includes(t)).length / q.terms.length;
}

export type RankMode = 'lexical' | 'dense' | 'hybrid';

export interface Explanation {
  lexicalRank?: number;
  bm25?: number;
  /**
   * Hybrid only: where lexical search alone ranks this result (BM25, the boosts and the per-file cap, as `--mode
   * lexical` orders it). The rerank keeps what lexical search got right unless the other evidence outweighs it.
   */
  lexicalPosition?: number;
  denseRank?: number;
  similarity?: number;
  /** Hybrid only: the normalized lexical and dense scores and the dense weight used for this query. */
  fusion?: { lexical: number; dense: number; denseWeight: number };
  /** Fraction of the query's terms found in the chunk (symbol, path or text). */
  coverage: number;
  /** Factor by boost name; only factors ≠ 1 are listed. */
  boosts: Record<string, number>;
  /** Hybrid only: the learned rerank stage's score and the result's position before it (see rerank.ts). */
  rerank?: { score: number; before: number };
  /**
   * The result's own score (fusion and boosts) when the shown one differs: the per-file cap, diversity and the rerank
   * order results by more than their score, and the list shows scores in its own order (`scoresInListOrder`).
   */
  ownScore?: number;
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
/** Tests as a pasted issue's fix rarely touches them: also a `testing/` folder and pytest's `conftest.py`. */
const ISSUE_TESTISH = /(^|\/)testing\/|(^|\/)conftest\.py$/i;
/** TypeScript declaration files: the API's types and docs again, beside the code that implements it. */
const DECLARATION = /\.d\.[cm]?ts$/i;
/**
 * Docs, CI and configuration: what a pasted issue's version report, environment dump and template headings match
 * (`.github/ISSUE_TEMPLATE/*`, `setup.cfg`, `tox.ini`), rarely where its fix goes.
 */
const NON_SOURCE =
  /(^|\/)(docs?|\.github|\.circleci|\.gitlab|changelog\.d|changes)\/|\.(md|rst|txt|cfg|ini|toml|ya?ml|json|in|lock)$|(^|\/)(CHANGE(S|LOG)[^/]*|AUTHORS[^/]*|Makefile|Dockerfile|tox\.ini|setup\.cfg)$/i;

/**
 * Third-party code vendored into the repository (`requests/packages/urllib3/`, `sklearn/externals/`, `pip/_vendor/`):
 * an issue about the project names the library's words, and its fix goes into the project's own code. A top-level
 * `packages/` is a monorepo's, not vendored.
 */
const VENDORED = /(^|\/)(vendor|_vendor|vendored|third_party|extern|externals)\/|[^/]+\/packages\//i;

/**
 * The weight of the dense score for this query: code-like queries (identifiers, paths, quoted strings, pasted traces)
 * lean lexical, plain-language questions and pasted issues lean dense.
 */
export function denseWeight(q: ParsedQuery, p: RankParams): number {
  // A pasted issue is read as plain language although its inline code makes it code-like: 52 dev issues, hybrid file
  // Acc@1/5/10, function Acc@10 40.4/67.3/82.7, 46.9 → 42.3/71.2/84.6, 49.0 (0.45 the same; 0.55 higher, 0.6 and 0.7
  // lower than 0.3: the prose weight, fitted elsewhere, is taken rather than the best point of these 52).
  if (q.issue) return p.denseWeightProse;
  return q.codeLike ? p.denseWeightCode : p.denseWeightProse;
}

/** Scores candidates for a mode (BM25, cosine, or their weighted fusion), then applies the boosts, best first. */
export function rankCandidates(candidates: Candidate[], q: ParsedQuery, p: RankParams, mode: RankMode = 'lexical'): Ranked[] {
  const lookup = lookupOf(q);
  // Fusion normalizes each side to [0, 1]: BM25 by its best score, cosine min-max over the KNN candidates.
  const maxBm25 = Math.max(0, ...candidates.map((c) => c.bm25 ?? 0));
  const sims = candidates.flatMap((c) => (c.similarity === undefined ? [] : [c.similarity]));
  const minSim = Math.min(...sims);
  const maxSim = Math.max(...sims);
  const saysPhrase = pastedMessage(candidates, q, p);
  // A message found verbatim in the code makes the query a pasted message, which leans lexical like a quoted string.
  const w = mode === 'hybrid' ? (maxBm25 > 0 ? (saysPhrase.size ? p.denseWeightCode : denseWeight(q, p)) : 1) : 0;
  const lexicalScores = new Map<number, number>();
  const nameShare = nameBoostShare(q, p, mode);
  const ranked = candidates.map((c): Ranked => {
    const boosts = boostsOf(c, q, lookup, saysPhrase, p, nameShare);
    const coverage = c.coverage ?? termCoverage(c.chunk, q);
    const explain: Explanation = { coverage, boosts };
    if (c.lexicalRank !== undefined) Object.assign(explain, { lexicalRank: c.lexicalRank, bm25: c.bm25 });
    if (c.denseRank !== undefined) Object.assign(explain, { denseRank: c.denseRank, similarity: c.similarity });
    let base: number;
    if (mode === 'lexical') base = (c.bm25 ?? 0) + coverage * p.coverage;
    else if (mode === 'dense') base = c.similarity ?? 0;
    else {
      const lexical = maxBm25 > 0 ? (c.bm25 ?? 0) / maxBm25 : 0;
      const dense = c.similarity === undefined ? 0 : maxSim > minSim ? (c.similarity - minSim) / (maxSim - minSim) : 1;
      explain.fusion = { lexical, dense, denseWeight: w };
      base = (1 - w) * lexical + w * dense + coverage * p.coverage;
    }
    const boosted = (score: number) => Object.values(boosts).reduce((s, f) => s * f, score);
    if (mode === 'hybrid' && c.bm25 !== undefined) lexicalScores.set(c.id, boosted(c.bm25 + coverage * p.coverage));
    return { ...c, score: boosted(base), explain };
  });
  // Where `--mode lexical` would put each lexical candidate: the same score, boosts, order and per-file cap (the hard
  // cap the rerank was fitted with, also for a pasted issue, whose lexical search demotes softly instead).
  const lexical = ranked.flatMap((r) => {
    const score = lexicalScores.get(r.id);
    return score === undefined ? [] : [{ r, chunk: r.chunk, score }];
  });
  capPerFile(lexical.sort(byScore), p.resultsPerFile).forEach(({ r }, i) => {
    r.explain.lexicalPosition = i + 1;
  });
  return ranked.sort(byScore);
}

/** What the boosts compare a chunk's names and path with, from the parsed query, as sets. */
interface Lookup {
  identifiers: Set<string>;
  exactCase: Set<string>;
  nameWords: Set<string>;
  compounds: string[];
  terms: Set<string>;
  words: Set<string>;
  /** By a qualified name's last part (lowercased), the last parts of the owners the query names it with. */
  owners: Map<string, Set<string>>;
  /** A pasted issue's identifiers written only in its sentences (lowercased): their boosts count at proseBoostShare. */
  proseOnly: Set<string>;
}

function lookupOf(q: ParsedQuery): Lookup {
  // A qualified name of the query (`node.rebalance`) names one owner: the same name in another owner's scope
  // (`Bucket.rebalance`) is a name match, not the symbol asked for. Owners compare by their last part.
  const owners = new Map<string, Set<string>>();
  for (const n of q.qualified) {
    const parts = qualifiedParts(n.toLowerCase());
    const name = parts.at(-1) ?? '';
    owners.set(name, (owners.get(name) ?? new Set()).add(parts.at(-2) ?? ''));
  }
  return {
    identifiers: new Set(q.identifiers.map((s) => s.toLowerCase())),
    exactCase: new Set(q.identifiers),
    nameWords: new Set(q.nameWords),
    compounds: q.identifiers.filter((id) => id.length > 3 && isIdentifierLike(id)),
    terms: new Set(q.terms),
    // Every word of the query, stop words included: `get user name` names `getUserName`.
    words: new Set(q.words),
    owners,
    proseOnly: new Set(q.issue?.proseOnly),
  };
}

/**
 * A pasted error message or log line: only a chunk that matched lexically can hold the query's words verbatim, in a
 * string literal (a doc sentence repeated elsewhere is not evidence: measured, it misleads docstring questions).
 * The ids of the candidates that hold such a run.
 */
function pastedMessage(candidates: Candidate[], q: ParsedQuery, p: RankParams): Set<number> {
  const sayWords = q.messageWords;
  // A question that reads as a message is matched against each literal as an issue's quoted messages are.
  const asMessage = p.phraseTemplates && !q.issue && sayWords.length >= p.phraseMinWords ? [sayWords] : [];
  const messages = q.issue?.messages ?? asMessage;
  const fromIssue = messages.length ? issueMessages(candidates, messages, p, !q.issue) : new Set<number>();
  if (sayWords.length < p.phraseMinWords) return fromIssue;
  const phraseNeeded = Math.max(p.phraseMinWords, Math.min(p.phraseLongRun, Math.ceil(p.phraseShare * sayWords.length)));
  const verbatim = new Set(
    candidates
      .filter(
        (c) =>
          c.lexicalRank !== undefined &&
          c.lexicalRank <= p.phraseCandidates &&
          longestRun(sayWords, stringLiterals(c.chunk.content)) >= phraseNeeded,
      )
      .map((c) => c.id),
  );
  return fromIssue.size ? new Set([...verbatim, ...fromIssue]) : verbatim;
}

/**
 * A pasted issue's error messages: a candidate holds a string literal that reads as one of them, measured against the
 * literal (every word of it found in order, each placeholder standing for one to `placeholderWords` words), among the
 * first `messageCandidates` lexical candidates.
 */
function issueMessages(candidates: Candidate[], messages: string[][], p: RankParams, spaced: boolean): Set<number> {
  const found = new Set<number>();
  for (const c of candidates) {
    if (c.lexicalRank === undefined || c.lexicalRank > p.issue.messageCandidates) continue;
    // For a question, only a literal written as words (`./one-and-dones`, `topic=="/tasks/exit"` are names, not messages).
    const raw = stringLiterals(c.chunk.content).split('\u0000');
    const literals = (spaced ? raw.filter((l) => /\S\s+\S/.test(l)) : raw).map(phraseWords);
    if (literals.some((l) => messages.some((m) => templateMatches(l, m, p)))) found.add(c.id);
  }
  return found;
}

/** The literal's words (ANY_WORD for a placeholder) occur in the message consecutively, a placeholder taking 1 to N words. */
function templateMatches(whole: string[], message: string[], p: RankParams): boolean {
  // A placeholder at either end may stand for words the message left out (`{}: invalid value` quoted from its colon on).
  let from = 0;
  let to = whole.length;
  while (from < to && whole[from] === '⁂') from++;
  while (to > from && whole[to - 1] === '⁂') to--;
  const literal = whole.slice(from, to);
  const words = literal.filter((w) => w !== '⁂').length;
  if (words < p.issue.messageMinWords || literal.length > message.length + 8) return false;
  const at = (li: number, mi: number): boolean => {
    if (li === literal.length) return true;
    if (literal[li] === '⁂') {
      for (let k = 1; k <= p.issue.placeholderWords && mi + k <= message.length; k++) if (at(li + 1, mi + k)) return true;
      return false;
    }
    return mi < message.length && message[mi] === literal[li] && at(li + 1, mi + 1);
  };
  for (let start = 0; start < message.length; start++) if (message[start] === literal[0] && at(0, start)) return true;
  return false;
}

/**
 * The share of their strength the exact-symbol and exact-identifier boosts keep for this query and mode: a long
 * question (not a pasted issue, which has rules of its own) names an API to say what it is about, and the code that
 * answers it is often the internal code behind that API, not the API itself. Dense search keeps them whole.
 */
function nameBoostShare(q: ParsedQuery, p: RankParams, mode: RankMode): number {
  return mode !== 'dense' && !q.issue && q.length >= p.sentenceMinWords ? p.sentenceBoostShare : 1;
}

/** The boosts of one candidate, by name (only factors that apply), in the order they multiply. */
function boostsOf(
  c: Candidate,
  q: ParsedQuery,
  m: Lookup,
  saysPhrase: Set<number>,
  p: RankParams,
  nameShare: number,
): Record<string, number> {
  const boosts: Record<string, number> = {};
  const names = c.chunk.symbol.split(/,\s*/).filter(Boolean);
  const path = c.chunk.path;
  const file = path.slice(path.lastIndexOf('/') + 1);
  const stem = file.slice(0, file.indexOf('.') > 0 ? file.indexOf('.') : undefined).toLowerCase();
  for (const qualified of names) {
    const name = qualified.slice(qualified.lastIndexOf('.') + 1);
    const owner = qualified.slice(0, Math.max(0, qualified.lastIndexOf('.')));
    const asked = m.owners.get(name.toLowerCase());
    const ownerLast = owner.slice(owner.lastIndexOf('.') + 1).toLowerCase();
    if (asked && owner && !asked.has(ownerLast) && !asked.has(stem)) {
      boosts.nameWord = p.nameWord;
      continue;
    }
    if (m.identifiers.has(name.toLowerCase()) || m.identifiers.has(qualified.toLowerCase())) {
      const factor = p.exactSymbol * (m.exactCase.has(name) || m.exactCase.has(qualified) ? p.exactSymbolCaseBonus : 1);
      // A name an issue only mentions in a sentence is weaker evidence than one in its code or traceback.
      boosts.exactSymbol = share(m.proseOnly.has(name.toLowerCase()) ? weaker(factor, p) : factor, nameShare);
      break;
    }
    if (m.nameWords.has(name.toLowerCase())) boosts.nameWord = p.nameWord;
    const words = splitIdentifier(name);
    if (words.length > 1 && words.every((w) => m.words.has(w))) boosts.symbolWords = p.symbolWords;
  }
  // An identifier the user typed (`JOBQ_LEASE_SECONDS`, `parseArgs`) appearing verbatim, not just its parts.
  const found = m.compounds.filter((id) => c.chunk.content.includes(id));
  if (found.length || (q.flags.length && q.flags.some((f) => c.chunk.content.includes(f))))
    boosts.exactIdentifier = share(
      found.length && found.every((id) => m.proseOnly.has(id.toLowerCase())) ? weaker(p.exactIdentifier, p) : p.exactIdentifier,
      nameShare,
    );
  const namesPath = q.paths.some((qp) => path === qp || path.endsWith(`/${qp.replace(/^\.?\//, '')}`));
  if (namesPath) boosts.exactPath = p.exactPath;
  else {
    if (stem.length > 2 && (m.terms.has(stem) || m.identifiers.has(stem))) boosts.fileStem = p.fileStem;
  }
  if (q.issue && !namesPath && NON_SOURCE.test(path) && !q.issue.fileNames.includes(file.toLowerCase()))
    boosts.nonSource = p.issue.nonSource;
  if (q.issue && !namesPath && VENDORED.test(path)) boosts.vendored = p.issue.vendored;
  if (q.issue?.framePaths.some((f) => framesFile(f, path))) boosts.tracebackFile = p.issue.tracebackFile;
  if (saysPhrase.has(c.id)) boosts.exactPhrase = p.exactPhrase;
  if (DEFINITION_KINDS.has(c.chunk.kind)) boosts.definition = p.definition;
  // An issue mentions tests as what fails, not as what it asks for: its tests are demoted whatever its words.
  if (q.issue && (TESTISH.test(path) || ISSUE_TESTISH.test(path))) boosts.testPenalty = p.issue.testPenalty;
  else if ((!q.asksForTests && TESTISH.test(path)) || (!q.asksForDeclarations && DECLARATION.test(path)))
    boosts.testPenalty = p.testPenalty;
  return boosts;
}

/** A boost at the issue's prose share of its strength (1 + share × (factor − 1)). */
function weaker(factor: number, p: RankParams): number {
  return share(factor, p.issue.proseBoostShare);
}

/** A boost at a share of its strength: 1 + share × (factor − 1). */
function share(factor: number, part: number): number {
  return part === 1 ? factor : 1 + part * (factor - 1);
}

/**
 * A traceback frame's file is this repository file: the frame's path ends with it (`/site-packages/_pytest/python.py`
 * and `src/_pytest/python.py` share `_pytest/python.py`: the file name and its folder must agree).
 */
function framesFile(frame: string, path: string): boolean {
  const f = frame.replace(/\\/g, '/').split('/');
  const r = path.split('/');
  const tail = Math.min(2, f.length, r.length);
  for (let i = 1; i <= tail; i++) if (f[f.length - i] !== r[r.length - i]) return false;
  return true;
}

/** Best first; ties in a stable order (path, then line). */
function byScore<T extends { score: number; chunk: { path: string; startLine: number } }>(a: T, b: T): number {
  return b.score - a.score || a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine;
}

/**
 * Diversity as each mode has it: lexical and dense let at most `resultsPerFile` results of a file lead; hybrid demotes
 * a file's later results softly (`sameFileDecay`), so that the rerank after it still sees them, and so does lexical
 * search of a pasted issue (`issue.lexicalFileDecay`).
 */
export function diversityFor<T extends { chunk: { path: string }; score: number }>(
  ranked: T[],
  mode: RankMode,
  p: RankParams,
  issue = false,
): T[] {
  if (mode === 'hybrid') return diversify(ranked, p.sameFileDecay);
  if (mode === 'lexical' && issue) return diversify(ranked, p.issue.lexicalFileDecay);
  return capPerFile(ranked, p.resultsPerFile);
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

/**
 * Diversity without loss: results are taken greedily, each time the best of score × decay^k, k being how many results
 * of its file were taken before (a soft per-file cap: a file's fourth result must beat the others by 1/decay³). Each
 * file's own results keep their order. decay 1 keeps the order as it is.
 */
export function diversify<T extends { chunk: { path: string }; score: number }>(ranked: T[], decay: number): T[] {
  if (decay >= 1) return ranked.slice();
  const queues = new Map<string, T[]>();
  for (const r of ranked) {
    const queue = queues.get(r.chunk.path);
    if (queue) queue.push(r);
    else queues.set(r.chunk.path, [r]);
  }
  const files = [...queues.values()].map((queue) => ({ queue, next: 0, factor: 1 }));
  const out: T[] = [];
  while (out.length < ranked.length) {
    let best: (typeof files)[number] | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const f of files) {
      const head = f.queue[f.next];
      if (!head) continue;
      // A negative score is pushed down by the same factor (divided, not multiplied, by it).
      const s = head.score >= 0 ? head.score * f.factor : head.score / f.factor;
      if (s > bestScore) {
        bestScore = s;
        best = f;
      }
    }
    if (!best) break;
    out.push(best.queue[best.next++] as T);
    best.factor *= decay;
  }
  return out;
}

/**
 * The scores a list shows: the i-th result gets the i-th highest score of the list, so scores never increase down it
 * (the per-file cap, diversity and the rerank move results past better-scored ones). A result whose shown score is not
 * its own keeps that in `explain.ownScore`. The order, and so every quality measure, is unchanged.
 */
export function scoresInListOrder<T extends { score: number; explain: Explanation }>(ranked: T[]): T[] {
  const scores = ranked.map((r) => r.score).sort((a, b) => b - a);
  return ranked.map((r, i) => {
    const score = scores[i] as number;
    return score === r.score ? r : { ...r, score, explain: { ...r.explain, ownScore: r.score } };
  });
}
