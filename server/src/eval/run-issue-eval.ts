// Runs every issue-style question through every mode and scores file Acc@1/5/10 and function Acc@10 (issue-metrics.ts).
// Invariant: questions run in dataset order, modes in the order given; each mode is asked for ISSUE_DEPTH results.
import type { Engine } from '../engine.js';
import type { IssueQuestion } from './issue-dataset.js';
import { type IssueScores, type IssueSummary, scoreIssue, summarizeIssues } from './issue-metrics.js';
import { percentile } from './metrics.js';
import type { EvalMode } from './modes.js';
import type { EvalProgress } from './run-eval.js';

/** Results asked of each mode: enough distinct files and (path, symbol) pairs for the @10 cutoffs, as bench/dev-issues. */
export const ISSUE_DEPTH = 50;

export interface IssueOutcome {
  id: string;
  kind: string;
  fileRank: number | null;
  funcRank: number | null;
  ms: number;
}

export interface IssueModeReport {
  description: string;
  total: IssueSummary & { latencyMs: { p50: number; p95: number } | null };
  byKind: Record<string, IssueSummary>;
  queries: IssueOutcome[];
}

export interface IssueEvalResult {
  version: 1;
  suite: 'issues';
  datasets: string[];
  questions: number;
  modes: Record<string, IssueModeReport>;
  run?: { date: string; repo: string };
}

export async function runIssueEval(
  engine: Engine,
  questions: IssueQuestion[],
  modes: [string, EvalMode][],
  onProgress: (p: EvalProgress) => void = () => {},
): Promise<IssueEvalResult> {
  const report: Record<string, IssueModeReport> = {};
  for (const [name, mode] of modes) {
    const scored: { q: IssueQuestion; s: IssueScores; ms: number }[] = [];
    for (const [i, q] of questions.entries()) {
      const started = performance.now();
      const results = (await mode.search(engine, q.query, ISSUE_DEPTH)).slice(0, ISSUE_DEPTH);
      const ms = Math.round((performance.now() - started) * 100) / 100;
      scored.push({ q, s: scoreIssue(results, q.gold), ms });
      onProgress({ mode: name, done: i + 1, total: questions.length });
    }
    const kinds = [...new Set(questions.map((q) => q.kind))].sort();
    const times = scored.map((x) => x.ms);
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    report[name] = {
      description: mode.description,
      total: { ...summarizeIssues(scored.map((x) => x.s)), latencyMs: p50 === null || p95 === null ? null : { p50, p95 } },
      byKind: Object.fromEntries(
        kinds.map((kind) => [kind, summarizeIssues(scored.filter((x) => x.q.kind === kind).map((x) => x.s))]),
      ),
      queries: scored.map(({ q, s, ms }) => ({ id: q.id, kind: q.kind, fileRank: s.fileRank, funcRank: s.funcRank, ms })),
    };
  }
  return {
    version: 1,
    suite: 'issues',
    datasets: [...new Set(questions.map((q) => q.dataset))],
    questions: questions.length,
    modes: report,
  };
}
