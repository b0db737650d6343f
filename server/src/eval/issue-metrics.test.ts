import { describe, expect, it } from 'vitest';
import { type IssueGold, type IssueScores, type NamedResult, scoreIssue, summarizeIssues } from './issue-metrics.js';

const r = (path: string, symbol?: string): NamedResult => ({ path, symbol });

function check(results: NamedResult[], gold: IssueGold[], expected: Partial<IssueScores>) {
  expect(scoreIssue(results, gold)).toMatchObject(expected);
}

describe('scoreIssue', () => {
  it('ranks distinct files and needs every gold file', () => {
    const results = [r('a.py', 'f'), r('a.py', 'g'), r('b.py', 'h'), r('c.py')];
    check(results, [{ path: 'b.py', symbols: [] }], { fileRank: 2, fileAcc1: 0, fileAcc5: 1, funcAcc10: null });
    check(
      results,
      [
        { path: 'a.py', symbols: [] },
        { path: 'c.py', symbols: [] },
      ],
      { fileRank: 3, fileAcc1: 0 },
    );
    check(
      results,
      [
        { path: 'a.py', symbols: [] },
        { path: 'z.py', symbols: [] },
      ],
      { fileRank: null, fileAcc10: 0 },
    );
  });

  it('ranks distinct (path, symbol) pairs; a qualified name matches its tail, never a bare method', () => {
    const results = [r('a.py', 'C.f'), r('a.py', 'C.f'), r('a.py'), r('b.py', 'Outer.C.g'), r('b.py', 'g')];
    check(results, [{ path: 'b.py', symbols: ['C.g'] }], { funcRank: 3, funcAcc10: 1 });
    check(results, [{ path: 'a.py', symbols: ['f'] }], { funcRank: 1 });
    check(results, [{ path: 'a.py', symbols: ['D.f'] }], { funcRank: null, funcAcc10: 0 });
    // imports, impl and empty names are no definition: left out of the function metric.
    check(results, [{ path: 'a.py', symbols: ['imports', 'impl:2', ''] }], { funcRank: null, funcAcc10: null });
  });

  it('puts the tenth distinct pair in and the eleventh out', () => {
    const results = Array.from({ length: 12 }, (_, i) => r('a.py', `f${i + 1}`));
    check(results, [{ path: 'a.py', symbols: ['f10'] }], { funcAcc10: 1 });
    check(results, [{ path: 'a.py', symbols: ['f11'] }], { funcRank: 11, funcAcc10: 0 });
  });
});

describe('summarizeIssues', () => {
  it('averages files over all questions and functions over those with a definition', () => {
    const s = summarizeIssues([
      scoreIssue([r('a.py', 'f')], [{ path: 'a.py', symbols: ['f'] }]),
      scoreIssue([r('b.py', 'g')], [{ path: 'a.py', symbols: ['imports'] }]),
    ]);
    expect(s).toEqual({ n: 2, fileAcc1: 0.5, fileAcc5: 0.5, fileAcc10: 0.5, functionN: 1, funcAcc10: 1 });
  });
});
