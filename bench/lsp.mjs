#!/usr/bin/env node
// `npm run bench:lsp`: the language server measured through a real LSP client over stdio (freshness after a write,
// search latency during a full index, server memory at ≥ 100k chunks). Writes bench/results/lsp-latest.json and the
// section of docs/benchmarks.md between the bench-lsp markers.
// Invariant: every index is built in a fresh temp cacheDir and deleted; the corpora are never written to (freshness
// edits a temp copy); only the text between the bench-lsp markers of the doc is rewritten.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, ensureInstalled, walk } from './corpora.mjs';
import { procCpuMs, procMemory, round, sleep, startServer as startChild, tempDir } from './lsp-client.mjs';
import { readOptions } from './options.mjs';
import { buildQueries } from './queries.mjs';
import { summarize } from './report.mjs';

/** Added to every server's initializationOptions (--embeddings none). */
let INIT_EXTRA = {};
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- bench-lsp:start -->';
const END = '<!-- bench-lsp:end -->';
/** The memory phase's searches stop after this long (hybrid searches over 100k vectors can be slow). */
const SEARCH_BUDGET_MS = 120_000;
const TARGETS = {
  freshnessP50Ms: { value: 300, label: 'p50 ≤ 300 ms' },
  searchDuringIndexP95Ms: { value: 150, label: 'p95 ≤ 150 ms' },
  rssBytes: { value: 600_000_000, label: '≤ 600 MB (572 MiB)' },
};

const USAGE = `usage: npm run bench:lsp -- [options]
  --writes N        freshness: writes to time (default 30), alternating new files and edits of existing ones
  --pause MS        freshness: pause between writes (default 400)
  --queries N       queries of the Go standard library, half identifiers, half natural language (default 50)
  --only LIST       comma-separated phases to run: freshness,indexing,memory (default all three)
  --cli PATH        the server to measure (default dist/cli.js)
  --docs PATH       Markdown file whose bench-lsp section is rewritten (default docs/benchmarks.md)
  --results PATH    raw results JSON (default bench/results/lsp-latest.json)
  --log PATH        the servers' stderr and log messages (default: a temp file, path printed)
  --embeddings none turn the server's embeddings off (initializationOptions.embeddings {provider: none}), to compare
  --profile DIR     run the servers of the indexing and memory phases with node --cpu-prof (profiles in DIR/<phase>)`;

function parseArgs(argv) {
  const o = {
    writes: 30,
    pause: 400,
    queries: 50,
    only: ['freshness', 'indexing', 'memory'],
    cli: join(ROOT, 'dist', 'cli.js'),
    docs: join(ROOT, 'docs', 'benchmarks.md'),
    results: join(ROOT, 'bench', 'results', 'lsp-latest.json'),
    log: join(tmpdir(), `codectx-bench-lsp-${process.pid}.log`),
    profile: null,
    embeddings: 'default',
    ...readOptions(
      argv,
      {
        '--writes': Number,
        '--pause': Number,
        '--queries': Number,
        '--only': (v) => v.split(','),
        '--cli': resolve,
        '--docs': resolve,
        '--results': resolve,
        '--log': resolve,
        '--profile': resolve,
        '--embeddings': String,
      },
      USAGE,
      fail,
    ),
  };
  if (!Number.isInteger(o.writes) || o.writes < 2) fail('--writes must be an integer ≥ 2');
  if (!Number.isInteger(o.pause) || o.pause < 0) fail('--pause must be an integer ≥ 0');
  if (!Number.isInteger(o.queries) || o.queries < 2) fail('--queries must be an integer ≥ 2');
  const phases = ['freshness', 'indexing', 'memory'];
  if (o.only.some((p) => !phases.includes(p))) fail(`--only takes ${phases.join(', ')}`);
  if (!existsSync(o.cli)) fail(`${o.cli} is missing: run npm run build`);
  if (!['default', 'none'].includes(o.embeddings)) fail('--embeddings takes default or none');
  INIT_EXTRA = o.embeddings === 'none' ? { embeddings: { provider: 'none' } } : {};
  return o;
}

function fail(msg) {
  process.stderr.write(`bench:lsp: ${msg}\n`);
  process.exit(2);
}

const t0 = Date.now();
function log(msg) {
  process.stderr.write(`[bench:lsp ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);
}

/** The server as a child process, with this run's initializationOptions (--embeddings none). */
const startServer = (cli, logFile, label, nodeArgs = []) => startChild(cli, logFile, label, { nodeArgs, initExtra: INIT_EXTRA });

/** Folder status fields worth keeping. */
const folderSummary = (f) => ({
  path: f.path,
  state: f.state,
  files: f.files,
  chunks: f.chunks,
  indexBytes: f.indexBytes,
  parseFailures: f.parseFailures,
  embedded: f.embedded,
  embeddings: f.embeddings,
});

const indexed = (f) => f.state === 'ready' || f.state === 'error';
/** The embedding pass after an index run is over: done, or off (no model) or failed; `embeddings` is absent on old servers. */
const embeddingsSettled = (f) => f.embeddings === undefined || !/^(starting|embedding)/.test(f.embeddings);

/** Polls codectx/status every 500 ms (calling `each` with every answer) until `done` holds. */
async function pollStatus(server, timeoutMs, each, done) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await server.status();
    each(s);
    if (done(s)) return s;
    if (performance.now() > deadline)
      throw new Error(`status not as expected after ${timeoutMs} ms: ${JSON.stringify(s).slice(0, 300)}`);
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// 1. Freshness: write → first search that returns the new identifier.

const EDIT_TARGETS = [
  'utils/text.py',
  'db/models/query.py',
  'contrib/admin/options.py',
  'http/request.py',
  'template/base.py',
  'forms/fields.py',
  'core/handlers/base.py',
  'views/generic/base.py',
];
const NEW_FILE_DIRS = ['utils', 'db/models', 'contrib/auth', 'http', 'template', 'forms', 'core/management', 'views'];

async function measureFreshness(o, logFile) {
  const work = tempDir('codectx-bench-lsp-fresh-');
  const repo = join(work, 'django');
  const cache = join(work, 'cache');
  try {
    log(`freshness: copying ${CORPORA.django.path} to ${repo}`);
    cpSync(CORPORA.django.path, repo, { recursive: true, verbatimSymlinks: true });
    const server = startServer(o.cli, logFile, 'freshness');
    const initializedAt = await server.initialize([repo], { cacheDir: cache });
    const ready = await server.waitReady(300_000);
    const readyMs = performance.now() - initializedAt;
    log(
      `freshness: index ready in ${(readyMs / 1000).toFixed(1)} s (${ready.folders[0].files} files, ${ready.folders[0].chunks} chunks)`,
    );
    // Writes are timed in the steady state: after the embedding pass that follows the first run (when there is a model).
    const settledAt = performance.now();
    const settled = await pollStatus(
      server,
      600_000,
      () => {},
      (s) => s.folders.every(embeddingsSettled),
    );
    const embeddingMs = performance.now() - settledAt;
    log(
      `freshness: embeddings ${settled.folders[0].embeddings.split(':')[0]} ${(embeddingMs / 1000).toFixed(1)} s after the index`,
    );
    await sleep(1000);
    const samples = [];
    for (let i = 0; i < o.writes; i++) {
      const kind = i % 2 === 0 ? 'new' : 'edit';
      const id = `fresh_probe_${i}_${Math.random().toString(36).slice(2, 8)}`;
      const code = `\n\ndef ${id}(request):\n    """A probe written by bench:lsp."""\n    return request\n`;
      const rel =
        kind === 'new'
          ? `${NEW_FILE_DIRS[(i / 2) % NEW_FILE_DIRS.length]}/bench_probe_${i}.py`
          : EDIT_TARGETS[((i - 1) / 2) % EDIT_TARGETS.length];
      const file = join(repo, rel);
      const writeAt = performance.now();
      if (kind === 'new') writeFileSync(file, `"""bench:lsp probe."""${code}`);
      else appendFileSync(file, code);
      const deadline = writeAt + 15_000;
      let foundMs = null;
      let polls = 0;
      let searchMs = 0;
      let tookMs = 0;
      let mode = null;
      while (performance.now() < deadline) {
        const before = performance.now();
        const r = await server.search(id, 5);
        searchMs += performance.now() - before;
        tookMs += r.tookMs;
        mode = r.mode;
        polls++;
        if (r.results.some((h) => h.symbol === id || h.symbol.endsWith(`.${id}`))) {
          foundMs = performance.now() - writeAt;
          break;
        }
        await sleep(10);
      }
      samples.push({
        i,
        kind,
        path: rel,
        id,
        latencyMs: round(foundMs, 2),
        polls,
        meanSearchMs: round(searchMs / polls, 2),
        meanTookMs: round(tookMs / polls, 2),
        mode,
      });
      log(`freshness: #${i + 1} ${kind} ${rel}: ${foundMs == null ? 'NOT FOUND in 15 s' : `${foundMs.toFixed(0)} ms`}`);
      await sleep(o.pause);
    }
    // What one poll costs: the probe names searched again, in the default mode and lexically.
    const searchCost = {};
    for (const mode of [undefined, 'lexical']) {
      const rtts = [];
      let used = null;
      for (const s of samples) {
        const at = performance.now();
        const r = await server.search(s.id, 5, mode);
        rtts.push(performance.now() - at);
        used = r.mode;
      }
      searchCost[mode ?? 'default'] = { mode: used, rtt: summarize(rtts) };
    }
    const status = await server.status();
    await server.close();
    const found = samples.filter((s) => s.latencyMs != null);
    return {
      corpus: `copy of ${CORPORA.django.path}`,
      debounceMs: 150,
      writes: o.writes,
      pauseMs: o.pause,
      pollMs: 10,
      initialIndexMs: round(readyMs, 0),
      embeddingAfterIndexMs: round(embeddingMs, 0),
      folderAtReady: folderSummary(ready.folders[0]),
      folderAtEnd: folderSummary(status.folders[0]),
      notFound: samples.length - found.length,
      all: summarize(found.map((s) => s.latencyMs)),
      newFiles: summarize(found.filter((s) => s.kind === 'new').map((s) => s.latencyMs)),
      edits: summarize(found.filter((s) => s.kind === 'edit').map((s) => s.latencyMs)),
      pollRtt: summarize(samples.map((s) => s.meanSearchMs)),
      searchCost,
      samples,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// 2. Search latency while the Go standard library is indexed from scratch.

function goQueries(count) {
  const c = CORPORA.go;
  const { files } = walk(c.path);
  const { queries } = buildQueries({
    files: files.filter((f) => c.sampleFile(f.rel)),
    extract: c.extract,
    count,
    seed: 'codectx-bench-lsp',
  });
  return queries;
}

/** The same full index with no searches (only status, every 100 ms): what the searches cost the index run. */
async function baselineIndex(o, logFile) {
  const cache = tempDir('codectx-bench-lsp-base-');
  try {
    log(`indexing: baseline, ${CORPORA.go.path} into an empty cacheDir with no searches`);
    const server = startServer(o.cli, logFile, 'baseline');
    const initializedAt = await server.initialize([CORPORA.go.path], { cacheDir: cache });
    await server.waitReady(600_000);
    const readyMs = performance.now() - initializedAt;
    const progress = [...server.progress.values()][0];
    const cpuMs = procCpuMs(server.child.pid);
    const memory = procMemory(server.child.pid);
    await server.close();
    return {
      indexMsClient: round(readyMs, 0),
      indexMsProgress: progress?.endAt ? round(progress.endAt - progress.beginAt, 0) : null,
      serverCpuMs: cpuMs,
      memoryAtReady: memory,
    };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

async function measureDuringIndex(o, logFile, queries) {
  const baseline = await baselineIndex(o, logFile);
  const cache = tempDir('codectx-bench-lsp-index-');
  try {
    const profile = o.profile ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', join(o.profile, 'indexing')] : [];
    const server = startServer(o.cli, logFile, 'indexing', profile);
    const pid = server.child.pid;
    const initializedAt = await server.initialize([CORPORA.go.path], { cacheDir: cache });
    const samples = [];
    const memory = [];
    let state = 'starting';
    let lastStatusAt = 0;
    let readyAt = null;
    let statusAtReady = null;
    let n = 0;
    log(`indexing: ${CORPORA.go.path} into an empty cacheDir; searching until it is ready`);
    const progressEnd = () => [...server.progress.values()][0]?.endAt ?? null;
    while (readyAt == null) {
      // Status is asked between searches (never timed as a search), at most every 250 ms.
      if (performance.now() - lastStatusAt >= 250 || progressEnd() != null) {
        const s = await server.status();
        lastStatusAt = performance.now();
        const f = s.folders[0];
        state = f?.state ?? 'starting';
        memory.push({ atMs: round(lastStatusAt - initializedAt, 0), ...procMemory(pid) });
        if (state === 'ready' || state === 'error') {
          readyAt = lastStatusAt;
          statusAtReady = f;
          break;
        }
        if (memory.length % 20 === 0) {
          const p = f?.progress;
          log(
            `indexing: ${state} ${p ? `${p.filesDone}/${p.filesTotal} files, ${p.filesPerSecond}/s` : ''}; ${samples.length} searches`,
          );
        }
      }
      const q = queries[n++ % queries.length];
      const sentAt = performance.now();
      const r = await server.search(q.query, 10);
      const rtt = performance.now() - sentAt;
      samples.push({
        sentAt,
        atMs: round(sentAt - initializedAt, 0),
        kind: q.kind,
        rttMs: round(rtt, 2),
        tookMs: r.tookMs,
        partial: r.partial,
        mode: r.mode,
        results: r.results.length,
        state,
      });
    }
    const cpuMs = procCpuMs(pid);
    const progress = [...server.progress.values()][0];
    // During the run: sent before the client received the end of the server's progress (or, without one, before
    // the status said ready). The `partial` flag is what is measured, so it does not decide this.
    const endAt = progress?.endAt ?? readyAt;
    const during = samples.filter((s) => s.sentAt < endAt);
    for (const s of samples) delete s.sentAt;
    // After the index is ready: the same queries, for comparison.
    const after = [];
    for (const q of queries) {
      const sentAt = performance.now();
      const r = await server.search(q.query, 10);
      after.push({ rttMs: performance.now() - sentAt, tookMs: r.tookMs, partial: r.partial });
    }
    const memoryAtReady = procMemory(pid);
    await server.close();
    const rtts = during.map((s) => s.rttMs);
    return {
      corpus: CORPORA.go.path,
      queries: { count: queries.length, identifier: queries.filter((q) => q.kind === 'identifier').length },
      indexMsClient: round(readyAt - initializedAt, 0),
      indexMsProgress: progress?.endAt ? round(progress.endAt - progress.beginAt, 0) : null,
      serverCpuMs: cpuMs,
      folder: folderSummary(statusAtReady),
      searches: during.length,
      searchesPerSecond: round(during.length / ((readyAt - initializedAt) / 1000), 1),
      rtt: summarize(rtts),
      rttIdentifier: summarize(during.filter((s) => s.kind === 'identifier').map((s) => s.rttMs)),
      rttNatural: summarize(during.filter((s) => s.kind === 'natural').map((s) => s.rttMs)),
      serverSearchMs: summarize(during.map((s) => s.tookMs)),
      // Round trip minus the server's own search time: time the request waited for the event loop (and the pipes).
      waitMs: summarize(during.map((s) => s.rttMs - s.tookMs)),
      over150Ms: rtts.filter((x) => x > 150).length,
      partialTrue: during.filter((s) => s.partial).length,
      partialFalse: during.filter((s) => !s.partial).length,
      // Answers not marked partial that are all at the very end: sent before the client heard the run end, answered after.
      partialFalseOnlyAtEnd: during.every((s, i) => s.partial || during.slice(i).every((t) => !t.partial)),
      withResults: during.filter((s) => s.results > 0).length,
      modes: Object.fromEntries(
        [...new Set(during.map((s) => s.mode))].map((m) => [m, during.filter((s) => s.mode === m).length]),
      ),
      afterReady: {
        rtt: summarize(after.map((s) => s.rttMs)),
        serverSearchMs: summarize(after.map((s) => s.tookMs)),
        partialTrue: after.filter((s) => s.partial).length,
      },
      memoryAtReady,
      baseline,
      memory,
      samples,
    };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// 3. Server memory with the Go standard library and Django as two workspace folders (≥ 100k chunks).

async function measureMemory(o, logFile, queries) {
  const cache = tempDir('codectx-bench-lsp-mem-');
  try {
    const profile = o.profile ? ['--cpu-prof', '--cpu-prof-dir', join(o.profile, 'memory')] : [];
    const server = startServer(o.cli, logFile, 'memory', profile);
    const pid = server.child.pid;
    const folders = [CORPORA.go.path, CORPORA.django.path];
    log(`memory: ${folders.join(' + ')} as two workspace folders, empty cacheDir`);
    const initializedAt = await server.initialize(folders, { cacheDir: cache });
    const timeline = [];
    const sample = (s) =>
      timeline.push({
        atMs: round(performance.now() - initializedAt, 0),
        ...procMemory(pid),
        embedded: s.folders.reduce((a, f) => a + (f.embedded ?? 0), 0),
      });
    const ready = await pollStatus(server, 600_000, sample, (s) => s.folders.length === 2 && s.folders.every(indexed));
    const readyMs = performance.now() - initializedAt;
    const chunks = ready.folders.reduce((a, f) => a + f.chunks, 0);
    log(`memory: index ready in ${(readyMs / 1000).toFixed(1)} s, ${chunks} chunks; waiting for the embedding pass`);
    const atReady = procMemory(pid);
    const settled = await pollStatus(server, 1_200_000, sample, (s) => s.folders.every(embeddingsSettled));
    const embeddedMs = performance.now() - initializedAt;
    log(
      `memory: embeddings ${settled.folders.map((f) => f.embeddings.split(':')[0]).join(', ')} after ${(embeddedMs / 1000).toFixed(1)} s`,
    );
    const atEmbedded = procMemory(pid);
    // Up to four passes over the queries, for at most SEARCH_BUDGET_MS.
    const searchMs = [];
    const searches = [];
    const modes = {};
    const budgetEnd = performance.now() + SEARCH_BUDGET_MS;
    for (let n = 0; n < queries.length * 4 && performance.now() < budgetEnd; n++) {
      const q = queries[n % queries.length];
      const at = performance.now();
      const r = await server.search(q.query, 10);
      const rtt = performance.now() - at;
      searchMs.push(rtt);
      searches.push({ kind: q.kind, rttMs: round(rtt, 2), tookMs: r.tookMs, mode: r.mode });
      modes[r.mode] = (modes[r.mode] ?? 0) + 1;
      if (n % 20 === 19) log(`memory: ${n + 1} searches, last ${ms(rtt)}`);
    }
    const afterSearches = procMemory(pid);
    log(`memory: ${searchMs.length} searches, p50 ${ms(summarize(searchMs).p50)}, p95 ${ms(summarize(searchMs).p95)}`);
    const indexMs = {};
    for (const p of server.progress.values())
      if (p.endAt) indexMs[p.title.replace(/^codectx: indexing /, '')] = round(p.endAt - p.beginAt, 0);
    await server.close();
    return {
      folders: settled.folders.map(folderSummary),
      chunks,
      files: ready.folders.reduce((a, f) => a + f.files, 0),
      embedded: settled.folders.reduce((a, f) => a + (f.embedded ?? 0), 0),
      indexMsClient: round(readyMs, 0),
      indexMsProgress: indexMs,
      embeddingsSettledMs: round(embeddedMs, 0),
      atReady,
      atEmbedded,
      afterSearches: {
        ...afterSearches,
        searches: searchMs.length,
        rtt: summarize(searchMs),
        serverSearchMs: summarize(searches.map((x) => x.tookMs)),
        modes,
      },
      peakRssSampled: Math.max(...timeline.map((t) => t.rssBytes ?? 0)),
      timeline,
      searches,
    };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Report.

const ms = (n) => (n == null ? '–' : n >= 100 ? `${Math.round(n)} ms` : n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`);
const secs = (v) => (v == null ? '–' : `${(v / 1000).toFixed(1)} s`);
const mb = (b) => (b == null ? '–' : `${Math.round(b / 1024 / 1024)} MiB`);
const int = (n) => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
const mark = (value, t) => (value == null ? t.label : `${t.label} ${value <= t.value ? '✅' : '❌'}`);

function section(r) {
  const L = [];
  L.push(START);
  L.push('');
  L.push('## Language server (`npm run bench:lsp`)');
  L.push('');
  L.push(
    `Generated by \`bench/lsp.mjs\` on ${r.date} at commit ${r.commit}: ${r.machine.cores} cores (${r.machine.cpu}), ` +
      `${r.machine.memGiB} GiB, Node ${r.machine.node}. Load average before / after the run: ` +
      `${r.loadBefore.map((x) => x.toFixed(2)).join(' ')} / ${r.loadAfter.map((x) => x.toFixed(2)).join(' ')}. ` +
      'The client is a Node `vscode-languageserver/node` message connection on the stdio of `node dist/cli.js serve --stdio`; ' +
      'every index goes to a fresh temp `cacheDir`. Raw numbers: `bench/results/lsp-latest.json`.' +
      (r.embeddings ? ` Embeddings of the server in this run: ${r.embeddings}.` : ''),
  );
  L.push('');
  const f = r.freshness;
  if (f) {
    L.push('### Freshness: a write on disk → the first search that finds it');
    L.push('');
    L.push(
      `A temp copy of Django (${int(f.folderAtReady.files)} files, ${int(f.folderAtReady.chunks)} chunks, indexed in ${secs(f.initialIndexMs)}); ` +
        `${f.writes} writes of a function with a new unique name, alternating new files and appends to existing modules ` +
        `(\`db/models/query.py\`, \`contrib/admin/options.py\`, …), ${f.pauseMs} ms apart. Each is timed from just before ` +
        `the write to the first \`codectx/search\` for the name that returns it, polling every ${f.pollMs} ms; ` +
        `the server's own watcher with its default debounce of ${f.debounceMs} ms. The writes start once the embedding pass ` +
        `after the first run is over (${secs(f.embeddingAfterIndexMs)}; embeddings: ${f.folderAtEnd.embeddings ?? '–'}).`,
    );
    L.push('');
    L.push('| measure | value | target |');
    L.push('|---|---|---|');
    L.push(
      `| all writes: p50 / p95 / max | ${ms(f.all.p50)} / ${ms(f.all.p95)} / ${ms(f.all.max)} | ${mark(f.all.p50, TARGETS.freshnessP50Ms)} |`,
    );
    L.push(`| new files: p50 / p95 | ${ms(f.newFiles.p50)} / ${ms(f.newFiles.p95)} | |`);
    L.push(`| edits of existing files: p50 / p95 | ${ms(f.edits.p50)} / ${ms(f.edits.p95)} | |`);
    L.push(`| writes never found (15 s) | ${f.notFound} of ${f.writes} | 0 |`);
    L.push(`| p50 minus the debounce (change detection + index + search) | ${ms(f.all.p50 - f.debounceMs)} | |`);
    const d = f.searchCost.default;
    const lx = f.searchCost.lexical;
    L.push(`| one poll: search round trip p50, default mode (${d.mode}) / lexical | ${ms(d.rtt.p50)} / ${ms(lx.rtt.p50)} | |`);
    L.push('');
  }
  const x = r.indexing;
  if (x) {
    L.push('### Search while the Go standard library is indexed from scratch');
    L.push('');
    L.push(
      `\`${x.corpus}\` with an empty \`cacheDir\`. From \`initialized\` until \`codectx/status\` says \`ready\`, the client sends ` +
        `\`codectx/search\` requests one at a time, cycling through ${x.queries.count} queries sampled from the corpus ` +
        `(${x.queries.identifier} identifiers, ${x.queries.count - x.queries.identifier} natural-language, seed \`codectx-bench-lsp\`), ` +
        'and times each round trip. *Waiting* is the round trip minus the `tookMs` the server reports for the search itself: ' +
        "the time the request queued behind index work on the server's one JavaScript thread (and crossed the pipes).",
    );
    L.push('');
    L.push('| measure | value | target |');
    L.push('|---|---|---|');
    L.push(`| searches during the index run | ${int(x.searches)} (${x.searchesPerSecond}/s) | |`);
    L.push(
      `| round trip: p50 / p95 / max | ${ms(x.rtt.p50)} / ${ms(x.rtt.p95)} / ${ms(x.rtt.max)} | ${mark(x.rtt.p95, TARGETS.searchDuringIndexP95Ms)} |`,
    );
    L.push(`| round trip, identifiers / natural language: p95 | ${ms(x.rttIdentifier.p95)} / ${ms(x.rttNatural.p95)} | |`);
    L.push(
      `| search in the server (tookMs): p50 / p95 / max | ${ms(x.serverSearchMs.p50)} / ${ms(x.serverSearchMs.p95)} / ${ms(x.serverSearchMs.max)} | |`,
    );
    L.push(
      `| waiting (round trip − tookMs): p50 / p95 / max | ${ms(x.waitMs.p50)} / ${ms(x.waitMs.p95)} / ${ms(x.waitMs.max)} | |`,
    );
    L.push(`| round trips over 150 ms | ${int(x.over150Ms)} of ${int(x.searches)} | |`);
    const lastNote =
      x.partialFalse > 0 && x.partialFalseOnlyAtEnd
        ? ` (the other ${x.partialFalse}: the last, sent before the client heard the run end and answered after it)`
        : '';
    L.push(`| answers marked \`partial\` | ${int(x.partialTrue)} of ${int(x.searches)}${lastNote} | all |`);
    L.push(`| answers with at least one result | ${int(x.withResults)} of ${int(x.searches)} | |`);
    L.push(
      `| modes of the answers | ${Object.entries(x.modes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} | |`,
    );
    L.push(
      `| full index in the server, searched meanwhile: progress begin → end / initialized → ready | ${secs(x.indexMsProgress)} / ${secs(x.indexMsClient)} (server CPU ${secs(x.serverCpuMs)}) | |`,
    );
    L.push(
      `| the same index with no searches: progress begin → end | ${secs(x.baseline.indexMsProgress)} (server CPU ${secs(x.baseline.serverCpuMs)}) | |`,
    );
    L.push(`| files / chunks indexed | ${int(x.folder.files)} / ${int(x.folder.chunks)} | |`);
    L.push(`| same queries once ready: round trip p50 / p95 | ${ms(x.afterReady.rtt.p50)} / ${ms(x.afterReady.rtt.p95)} | |`);
    L.push('');
  }
  const m = r.memory;
  if (m) {
    L.push('### Server memory at ≥ 100k chunks');
    L.push('');
    L.push(
      `One server with two workspace folders, ${m.folders.map((f) => `\`${f.path}\` (${int(f.chunks)} chunks)`).join(' and ')}, ` +
        'indexed from an empty `cacheDir` (both folders at once), then left to finish the embedding pass the server starts after ' +
        'an index run when it has a model. VmRSS and VmHWM from `/proc/PID/status` of the server process (its worker threads included).',
    );
    L.push('');
    L.push('| measure | value | target |');
    L.push('|---|---|---|');
    L.push(`| files / chunks / chunks embedded | ${int(m.files)} / ${int(m.chunks)} / ${int(m.embedded)} | ≥ 100,000 chunks |`);
    L.push(`| embeddings at the end | ${[...new Set(m.folders.map((f) => f.embeddings ?? '–'))].join('; ')} | |`);
    L.push(
      `| both folders indexed / embedded (from initialized) | ${secs(m.indexMsClient)} / ${secs(m.embeddingsSettledMs)} | |`,
    );
    L.push(`| RSS when the index is ready | ${mb(m.atReady.rssBytes)} | ${mark(m.atReady.rssBytes, TARGETS.rssBytes)} |`);
    L.push(
      `| RSS when the embedding pass is over | ${mb(m.atEmbedded.rssBytes)} | ${mark(m.atEmbedded.rssBytes, TARGETS.rssBytes)} |`,
    );
    L.push(
      `| RSS after ${m.afterSearches.searches} searches | ${mb(m.afterSearches.rssBytes)} | ${mark(m.afterSearches.rssBytes, TARGETS.rssBytes)} |`,
    );
    L.push(
      `| peak RSS (VmHWM) over the whole run | ${mb(m.afterSearches.hwmBytes)} | ${mark(m.afterSearches.hwmBytes, TARGETS.rssBytes)} |`,
    );
    L.push(
      `| search round trip with both folders: p50 / p95 (modes: ${Object.entries(m.afterSearches.modes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}) | ${ms(m.afterSearches.rtt.p50)} / ${ms(m.afterSearches.rtt.p95)} | |`,
    );
    L.push('');
  }
  L.push(END);
  return L.join('\n');
}

function writeSection(docs, text) {
  const doc = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  const next =
    start !== -1 && end > start
      ? doc.slice(0, start) + text + doc.slice(end + END.length)
      : `${doc.replace(/\n*$/, '\n')}\n${text}\n`;
  writeFileSync(docs, next);
}

function git(args) {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  ensureInstalled([CORPORA.go, CORPORA.django], log);
  writeFileSync(o.log, '');
  log(`server logs: ${o.log}`);
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const hash = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  const result = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: hash ? (dirty ? `${hash} (with uncommitted changes)` : hash) : 'uncommitted',
    machine: {
      cores: cpus().length,
      cpu: cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU',
      memGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
      node: process.version,
    },
    options: { writes: o.writes, pause: o.pause, queries: o.queries, only: o.only, embeddings: o.embeddings },
    loadBefore: loadavg(),
    targets: TARGETS,
  };
  if (o.only.includes('freshness')) result.freshness = await measureFreshness(o, o.log);
  const queries = o.only.some((p) => p !== 'freshness') ? goQueries(o.queries) : [];
  if (o.only.includes('indexing')) result.indexing = await measureDuringIndex(o, o.log, queries);
  if (o.only.includes('memory')) result.memory = await measureMemory(o, o.log, queries);
  result.loadAfter = loadavg();
  // Whether the server embedded chunks after indexing (it does when its model is installed): it changes CPU and memory.
  const states = [result.freshness?.folderAtEnd?.embeddings, ...(result.memory?.folders.map((f) => f.embeddings) ?? [])].filter(
    Boolean,
  );
  result.embeddings = [...new Set(states)].join('; ') || null;
  writeFileSync(o.results, `${JSON.stringify(result, null, 2)}\n`);
  writeSection(o.docs, section(result));
  log(`wrote ${o.results} and the bench-lsp section of ${o.docs}`);
  const f = result.freshness;
  const x = result.indexing;
  const m = result.memory;
  if (f) log(`freshness p50 ${ms(f.all.p50)} p95 ${ms(f.all.p95)} (not found: ${f.notFound})`);
  if (x)
    log(
      `during index: ${x.searches} searches, p50 ${ms(x.rtt.p50)} p95 ${ms(x.rtt.p95)} max ${ms(x.rtt.max)}; ` +
        `index ${secs(x.indexMsProgress)}; partial ${x.partialTrue}/${x.searches}`,
    );
  if (m)
    log(
      `memory: ${m.chunks} chunks (${m.embedded} embedded), RSS ${mb(m.atReady.rssBytes)} at index ready, ` +
        `${mb(m.atEmbedded.rssBytes)} after embedding, ${mb(m.afterSearches.rssBytes)} after searches, HWM ${mb(m.afterSearches.hwmBytes)}`,
    );
}

main().catch((error) => {
  process.stderr.write(`bench:lsp: ${error.stack ?? error}\n`);
  process.exit(1);
});
