// `codectx eval`: index the repository, ask every question in every mode, print the metrics, optionally gate on a baseline.
// Exit codes: 0 done (gate passed), 1 the gate failed, 2 bad usage or a bad dataset/baseline, 3 repository, index or tool problem.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, configFrom } from '../config.js';
import { Engine, type IndexProgress, RepositoryError } from '../engine.js';
import { DatasetError, loadSuite } from './dataset.js';
import { compareWithBaseline, formatGate, type GateReport } from './gate.js';
import { ToolMissingError } from './grep-baseline.js';
import { formatIssueMarkdown } from './issue-report.js';
import { type EvalMode, MODES } from './modes.js';
import { formatMarkdown, rescued, versusLexical } from './report.js';
import { type EvalProgress, type EvalResult, runEval, withoutTimings } from './run-eval.js';
import { type IssueEvalResult, runIssueEval } from './run-issue-eval.js';

export const EVAL_USAGE = `usage:
  codectx eval DATASET... [--repo DIR] [--index-dir DIR] [--modes M1,M2] [--k N] [--json]
                          [--baseline FILE [--max-drop X]] [--save-baseline FILE]

DATASET is JSON Lines: {"id","query","gold":[{"path","startLine","endLine","symbol"}],"kind"} per line,
gold paths relative to --repo (default: the current folder). An issue-style DATASET has
{"id","query","gold":[{"path","symbols":["Class.method",…]}]} per line (as ../shared/dev-issues): it is scored by file
Acc@1/5/10 and function Acc@10 (no baseline, no context budgets).
  --modes          comma-separated, from: MODES (default: all of them)
  --k N            recall@k cutoff (default 10); each mode returns max(k, 10) results
  --context-budgets B1,B2  context recall at these token budgets, through codectx context (default 2000,4000,8000;
                   none to skip)
  --json           print the result as one JSON object instead of Markdown
  --baseline FILE  compare with a saved result; exit 1 when an overall metric of a mode drops by more than --max-drop
  --max-drop X     absolute drop allowed per metric (default 0.02)
  --save-baseline FILE  write this run's result, without timings, as a baseline`;

/** Where the command writes, and which modes it knows (tests add their own). */
export interface EvalCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  modes: Record<string, EvalMode>;
}

class UsageError extends Error {}

function usage(modes: Record<string, EvalMode>): string {
  return EVAL_USAGE.replace('MODES', Object.keys(modes).join(', '));
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      repo: { type: 'string' },
      'index-dir': { type: 'string' },
      modes: { type: 'string' },
      k: { type: 'string' },
      json: { type: 'boolean' },
      baseline: { type: 'string' },
      'max-drop': { type: 'string' },
      'save-baseline': { type: 'string' },
      'context-budgets': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function selectModes(text: string | undefined, known: Record<string, EvalMode>): [string, EvalMode][] {
  const names = text === undefined ? Object.keys(known) : [...new Set(text.split(',').map((m) => m.trim()))];
  if (names.length === 0 || names.includes(''))
    throw new UsageError(`--modes needs mode names, from: ${Object.keys(known).join(', ')}`);
  return names.map((name) => {
    const mode = known[name];
    if (!mode) throw new UsageError(`unknown mode '${name}'; available modes: ${Object.keys(known).join(', ')}`);
    return [name, mode];
  });
}

/** Reads a saved result (from --save-baseline or --json); extra fields such as `gate` and `run` are ignored. */
function loadBaseline(file: string): EvalResult {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read baseline ${file}: ${(error as Error).message}`);
  }
  const r = value as Partial<EvalResult> | null;
  if (r?.version !== 1 || typeof r.k !== 'number' || typeof r.modes !== 'object' || r.modes === null)
    throw new UsageError(`${file} is not a codectx eval result (expected version 1 with k and modes)`);
  return r as EvalResult;
}

/** Context recall budgets: `none`, or comma-separated token counts (default 2000,4000,8000). */
function parseBudgets(text: string | undefined): number[] {
  if (text === undefined) return [2000, 4000, 8000];
  if (text.trim() === 'none') return [];
  const budgets = text.split(',').map((b) => Number(b.trim()));
  if (budgets.some((b) => !Number.isInteger(b) || b < 1 || b > 1_000_000))
    throw new UsageError(`--context-budgets must be none or integers from 1 to 1000000, got '${text}'`);
  return [...new Set(budgets)];
}

function missingGold(repo: string, questions: { gold: { path: string }[] }[]): string[] {
  const paths = new Set(questions.flatMap((q) => q.gold.map((g) => g.path)));
  return [...paths].filter((p) => !existsSync(join(repo, p)));
}

function indexPrinter(err: (text: string) => void): (p: IndexProgress) => void {
  let last = Date.now();
  return (p) => {
    const now = Date.now();
    if (p.phase === 'done') {
      if (p.filesIndexed > 0)
        err(
          `codectx: indexed ${p.filesIndexed} of ${p.filesTotal} files, ${p.chunks} chunks in ${(p.elapsedMs / 1000).toFixed(1)}s\n`,
        );
    } else if (p.phase === 'index' && now - last > 5000) {
      last = now;
      err(`codectx: indexing ${p.filesDone}/${p.filesTotal} files\n`);
    }
  };
}

function evalPrinter(err: (text: string) => void): (p: EvalProgress) => void {
  let started = Date.now();
  let last = started;
  return (p) => {
    const now = Date.now();
    if (p.done === 1) started = now;
    if (p.done === p.total) err(`codectx: eval ${p.mode}: ${p.total} questions in ${((now - started) / 1000).toFixed(1)}s\n`);
    else if (now - last > 10_000) {
      last = now;
      err(`codectx: eval ${p.mode}: ${p.done}/${p.total}\n`);
    }
  };
}

/** `--k` (1 to 1000, default 10) and `--max-drop` (0 to 1, default 0.02, only with --baseline). */
function readNumbers(values: ReturnType<typeof parse>['values']): { k: number; maxDrop: number } {
  const k = values.k === undefined ? 10 : Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new UsageError(`--k must be an integer from 1 to 1000, got '${values.k}'`);
  const maxDrop = values['max-drop'] === undefined ? 0.02 : Number(values['max-drop']);
  if (values['max-drop'] !== undefined && !values.baseline) throw new UsageError('--max-drop goes with --baseline');
  if (!Number.isFinite(maxDrop) || maxDrop < 0 || maxDrop > 1)
    throw new UsageError(`--max-drop must be a number from 0 to 1, got '${values['max-drop']}'`);
  return { k, maxDrop };
}

/** Indexes the repository (and embeds it for dense and hybrid), then asks every question in every mode (`ask`). */
async function evaluate<R>(
  config: Config,
  modes: [string, EvalMode][],
  err: (text: string) => void,
  ask: (engine: Engine) => Promise<R>,
): Promise<R> {
  const engine = Engine.open(config, (message) => err(`codectx: warning: ${message}\n`));
  let result: R;
  try {
    const report = await engine.index(indexPrinter(err));
    if (report.errors.length) err(`codectx: ${report.errors.length} files had problems while indexing (see codectx status)\n`);
    if (modes.some(([name]) => name === 'dense' || name === 'hybrid')) {
      const embedded = await engine.embed();
      if (!embedded)
        throw new ToolMissingError(`dense and hybrid modes need embeddings: ${engine.embedderProblem ?? 'no model'}`);
      err(`codectx: ${embedded.embedded} chunks embedded (${embedded.computed} computed, ${embedded.fromCache} from cache)\n`);
    }
    result = await ask(engine);
  } finally {
    await engine.close();
  }
  return result;
}

/** Runs `codectx eval` with the arguments after `eval`; resolves to the exit code. */
export async function runEvalCommand(argv: string[], io: Partial<EvalCommandIo> = {}): Promise<number> {
  const out = io.out ?? ((text: string) => process.stdout.write(text));
  const err = io.err ?? ((text: string) => process.stderr.write(text));
  try {
    return await evalCommand(argv, io.modes ?? MODES, out, err);
  } catch (error) {
    return exitCodeOf(error, err);
  }
}

/** The command itself: flags, dataset, repository, the run, the report (and the gate); throws what exitCodeOf maps. */
async function evalCommand(
  argv: string[],
  known: typeof MODES,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(`${usage(known)}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('eval needs at least one DATASET file');
  const { k, maxDrop } = readNumbers(values);
  const modes = selectModes(values.modes, known);
  const contextBudgets = parseBudgets(values['context-budgets']);
  const baseline = values.baseline ? loadBaseline(values.baseline) : undefined;
  if (baseline && baseline.k !== k)
    throw new UsageError(`${values.baseline} was made with --k ${baseline.k}; run with --k ${baseline.k}`);
  const suite = loadSuite(positionals);
  if (suite.kind === 'issues') {
    for (const flag of ['baseline', 'save-baseline', 'context-budgets', 'k'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with line-range datasets, not issue-style ones`);
  }
  const questions = suite.questions;
  // The model under evaluation: CODECTX_EMBEDDINGS as for the other commands (the shipped model by default).
  const config = configFrom({ repo: values.repo ?? process.cwd(), indexDir: values['index-dir'] });
  // A missing repository is the first thing to fix, before any tool a mode needs.
  if (!statSync(config.repo, { throwIfNoEntry: false })?.isDirectory())
    throw new RepositoryError(`${config.repo} is not a folder: pass --repo DIR with a repository folder`);
  for (const [, mode] of modes) mode.check?.();
  const missing = missingGold(config.repo, questions);
  if (missing.length)
    err(`codectx: warning: ${missing.length} gold files are not under ${config.repo} (first: ${missing[0]}); check --repo\n`);
  if (suite.kind === 'issues') {
    const issues: IssueEvalResult = await evaluate(config, modes, err, (engine) =>
      runIssueEval(engine, suite.questions, modes, evalPrinter(err)),
    );
    issues.run = { date: new Date().toISOString(), repo: config.repo };
    out(values.json ? `${JSON.stringify(issues)}\n` : formatIssueMarkdown(issues));
    return 0;
  }
  const result = await evaluate(config, modes, err, (engine) =>
    runEval(engine, suite.questions, modes, k, evalPrinter(err), contextBudgets),
  );
  result.run = { date: new Date().toISOString(), repo: config.repo };
  return reportRun(result, baseline, { values, k, maxDrop }, out, err);
}

/** Saves the baseline when asked, writes the report (Markdown or --json) with the gate's verdict; 1 when the gate fails. */
function reportRun(
  result: EvalResult,
  baseline: EvalResult | undefined,
  { values, k, maxDrop }: { values: ReturnType<typeof parse>['values']; k: number; maxDrop: number },
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  if (values['save-baseline']) {
    try {
      writeFileSync(values['save-baseline'], `${JSON.stringify(withoutTimings(result), null, 2)}\n`);
    } catch (error) {
      throw new UsageError(`cannot write ${values['save-baseline']}: ${(error as Error).message}`);
    }
    err(`codectx: wrote baseline ${values['save-baseline']}\n`);
  }
  let gate: GateReport | undefined;
  if (baseline) gate = compareWithBaseline(result, baseline, maxDrop);
  // With what the other modes add to lexical and where they rank below it (report.ts), as the Markdown report has it.
  if (values.json)
    out(
      `${JSON.stringify({ ...result, rescued: rescued(result), versusLexical: versusLexical(result), ...(gate ? { gate } : {}) })}\n`,
    );
  else {
    out(formatMarkdown(result));
    if (gate) out(`\n${formatGate(gate, values.baseline as string, k)}`);
  }
  return gate && !gate.passed ? 1 : 0;
}

/** The exit code of a failed eval, with its one line on stderr: 2 usage or dataset, 3 repository or tool; else rethrown. */
function exitCodeOf(error: unknown, err: (text: string) => void): number {
  if (error instanceof UsageError || error instanceof ConfigError) {
    err(`codectx: ${error.message} (codectx eval --help shows the usage)\n`);
    return 2;
  }
  if (error instanceof DatasetError) {
    err(`codectx: ${error.message}\n`);
    return 2;
  }
  if (error instanceof RepositoryError || error instanceof ToolMissingError) {
    err(`codectx: ${error.message}\n`);
    return 3;
  }
  throw error;
}
