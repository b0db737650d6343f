// CLI entry: parses flags and calls the engine directly (never through LSP). The output formats are a public contract.
// Exit codes: 0 success (also when nothing matched), 2 bad usage, 3 repository or index problem, 1 unexpected failure.
import { type BatchLine, type Healed, readBatch, runContextBatch, runSearchBatch } from './cli-batch.js';
import {
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
import { checkUsage, HINT, parse, repoRelative, USAGE, UsageError, type Values } from './cli-usage.js';
import { type Config, ConfigError, configFrom } from './config.js';
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
  type RankMode,
  RemoteError,
  RepositoryError,
  RunLockError,
  WorkerChunkPool,
} from './engine.js';
import { runEvalCommand } from './eval/eval-command.js';

/** package.json's version, put in by the build (esbuild.config.mjs). */
declare const CODECTX_VERSION: string;

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
  if (o.command === 'search' && o.values['repo-name'] !== undefined) return runRemoteSearch(config, o);
  const warn = (message: string) => process.stderr.write(`codectx: warning: ${message}\n`);
  if (config.remote && o.command !== 'status' && o.command !== 'push') await startFromSnapshot(config, o, warn);
  const engine = Engine.open(config, warn);
  try {
    return await answer(engine, o);
  } finally {
    await engine.close();
  }
}

/** A first index with a team index configured starts from the newest snapshot of the repository name, if any. */
async function startFromSnapshot(config: Config, o: CommandOptions, warn: (message: string) => void): Promise<void> {
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  const took = await Engine.pullSnapshot(
    config,
    {
      repoName: o.values['repo-name'],
      onFound: (f) =>
        process.stderr.write(
          `codectx: taking the team index's snapshot of ${f.repoName}@${f.commit.slice(0, 12)} (${mib(f.bytes)} MiB)\n`,
        ),
    },
    warn,
  );
  if (took)
    process.stderr.write(`codectx: the snapshot is the index (${(took.ms / 1000).toFixed(1)} s); updating it to the work tree\n`);
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
  // Files are parsed and chunked on worker threads while this thread writes the index (config.indexThreads of them).
  const threads = engine.config.indexThreads;
  const chunker = threads > 0 ? new WorkerChunkPool(undefined, threads) : undefined;
  const report = await engine
    .index(progressPrinter(o.command === 'index'), { chunker, chunkerDepth: 64, deferIndexes: true })
    .finally(() => chunker?.close());
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
    // A writer was killed or crashed since the last check: status checks the index before it answers.
    if (!engine.readOnly && engine.needsCheck) await healed(() => engine.checkAfterUncleanShutdown());
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
      const pushed = await engine.push({
        repoName: o.values['repo-name'],
        commit: o.values.commit,
        snapshot: o.values.snapshot === true,
      });
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

/** `search --repo-name NAME`: a commit pushed to the team index, searched there; no local index is opened. */
async function runRemoteSearch(config: Config, o: CommandOptions): Promise<number> {
  if (!config.remote) throw new UsageError('search --repo-name needs --remote URL (or CODECTX_REMOTE)');
  const query = o.rest.join(' ');
  const { results } = await Engine.searchRemote(
    config,
    query,
    {
      repoName: o.values['repo-name'] as string,
      commit: o.values.commit,
      limit: o.limit,
      mode: o.mode,
      explain: o.values.explain === true,
    },
    (message) => process.stderr.write(`codectx: warning: ${message}\n`),
  );
  if (o.values.json) process.stdout.write(`${JSON.stringify({ results })}\n`);
  else printResults(results, o.values.explain === true);
  if (results.length === 0 && !o.values.json) process.stderr.write(`codectx: no results for '${truncate(query, 80)}'\n`);
  return 0;
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

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`codectx: unexpected failure: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
