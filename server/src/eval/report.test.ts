import { describe, expect, it } from 'vitest';
import type { MetricSummary } from './metrics.js';
import { formatMarkdown, rescued, versusLexical } from './report.js';
import type { EvalResult, ModeReport, QueryOutcome } from './run-eval.js';

const summary: MetricSummary = { n: 4, hit1: 0, hit5: 0, hit10: 0, recall: 0, mrr10: 0, ndcg10: 0 };
const outcome = (id: string, chunkRank: number | null): QueryOutcome => ({
  id,
  kind: 'howto',
  query: id,
  chunkRank,
  fileRank: chunkRank,
});
const mode = (level: 'chunk' | 'file', ranks: (number | null)[]): ModeReport => ({
  level,
  description: '',
  total: { n: ranks.length, chunk: level === 'chunk' ? summary : null, file: summary, latencyMs: null },
  byKind: {},
  queries: ranks.map((r, i) => outcome(`q${i}`, r)),
});
const result = (modes: Record<string, ModeReport>): EvalResult => ({ version: 1, k: 10, datasets: ['d'], questions: 4, modes });

describe('rescued', () => {
  // lexical misses q1 (rank 11) and q2 (not found); dense finds q1 at 3 but not q2; hybrid finds q2 at 10.
  const r = result({
    lexical: mode('chunk', [1, 11, null, 2]),
    dense: mode('chunk', [null, 3, 12, 1]),
    hybrid: mode('chunk', [1, null, 10, 5]),
    grep: mode('file', [1, 1, 1, 1]),
  });

  it('counts, per other chunk-level mode, the lexical misses it finds in its top 10', () => {
    expect(rescued(r)).toEqual([
      { mode: 'dense', missed: 2, found: 1 },
      { mode: 'hybrid', missed: 2, found: 1 },
    ]);
  });

  it('is reported in Markdown, and absent without a lexical mode', () => {
    expect(formatMarkdown(r)).toContain('Of the 2 questions lexical misses');
    expect(formatMarkdown(r)).toContain('dense finds 1 (50%)');
    expect(rescued(result({ dense: mode('chunk', [1]) }))).toEqual([]);
  });
});

describe('versusLexical', () => {
  // q0: both first; q1: lexical 11 (a miss) and hybrid misses too; q2: lexical misses, hybrid finds at 10 (better);
  // q3: lexical 2, hybrid 5 (worse); q4: lexical 3, hybrid misses (worse); q5: lexical 4, hybrid 1 (better).
  const r = result({
    lexical: mode('chunk', [1, 11, null, 2, 3, 4]),
    hybrid: mode('chunk', [1, null, 10, 5, 12, 1]),
    grep: mode('file', [1, 1, 1, 1, 1, 1]),
  });

  it('counts the questions ranked above lexical and names those ranked below, with both ranks', () => {
    expect(versusLexical(r)).toEqual([
      {
        mode: 'hybrid',
        better: 2,
        worse: [
          { id: 'q3', lexical: 2, other: 5 },
          { id: 'q4', lexical: 3, other: null },
        ],
      },
    ]);
  });

  it('is reported in Markdown, and absent without a lexical mode', () => {
    expect(formatMarkdown(r)).toContain('hybrid ranks 2 questions above lexical and 2 below (q3 2→5, q4 3→–)');
    expect(versusLexical(result({ dense: mode('chunk', [1]) }))).toEqual([]);
  });
});
