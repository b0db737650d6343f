import { describe, expect, it } from 'vitest';
import { compareWithBaseline, formatGate } from './gate.js';
import type { MetricSummary } from './metrics.js';
import type { EvalResult, ModeReport, QueryOutcome } from './run-eval.js';

const summary = (v: number, over: Partial<MetricSummary> = {}): MetricSummary => ({
  n: 4,
  hit1: v,
  hit5: v,
  hit10: v,
  recall: v,
  mrr10: v,
  ndcg10: v,
  ...over,
});
const outcome = (id: string, chunkRank: number | null, fileRank = chunkRank): QueryOutcome => ({
  id,
  kind: 'paraphrase',
  query: `question ${id}`,
  chunkRank,
  fileRank,
});
const mode = (
  level: 'chunk' | 'file',
  chunk: MetricSummary | null,
  file: MetricSummary,
  queries: QueryOutcome[],
): ModeReport => ({
  level,
  description: '',
  total: { n: queries.length, chunk, file, latencyMs: null },
  byKind: {},
  queries,
});
const result = (modes: Record<string, ModeReport>): EvalResult => ({ version: 1, k: 10, datasets: ['d'], questions: 4, modes });

const baseline = result({
  lexical: mode('chunk', summary(0.8), summary(0.9), [outcome('a', 1), outcome('b', 2), outcome('c', null), outcome('d', 4)]),
  grep: mode('file', null, summary(0.5), [outcome('a', null, 3), outcome('b', null, 1)]),
});

describe('compareWithBaseline', () => {
  it('passes the baseline against itself', () => {
    const r = compareWithBaseline(baseline, baseline, 0.02);
    expect(r).toMatchObject({ passed: true, drops: [], worse: [], better: [], notes: [] });
  });

  it('passes a drop of exactly max-drop and fails a larger one, per mode, level and metric', () => {
    const current = result({
      lexical: mode('chunk', summary(0.78, { mrr10: 0.7 }), summary(0.9), baseline.modes.lexical?.queries ?? []),
      grep: mode('file', null, summary(0.5, { hit1: 0.4 }), baseline.modes.grep?.queries ?? []),
    });
    const r = compareWithBaseline(current, baseline, 0.02);
    expect(r.passed).toBe(false);
    expect(r.drops).toEqual([
      { mode: 'lexical', level: 'chunk', metric: 'mrr10', before: 0.8, after: 0.7 },
      { mode: 'grep', level: 'file', metric: 'hit1', before: 0.5, after: 0.4 },
    ]);
  });

  it('lists the queries that got worse with old and new rank, lost ones first, at the mode level', () => {
    const current = result({
      lexical: mode('chunk', summary(0.8), summary(0.9), [
        outcome('a', 5, 1),
        outcome('b', null),
        outcome('c', 2),
        outcome('d', 4),
      ]),
      grep: mode('file', null, summary(0.5), [outcome('a', null, 4), outcome('b', null, 1)]),
    });
    const r = compareWithBaseline(current, baseline, 0.02);
    expect(r.passed).toBe(true);
    expect(r.worse.map((c) => [c.mode, c.id, c.before, c.after])).toEqual([
      ['grep', 'a', 3, 4],
      ['lexical', 'b', 2, null],
      ['lexical', 'a', 1, 5],
    ]);
    expect(r.better.map((c) => [c.mode, c.id, c.before, c.after])).toEqual([['lexical', 'c', null, 2]]);
    const text = formatGate(r, 'base.json', 10);
    expect(text).toMatch(/^gate: passed against base\.json/);
    expect(text).toMatch(/lexical +b +paraphrase +2 → – +question b/);
    expect(text).toMatch(/lexical +a +paraphrase +1 → 5 +question a/);
    expect(text).toMatch(/queries that got better: 1/);
  });

  it('notes modes and questions present on one side only, and compares the rest', () => {
    const current = result({
      lexical: mode('chunk', summary(0.8), summary(0.9), [outcome('a', 1), outcome('z', 1)]),
      dense: mode('chunk', summary(0.1), summary(0.1), []),
    });
    const r = compareWithBaseline(current, baseline, 0.02);
    expect(r.passed).toBe(true);
    expect(r.notes).toEqual([
      'mode grep is in the baseline but was not run',
      'lexical: 1 questions have no baseline',
      'lexical: 3 baseline questions were not asked',
      'mode dense has no baseline',
    ]);
  });

  it('formats a failure with each dropped metric', () => {
    const current = result({ lexical: mode('chunk', summary(0.5), summary(0.9), baseline.modes.lexical?.queries ?? []) });
    const text = formatGate(compareWithBaseline(current, baseline, 0.02), 'base.json', 10);
    expect(text).toMatch(/^gate: FAILED against base\.json: 6 metrics dropped by more than 0\.02/);
    expect(text).toMatch(/lexical chunk MRR@10 +0\.800 → 0\.500 {2}\(-0\.300\)/);
    expect(text).toMatch(/lexical chunk recall@10 /);
  });
});
