// CLI entry: parses flags and calls the engine directly (never through LSP). The output formats are a public contract.
// Exit codes: 0 success (also when nothing matched), 2 bad usage, 3 repository or index problem, 1 unexpected failure.
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  contextJson,
  embedPrinter,
  printContext,
  printIndexReport,
  printPushReport,
  printResults,
  printStatus,
  printSymbols,
  progressPrinter,
  truncate,
  verify,
} from './cli-output.js';
import { ConfigError, configFrom } from './config.js';
import {
  type ContextFormat,
  type ContextOptions,
  checkBudget,
  checkLimit,
  EmbeddingsUnavailable,
  type EmbedProgress,
  type Encoding,
  Engine,
  type IndexReport,
  InvalidRequest,
  isContextFormat,
  isEncoding,
  MAX_LIMIT,
  type RankMode,
  RemoteError,
  RepositoryError,
  RunLockError,
} from './engine.js';
import { runEvalCommand } from './eval/eval-command.js';

const USAGE = `usage:
  codectx serve  --stdio | --socket PORT       (the language server)
  codectx mcp    [--repo DIR] [--index-dir DIR] (the MCP server over stdio; docs/mcp.md)
  codectx index  [--repo DIR] [--index-dir DIR] [--json] [--rebuild] [--remote URL]
  codectx search QUERY [--repo DIR] [--index-dir DIR] [--limit N] [--mode hybrid|lexical|dense] [--json] [--explain]
  codectx search --batch FILE [--repo DIR] [--index-dir DIR] [--limit N] [--mode …]
  codectx context QUESTION [--repo DIR] [--index-dir DIR] [--budget N] [--format markdown|json|xml]
                 [--file PATH [--line N]] [--tokenizer o200k|cl100k] [--no-map] [--json]
  codectx context --batch FILE [--repo DIR] [--index-dir DIR] [--budget N] [--format …] [--tokenizer …] [--no-map]
  codectx symbols NAME [--repo DIR] [--index-dir DIR] [--limit N] [--json]
  codectx status [--repo DIR] [--index-dir DIR] [--json] [--verify]
  codectx push   --remote URL [--repo DIR] [--index-dir DIR] [--repo-name NAME] [--commit ID] [--json]
  codectx --version
  codectx eval DATASET... [--repo DIR] [--modes lexical,grep] [--k N] [--json] [--baseline FILE [--max-drop X]] [--save-baseline FILE]

--limit is an integer from 1 to ${MAX_LIMIT} (default 10); --budget a number of tokens from 1 to 1000000 (default 4000),
counted exactly in the --tokenizer's encoding. --file PATH --line N: the chunk at that line is taken first.
--batch FILE (- for stdin): one question a line, plain or JSON {"id","query"} (context: also "budget"), answered as
JSON Lines in order (search: {"id","query","results","tookMs"}; context: {"id"} and the fields of --json).
--repo defaults to the current folder; the index lives under ~/.cache/codectx unless --index-dir or CODECTX_INDEX_DIR says otherwise.
--embeddings SPEC (or CODECTX_EMBEDDINGS) picks the embedding model of index, search and eval: none, local (the shipped
model), or JSON such as {"provider":"huggingface","model":"/path/to/model"} (docs/configuration.md).
--remote URL (or CODECTX_REMOTE) names the team index, a PostgreSQL server (postgres://user:password@host/db): push
writes this index there under --repo-name (default: the folder's name) and --commit (default: HEAD); index, search and
context take from it the vectors it has instead of running the model (a failing server: one warning, done locally).`;

/** package.json's version, put in by the build (esbuild.config.mjs). */
declare const CODECTX_VERSION: string;

/** Ends a usage error's one line (README's contract); `--help` prints the whole usage. */
const HINT = ' (codectx --help shows the usage)';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number | undefined> {
  // The language server has its own flags and runs until the client ends it.
  if (argv[0] === 'serve') return (await import('./main.js')).runServer(argv.slice(1));
  endQuietlyOnBrokenPipe();
  // The evaluation harness parses its own flags.
  if (argv[0] === 'eval') return runEvalCommand(argv.slice(1));
  // The MCP server parses its own flags and runs until its client closes stdin.
  if (argv[0] === 'mcp') return (await import('./mcp/mcp-command.js')).runMcpCommand(argv.slice(1));
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`codectx: ${(error as Error).message}${HINT}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`codectx ${CODECTX_VERSION}\n`);
    return 0;
  }
  try {
    return await runCommand(commandOptions(values, positionals));
  } catch (error) {
    return exitCodeOf(error);
  }
}

type Values = ReturnType<typeof parse>['values'];

/** A command with its flags checked and converted: every usage error comes before the index is opened. */
interface CommandOptions {
  command: string;
  /** The positionals after the command (the query, the question, the name). */
  rest: string[];
  values: Values;
  format: ContextFormat;
  tokenizer: Encoding;
  line: number | undefined;
  limit: number;
  budget: number;
  mode: RankMode;
  batch: BatchLine[] | undefined;
}

/** Runs `op`; when the index was found damaged and started afresh meanwhile, fills it and runs `op` again. */
type Healed = <T>(op: () => T | Promise<T>) => Promise<T>;

/** The command's options from the parsed flags; throws a UsageError (or the engine's InvalidRequest) for bad ones. */
function commandOptions(values: Values, positionals: string[]): CommandOptions {
  const [command, ...rest] = positionals;
  checkUsage(command, rest, values);
  const format = isContextFormat(values.format) ? values.format : 'markdown';
  const tokenizer = isEncoding(values.tokenizer) ? values.tokenizer : 'o200k';
  const line = values.line === undefined ? undefined : Number(values.line);
  const limit = checkLimit(values.limit === undefined ? 10 : Number(values.limit), '--limit');
  const budget = checkBudget(values.budget === undefined ? 4000 : Number(values.budget), '--budget');
  const mode = (values.mode ?? 'hybrid') as RankMode;
  if (!['lexical', 'dense', 'hybrid'].includes(mode))
    throw new UsageError(`--mode must be lexical, dense or hybrid, got '${mode}'`);
  // Read before the index is opened: a bad file or line is a usage error that costs no indexing.
  const batch = values.batch === undefined ? undefined : readBatch(values.batch);
  return { command: command as string, rest, values, format, tokenizer, line, limit, budget, mode, batch };
}

/** Opens the repository's index, answers the command, closes the index. */
async function runCommand(o: CommandOptions): Promise<number> {
  const config = configFrom({
    repo: o.values.repo ?? process.cwd(),
    indexDir: o.values['index-dir'],
    embeddings: o.values.embeddings,
    remote: o.values.remote,
  });
  if (o.command === 'push' && !config.remote) throw new UsageError('push needs --remote URL (or CODECTX_REMOTE)');
  const engine = Engine.open(config, (message) => process.stderr.write(`codectx: warning: ${message}\n`));
  try {
    return await answer(engine, o);
  } finally {
    await engine.close();
  }
}

/** The exit code of a failed command, with its one line on stderr (README's contract); an unexpected error goes on. */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof InvalidRequest) {
    process.stderr.write(`codectx: ${error.message}${HINT}\n`);
    return 2;
  }
  if (error instanceof EmbeddingsUnavailable) {
    process.stderr.write(`codectx: --mode dense needs embeddings: ${error.message}\n`);
    return 3;
  }
  if (error instanceof RepositoryError || error instanceof RemoteError) {
    process.stderr.write(`codectx: ${error.message}\n`);
    return 3;
  }
  throw error;
}

/** Brings the index up to date (and its embeddings, unless the command needs none), printing progress and problems. */
async function bringUp(engine: Engine, o: CommandOptions): Promise<{ report: IndexReport; embedded: EmbedProgress | undefined }> {
  const report = await engine.index(progressPrinter(o.command === 'index'));
  for (const e of report.errors.slice(0, 5)) process.stderr.write(`codectx: ${e}\n`);
  if (report.errors.length > 5)
    process.stderr.write(`codectx: … and ${report.errors.length - 5} more problems (see codectx status)\n`);
  // Lexical search works now; embeddings fill in after, with their own progress.
  const embedded =
    (o.mode === 'lexical' && o.command === 'search') || o.command === 'symbols'
      ? undefined
      : await engine.embed({ onProgress: embedPrinter(o.command === 'index') });
  return { report, embedded };
}

/**
 * A damaged index found by any statement is moved aside and started afresh by the engine (Engine.recover); `healed`
 * then fills the fresh index before it answers (at most twice), so that a recovery never answers from an empty index.
 * `settle` takes the recoveries so far as handled (after `--rebuild`).
 */
function healing(engine: Engine, fill: () => Promise<unknown>): { healed: Healed; settle(): void } {
  let seen = engine.recoveries;
  const healed: Healed = async (op) => {
    let value = await op();
    for (let i = 0; i < 2 && engine.recoveries !== seen; i++) {
      seen = engine.recoveries;
      await fill();
      value = await op();
    }
    return value;
  };
  return {
    healed,
    settle: () => {
      seen = engine.recoveries;
    },
  };
}

/** Answers the command on the open index: status as it is; the others after bringing the index up to date. */
async function answer(engine: Engine, o: CommandOptions): Promise<number> {
  const up = () => bringUp(engine, o);
  const { healed, settle } = healing(engine, up);
  const json = o.values.json === true;
  // An index in a place this process cannot write is searched as it is (Store.open opened it read-only).
  const readOnly = engine.readOnly && o.command !== 'index';
  if (readOnly)
    process.stderr.write(
      `codectx: warning: the index ${engine.config.indexDir} is read-only: answering from it as it is (results may be stale; make the folder writable, or pass --index-dir DIR, to update it)\n`,
    );
  if (o.command === 'status') {
    if (o.values.verify) return verify(engine);
    await healed(() => engine.status());
    return printStatus(engine, json);
  }
  // One index run at a time per index (index.lock): `index` and `push` wait for another process's run (and then find
  // nothing left to do); a search, context or symbols answers from what is indexed so far instead of waiting.
  const waits = o.command === 'index' || o.command === 'push';
  const update = !readOnly && (engine.readOnly || (await takeRunLock(engine, waits)));
  try {
    if (o.values.rebuild) engine.recover('a rebuild was asked for (--rebuild)');
    settle();
    const { report, embedded } = update ? await healed(up) : { report: undefined, embedded: undefined };
    if (o.command === 'index' && report) return printIndexReport(engine, report, embedded, json);
    if (o.command === 'push') {
      const pushed = await engine.push({ repoName: o.values['repo-name'], commit: o.values.commit });
      return printPushReport(pushed, json);
    }
    if (o.command === 'symbols') return printSymbols(await healed(() => engine.symbolGraph(o.rest.join(' '), o.limit)), json);
    if (o.command === 'context') return await runContext(engine, o, healed);
    return await runSearch(engine, o, healed);
  } finally {
    if (update) engine.runLock.release();
  }
}

/**
 * Takes the index's run lock for this command's update: `wait` (index, push) waits for another process's run; otherwise
 * the command answers from what is indexed so far (false), and so it does when the lock cannot be written (a full disk).
 */
async function takeRunLock(engine: Engine, wait: boolean): Promise<boolean> {
  const say = (text: string) => process.stderr.write(`codectx: ${text}\n`);
  try {
    if (wait) {
      await engine.runLock.acquire({
        onWait: (pid) => say(`another codectx process (pid ${pid}) is indexing this repository: waiting for it to finish`),
      });
      return true;
    }
    if (engine.runLock.tryAcquire()) return true;
  } catch (error) {
    if (!(error instanceof RunLockError)) throw error;
    if (wait) throw new RepositoryError(error.message);
    say(`warning: ${error.message}; answering from the index as it is`);
    return false;
  }
  const pid = engine.runLock.holder();
  say(
    `another codectx process${pid ? ` (pid ${pid})` : ''} is indexing this repository: answering from what it has indexed so far`,
  );
  return false;
}

/** `context`: one bundle for the question, or one a line for `--batch`. */
async function runContext(engine: Engine, o: CommandOptions, healed: Healed): Promise<number> {
  const repo = engine.config.repo;
  const file = o.values.file === undefined ? undefined : repoRelative(repo, o.values.file);
  const options: ContextOptions = {
    budgetTokens: o.budget,
    format: o.format,
    tokenizer: o.tokenizer,
    repoMap: o.values['no-map'] !== true,
    active: file && o.line !== undefined ? { repo, path: file, line: o.line } : undefined,
    openFiles: file ? [{ repo, path: file }] : undefined,
  };
  if (o.batch) return await runContextBatch(engine, o.batch, options, healed);
  const bundle = await healed(() => engine.context(o.rest.join(' '), options));
  return printContext(bundle, o.values.json === true);
}

/** `search`: the results of the query, or JSON Lines for `--batch`. */
async function runSearch(engine: Engine, o: CommandOptions, healed: Healed): Promise<number> {
  const { values, limit, mode } = o;
  if (o.batch) return await runSearchBatch(engine, o.batch, limit, mode, healed);
  const query = o.rest.join(' ');
  const { results } = await healed(() => engine.search(query, { limit, mode, explain: values.explain === true }));
  if (values.json) process.stdout.write(`${JSON.stringify({ results })}\n`);
  else printResults(results, values.explain === true);
  if (results.length === 0 && !values.json) process.stderr.write(`codectx: no results for '${truncate(query, 80)}'\n`);
  return 0;
}

/** Throws a UsageError for a missing or unknown command, a missing argument, or a flag of another command. */
function checkUsage(command: string | undefined, rest: string[], values: Values): void {
  if (command === undefined) throw new UsageError('missing command');
  if (!['index', 'search', 'context', 'symbols', 'status', 'push'].includes(command))
    throw new UsageError(`unknown command '${command}'`);
  if (command === 'search' && !values.batch && rest.length === 0) throw new UsageError('search needs a QUERY or --batch FILE');
  if (command === 'context' && !values.batch && rest.length === 0)
    throw new UsageError('context needs a QUESTION or --batch FILE');
  if (values.batch && rest.length > 0) throw new UsageError(`--batch takes its questions from FILE, not '${rest[0]}'`);
  if (command === 'symbols' && rest.length !== 1) throw new UsageError('symbols needs one NAME');
  if (command !== 'search' && command !== 'context' && command !== 'symbols' && rest.length > 0)
    throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (command !== 'search' && values.explain) throw new UsageError('--explain goes with search');
  if (command !== 'search' && command !== 'context' && values.batch) throw new UsageError('--batch goes with search and context');
  if (command !== 'search' && command !== 'symbols' && values.limit) throw new UsageError('--limit goes with search and symbols');
  const contextFlags = ['budget', 'format', 'file', 'line', 'tokenizer', 'no-map'] as const;
  const misplaced = contextFlags.find((f) => values[f] !== undefined);
  if (command !== 'context' && misplaced) throw new UsageError(`--${misplaced} goes with context`);
  if (command !== 'status' && values.verify) throw new UsageError('--verify goes with status');
  if (command !== 'index' && values.rebuild) throw new UsageError('--rebuild goes with index');
  if (command !== 'push' && values.commit) throw new UsageError('--commit goes with push');
  if (command !== 'push' && command !== 'search' && values['repo-name'] !== undefined)
    throw new UsageError('--repo-name goes with push and search');
  if (values.format !== undefined && !isContextFormat(values.format))
    throw new UsageError(`--format must be markdown, json or xml, got '${values.format}'`);
  if (values.tokenizer !== undefined && !isEncoding(values.tokenizer))
    throw new UsageError(`--tokenizer must be o200k or cl100k, got '${values.tokenizer}'`);
  if (values.line !== undefined && values.file === undefined) throw new UsageError('--line goes with --file PATH');
  const line = values.line === undefined ? undefined : Number(values.line);
  if (line !== undefined && (!Number.isInteger(line) || line < 1))
    throw new UsageError(`--line must be a line number from 1, got '${values.line}'`);
}

/**
 * Output into a pipe whose reader left (`codectx search … | head -1`): the reader wants no more, so stdout's EPIPE ends
 * the process with exit 0 instead of an unhandled error; stderr's is ignored (the work goes on). Not for `serve`.
 */
function endQuietlyOnBrokenPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      repo: { type: 'string' },
      'index-dir': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      batch: { type: 'string' },
      explain: { type: 'boolean' },
      mode: { type: 'string' },
      embeddings: { type: 'string' },
      budget: { type: 'string' },
      verify: { type: 'boolean' },
      rebuild: { type: 'boolean' },
      remote: { type: 'string' },
      'repo-name': { type: 'string' },
      commit: { type: 'string' },
      format: { type: 'string' },
      file: { type: 'string' },
      line: { type: 'string' },
      tokenizer: { type: 'string' },
      'no-map': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** A --file argument (relative to the current folder, or absolute) as a path inside the repository. */
function repoRelative(repo: string, file: string): string {
  const rel = relative(realpathOr(repo), realpathOr(resolve(file)));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`--file ${file} is not inside ${repo}`);
  return rel.split(sep).join('/');
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** One line of a --batch file: plain text (the whole line is the query) or JSON `{id, query, budget}`. */
interface BatchLine {
  id: unknown;
  query: string;
  budget?: number;
}

/**
 * The lines of a --batch file (`-` for stdin), all read and checked before any is answered, so that a bad line (a
 * budget out of range) is a usage error naming its line number, not an answer cut halfway.
 */
function readBatch(file: string): BatchLine[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --batch ${file}: ${(error as Error).message}`);
  }
  const lines: BatchLine[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const id = lines.length + 1;
    let obj: { id?: unknown; query?: unknown; budget?: unknown } | undefined;
    if (line.startsWith('{')) {
      try {
        obj = JSON.parse(line);
      } catch {
        // Not JSON after all: the whole line is the query.
      }
    }
    if (typeof obj?.query !== 'string') {
      lines.push({ id, query: line });
      continue;
    }
    let budget: number | undefined;
    if (obj.budget !== undefined) {
      try {
        budget = checkBudget(obj.budget, 'budget');
      } catch (error) {
        throw new UsageError(`--batch ${file} line ${i + 1}: ${(error as Error).message}`);
      }
    }
    lines.push({ id: obj.id ?? id, query: obj.query, budget });
  }
  return lines;
}

async function runSearchBatch(
  engine: Engine,
  lines: BatchLine[],
  limit: number,
  mode: RankMode,
  healed: Healed,
): Promise<number> {
  for (const { id, query } of lines) {
    const { results, tookMs } = await healed(() => engine.search(query, { limit, mode }));
    process.stdout.write(`${JSON.stringify({ id, query, results, tookMs: Math.round(tookMs * 100) / 100 })}\n`);
  }
  return 0;
}

/** `context --batch`: one `context --json` object a line, with the line's id, in the order of the file. */
async function runContextBatch(engine: Engine, lines: BatchLine[], options: ContextOptions, healed: Healed): Promise<number> {
  for (const { id, query, budget } of lines) {
    const bundle = await healed(() => engine.context(query, { ...options, budgetTokens: budget ?? options.budgetTokens }));
    process.stdout.write(`${JSON.stringify({ id, ...contextJson(bundle) })}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`codectx: unexpected failure: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
