// Context assembly for Engine.context and Engine.contextAcross: rank each index, follow the code graph, pin the cursor's
// chunk, pack into one budget. Reads the indexes only through each engine's ContextSide, so recovery stays the engine's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ContextBlock, ContextCandidate, FileOutline } from './assemble/context-types.js';
import { type CountTokens, type Encoding, loadTokenizer, memoizeCount } from './assemble/count-tokens.js';
import { citation } from './assemble/format-context.js';
import { packContext } from './assemble/pack-context.js';
import { MAX_MAP_ENTRIES } from './assemble/repo-map.js';
import {
  type ContextBundle,
  type ContextItem,
  type ContextOptions,
  checkBudget,
  checkLimit,
  type SearchOptions,
} from './engine-types.js';
import type { Chunk } from './model.js';
import { params } from './rank/params.js';
import { type Ranked, scoresInListOrder } from './rank/rank-candidates.js';
import { expandCallees } from './search/expand-graph.js';
import { expandMembers } from './search/expand-members.js';
import { matchExpression } from './search/lexical-search.js';
import { definitionSpans } from './store/graph.js';
import type { Store } from './store/store.js';
import type { ParsedQuery } from './tokens/parse-query.js';

/** What context needs of one engine: its repository, its current store, its ranking, and its corruption guard. */
export interface ContextSide {
  readonly repo: string;
  /** The engine's store as it is now (a recovery replaces it). */
  readonly store: Store;
  guarded<T>(op: () => T | Promise<T>): Promise<T>;
  guardedSync<T>(op: () => T): T;
  rank(query: string, options: SearchOptions): Promise<{ ranked: Ranked[]; terms: string[]; q: ParsedQuery }>;
  indexedSource(path: string): string[] | undefined;
}

/**
 * The budget from which context follows the code graph by default. First measured with bench/context-graph.mjs (lexical,
 * ctx-pack's packer, context recall = gold ranges wholly inside the lines shown): callees at 0.3 of their hit's score
 * added 3 points at 4k and 8k on bolt and lost nowhere (fixture, fsspec, commander equal); at 0.5 they lost 3.7 on fsspec
 * and 1.3 on the fixture at 4k. With hybrid retrieval and member expansion (2026-12-05): at 4k they change nothing on
 * the 52 real issues (bench/dev-issues.mjs) or the fixture and cost the hand-written suites 0.3 points (a range of
 * s3transfer); at 8k they add 2 points of file and function recall on the real issues. Hence 8k.
 */
const GRAPH_MIN_BUDGET = 8000;

/** Ranked chunks per repository offered to the context packer. */
const CONTEXT_CANDIDATES = 60;
/** Chunks of files open in the editor: their score is multiplied by this (a mild preference, not measured on a suite). */
const OPEN_FILE_BOOST = 1.2;

/** One memoized exact counter per encoding for the process: a chunk packed again is not counted again. */
const counters = new Map<Encoding, Promise<CountTokens>>();
function countingWith(encoding: Encoding): Promise<CountTokens> {
  let counter = counters.get(encoding);
  if (!counter) {
    counter = loadTokenizer(encoding).then((count) => memoizeCount(count));
    counters.set(encoding, counter);
  }
  return counter;
}

/** Names that tell folders apart: '' for a single one, else each folder's name (with its position when names repeat). */
function folderLabels(repos: string[]): string[] {
  if (repos.length <= 1) return repos.map(() => '');
  const names = repos.map((r) => basename(r) || r);
  return names.map((n, i) => (names.indexOf(n) === names.lastIndexOf(n) ? n : `${n}#${i + 1}`));
}

/** A chunk ranked for context: its engine, its folder's label, its score (pinned: the chunk at the cursor). */
interface RankedChunk {
  engine: ContextSide;
  label: string;
  chunk: Chunk & { id?: number };
  score: number;
  pinned?: boolean;
}

/**
 * Context from several indexes at once (the workspace folders of an editor): their chunks ranked together and packed
 * into one budget (assemble/pack-context.ts). Files of different repositories never merge, even at equal relative
 * paths: with more than one engine, each file is shown under its folder's name.
 */
export async function contextAcross(engines: ContextSide[], query: string, options: ContextOptions = {}): Promise<ContextBundle> {
  const started = performance.now();
  const budgetTokens = checkBudget(options.budgetTokens ?? 4000, 'budgetTokens');
  const format = options.format ?? 'markdown';
  const tokenizer = options.tokenizer ?? 'o200k';
  const perEngine = checkLimit(options.candidates ?? CONTEXT_CANDIDATES, 'candidates');
  const labels = folderLabels(engines.map((e) => e.repo));
  const expand = { graph: options.graph ?? budgetTokens >= GRAPH_MIN_BUDGET, members: options.members ?? true };
  const { ranked, terms } = await rankAcross(engines, labels, query, perEngine, expand, options.openFiles ?? []);
  if (options.active) pinActive(ranked, engines, labels, options.active);
  const spans = options.wholeDefinitions !== false ? definitionsOf(ranked) : new Map();
  const candidates = toCandidates(ranked, spans);
  const outlines = options.repoMap !== false ? outlinesOf(ranked) : [];
  const packed = packContext(candidates, {
    budget: budgetTokens,
    countTokens: await countingWith(tokenizer),
    format,
    terms,
    outlines,
  });
  const repoOf = (label: string) => engines[labels.indexOf(label)]?.repo ?? engines[0]?.repo ?? '';
  return {
    text: packed.text,
    format,
    tokenizer,
    chunks: packed.blocks.map((b) => toItem(b, repoOf(b.folder))),
    repoMap: packed.repoMap.map((f) => ({ repo: repoOf(f.folder), path: f.path, entries: f.entries })),
    usedTokens: packed.tokens,
    budgetTokens,
    candidates: packed.candidates,
    duplicates: packed.duplicates,
    omitted: packed.omitted,
    tookMs: performance.now() - started,
  };
}

/**
 * Each engine's best chunks for `query` (open files' chunks boosted), with `members` the best members of the classes
 * among them, with `graph` the definitions their top hits reference, all ranked together by score (a pasted issue's
 * results scored in the order its search lists them); and the query terms.
 */
async function rankAcross(
  engines: ContextSide[],
  labels: string[],
  query: string,
  perEngine: number,
  expand: { graph: boolean; members: boolean },
  openFiles: { repo: string; path: string }[],
): Promise<{ ranked: RankedChunk[]; terms: string[] }> {
  const open = new Set(openFiles.map((f) => `${f.repo}\0${f.path}`));
  const ranked: RankedChunk[] = [];
  const terms = new Set<string>();
  for (const [i, engine] of engines.entries()) {
    const { ranked: listed, terms: t, q } = await engine.guarded(() => engine.rank(query, { limit: perEngine }));
    // A pasted issue is ranked in the order search shows it, not by bare scores: its files-first stage moves the
    // results of the files the issue is about past better-scored ones, and sorting by score would undo that. Questions
    // keep their scores (measured: docs/eval.md, "Context in the search's order").
    const found = q.issue ? scoresInListOrder(listed) : listed;
    for (const term of t) terms.add(term);
    const byId = new Map<number, RankedChunk>();
    for (const r of found) {
      const inOpenFile = open.has(`${engine.repo}\0${r.chunk.path}`);
      const entry = {
        engine,
        label: labels[i] ?? '',
        chunk: { ...r.chunk, id: r.id },
        score: r.score * (inOpenFile ? OPEN_FILE_BOOST : 1),
      };
      byId.set(r.id, entry);
      ranked.push(entry);
    }
    if (expand.members) ranked.push(...withMembers(engine, labels[i] ?? '', found, byId, q));
    // The code graph: the definitions the top hits reference, worth less than their hit (search/expand-graph.ts).
    if (expand.graph) {
      const callees = expandCallees(
        engine.store.db,
        found.map((r) => ({ id: r.id, score: r.score })),
      );
      const chunks = engine.store.chunks(callees.map((c) => c.id));
      for (const c of callees) {
        const chunk = chunks.get(c.id);
        if (chunk) ranked.push({ engine, label: labels[i] ?? '', chunk, score: c.score });
      }
    }
  }
  ranked.sort((a, b) => b.score - a.score);
  return { ranked, terms: [...terms] };
}

/**
 * A class among the top hits: its best-matching member joins above it, and it drops below (search/expand-members.ts).
 * Rescores the entries of `byId` in place; returns the members that were not hits already.
 */
function withMembers(
  engine: ContextSide,
  label: string,
  found: Ranked[],
  byId: Map<number, RankedChunk>,
  q: ParsedQuery,
): RankedChunk[] {
  const { members, containers } = expandMembers(
    engine.store.db,
    found.map((r) => ({ ...r.chunk, id: r.id, score: byId.get(r.id)?.score ?? r.score })),
    matchExpression(q),
    params.fieldWeights,
  );
  for (const [id, score] of containers) {
    const entry = byId.get(id);
    if (entry) entry.score = score;
  }
  const chunks = engine.store.chunks(members.filter((m) => !byId.has(m.id)).map((m) => m.id));
  const added: RankedChunk[] = [];
  for (const m of members) {
    const known = byId.get(m.id);
    const chunk = chunks.get(m.id);
    if (known) known.score = Math.max(known.score, m.score);
    else if (chunk) added.push({ engine, label, chunk, score: m.score });
  }
  return added;
}

/** The chunk under the cursor is taken first: it is what the user is looking at. */
function pinActive(
  ranked: RankedChunk[],
  engines: ContextSide[],
  labels: string[],
  at: NonNullable<ContextOptions['active']>,
): void {
  const atIndex = engines.findIndex((e) => e.repo === at.repo);
  const atEngine = engines[atIndex];
  const here = atEngine?.guardedSync(() => atEngine.store.chunkAt(at.path, at.line));
  if (atEngine && here) {
    ranked.unshift({
      engine: atEngine,
      label: labels[atIndex] ?? '',
      chunk: here,
      score: Number.POSITIVE_INFINITY,
      pinned: true,
    });
  }
}

/** The whole definitions that ranked chunks are parts of (store/graph.ts), by ranked entry. */
function definitionsOf(ranked: RankedChunk[]): Map<RankedChunk, { startLine: number; endLine: number }> {
  const out = new Map<RankedChunk, { startLine: number; endLine: number }>();
  const byEngine = new Map<ContextSide, RankedChunk[]>();
  for (const r of ranked) if (r.chunk.id !== undefined) byEngine.set(r.engine, [...(byEngine.get(r.engine) ?? []), r]);
  for (const [engine, list] of byEngine) {
    const spans = engine.guardedSync(() =>
      definitionSpans(
        engine.store.db,
        list.map((r) => ({ ...r.chunk, id: r.chunk.id ?? -1 })),
      ),
    );
    for (const r of list) {
      const span = spans.get(r.chunk.id ?? -1);
      if (span) out.set(r, span);
    }
  }
  return out;
}

/** The ranked chunks as the packer takes them, each with its file's lines as indexed (read once per file). */
function toCandidates(
  ranked: RankedChunk[],
  spans: Map<RankedChunk, { startLine: number; endLine: number }>,
): ContextCandidate[] {
  const sources = new Map<string, readonly string[] | undefined>();
  const sourceOf = (engine: ContextSide, path: string) => {
    const key = `${engine.repo}\0${path}`;
    if (!sources.has(key)) sources.set(key, engine.indexedSource(path));
    return sources.get(key);
  };
  return ranked.map((r) => ({
    folder: r.label,
    path: r.chunk.path,
    language: r.chunk.language,
    symbol: r.chunk.symbol,
    kind: r.chunk.kind,
    startLine: r.chunk.startLine,
    endLine: r.chunk.endLine,
    content: r.chunk.content,
    signature: r.chunk.signature,
    doc: r.chunk.doc,
    score: r.score,
    source: sourceOf(r.engine, r.chunk.path),
    pinned: r.pinned,
    definition: spans.get(r),
  }));
}

/** The top-level declarations of each ranked file, once per file, in rank order: the repository map's material. */
function outlinesOf(ranked: RankedChunk[]): FileOutline[] {
  const outlines: FileOutline[] = [];
  const seen = new Set<string>();
  for (const r of ranked) {
    const key = `${r.label}\0${r.chunk.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entries = r.engine.store.outline(r.chunk.path, MAX_MAP_ENTRIES).map((e) => ({ line: e.line, text: e.signature }));
    outlines.push({ folder: r.label, path: r.chunk.path, entries });
  }
  return outlines;
}

/** A packed block as the engine answers it, with its repository. */
function toItem(b: ContextBlock, repo: string): ContextItem {
  return {
    repo,
    path: b.path,
    language: b.language,
    startLine: b.startLine,
    endLine: b.endLine,
    citation: citation(b),
    symbol: b.symbols[0] ?? '',
    symbols: b.symbols,
    rank: b.rank,
    ranks: b.ranks,
    score: b.score,
    elided: b.elided,
    shown: b.shown,
    content: b.content,
    tokens: b.tokens,
  };
}

/**
 * The lines of `path` as indexed: read from disk, and only when its bytes still hash to what the index holds (an
 * edited file, or an editor buffer indexed in its place, gives undefined: its chunks are then shown as stored).
 */
export function indexedSource(store: Store, repo: string, path: string): string[] | undefined {
  const state = store.fileState(path);
  if (!state) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(repo, path));
  } catch {
    return undefined;
  }
  if (createHash('sha1').update(bytes).digest('hex') !== state.hash) return undefined;
  const lines = new TextDecoder().decode(bytes).split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
