#!/usr/bin/env node
// `npm run bench`: index real corpora with the built CLI, time its searches against ripgrep, write docs/benchmarks.md.
// Invariant: every index is built in a fresh folder; the queries are deterministic; only the marked section of the doc is rewritten.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, corpusQueries, countCorpus, ensureInstalled, subdirCorpus, WORK } from './corpora.mjs';
import { readOptions } from './options.mjs';
import { contentWords } from './queries.mjs';
import { generatedSection, median, replaceSection, summarize } from './report.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let CLI = join(ROOT, 'dist', 'cli.js');

const USAGE = `usage: npm run bench -- [options]
  --corpus NAME            go, django, go+django (both trees copied under one root in .bench/, ≥ 100k chunks),
                           all, the three (default all), or linux (opt-in: Debian's linux-source-6.1 tarball,
                           unpacked once into .bench/corpus-linux; ~77k files, 32M lines)
  --subdir DIR             only this folder of the corpus (e.g. --corpus linux --subdir fs: ~2k files)
  --queries N              queries per corpus, half identifiers, half natural language (default 200)
  --cold N                 single-search processes timed per corpus (default 10)
  --keep                   keep the index folders under .bench/index-<corpus> (default: a temp folder, deleted)
  --lexical                index without embeddings (--embeddings none) and time cold processes with --mode lexical:
                           what the whole kernel finishes in on a 2-core machine
  --timeout MIN            the limit of each index run and search batch, in minutes (default 30)
  --docs PATH              Markdown file whose generated section is rewritten (default docs/benchmarks.md)
  --results PATH           raw results JSON (default bench/results/latest.json)
  --seed TEXT              seed of the query sample (default codectx-bench)
  --cli PATH               the CLI to benchmark (default dist/cli.js)`;

function parseArgs(argv) {
  const o = {
    corpus: 'all',
    queries: 200,
    cold: 10,
    keep: false,
    lexical: false,
    timeout: 30,
    docs: join(ROOT, 'docs', 'benchmarks.md'),
    results: join(ROOT, 'bench', 'results', 'latest.json'),
    seed: 'codectx-bench',
    ...readOptions(
      argv,
      {
        '--corpus': String,
        '--queries': Number,
        '--cold': Number,
        '--keep': true,
        '--lexical': true,
        '--timeout': Number,
        '--docs': resolve,
        '--results': resolve,
        '--seed': String,
        '--cli': resolve,
        '--subdir': String,
      },
      USAGE,
      fail,
    ),
  };
  if (o.cli) CLI = o.cli;
  if (o.corpus !== 'all' && !Object.hasOwn(CORPORA, o.corpus))
    fail(`--corpus must be ${[...Object.keys(CORPORA), 'all'].join(', ').replace(/, (?=[^,]*$)/, ' or ')}`);
  if (o.subdir !== undefined && o.corpus === 'all') fail('--subdir needs one --corpus');
  if (!Number.isInteger(o.queries) || o.queries < 2) fail('--queries must be an integer ≥ 2');
  if (!Number.isInteger(o.cold) || o.cold < 1) fail('--cold must be an integer ≥ 1');
  if (!(o.timeout > 0)) fail('--timeout must be a number of minutes > 0');
  return o;
}

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

const t0 = Date.now();
function log(msg) {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${s}s] ${msg}\n`);
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function machineInfo() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  return {
    cores: cpus().length,
    cpu: model,
    memGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    rg: sh('rg', ['--version'])?.split('\n')[0] ?? 'ripgrep missing',
    os: existsSync('/etc/os-release')
      ? (readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? '')
      : '',
  };
}

function commitInfo() {
  const hash = sh('git', ['rev-parse', '--short', 'HEAD']);
  if (!hash) return 'uncommitted';
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${hash} (with uncommitted changes)` : hash;
}

function dirBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

function tail(text, n = 15) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * Run a command in its own process group with stdout and stderr sent to files; wall time is measured around the
 * whole process. With `rss`, GNU time wraps it and reports the peak resident set size (KiB) into a file.
 */
function runTimed(label, args, { logBase, rss = false, timeoutMs = 30 * 60_000, heartbeatMs = 15_000 }) {
  const outPath = `${logBase}.stdout`;
  const errPath = `${logBase}.stderr`;
  const rssPath = `${logBase}.rss`;
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const argv = rss ? ['/usr/bin/time', '-f', '%M', '-o', rssPath, ...args] : args;
  const env = { ...process.env };
  delete env.CODECTX_INDEX_DIR;
  return new Promise((resolvePromise) => {
    const start = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', out, err], detached: true, env });
    let timedOut = false;
    const beat = setInterval(
      () => log(`  ${label}: still running, ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(0)} s`),
      heartbeatMs,
    );
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    const finish = (code, signal, spawnError) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearInterval(beat);
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      let maxRssKB = null;
      if (rss && existsSync(rssPath)) {
        // GNU time writes "Command exited with non-zero status N" before the number when the command fails.
        const nums = readFileSync(rssPath, 'utf8').match(/^\d+$/m);
        if (nums) maxRssKB = Number(nums[0]);
      }
      resolvePromise({
        code,
        signal,
        timedOut,
        spawnError,
        wallMs,
        maxRssKB,
        stdout: readFileSync(outPath, 'utf8'),
        stderr: readFileSync(errPath, 'utf8'),
        outPath,
        errPath,
      });
    };
    child.on('error', (e) => finish(null, null, e.message));
    child.on('exit', (code, signal) => finish(code, signal, null));
  });
}

function describeFailure(label, run) {
  const why = run.spawnError
    ? `could not start (${run.spawnError})`
    : run.timedOut
      ? `timed out after ${(run.wallMs / 1000).toFixed(0)} s`
      : `exited with ${run.signal ?? run.code}`;
  const detail = tail(run.stderr, 8) || tail(run.stdout, 8);
  return `${label} ${why}${detail ? `; stderr: ${detail.replace(/\s+/g, ' ').slice(0, 600)}` : ''} (logs: ${run.errPath})`;
}

/** The CLI's JSON summary: the whole stdout, or its last line that parses as a JSON object. */
function parseSummary(stdout) {
  const text = stdout.trim();
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object') return v;
  } catch {}
  const lines = text.split('\n').reverse();
  for (const l of lines) {
    try {
      const v = JSON.parse(l);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch {}
  }
  return null;
}

async function indexOnce(label, c, indexDir, logBase, opts) {
  const args = [process.execPath, CLI, 'index', '--repo', c.path, '--index-dir', indexDir, '--json'];
  if (opts.lexical) args.push('--embeddings', 'none');
  log(`${label}: ${args.slice(1).join(' ').replace(`${ROOT}/`, '')}`);
  const run = await runTimed(label, args, { logBase, rss: true, timeoutMs: opts.timeout * 60_000 });
  if (run.code !== 0) throw new Error(describeFailure(`codectx ${label}`, run));
  const summary = parseSummary(run.stdout);
  if (!summary)
    throw new Error(`codectx ${label}: stdout is not a JSON summary: ${run.stdout.slice(0, 300).trim()} (logs: ${run.outPath})`);
  const measuredBytes = dirBytes(indexDir);
  const peakRssBytes =
    typeof summary.peakRssBytes === 'number' ? summary.peakRssBytes : run.maxRssKB == null ? null : run.maxRssKB * 1024;
  const indexBytes = typeof summary.indexBytes === 'number' ? summary.indexBytes : measuredBytes;
  const missing = ['files', 'chunks', 'skipped', 'elapsedMs', 'peakRssBytes', 'indexBytes'].filter((k) => !(k in summary));
  const res = {
    wallMs: run.wallMs,
    files: summary.files ?? null,
    chunks: summary.chunks ?? null,
    skipped: summary.skipped ?? null,
    elapsedMsCli: summary.elapsedMs ?? null,
    embedded: summary.embedded ?? 0,
    embedMs: summary.embedMs ?? null,
    embeddingsComputed: summary.embeddingsComputed ?? 0,
    peakRssBytes,
    peakRssSource: typeof summary.peakRssBytes === 'number' ? 'cli' : 'gnu-time',
    peakRssBytesGnuTime: run.maxRssKB == null ? null : run.maxRssKB * 1024,
    indexBytes,
    indexBytesSource: typeof summary.indexBytes === 'number' ? 'cli' : 'index-dir',
    indexDirBytes: measuredBytes,
    linesIndexed: summary.lines ?? null,
    symbols: summary.symbols ?? null,
    parseFailures: summary.parseFailures ?? null,
    // What the CLI said on stderr besides its progress lines: warnings such as a grammar that did not load.
    warnings: run.stderr
      .split('\n')
      .filter((l) => l.trim() && !/^codectx: (index(ing|ed)|embedded) \d/.test(l))
      .slice(0, 10),
    missingFields: missing,
    summary,
  };
  log(
    `${label}: ${(run.wallMs / 1000).toFixed(2)} s wall, files ${res.files}, chunks ${res.chunks}, peak RSS ${peakRssBytes == null ? '?' : (peakRssBytes / 2 ** 20).toFixed(0)} MiB, index ${(indexBytes / 2 ** 20).toFixed(0)} MiB` +
      (missing.length ? ` (summary lacks ${missing.join(', ')})` : ''),
  );
  if (res.parseFailures) log(`${label}: ${res.parseFailures} parse failures, ${res.symbols} symbols`);
  for (const w of res.warnings) log(`${label}: CLI said: ${w}`);
  return res;
}

/** Time every query with the CLI's batch mode (in-process tookMs) and check that each got its line of output. */
async function searchBatch(c, indexDir, queryFile, queries, logBase, mode, timeoutMin) {
  const args = [
    process.execPath,
    CLI,
    'search',
    '--batch',
    queryFile,
    '--repo',
    c.path,
    '--index-dir',
    indexDir,
    '--json',
    '--mode',
    mode,
  ];
  log(`search batch: ${args.slice(1).join(' ').replace(`${ROOT}/`, '')}`);
  const run = await runTimed('search batch', args, { logBase, rss: true, timeoutMs: timeoutMin * 60_000 });
  if (run.code !== 0) throw new Error(describeFailure('codectx search --batch', run));
  const byId = new Map();
  let badLines = 0;
  for (const line of run.stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line);
      if (v && v.id != null) byId.set(String(v.id), v);
      else badLines++;
    } catch {
      badLines++;
    }
  }
  const per = [];
  const problems = [];
  for (const q of queries) {
    const v = byId.get(q.id);
    if (!v) {
      problems.push(`${q.id}: no output line`);
      continue;
    }
    if (typeof v.tookMs !== 'number') problems.push(`${q.id}: no numeric tookMs`);
    const results = Array.isArray(v.results) ? v.results : null;
    if (!results) problems.push(`${q.id}: results is not an array`);
    const hit = results
      ? results.some((x) => x && typeof x.path === 'string' && x.path.replace(/^\.\//, '') === q.source.path)
      : false;
    per.push({ id: q.id, kind: q.kind, tookMs: typeof v.tookMs === 'number' ? v.tookMs : null, n: results?.length ?? null, hit });
  }
  const lines = run.stdout.split('\n').filter((l) => l.trim());
  const orderOk =
    lines.length === queries.length &&
    lines.every((l, i) => {
      try {
        return String(JSON.parse(l).id) === queries[i].id;
      } catch {
        return false;
      }
    });
  if (!orderOk) problems.push('output lines are not one per query in input order');
  if (badLines) problems.push(`${badLines} output lines without an id or not JSON`);
  const took = (kind) => per.filter((p) => p.tookMs != null && (!kind || p.kind === kind)).map((p) => p.tookMs);
  const res = {
    wallMs: run.wallMs,
    peakRssBytesGnuTime: run.maxRssKB == null ? null : run.maxRssKB * 1024,
    all: summarize(took()),
    identifier: summarize(took('identifier')),
    natural: summarize(took('natural')),
    withResults: per.length ? per.filter((p) => p.n > 0).length / per.length : null,
    sourceFileHit: per.length ? per.filter((p) => p.hit).length / per.length : null,
    problems: problems.slice(0, 20),
    problemCount: problems.length,
  };
  log(
    `search batch: ${queries.length} queries in ${(run.wallMs / 1000).toFixed(2)} s wall; tookMs p50 ${res.all.p50?.toFixed(2)} p95 ${res.all.p95?.toFixed(2)}; ` +
      `${(res.withResults * 100).toFixed(0)}% with results` +
      (problems.length ? `; ${problems.length} problems, first: ${problems[0]}` : ''),
  );
  return { res, per };
}

/** Whole-process wall time of single `codectx search` runs: what a user or an editor pays for one cold query. */
async function searchCold(c, indexDir, queries, n, logBase, mode) {
  const ids = queries.filter((q) => q.kind === 'identifier');
  const nats = queries.filter((q) => q.kind === 'natural');
  const picks = [];
  for (let i = 0; picks.length < n && (i < ids.length || i < nats.length); i++) {
    if (i < ids.length) picks.push(ids[i]);
    if (picks.length < n && i < nats.length) picks.push(nats[i]);
  }
  const runs = [];
  for (const q of picks) {
    const args = [process.execPath, CLI, 'search', q.query, '--repo', c.path, '--index-dir', indexDir, '--json'];
    if (mode) args.push('--mode', mode);
    const run = await runTimed(`search ${q.id}`, args, { logBase, timeoutMs: 120_000 });
    if (run.code !== 0) throw new Error(describeFailure(`codectx search ${JSON.stringify(q.query)}`, run));
    const v = parseSummary(run.stdout);
    if (!v) throw new Error(`codectx search ${JSON.stringify(q.query)}: stdout is not JSON: ${run.stdout.slice(0, 300).trim()}`);
    runs.push({ id: q.id, kind: q.kind, wallMs: run.wallMs });
  }
  const medianMs = median(runs.map((r) => r.wallMs));
  log(`single search processes: median ${medianMs.toFixed(0)} ms wall over ${runs.length} runs`);
  return { medianMs, runs, mode: mode ?? 'hybrid' };
}

// --no-ignore-parent: ignore files above the corpus root (this checkout's .gitignore, for a corpus copied into .bench/)
// must not change what ripgrep scans; the trees from packages have none above them.
function rgArgs(q, corpusPath) {
  if (q.kind === 'identifier') return ['--no-ignore-parent', '-n', '--fixed-strings', '-w', q.query, corpusPath];
  const words = contentWords(q.query);
  return ['--no-ignore-parent', '-n', '-i', '-c', ...words.flatMap((w) => ['-e', w]), corpusPath];
}

/** ripgrep on the same queries, one process each, output captured so that it does all its work. */
function ripgrep(c, queries) {
  spawnSync('rg', ['--no-ignore-parent', '-c', 'codectx-bench-warm-up', c.path], { stdio: 'ignore' });
  const per = [];
  let errors = 0;
  for (const q of queries) {
    const args = rgArgs(q, c.path);
    const start = process.hrtime.bigint();
    const r = spawnSync('rg', args, { maxBuffer: 1024 ** 3, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0 && r.status !== 1) errors++;
    let outLines = 0;
    const out = r.stdout ?? Buffer.alloc(0);
    for (let i = out.indexOf(10); i !== -1; i = out.indexOf(10, i + 1)) outLines++;
    per.push({ id: q.id, kind: q.kind, ms, outLines, status: r.status });
  }
  const ms = (kind) => per.filter((p) => !kind || p.kind === kind).map((p) => p.ms);
  const res = {
    all: summarize(ms()),
    identifier: summarize(ms('identifier')),
    natural: summarize(ms('natural')),
    errors,
    noMatch: per.filter((p) => p.status === 1).length,
  };
  log(
    `ripgrep: ${queries.length} queries, p50 ${res.all.p50.toFixed(1)} ms, p95 ${res.all.p95.toFixed(1)} ms` +
      (errors ? `, ${errors} exited with errors` : ''),
  );
  return { res, per };
}

async function benchCorpus(c, opts, meta) {
  const pkgVersion = (pkg) => sh('dpkg-query', ['-W', '-f', '$' + '{Version}', pkg]);
  const r = {
    corpus: {
      name: c.name,
      title: c.title,
      path: c.path.replace(`${ROOT}/`, ''),
      ...(c.parts
        ? {
            parts: c.parts.map((p) => ({
              dir: p.dir,
              path: p.corpus.path,
              pkg: p.corpus.pkg,
              pkgVersion: pkgVersion(p.corpus.pkg),
            })),
          }
        : { pkg: c.pkg, pkgVersion: pkgVersion(c.pkg), tarball: c.tarball, subdir: c.subdir }),
      ext: c.ext,
      language: c.language,
    },
    measuredAt: meta.date,
    commit: meta.commit,
    machine: meta.machine,
  };
  const errors = [];
  log(`== ${c.title} (${c.path})`);
  const { counts, files } = countCorpus(c);
  r.counts = counts;
  log(
    `corpus: ${counts.files} files (${counts.textFiles} text, ${counts.symlinks} symlinks), ${counts.sourceFiles} ${c.ext} files with ${counts.sourceLines} lines; ${counts.textLines} lines in all text files`,
  );

  const { queries, candidates } = corpusQueries(c, files, opts.queries, opts.seed);
  const queryFile = join(WORK, `queries-${c.name}.jsonl`);
  writeFileSync(queryFile, `${queries.map((q) => JSON.stringify({ id: q.id, query: q.query, kind: q.kind })).join('\n')}\n`);
  writeFileSync(
    join(WORK, `queries-${c.name}.sources.json`),
    JSON.stringify(Object.fromEntries(queries.map((q) => [q.id, q.source])), null, 1),
  );
  const nId = queries.filter((q) => q.kind === 'identifier').length;
  r.queries = {
    file: queryFile.replace(`${ROOT}/`, ''),
    count: queries.length,
    identifier: nId,
    natural: queries.length - nId,
    candidates,
  };
  log(
    `queries: ${queries.length} (${nId} identifier, ${queries.length - nId} natural) → ${r.queries.file}; candidates ${candidates.identifier} identifiers, ${candidates.natural} doc sentences`,
  );
  if (queries.length < opts.queries) log(`warning: only ${queries.length} of ${opts.queries} queries could be built`);

  const logs = join(WORK, 'logs');
  mkdirSync(logs, { recursive: true });
  let indexDir = null;
  let perSearch = [];
  let cold = null;
  try {
    if (!existsSync(CLI)) throw new Error(`${CLI.replace(`${ROOT}/`, '')} not found: build the CLI first (npm run build)`);
    if (opts.keep) {
      indexDir = join(WORK, `index-${c.name}`);
      rmSync(indexDir, { recursive: true, force: true });
      mkdirSync(indexDir, { recursive: true });
    } else indexDir = mkdtempSync(join(tmpdir(), `codectx-bench-${c.name}-`));
    r.index = await indexOnce('index (fresh)', c, indexDir, join(logs, `${c.name}-index`), opts);
    r.index.linesPerSec = counts.sourceLines / (r.index.wallMs / 1000);
    r.index.bytesPerLine = r.index.indexBytes == null ? null : r.index.indexBytes / counts.sourceLines;
    r.reindex = await indexOnce('index (re-run, unchanged)', c, indexDir, join(logs, `${c.name}-reindex`), opts);
    const batchLog = join(logs, `${c.name}-search-batch`);
    const batch = await searchBatch(c, indexDir, queryFile, queries, batchLog, 'lexical', opts.timeout);
    r.search = batch.res;
    perSearch = batch.per;
    // Hybrid (BM25 + embeddings, model loaded once) when the index has vectors.
    if (r.index.embedded > 0) {
      const hybridLog = join(logs, `${c.name}-search-batch-hybrid`);
      const hybrid = await searchBatch(c, indexDir, queryFile, queries, hybridLog, 'hybrid', opts.timeout);
      r.searchHybrid = hybrid.res;
    }
    if (batch.res.problemCount)
      errors.push(`search --batch output: ${batch.res.problemCount} problems, e.g. ${batch.res.problems.slice(0, 3).join('; ')}`);
    const coldLog = join(logs, `${c.name}-search-single`);
    cold = await searchCold(c, indexDir, queries, opts.cold, coldLog, opts.lexical ? 'lexical' : undefined);
    r.cold = cold;
  } catch (e) {
    errors.push(e.message);
    log(`error: ${e.message}`);
  } finally {
    if (indexDir && !opts.keep) rmSync(indexDir, { recursive: true, force: true });
    else if (indexDir) log(`index kept in ${indexDir}`);
  }

  const rg = ripgrep(c, queries);
  r.rg = rg.res;
  r.ratios = {
    batchP50OverRgP50: r.search?.all?.p50 != null ? r.search.all.p50 / rg.res.all.p50 : null,
    coldOverRgP50: cold ? cold.medianMs / rg.res.all.p50 : null,
  };
  const searchById = new Map(perSearch.map((p) => [p.id, p]));
  const rgById = new Map(rg.per.map((p) => [p.id, p]));
  writeFileSync(
    join(WORK, `detail-${c.name}.jsonl`),
    `${queries
      .map((q) => {
        const s = searchById.get(q.id);
        const g = rgById.get(q.id);
        return JSON.stringify({
          id: q.id,
          kind: q.kind,
          query: q.query,
          source: q.source,
          codectxMs: s?.tookMs ?? null,
          results: s?.n ?? null,
          sourceFileHit: s?.hit ?? null,
          rgMs: g.ms,
          rgOutLines: g.outLines,
          rgStatus: g.status,
        });
      })
      .join('\n')}\n`,
  );
  if (errors.length) r.error = errors.join(' | ');
  return r;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const names = opts.corpus === 'all' ? Object.keys(CORPORA).filter((n) => !CORPORA[n].optIn) : [opts.corpus];
  const corpora = names.map((n) => (opts.subdir === undefined ? CORPORA[n] : subdirCorpus(CORPORA[n], opts.subdir)));
  mkdirSync(WORK, { recursive: true });
  ensureInstalled(corpora, log);
  const meta = { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), commit: commitInfo(), machine: machineInfo() };
  log(`commit ${meta.commit}; ${meta.machine.cores} cores, ${meta.machine.cpu}, Node ${meta.machine.node}, ${meta.machine.rg}`);

  let previous = {};
  if (existsSync(opts.results)) {
    try {
      previous = JSON.parse(readFileSync(opts.results, 'utf8')).corpora ?? {};
    } catch {}
  }
  const results = {
    date: meta.date,
    commit: meta.commit,
    machine: meta.machine,
    options: {
      corpus: opts.corpus,
      subdir: opts.subdir,
      queries: opts.queries,
      cold: opts.cold,
      seed: opts.seed,
      lexical: opts.lexical,
    },
    corpora: { ...previous },
  };
  for (const c of corpora) results.corpora[c.name] = await benchCorpus(c, opts, meta);
  results.elapsedMs = Date.now() - t0;

  mkdirSync(dirname(opts.results), { recursive: true });
  writeFileSync(opts.results, `${JSON.stringify(results, null, 2)}\n`);
  const doc = existsSync(opts.docs) ? readFileSync(opts.docs, 'utf8') : '# Benchmarks\n';
  mkdirSync(dirname(opts.docs), { recursive: true });
  writeFileSync(opts.docs, replaceSection(doc, generatedSection(results)));
  log(
    `wrote ${opts.results.replace(`${ROOT}/`, '')} and ${opts.docs.replace(`${ROOT}/`, '')}; total ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );

  const failed = corpora.filter((c) => results.corpora[c.name].error);
  for (const c of failed) log(`${c.name}: ${results.corpora[c.name].error}`);
  process.exitCode = failed.length ? 1 : 0;
}

await main();
