// What the CLI prints: progress lines, index reports, status, search results, context and the symbol graph, as text
// or --json. A public contract (README.md): every function here writes stdout/stderr and returns the exit code, if any.
import type {
  ContextBundle,
  EmbedProgress,
  Engine,
  EngineResult,
  IndexProgress,
  IndexReport,
  PushReport,
  SymbolGraph,
} from './engine.js';

/** A bar on a TTY; otherwise a plain line every few seconds (and one at the end when anything was indexed). */
export function progressPrinter(always: boolean): (p: IndexProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return (p) => {
    const secs = p.elapsedMs / 1000;
    const rate = secs > 0 ? Math.round(p.filesDone / secs) : 0;
    // Labelled counts: files checked of those found, files (re)indexed, files their content left out (binary, minified,
    // a secret). `codectx status` counts the files in the index: unchanged and (re)indexed ones.
    const text = `${p.filesDone}/${p.filesTotal} files checked · ${p.filesIndexed} (re)indexed · ${p.filesLeftOut} left out · ${p.chunks} chunks · ${secs.toFixed(1)}s · ${rate} files/s`;
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

export function explainLine(e: NonNullable<EngineResult['explain']>): string {
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
  if (e.ownScore !== undefined) parts.push(`own score ${e.ownScore.toFixed(3)}`);
  return parts.join(', ');
}

/** Embedding progress: a bar on a TTY, plain lines every few seconds otherwise (and at the end when anything was computed). */
export function embedPrinter(always: boolean): (p: EmbedProgress) => void {
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

export function printIndexReport(
  engine: Engine,
  report: IndexReport,
  embedded: EmbedProgress | undefined,
  json: boolean,
): number {
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
        pulledFromRemote: engine.lastPull?.pulled ?? 0,
        filesPulledFromRemote: report.filesPulled,
      })}\n`,
    );
  } else {
    process.stdout.write(
      `${s.files} files, ${s.chunks} chunks (${report.filesIndexed} files indexed, ${report.filesUnchanged} unchanged, ${report.filesDeleted} removed) in ${(report.elapsedMs / 1000).toFixed(1)}s\nindex: ${s.indexPath}\n`,
    );
  }
  return 0;
}

/** `codectx push`: one line (or JSON) saying what the team index has now and what this push sent. */
export function printPushReport(report: PushReport, json: boolean): number {
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  const snapshot = report.snapshot
    ? `; snapshot of the index ${mib(report.snapshot.bytes)} MiB (${mib(report.snapshot.sent)} MiB sent)`
    : '';
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else if (report.alreadyThere) {
    const sent = report.vectorsSent + report.filesSent;
    const what = sent ? `sent the ${report.vectorsSent} vectors and ${report.filesSent} files' rows it lacked` : 'nothing sent';
    process.stdout.write(`${report.repoName}@${report.commit.slice(0, 12)} was already in the team index: ${what}${snapshot}\n`);
  } else
    process.stdout.write(
      `pushed ${report.repoName}@${report.commit.slice(0, 12)}: ${report.files} files, ${report.chunks} chunks (${report.chunksSent} chunks and ${report.vectorsSent} vectors sent, ${mib(report.bytesSent)} MiB)${snapshot}\n`,
    );
  return 0;
}

/** `status --verify`: SQLite's integrity check and FTS5's; exit 3 with advice when the index is damaged. */
export function verify(engine: Engine): number {
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

export function printStatus(engine: Engine, json: boolean): number {
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
      `last run:   ${runLine(s.indexRun)}`,
      ...(s.integrityCheck ? [`integrity:  ${s.integrityCheck} (checked after an unclean shutdown)`] : []),
      ...embeddingLines(s),
    ].join('\n')}\n`,
  );
  return 0;
}

/** How the last full index run stands, in a line. */
function runLine(run: ReturnType<Engine['status']>['indexRun']): string {
  if (!run) return 'none recorded';
  if (run.status === 'complete') return `complete (${run.endedAt})`;
  if (run.status === 'in progress') return `in progress (pid ${run.pid}, since ${run.startedAt})`;
  return `incomplete: the run of ${run.startedAt} was interrupted (the index holds what it wrote; codectx index completes it)`;
}

/** Embedded/total per model, and the rate of the last embedding pass. */
export function embeddingLines(s: ReturnType<Engine['status']>): string[] {
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
export function printContext(bundle: ContextBundle, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(contextJson(bundle))}\n`);
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

/** What `context --json` prints (and each line of `context --batch`, with its id): the bundle without repository paths. */
export function contextJson(bundle: ContextBundle) {
  const chunks = bundle.chunks.map(({ repo: _repo, score, ...c }) => ({
    ...c,
    score: Number.isFinite(score) ? Math.round(score * 1000) / 1000 : null,
  }));
  const repoMap = bundle.repoMap.map(({ repo: _repo, ...f }) => f);
  return { ...bundle, tookMs: Math.round(bundle.tookMs), chunks, repoMap };
}

/** Definitions, then references, one `path:start-end  symbol` line each; JSON with `--json`. */
export function printSymbols(graph: SymbolGraph, json: boolean): number {
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

export function printResults(results: EngineResult[], explain: boolean): void {
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

/** `s` cut to `n` characters, with an ellipsis when cut. */
export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
