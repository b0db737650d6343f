// Pure. Issue-style scores of one question, as the localization papers measure them (LocAgent, SweRank): file Acc@k
// (every gold file among the first k distinct files) and function Acc@10 (every gold `path::symbol` among the first 10
// distinct (path, symbol) pairs). Invariant: results count once per distinct file and per distinct pair, in order.

/** A file the fix changed, and the (qualified, `Class.method`) names of the definitions it touched. */
export interface IssueGold {
  path: string;
  symbols: string[];
}

/** A result as issue scoring sees it: its file and the symbol of its chunk (absent for a block without one). */
export interface NamedResult {
  path: string;
  symbol?: string | undefined;
}

export interface IssueScores {
  /** Rank among distinct files of the last gold file found (all must be in), null when one is missing. */
  fileRank: number | null;
  fileAcc1: number;
  fileAcc5: number;
  fileAcc10: number;
  /** Rank among distinct (path, symbol) pairs of the last gold definition; null when one is missing or none counts. */
  funcRank: number | null;
  /** 1 or 0; null when the gold names no real definition (the question is left out of the function metric). */
  funcAcc10: number | null;
}

/** Means over questions; `functionN` counts the questions with a real gold definition. */
export interface IssueSummary {
  n: number;
  fileAcc1: number;
  fileAcc5: number;
  fileAcc10: number;
  functionN: number;
  funcAcc10: number;
}

/** A gold name that is a definition: not empty, not a change outside any definition (`imports`, `impl`). */
export const isRealSymbol = (s: string): boolean => s !== '' && !/^(imports|impl)(:\d+)?$/.test(s);

/** `Class.method` matches `Class.method` and `Outer.Class.method`, never `method` alone. */
export const symbolMatches = (result: string, gold: string): boolean => result === gold || result.endsWith(`.${gold}`);

export function scoreIssue(results: readonly NamedResult[], gold: readonly IssueGold[]): IssueScores {
  const files: string[] = [];
  const pairs: NamedResult[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (!files.includes(r.path)) files.push(r.path);
    const key = `${r.path}\u0000${r.symbol ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      pairs.push(r);
    }
  }
  const rankOf = (i: number) => (i < 0 ? Number.POSITIVE_INFINITY : i + 1);
  const fileRank = Math.max(...gold.map((g) => rankOf(files.indexOf(g.path))));
  const defs = gold.flatMap((g) => g.symbols.filter(isRealSymbol).map((symbol) => ({ path: g.path, symbol })));
  const funcRank = defs.length
    ? Math.max(...defs.map((d) => rankOf(pairs.findIndex((p) => p.path === d.path && symbolMatches(p.symbol ?? '', d.symbol)))))
    : null;
  const within = (rank: number, k: number) => (rank <= k ? 1 : 0);
  return {
    fileRank: Number.isFinite(fileRank) ? fileRank : null,
    fileAcc1: within(fileRank, 1),
    fileAcc5: within(fileRank, 5),
    fileAcc10: within(fileRank, 10),
    funcRank: funcRank !== null && Number.isFinite(funcRank) ? funcRank : null,
    funcAcc10: funcRank === null ? null : within(funcRank, 10),
  };
}

/** The mean of each score; the function mean over the questions that have one (0 when none has). */
export function summarizeIssues(scores: readonly IssueScores[]): IssueSummary {
  const n = scores.length;
  const mean = (f: (s: IssueScores) => number) => (n ? scores.reduce((a, s) => a + f(s), 0) / n : 0);
  const withFunction = scores.flatMap((s) => (s.funcAcc10 === null ? [] : [s.funcAcc10]));
  return {
    n,
    fileAcc1: mean((s) => s.fileAcc1),
    fileAcc5: mean((s) => s.fileAcc5),
    fileAcc10: mean((s) => s.fileAcc10),
    functionN: withFunction.length,
    funcAcc10: withFunction.length ? withFunction.reduce((a, x) => a + x, 0) / withFunction.length : 0,
  };
}
