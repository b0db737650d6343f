// CLI entry: parses flags and calls the engine directly (never through LSP). The output formats are a public contract.
// Exit codes: 0 success (also when nothing matched), 2 bad usage, 3 repository or index problem, 1 unexpected failure.
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, configFrom } from './config.js';
import {
  type ContextBundle,
  checkBudget,
  checkLimit,
  EmbeddingsUnavailable,
  type EmbedProgress,
  Engine,
  type EngineResult,
  type IndexProgress,
  type IndexReport,
  InvalidRequest,
  isContextFormat,
  isEncoding,
  MAX_LIMIT,
  type RankMode,
  RepositoryError,
  type SymbolGraph,
} from './engine.js';
import { runEvalCommand } from './eval/eval-command.js';

const USAGE = `usage:
  codectx serve  --stdio | --socket PORT       (the language server)
  codectx mcp    [--repo DIR] [--index-dir DIR] (the MCP server over stdio; docs/mcp.md)
  codectx index  [--repo DIR] [--index-dir DIR] [--json] [--rebuild]
  codectx search QUERY [--repo DIR] [--index-dir DIR] [--limit N] [--mode hybrid|lexical|dense] [--json] [--explain]
  codectx search --batch FILE [--repo DIR] [--index-dir DIR] [--limit N] [--mode …]
  codectx context QUESTION [--repo DIR] [--index-dir DIR] [--budget N] [--format markdown|json|xml]
                 [--file PATH [--line N]] [--tokenizer o200k|cl100k] [--no-map] [--json]
  codectx symbols NAME [--repo DIR] [--index-dir DIR] [--limit N] [--json]
  codectx status [--repo DIR] [--index-dir DIR] [--json] [--verify]
  codectx --version
  codectx eval DATASET... [--repo DIR] [--modes lexical,grep] [--k N] [--json] [--baseline FILE [--max-drop X]] [--save-baseline FILE]

--limit is an integer from 1 to ${MAX_LIMIT} (default 10); --budget a number of tokens from 1 to 1000000 (default 4000),
counted exactly in the --tokenizer's encoding. --file PATH --line N: the chunk at that line is taken first.
--repo defaults to the current folder; the index lives under ~/.cache/codectx unless --index-dir or CODECTX_INDEX_DIR says otherwise.
--embeddings SPEC (or CODECTX_EMBEDDINGS) picks the embedding model of index, search and eval: none, local (the shipped
model), or JSON such as {"provider":"huggingface","model":"/path/to/model"} (docs/configuration.md).`;

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
  const [command, ...rest] = positionals;
  try {
    checkUsage(command, rest, values);
    const format = isContextFormat(values.format) ? values.format : 'markdown';
    const tokenizer = isEncoding(values.tokenizer) ? values.tokenizer : 'o200k';
    const line = values.line === undefined ? undefined : Number(values.line);
    const limit = checkLimit(values.limit === undefined ? 10 : Number(values.limit), '--limit');
    const budget = checkBudget(values.budget === undefined ? 4000 : Number(values.budget), '--budget');
    const mode = (values.mode ?? 'hybrid') as RankMode;
    if (!['lexical', 'dense', 'hybrid'].includes(mode))
      throw new UsageError(`--mode must be lexical, dense or hybrid, got '${mode}'`);

    const config = configFrom({
      repo: values.repo ?? process.cwd(),
      indexDir: values['index-dir'],
      embeddings: values.embeddings,
    });
    const engine = Engine.open(config, (message) => process.stderr.write(`codectx: warning: ${message}\n`));
    try {
      // A damaged index found by any statement is moved aside and started afresh by the engine (Engine.recover); the
      // command then fills the fresh index before it answers, so that a recovery never answers from an empty index.
      let seen = engine.recoveries;
      const bringUp = async (): Promise<{ report: IndexReport; embedded: EmbedProgress | undefined }> => {
        const report = await engine.index(progressPrinter(command === 'index'));
        for (const e of report.errors.slice(0, 5)) process.stderr.write(`codectx: ${e}\n`);
        if (report.errors.length > 5)
          process.stderr.write(`codectx: … and ${report.errors.length - 5} more problems (see codectx status)\n`);
        // Lexical search works now; embeddings fill in after, with their own progress.
        const embedded =
          (mode === 'lexical' && command === 'search') || command === 'symbols'
            ? undefined
            : await engine.embed({ onProgress: embedPrinter(command === 'index') });
        return { report, embedded };
      };
      const healed = async <T>(op: () => T | Promise<T>): Promise<T> => {
        let value = await op();
        for (let i = 0; i < 2 && engine.recoveries !== seen; i++) {
          seen = engine.recoveries;
          await bringUp();
          value = await op();
        }
        return value;
      };
      // An index in a place this process cannot write is searched as it is (Store.open opened it read-only).
      const readOnly = engine.readOnly && command !== 'index';
      if (readOnly)
        process.stderr.write(
          `codectx: warning: the index ${engine.config.indexDir} is read-only: answering from it as it is (results may be stale; make the folder writable, or pass --index-dir DIR, to update it)\n`,
        );
      if (command === 'status') {
        if (values.verify) return verify(engine);
        await healed(() => engine.status());
        return printStatus(engine, values.json === true);
      }
      if (values.rebuild) engine.recover('a rebuild was asked for (--rebuild)');
      seen = engine.recoveries;
      const { report, embedded } = readOnly ? { report: undefined, embedded: undefined } : await healed(bringUp);
      if (command === 'index' && report) return printIndexReport(engine, report, embedded, values.json === true);
      if (command === 'symbols')
        return printSymbols(await healed(() => engine.symbolGraph(rest.join(' '), limit)), values.json === true);
      if (values.batch) return await runBatch(engine, values.batch, limit, mode, healed);
      if (command === 'context') {
        const file = values.file === undefined ? undefined : repoRelative(config.repo, values.file);
        const bundle = await healed(() =>
          engine.context(rest.join(' '), {
            budgetTokens: budget,
            format,
            tokenizer,
            repoMap: values['no-map'] !== true,
            active: file && line !== undefined ? { repo: config.repo, path: file, line } : undefined,
            openFiles: file ? [{ repo: config.repo, path: file }] : undefined,
          }),
        );
        return printContext(bundle, values.json === true);
      }
      const query = rest.join(' ');
      const { results } = await healed(() => engine.search(query, { limit, mode, explain: values.explain === true }));
      if (values.json) process.stdout.write(`${JSON.stringify({ results })}\n`);
      else printResults(results, values.explain === true);
      if (results.length === 0 && !values.json) process.stderr.write(`codectx: no results for '${truncate(query, 80)}'\n`);
      return 0;
    } finally {
      await engine.close();
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof InvalidRequest) {
      process.stderr.write(`codectx: ${error.message}${HINT}\n`);
      return 2;
    }
    if (error instanceof EmbeddingsUnavailable) {
      process.stderr.write(`codectx: --mode dense needs embeddings: ${error.message}\n`);
      return 3;
    }
    if (error instanceof RepositoryError) {
      process.stderr.write(`codectx: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}

/** Throws a UsageError for a missing or unknown command, a missing argument, or a flag of another command. */
function checkUsage(command: string | undefined, rest: string[], values: ReturnType<typeof parse>['values']): void {
  if (command === undefined) throw new UsageError('missing command');
  if (!['index', 'search', 'context', 'symbols', 'status'].includes(command))
    throw new UsageError(`unknown command '${command}'`);
  if (command === 'search' && !values.batch && rest.length === 0) throw new UsageError('search needs a QUERY or --batch FILE');
  if (command === 'context' && rest.length === 0) throw new UsageError('context needs a QUESTION');
  if (command === 'symbols' && rest.length !== 1) throw new UsageError('symbols needs one NAME');
  if (command !== 'search' && command !== 'context' && command !== 'symbols' && rest.length > 0)
    throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (command !== 'search' && (values.batch || values.explain)) throw new UsageError('--batch and --explain go with search');
  if (command !== 'search' && command !== 'symbols' && values.limit) throw new UsageError('--limit goes with search and symbols');
  const contextFlags = ['budget', 'format', 'file', 'line', 'tokenizer', 'no-map'] as const;
  const misplaced = contextFlags.find((f) => values[f] !== undefined);
  if (command !== 'context' && misplaced) throw new UsageError(`--${misplaced} goes with context`);
  if (command !== 'status' && values.verify) throw new UsageError('--verify goes with status');
  if (command !== 'index' && values.rebuild) throw new UsageError('--rebuild goes with index');
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

/** A bar on a TTY; otherwise a plain line every few seconds (and one at the end when anything was indexed). */
function progressPrinter(always: boolean): (p: IndexProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return (p) => {
    const secs = p.elapsedMs / 1000;
    const rate = secs > 0 ? Math.round(p.filesDone / secs) : 0;
    const text = `${p.filesDone}/${p.filesTotal} files · ${p.filesIndexed} indexed · ${p.chunks} chunks · ${secs.toFixed(1)}s · ${rate} files/s`;
    if (tty) {
      if (p.phase === 'done' && p.filesIndexed === 0 && !always) {
        process.stderr.write('\r\x1b[K');
        return;
      }
      const width = 24;
      const filled = p.filesTotal ? Math.round((p.filesDone / p.filesTotal) * width) : width;
      process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
      if (p.phase === 'done') process.stderr.write('\n');
      return;
    }
    const now = Date.now();
    if (p.phase === 'done' ? always || p.filesIndexed > 0 : p.phase === 'index' && now - lastLine > 2000) {
      lastLine = now;
      process.stderr.write(`codectx: ${p.phase === 'done' ? 'indexed' : 'indexing'} ${text}\n`);
    }
  };
}

function explainLine(e: NonNullable<EngineResult['explain']>): string {
  const parts: string[] = [];
  if (e.lexicalRank !== undefined) {
    // lexicalRank: the place among BM25's candidates; lexicalPosition: where `--mode lexical` (boosts included) puts it.
    const alone = e.lexicalPosition === undefined ? '' : `, #${e.lexicalPosition} in --mode lexical`;
    parts.push(`bm25 ${(e.bm25 ?? 0).toFixed(3)} (#${e.lexicalRank} by BM25${alone})`);
  }
  if (e.denseRank !== undefined) parts.push(`cosine ${(e.similarity ?? 0).toFixed(3)} (#${e.denseRank} by embeddings)`);
  if (e.fusion) {
    parts.push(
      `fused ${(1 - e.fusion.denseWeight).toFixed(2)}×${e.fusion.lexical.toFixed(3)} + ${e.fusion.denseWeight.toFixed(2)}×${e.fusion.dense.toFixed(3)}`,
    );
  }
  parts.push(`coverage ${e.coverage.toFixed(2)}`);
  if (e.rerank) parts.push(`rerank ${e.rerank.score.toFixed(3)} (was #${e.rerank.before})`);
  return parts.join(', ');
}

/** Embedding progress: a bar on a TTY, plain lines every few seconds otherwise (and at the end when anything was computed). */
function embedPrinter(always: boolean): (p: EmbedProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let finishedShown = false;
  return (p) => {
    const finished = p.embedded >= p.total;
    if (p.computed === 0 && p.fromCache === 0 && !always) return;
    // The pass may report its end more than once (its last batch, then its summary): one final line.
    if (finished && finishedShown) return;
    finishedShown ||= finished;
    const secs = p.elapsedMs / 1000;
    const rate = secs > 0 ? Math.round((p.computed + p.fromCache) / secs) : 0;
    const text = `embedded ${p.embedded}/${p.total} chunks · ${p.computed} computed, ${p.fromCache} from cache · ${secs.toFixed(1)}s · ${rate} chunks/s`;
    if (tty) {
      process.stderr.write(`\r\x1b[K${text}${finished ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (finished || now - lastLine > 2000) {
      lastLine = now;
      process.stderr.write(`codectx: ${text}\n`);
    }
  };
}

function printIndexReport(engine: Engine, report: IndexReport, embedded: EmbedProgress | undefined, json: boolean): number {
  const s = engine.status();
  if (json) {
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(
      `${JSON.stringify({
        files: s.files,
        chunks: s.chunks,
        lines: s.lines,
        symbols: s.symbols,
        filesIndexed: report.filesIndexed,
        filesUnchanged: report.filesUnchanged,
        filesDeleted: report.filesDeleted,
        parseFailures: report.parseFailures,
        recut: report.recut,
        skipped: s.skipped,
        elapsedMs: report.elapsedMs,
        peakRssBytes,
        indexBytes: s.indexBytes,
        indexPath: s.indexPath,
        embedded: embedded?.embedded ?? 0,
        embeddingsComputed: embedded?.computed ?? 0,
        embeddingsFromCache: embedded?.fromCache ?? 0,
        embedMs: Math.round(embedded?.elapsedMs ?? 0),
        embeddings: embedded ? 'on' : (engine.embedderProblem ?? 'off'),
      })}\n`,
    );
  } else {
    process.stdout.write(
      `${s.files} files, ${s.chunks} chunks (${report.filesIndexed} files indexed, ${report.filesUnchanged} unchanged, ${report.filesDeleted} removed) in ${(report.elapsedMs / 1000).toFixed(1)}s\nindex: ${s.indexPath}\n`,
    );
  }
  return 0;
}

/** `status --verify`: SQLite's integrity check and FTS5's; exit 3 with advice when the index is damaged. */
function verify(engine: Engine): number {
  const problems = engine.verify(true);
  const file = engine.status().indexPath;
  if (problems.length === 0) {
    process.stdout.write(`index ${file}: integrity check ok\n`);
    return 0;
  }
  for (const p of problems.slice(0, 20)) process.stdout.write(`${p}\n`);
  process.stderr.write(
    `codectx: the index ${file} is damaged (${problems.length} problem${problems.length === 1 ? '' : 's'} above): run codectx index --rebuild to move it aside and build it again\n`,
  );
  return 3;
}

function printStatus(engine: Engine, json: boolean): number {
  const s = engine.status();
  if (json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return 0;
  }
  const list = (o: Record<string, number>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  process.stdout.write(
    `${[
      `repository: ${s.repo}`,
      `index:      ${s.indexPath} (${(s.indexBytes / 1024 / 1024).toFixed(1)} MB)`,
      `files:      ${s.files} (${s.lines} lines), ${s.chunks} chunks, ${s.symbols} symbols`,
      `languages:  ${list(s.languages)}`,
      `skipped:    ${list(s.skipped)}${s.skippedDirs ? ` (${s.skippedDirs} of them whole folders)` : ''}`,
      `parse failures: ${s.parseFailures}`,
      `last update: ${s.lastUpdate ?? 'never: run codectx index'}`,
      ...embeddingLines(s),
    ].join('\n')}\n`,
  );
  return 0;
}

/** Embedded/total per model, and the rate of the last embedding pass. */
function embeddingLines(s: ReturnType<Engine['status']>): string[] {
  if (!s.embeddings.length) return ['embeddings: none yet (codectx index computes them)'];
  const lines = s.embeddings.map((e) => `embeddings: ${e.embedded}/${s.chunks} chunks, model ${e.model} (${e.dimensions} dims)`);
  const p = s.lastEmbeddingPass;
  if (p) {
    lines.push(
      `last embedding pass: ${p.at}, ${p.computed} computed, ${p.fromCache} from cache in ${p.seconds.toFixed(1)}s (${p.chunksPerSecond} chunks/s)`,
    );
  }
  return lines;
}

/**
 * Packed context: the rendered text on stdout (prompt-ready), a one-line summary on stderr; with `--json` one object
 * with the text, its blocks and the map.
 */
function printContext(bundle: ContextBundle, json: boolean): number {
  if (json) {
    const chunks = bundle.chunks.map(({ repo: _repo, score, ...c }) => ({
      ...c,
      score: Number.isFinite(score) ? Math.round(score * 1000) / 1000 : null,
    }));
    const repoMap = bundle.repoMap.map(({ repo: _repo, ...f }) => f);
    process.stdout.write(`${JSON.stringify({ ...bundle, tookMs: Math.round(bundle.tookMs), chunks, repoMap })}\n`);
    return 0;
  }
  process.stdout.write(bundle.text);
  if (bundle.chunks.length === 0) process.stderr.write('codectx: no context found\n');
  else
    process.stderr.write(
      `codectx: ${bundle.chunks.length} blocks from ${bundle.candidates} candidates, ${bundle.usedTokens} of ` +
        `${bundle.budgetTokens} tokens (${bundle.tokenizer})\n`,
    );
  return 0;
}

/** Definitions, then references, one `path:start-end  symbol` line each; JSON with `--json`. */
function printSymbols(graph: SymbolGraph, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(graph)}\n`);
    return 0;
  }
  const line = (l: SymbolGraph['definitions'][number]) =>
    `  ${l.path}:${l.startLine}-${l.endLine}${l.symbol ? `  ${l.symbol}` : ''}  ${l.kind}`;
  const out = [
    `definitions of ${graph.name}:`,
    ...graph.definitions.map(line),
    `references to ${graph.name}:`,
    ...graph.references.map(line),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (graph.definitions.length === 0 && graph.references.length === 0)
    process.stderr.write(`codectx: no symbol named '${truncate(graph.name, 80)}'\n`);
  return 0;
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

function printResults(results: EngineResult[], explain: boolean): void {
  const out: string[] = [];
  for (const r of results) {
    const symbol = r.symbol ? `  ${r.symbol}` : '';
    out.push(`${r.path}:${r.startLine}-${r.endLine}${symbol}  ${r.kind}  ${r.score.toFixed(2)}`);
    if (explain && r.explain) {
      const boosts = Object.entries(r.explain.boosts)
        .map(([k, v]) => `${k}×${v.toFixed(2)}`)
        .join(' ');
      out.push(`    ${explainLine(r.explain)}${boosts ? `, ${boosts}` : ''}`);
    }
    for (const line of r.snippet.split('\n')) out.push(`    ${line}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));
}

async function runBatch(
  engine: Engine,
  file: string,
  limit: number,
  mode: RankMode,
  healed: <T>(op: () => T | Promise<T>) => Promise<T>,
): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --batch ${file}: ${(error as Error).message}`);
  }
  let n = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    n++;
    let id: unknown = n;
    let query = line;
    if (line.startsWith('{')) {
      try {
        const obj = JSON.parse(line) as { id?: unknown; query?: unknown };
        if (typeof obj.query === 'string') {
          query = obj.query;
          id = obj.id ?? n;
        }
      } catch {
        // Not JSON after all: the whole line is the query.
      }
    }
    const { results, tookMs } = await healed(() => engine.search(query, { limit, mode }));
    process.stdout.write(`${JSON.stringify({ id, query, results, tookMs: Math.round(tookMs * 100) / 100 })}\n`);
  }
  return 0;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
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
