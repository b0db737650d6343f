#!/usr/bin/env node
// `node bench/lsp-scale.mjs`: the language server on the Linux kernel tree (issue 21), through a real LSP client over
// stdio. Phases: `first` (an empty cacheDir: the first answers after start, partial, and a file saved while the first
// index runs), `idle` (the index `npm run bench -- --corpus linux --keep` left, with its vectors: a saved file searchable
// while idle, server memory before and after hybrid searches), `inotify` (the same server in a user namespace whose
// inotify watches are capped below the tree's folder count: the watcher fails, the server says so and rescans).
// Invariant: the corpus gets one folder of probe files, `codectx-bench-probe/`, removed before each server stops;
// the first phase's index is a temp folder, deleted. Prints JSON, and writes it with --results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, ensureInstalled, WORK } from './corpora.mjs';
import { procCpuMs, procMemory, round, sleep, startServer, tempDir } from './lsp-client.mjs';
import { readOptions } from './options.mjs';
import { summarize } from './report.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node bench/lsp-scale.mjs [options]
  --only LIST        phases: first,idle,inotify (default all three)
  --index-dir DIR    the kept whole-tree index for idle and inotify (default .bench/index-linux)
  --queries FILE     JSON lines with "query" and "kind" (default .bench/queries-linux.jsonl, written by the bench)
  --first-cap S      stop the first phase after S seconds if the index is not ready (default 1200)
  --probes N         saved files timed in each phase (default 20 idle, 5 first, 1 inotify)
  --first-probes N   saved files timed during the first run (default 5)
  --probe-every S    seconds between those saves, the first 30 s after initialized (default 60; at 5 a save
                     follows another within 10 s, as a user's do)
  --watches N        the inotify phase's cap on watches (default 1000; the tree has ~5k folders)
  --embeddings none  idle and inotify without the model (an index still being embedded would embed meanwhile)
  --cli PATH         the server (default dist/cli.js)
  --results PATH     write the figures as JSON
  --log PATH         the servers' stderr and log messages (default .bench/lsp-scale.log)`;
const fail = (msg) => {
  process.stderr.write(`lsp-scale: ${msg}\n`);
  process.exit(2);
};
const o = {
  only: ['first', 'idle', 'inotify'],
  indexDir: join(WORK, 'index-linux'),
  queries: join(WORK, 'queries-linux.jsonl'),
  firstCap: 1200,
  firstProbes: 5,
  probeEvery: 60,
  probes: 20,
  watches: 1000,
  cli: join(ROOT, 'dist', 'cli.js'),
  log: join(WORK, 'lsp-scale.log'),
  ...readOptions(
    process.argv.slice(2),
    {
      '--only': (v) => v.split(','),
      '--index-dir': resolve,
      '--queries': resolve,
      '--first-cap': Number,
      '--first-probes': Number,
      '--probe-every': Number,
      '--probes': Number,
      '--watches': Number,
      '--embeddings': String,
      '--cli': resolve,
      '--results': resolve,
      '--log': resolve,
    },
    USAGE,
    fail,
  ),
};
if (!existsSync(o.cli)) fail(`${o.cli} is missing: run npm run build`);
if (!existsSync(o.queries)) fail(`${o.queries} is missing: run npm run bench -- --corpus linux --keep first`);
const t0 = Date.now();
const log = (msg) => process.stderr.write(`[lsp-scale ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);
const corpus = CORPORA.linux;
ensureInstalled([corpus], log);
const queries = readFileSync(o.queries, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const probeDir = join(corpus.path, 'codectx-bench-probe');
const mib = (m) => ({ rssMiB: round(m.rssBytes / 2 ** 20, 0), hwmMiB: round(m.hwmBytes / 2 ** 20, 0) });
writeFileSync(o.log, '');

/** Writes a C file defining a function of a new unique name; returns the name. */
function writeProbe(i) {
  mkdirSync(probeDir, { recursive: true });
  const id = `codectx_probe_${i}_${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(join(probeDir, `probe_${i}.c`), `/* bench/lsp-scale.mjs probe */\nint ${id}(int x)\n{\n\treturn x + 1;\n}\n`);
  return id;
}

/** Searches for `id` lexically every `pollMs` until a result defines it; ms from `writeAt`, or null after `capMs`. */
async function untilFound(server, id, writeAt, capMs, pollMs = 20) {
  while (performance.now() - writeAt < capMs) {
    const r = await server.search(id, 5, 'lexical');
    if (r.results.some((h) => h.symbol === id || h.symbol?.endsWith(`.${id}`))) return performance.now() - writeAt;
    await sleep(pollMs);
  }
  return null;
}

// First: an empty cacheDir, no embeddings (the lexical figures; the embedding pass follows the run and is measured by
// npm run bench). Searches one at a time from `initialized`; probes written while the run is going.
async function first() {
  const cache = tempDir('codectx-lsp-scale-');
  const server = startServer(o.cli, o.log, 'first', { initExtra: { embeddings: { provider: 'none' } } });
  const pid = server.child.pid;
  try {
    const initializedAt = await server.initialize([corpus.path], { cacheDir: cache });
    const since = () => performance.now() - initializedAt;
    let firstAnswerMs = null;
    let firstAnswerPartial = null;
    const rtts = [];
    const memory = [];
    const probes = [];
    let n = 0;
    let readyMs = null;
    let lastStatus = 0;
    let folder = null;
    while (since() < o.firstCap * 1000) {
      if (since() - lastStatus > 1000) {
        const s = await server.status();
        lastStatus = since();
        folder = s.folders[0];
        memory.push({
          atMs: round(lastStatus, 0),
          state: folder?.state,
          files: folder?.progress?.filesDone,
          ...mib(procMemory(pid)),
        });
        if (folder && (folder.state === 'ready' || folder.state === 'error')) {
          readyMs = lastStatus;
          break;
        }
        if (memory.length % 30 === 0)
          log(`first: ${folder?.state} ${folder?.progress?.filesDone ?? '?'} files, ${rtts.length} searches`);
      }
      // A probe every --probe-every seconds once an answer came, timed until it is found (up to the end of the run).
      if (firstAnswerMs != null && probes.length < o.firstProbes && since() > 30_000 + probes.length * o.probeEvery * 1000) {
        const i = probes.length;
        const at = performance.now();
        const id = writeProbe(i);
        const capMs = o.firstCap * 1000 - since();
        const found = await untilFound(server, id, at, capMs, 200);
        probes.push({ i, writtenAtMs: round(at - initializedAt, 0), latencyMs: round(found, 0) });
        log(`first: probe ${i} ${found == null ? 'not found' : `${(found / 1000).toFixed(1)} s`}`);
        continue;
      }
      const q = queries[n++ % queries.length];
      const at = performance.now();
      const r = await server.search(q.query, 10, 'lexical');
      rtts.push(performance.now() - at);
      if (firstAnswerMs == null && r.results.length > 0) {
        firstAnswerMs = since();
        firstAnswerPartial = r.partial;
        log(`first: first answer with results ${(firstAnswerMs / 1000).toFixed(1)} s after initialized (partial ${r.partial})`);
      }
    }
    const result = {
      initExtra: 'embeddings none',
      probeEveryS: o.probeEvery,
      firstAnswerMs: round(firstAnswerMs, 0),
      firstAnswerPartial,
      readyMs: round(readyMs, 0),
      readyWithinCap: readyMs != null,
      folder: folder && { state: folder.state, files: folder.files, chunks: folder.chunks, indexBytes: folder.indexBytes },
      searches: summarize(rtts),
      probes,
      serverCpuMs: procCpuMs(pid),
      memoryAtEnd: mib(procMemory(pid)),
      memoryMaxRssMiB: Math.max(...memory.map((m) => m.rssMiB)),
      memory: memory.filter((_, i) => i % 10 === 0),
    };
    rmSync(probeDir, { recursive: true, force: true });
    await sleep(1000);
    return result;
  } finally {
    await server.close();
    rmSync(probeDir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

/** A server on the kept whole-tree index (CODECTX_INDEX_DIR), optionally wrapped (the inotify phase's namespace). */
function keptServer(label, wrap = []) {
  if (!existsSync(join(o.indexDir))) fail(`${o.indexDir} is missing: run npm run bench -- --corpus linux --keep first`);
  const initExtra = o.embeddings === 'none' ? { embeddings: { provider: 'none' } } : {};
  return startServer(o.cli, o.log, label, { env: { ...process.env, CODECTX_INDEX_DIR: o.indexDir }, wrap, initExtra });
}

// Idle: the kept index, current; saves timed one at a time, then memory before and after hybrid searches.
async function idle() {
  const server = keptServer('idle');
  const pid = server.child.pid;
  try {
    const initializedAt = await server.initialize([corpus.path], {});
    const ready = await server.waitReady(600_000);
    const readyMs = performance.now() - initializedAt;
    const f = ready.folders[0];
    log(`idle: ready in ${(readyMs / 1000).toFixed(1)} s (${f.files} files, ${f.chunks} chunks, embeddings ${f.embeddings})`);
    const atReady = mib(procMemory(pid));
    await sleep(2000);
    const probes = [];
    for (let i = 0; i < o.probes; i++) {
      const at = performance.now();
      const id = writeProbe(100 + i);
      const found = await untilFound(server, id, at, 30_000);
      probes.push(round(found, 1));
      await sleep(300);
    }
    log(`idle: probes p50 ${summarize(probes.filter((p) => p != null)).p50?.toFixed(0)} ms`);
    const afterProbes = mib(procMemory(pid));
    const hybrid = [];
    for (const q of queries.slice(0, 40)) {
      const at = performance.now();
      const r = await server.search(q.query, 10, 'hybrid');
      hybrid.push({ ms: performance.now() - at, mode: r.mode });
    }
    const lexical = [];
    for (const q of queries.slice(0, 40)) {
      const at = performance.now();
      await server.search(q.query, 10, 'lexical');
      lexical.push(performance.now() - at);
    }
    const status = await server.status();
    rmSync(probeDir, { recursive: true, force: true });
    await sleep(1500);
    return {
      readyMs: round(readyMs, 0),
      folder: {
        files: f.files,
        chunks: f.chunks,
        embedded: status.folders[0].embedded,
        embeddings: status.folders[0].embeddings,
      },
      saved: { ...summarize(probes.filter((p) => p != null)), notFound: probes.filter((p) => p == null).length },
      hybridRtt: {
        first: round(hybrid[0].ms, 0),
        rest: summarize(hybrid.slice(1).map((h) => h.ms)),
        modes: [...new Set(hybrid.map((h) => h.mode))],
      },
      lexicalRtt: summarize(lexical),
      memory: { atReady, afterProbes, afterSearches: mib(procMemory(pid)) },
    };
  } finally {
    await server.close();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

// inotify: the kept index, in a user namespace whose inotify watch cap (/proc/sys/user/max_inotify_watches, charged
// against every enclosing namespace too) is below the tree's folder count. Other users' watches are not touched.
async function inotify() {
  const folders =
    spawnSync('find', [corpus.path, '-type', 'd'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout.split('\n').length - 1;
  const probe = spawnSync('unshare', ['-U', '-r', 'true']);
  if (probe.status !== 0) return { skipped: `unshare -U -r failed: ${probe.stderr}` };
  const wrap = ['unshare', '-U', '-r', 'sh', '-c', `echo ${o.watches} > /proc/sys/user/max_inotify_watches && exec "$0" "$@"`];
  const server = keptServer('inotify', wrap);
  try {
    const initializedAt = await server.initialize([corpus.path], {});
    await server.waitReady(600_000);
    let status;
    const deadline = performance.now() + 60_000;
    do {
      status = (await server.status()).folders[0];
      if (status.watcher.startsWith('failed')) break;
      await sleep(500);
    } while (performance.now() < deadline);
    const failedMs = performance.now() - initializedAt;
    log(`inotify: watcher "${status.watcher}" (${folders} folders, cap ${o.watches})`);
    const at = performance.now();
    const id = writeProbe(900);
    const found = await untilFound(server, id, at, 90_000, 250);
    log(`inotify: saved file found after ${found == null ? 'never (90 s)' : `${(found / 1000).toFixed(1)} s`}`);
    rmSync(probeDir, { recursive: true, force: true });
    return {
      folders,
      watchCap: o.watches,
      watcher: status.watcher,
      seenWithinMs: round(failedMs, 0),
      warningsShown: server.shown.map((m) => m.message).filter((m) => /watch/i.test(m)),
      savedFoundMs: round(found, 0),
    };
  } finally {
    await server.close();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

const result = { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), loadBefore: loadavg() };
if (o.only.includes('first')) result.first = await first();
if (o.only.includes('idle')) result.idle = await idle();
if (o.only.includes('inotify')) result.inotify = await inotify();
result.loadAfter = loadavg();
const text = `${JSON.stringify(result, null, 2)}\n`;
if (o.results) writeFileSync(o.results, text);
process.stdout.write(text);
