// Pure. The regression gate: a run against a saved baseline, metric by metric, and the queries whose rank got worse.
// Invariant: only modes present in both runs are compared; timings never fail the gate.
import { type Level, METRICS, type MetricName, type MetricSummary } from './metrics.js';
import { metricLabel } from './report.js';
import type { EvalResult, QueryOutcome } from './run-eval.js';

export interface MetricDrop {
  mode: string;
  level: Level;
  metric: MetricName;
  before: number;
  after: number;
}

/** A question whose rank moved, at its mode's level (chunk for chunk modes, file for file modes). */
export interface RankChange {
  mode: string;
  id: string;
  kind: string;
  query: string;
  before: number | null;
  after: number | null;
}

export interface GateReport {
  passed: boolean;
  maxDrop: number;
  /** Overall metrics that dropped by more than maxDrop. */
  drops: MetricDrop[];
  worse: RankChange[];
  better: RankChange[];
  /** What could not be compared (a mode or questions missing on one side). */
  notes: string[];
}

// A missing rank is worse than any rank.
const rankValue = (r: number | null) => r ?? Number.POSITIVE_INFINITY;
// Sums of many floats differ in the last bits; a drop of exactly maxDrop passes.
const EPSILON = 1e-9;

function rankOf(q: QueryOutcome, level: Level): number | null {
  return level === 'chunk' ? q.chunkRank : q.fileRank;
}

/** Compares `current` with `baseline`: fails when any overall metric of a mode drops by more than `maxDrop` (absolute). */
export function compareWithBaseline(current: EvalResult, baseline: EvalResult, maxDrop: number): GateReport {
  const drops: MetricDrop[] = [];
  const worse: RankChange[] = [];
  const better: RankChange[] = [];
  const notes: string[] = [];
  for (const mode of Object.keys(baseline.modes))
    if (!current.modes[mode]) notes.push(`mode ${mode} is in the baseline but was not run`);
  for (const [mode, now] of Object.entries(current.modes)) {
    const then = baseline.modes[mode];
    if (!then) {
      notes.push(`mode ${mode} has no baseline`);
      continue;
    }
    const levels: [Level, MetricSummary | null, MetricSummary | null][] = [
      ['chunk', then.total.chunk, now.total.chunk],
      ['file', then.total.file, now.total.file],
    ];
    for (const [level, before, after] of levels) {
      if (!before || !after) continue;
      for (const metric of METRICS)
        if (before[metric] - after[metric] > maxDrop + EPSILON)
          drops.push({ mode, level, metric, before: before[metric], after: after[metric] });
    }
    const old = new Map(then.queries.map((q) => [q.id, q]));
    let missing = 0;
    for (const q of now.queries) {
      const o = old.get(q.id);
      if (!o) {
        missing++;
        continue;
      }
      old.delete(q.id);
      const change = { mode, id: q.id, kind: q.kind, query: q.query, before: rankOf(o, now.level), after: rankOf(q, now.level) };
      if (rankValue(change.after) > rankValue(change.before)) worse.push(change);
      else if (rankValue(change.after) < rankValue(change.before)) better.push(change);
    }
    if (missing) notes.push(`${mode}: ${missing} questions have no baseline`);
    if (old.size) notes.push(`${mode}: ${old.size} baseline questions were not asked`);
  }
  // Biggest losses first: found → lost, then by how far the rank fell.
  const loss = (c: RankChange) => rankValue(c.after) - rankValue(c.before);
  worse.sort((a, b) => a.mode.localeCompare(b.mode) || loss(b) - loss(a) || rankValue(a.before) - rankValue(b.before));
  return { passed: drops.length === 0, maxDrop, drops, worse, better, notes };
}

const rank = (r: number | null) => (r === null ? '–' : String(r));
const num = (x: number) => x.toFixed(3);

/** A short text report: verdict, dropped metrics, then at most `limit` queries that got worse with old and new rank. */
export function formatGate(report: GateReport, baselineName: string, k: number, limit = 20): string {
  const out: string[] = [];
  if (report.passed) out.push(`gate: passed against ${baselineName} (no overall metric dropped by more than ${report.maxDrop})`);
  else out.push(`gate: FAILED against ${baselineName}: ${report.drops.length} metrics dropped by more than ${report.maxDrop}`);
  for (const d of report.drops) {
    const label = `${d.mode} ${d.level} ${metricLabel(d.metric, k)}`;
    out.push(`  ${label.padEnd(28)} ${num(d.before)} → ${num(d.after)}  (${num(d.after - d.before)})`);
  }
  for (const note of report.notes) out.push(`  note: ${note}`);
  if (report.worse.length) {
    out.push(`queries that got worse (${report.worse.length}; rank before → after, – = not in the results):`);
    const idWidth = Math.min(24, Math.max(...report.worse.map((c) => c.id.length)));
    const kindWidth = Math.min(12, Math.max(...report.worse.map((c) => c.kind.length)));
    for (const c of report.worse.slice(0, limit)) {
      const ranks = `${rank(c.before)} → ${rank(c.after)}`;
      const query = c.query.length > 60 ? `${c.query.slice(0, 59)}…` : c.query;
      out.push(`  ${c.mode.padEnd(8)} ${c.id.padEnd(idWidth)} ${c.kind.padEnd(kindWidth)} ${ranks.padEnd(8)} ${query}`);
    }
    if (report.worse.length > limit) out.push(`  … and ${report.worse.length - limit} more`);
  }
  out.push(`queries that got better: ${report.better.length}`);
  return `${out.join('\n')}\n`;
}
