// Runs every question through every mode and scores the results: the EvalResult that reports, baselines and the gate use.
// Invariant: questions run in dataset order, modes in the order given; only the timings differ between two runs.
import type { Engine } from '../engine.js';
import type { Question } from './dataset.js';
import { contextRecall, type Level, type MetricSummary, percentile, type QueryScores, scoreQuery, summarize } from './metrics.js';
import type { EvalMode } from './modes.js';

/** How one question fared in one mode. Ranks are 1-based within the retrieved results, null when not among them. */
export interface QueryOutcome {
  id: string;
  kind: string;
  query: string;
  /** null for file-level modes, whose results say nothing about lines. */
  chunkRank: number | null;
  fileRank: number | null;
  /** Wall time of the mode's search, absent in saved baselines. */
  ms?: number;
}

/** Metric means over a set of questions. */
export interface Totals {
  n: number;
  /** null for file-level modes: their chunk-level metrics are not applicable. */
  chunk: MetricSummary | null;
  file: MetricSummary;
  /** Nearest-rank percentiles of the per-query wall time; null in saved baselines. */
  latencyMs: { p50: number; p95: number } | null;
}

export interface ModeReport {
  level: Level;
  description: string;
  total: Totals;
  /** By question kind, kinds in alphabetical order. */
  byKind: Record<string, Totals>;
  queries: QueryOutcome[];
}

export interface EvalResult {
  version: 1;
  /** The cutoff of recall@k. Each mode is asked for max(k, 10) results, so the @10 metrics never depend on k. */
  k: number;
  datasets: string[];
  questions: number;
  modes: Record<string, ModeReport>;
  /** Context recall@budget through Engine.context, when budgets were asked for. */
  context?: ContextReport;
  /** Where and when: absent in saved baselines so that they change only when the numbers do. */
  run?: { date: string; repo: string };
}

/** Context recall@budget: the share of gold ranges wholly inside the packed context, per budget (tokens). */
export interface ContextReport {
  budgets: number[];
  /** Mean recall per budget (keys are the budgets), over all questions and per kind. */
  total: Record<string, number>;
  byKind: Record<string, Record<string, number>>;
  /** Per question: recall per budget, and the tokens used at each. */
  queries: { id: string; kind: string; recall: Record<string, number>; tokens: Record<string, number> }[];
  /** Nearest-rank percentiles of Engine.context's time; null in saved baselines. */
  latencyMs: { p50: number; p95: number } | null;
}

export interface EvalProgress {
  mode: string;
  done: number;
  total: number;
}

interface Scored {
  outcome: QueryOutcome;
  chunk: QueryScores | null;
  file: QueryScores;
}

function totals(scored: Scored[]): Totals {
  const ms = scored.flatMap((s) => (s.outcome.ms === undefined ? [] : [s.outcome.ms]));
  const p50 = percentile(ms, 50);
  const p95 = percentile(ms, 95);
  const first = scored[0];
  return {
    n: scored.length,
    chunk: first?.chunk === null ? null : summarize(scored.map((s) => s.chunk as QueryScores)),
    file: summarize(scored.map((s) => s.file)),
    latencyMs: p50 === null || p95 === null ? null : { p50, p95 },
  };
}

/** Asks every mode every question (max(k, 10) results each) and scores the answers at chunk and file level. */
export async function runEval(
  engine: Engine,
  questions: Question[],
  modes: [string, EvalMode][],
  k: number,
  onProgress: (p: EvalProgress) => void = () => {},
  contextBudgets: number[] = [],
): Promise<EvalResult> {
  const depth = Math.max(k, 10);
  const report: Record<string, ModeReport> = {};
  for (const [name, mode] of modes) {
    const scored: Scored[] = [];
    for (const [i, q] of questions.entries()) {
      const started = performance.now();
      const results = (await mode.search(engine, q.query, depth)).slice(0, depth);
      const ms = Math.round((performance.now() - started) * 100) / 100;
      const chunk = mode.level === 'chunk' ? scoreQuery(results, q.gold, 'chunk', k) : null;
      const file = scoreQuery(results, q.gold, 'file', k);
      scored.push({
        outcome: { id: q.id, kind: q.kind, query: q.query, chunkRank: chunk?.rank ?? null, fileRank: file.rank, ms },
        chunk,
        file,
      });
      onProgress({ mode: name, done: i + 1, total: questions.length });
    }
    const kinds = [...new Set(questions.map((q) => q.kind))].sort();
    report[name] = {
      level: mode.level,
      description: mode.description,
      total: totals(scored),
      byKind: Object.fromEntries(kinds.map((kind) => [kind, totals(scored.filter((s) => s.outcome.kind === kind))])),
      queries: scored.map((s) => s.outcome),
    };
  }
  const result: EvalResult = {
    version: 1,
    k,
    datasets: [...new Set(questions.map((q) => q.dataset))],
    questions: questions.length,
    modes: report,
  };
  if (contextBudgets.length > 0) result.context = await runContext(engine, questions, contextBudgets, onProgress);
  return result;
}

/** Packs context for every question at every budget (Engine.context, its defaults) and scores it against the gold. */
async function runContext(
  engine: Engine,
  questions: Question[],
  budgets: number[],
  onProgress: (p: EvalProgress) => void,
): Promise<ContextReport> {
  const queries: ContextReport['queries'] = [];
  const times: number[] = [];
  for (const [i, q] of questions.entries()) {
    const recall: Record<string, number> = {};
    const tokens: Record<string, number> = {};
    for (const budget of budgets) {
      const started = performance.now();
      const bundle = await engine.context(q.query, { budgetTokens: budget });
      times.push(performance.now() - started);
      recall[budget] = contextRecall(bundle.chunks, q.gold);
      tokens[budget] = bundle.usedTokens;
    }
    queries.push({ id: q.id, kind: q.kind, recall, tokens });
    onProgress({ mode: 'context', done: i + 1, total: questions.length });
  }
  const mean = (rows: typeof queries): Record<string, number> =>
    Object.fromEntries(
      budgets.map((b) => [String(b), rows.length ? rows.reduce((n, r) => n + (r.recall[b] ?? 0), 0) / rows.length : 0]),
    );
  const kinds = [...new Set(questions.map((q) => q.kind))].sort();
  const p50 = percentile(times, 50);
  const p95 = percentile(times, 95);
  return {
    budgets,
    total: mean(queries),
    byKind: Object.fromEntries(kinds.map((kind) => [kind, mean(queries.filter((r) => r.kind === kind))])),
    queries,
    latencyMs: p50 === null || p95 === null ? null : { p50, p95 },
  };
}

const round = (s: MetricSummary): MetricSummary =>
  Object.fromEntries(Object.entries(s).map(([key, x]) => [key, Math.round(x * 10_000) / 10_000])) as unknown as MetricSummary;

/**
 * The result without timings and run details, metrics rounded to 4 decimals: what a baseline file holds, so that it
 * changes only when the numbers do and reads well in a diff.
 */
export function withoutTimings(result: EvalResult): EvalResult {
  const strip = (t: Totals): Totals => ({ ...t, chunk: t.chunk && round(t.chunk), file: round(t.file), latencyMs: null });
  const modes = Object.fromEntries(
    Object.entries(result.modes).map(([name, m]) => [
      name,
      {
        ...m,
        total: strip(m.total),
        byKind: Object.fromEntries(Object.entries(m.byKind).map(([kind, t]) => [kind, strip(t)])),
        queries: m.queries.map(({ ms: _ms, ...q }) => q),
      },
    ]),
  );
  const { run: _run, context, ...rest } = result;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  const roundAll = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([b, x]) => [b, r4(x)]));
  if (!context) return { ...rest, modes };
  return {
    ...rest,
    modes,
    context: {
      ...context,
      total: roundAll(context.total),
      byKind: Object.fromEntries(Object.entries(context.byKind).map(([kind, m]) => [kind, roundAll(m)])),
      queries: context.queries.map((q) => ({ ...q, recall: roundAll(q.recall) })),
      latencyMs: null,
    },
  };
}
