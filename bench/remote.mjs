// The team index on PostgreSQL 15 (npm run bench:remote): a local index against a pull of the same commit (files' rows
// and vectors; then vectors only, the files' rows deleted from the server, as before they were pushed), push time and
// size (and a second push), remote against local search (p50/p95, top-10 overlap), and the dense recall@10 of the
// sign-bit shortlist per size against exact search on the server; then a push with the index's snapshot and a fresh
// clone (a copy of the tree: every file's mtime new) that starts from it. Starts its own PostgreSQL (as the tests do).
// Usage: node bench/remote.mjs [--corpus django|go|linux] [--queries N] [--pull-only] [--no-vectors-only]
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, makeConfig, SignBitSearch, startPostgres, WorkerChunkPool } from '../dist/lib.js';
import { CORPORA, ensureInstalled } from './corpora.mjs';
import { readOptions } from './options.mjs';

const usage = 'usage: node bench/remote.mjs [--corpus django|go|linux] [--queries N] [--pull-only] [--no-vectors-only]';
const opts = {
  corpus: 'django',
  queries: 30,
  ...readOptions(
    process.argv.slice(2),
    { '--corpus': String, '--queries': Number, '--pull-only': true, '--no-vectors-only': true },
    usage,
    (m) => {
      process.stderr.write(`${m}\n`);
      process.exit(2);
    },
  ),
};
const corpus = CORPORA[opts.corpus];
if (!corpus) throw new Error(`unknown corpus ${opts.corpus}`);
ensureInstalled([corpus], (m) => process.stderr.write(`${m}\n`));
const log = (m) => process.stderr.write(`${m}\n`);
const seconds = (ms) => (ms / 1000).toFixed(1);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const temps = [];
const temp = (p) => {
  const d = mkdtempSync(join(tmpdir(), p));
  temps.push(d);
  return d;
};

const { default: pg } = await import('pg');
const server = await startPostgres();
try {
  const commit = `${corpus.name}-bench`;
  const config = (remote) => makeConfig(corpus.path, { indexDir: temp('codectx-bench-remote-'), remote });

  // 1. The local index, as a fresh clone without a team index builds it.
  // CPU seconds of this process (all its threads: the model's too) beside the wall time, which the shared machine's
  // load stretches.
  const cpuSince = (start) => {
    const u = process.cpuUsage(start);
    return (u.user + u.system) / 1000;
  };
  // Every index run as the CLI's: files parsed on worker threads (config.indexThreads), a fresh index's secondary
  // indexes built at its end.
  const index = async (engine) => {
    const chunker = new WorkerChunkPool(undefined, engine.config.indexThreads);
    try {
      return await engine.index(undefined, { chunker, deferIndexes: true });
    } finally {
      await chunker.close();
    }
  };
  const local = Engine.open(config(undefined));
  let t = performance.now();
  const cpu = process.cpuUsage();
  await index(local);
  const localEmbed = await local.embed();
  const localMs = performance.now() - t;
  const localCpuMs = cpuSince(cpu);
  const chunks = local.status().chunks;
  log(`local index: ${seconds(localMs)} s, CPU ${seconds(localCpuMs)} s (${chunks} chunks, ${localEmbed?.computed} embedded)`);

  // 2. Push (CI), then the same commit again.
  const ci = Engine.open({ ...local.config, remote: server.url });
  t = performance.now();
  const pushed = await ci.push({ repoName: corpus.name, commit });
  const pushMs = performance.now() - t;
  t = performance.now();
  const again = await ci.push({ repoName: corpus.name, commit });
  const againMs = performance.now() - t;
  await ci.close();
  const client = new pg.Client(server.url);
  await client.connect();
  const dbBytes = Number((await client.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
  await client.end();
  log(
    `push: ${seconds(pushMs)} s, ${(pushed.bytesSent / 1048576).toFixed(1)} MiB sent, database ${(dbBytes / 1048576).toFixed(0)} MiB; again: ${seconds(againMs)} s (${again.alreadyThere ? 'already there' : 'sent'})`,
  );

  // 3. A fresh clone with the team index: searchable (hybrid) when index + embed are done. First with the files' rows,
  // then with vectors only (the files' rows deleted from the server: what a pull took before they were pushed).
  const pull = async () => {
    const engine = Engine.open(config(server.url));
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const report = await index(engine);
    const indexMs = performance.now() - start;
    const embedded = await engine.embed();
    const ms = performance.now() - start;
    const cpuMs = cpuSince(startCpu);
    const pulledVectors = engine.lastPull?.pulled;
    await engine.close();
    return { ms, cpuMs, indexMs, embedMs: ms - indexMs, filesPulled: report.filesPulled, vectors: pulledVectors, embedded };
  };
  const pulled = await pull();
  const pullMs = pulled.ms;
  log(
    `pull until searchable: ${seconds(pullMs)} s, CPU ${seconds(pulled.cpuMs)} s (${(localCpuMs / pulled.cpuMs).toFixed(1)}× less) (index ${seconds(pulled.indexMs)} s with ${pulled.filesPulled} files' rows pulled, embed ${seconds(pulled.embedMs)} s with ${pulled.vectors} vectors pulled, ${pulled.embedded?.computed} embedded); ${(localMs / pullMs).toFixed(1)}× sooner than the local index`,
  );
  // The vectors-only baseline deletes the files' rows: the snapshot's push below then sends them again.
  const vectorsOnly = opts.noVectorsOnly ? undefined : await pullVectorsOnly();
  async function pullVectorsOnly() {
    const client = new pg.Client(server.url);
    await client.connect();
    await client.query('DELETE FROM codectx_files');
    await client.end();
    const figures = await pull();
    log(
      `pull of vectors only: ${seconds(figures.ms)} s, CPU ${seconds(figures.cpuMs)} s (${(localCpuMs / figures.cpuMs).toFixed(1)}× less) (index ${seconds(figures.indexMs)} s, embed ${seconds(figures.embedMs)} s); ${(localMs / figures.ms).toFixed(1)}× sooner than the local index`,
    );
    return figures;
  }
  // 4. The snapshot: pushed by CI beside the rows (a push of a commit already there sends only the file), then a fresh
  // clone elsewhere takes it and brings it to its work tree (every file read and hashed: its mtimes are new).
  const ciSnap = Engine.open({ ...local.config, remote: server.url });
  t = performance.now();
  const snapPush = await ciSnap.push({ repoName: corpus.name, commit, snapshot: true });
  const snapPushMs = performance.now() - t;
  await ciSnap.close();
  log(
    `push --snapshot: ${seconds(snapPushMs)} s, index file ${(snapPush.snapshot.bytes / 1048576).toFixed(0)} MiB, ${(snapPush.snapshot.sent / 1048576).toFixed(0)} MiB sent (gzip -1)`,
  );
  const clone = temp('codectx-bench-clone-');
  cpSync(realpathSync(corpus.path), clone, { recursive: true, verbatimSymlinks: true });
  const snapConfig = makeConfig(clone, { indexDir: temp('codectx-bench-remote-'), remote: server.url });
  t = performance.now();
  const snapCpu = process.cpuUsage();
  const took = await Engine.pullSnapshot(snapConfig, { repoName: corpus.name }, log);
  const fetchMs = performance.now() - t;
  const fromSnapshot = Engine.open(snapConfig, log);
  const snapReport = await index(fromSnapshot);
  const snapEmbed = await fromSnapshot.embed();
  const snapMs = performance.now() - t;
  const snapCpuMs = cpuSince(snapCpu);
  const snapChunks = fromSnapshot.status().chunks;
  await fromSnapshot.close();
  if (!took) throw new Error('the snapshot was not taken');
  log(
    `snapshot until searchable: ${seconds(snapMs)} s, CPU ${seconds(snapCpuMs)} s (${(localCpuMs / snapCpuMs).toFixed(1)}× less) (fetched and in place ${seconds(fetchMs)} s; index run ${snapReport.filesUnchanged} files unchanged, ${snapReport.filesIndexed} indexed; ${snapEmbed?.computed ?? 0} embedded; ${snapChunks} chunks); ${(localMs / snapMs).toFixed(1)}× sooner than the local index`,
  );
  const pullFigures = {
    corpus: corpus.name,
    chunks,
    localMs,
    localCpuMs,
    pushMs,
    pushBytes: pushed.bytesSent,
    filesSent: pushed.filesSent,
    dbBytes,
    againMs,
    pullMs,
    pull: {
      cpuMs: pulled.cpuMs,
      indexMs: pulled.indexMs,
      embedMs: pulled.embedMs,
      filesPulled: pulled.filesPulled,
      vectors: pulled.vectors,
    },
    vectorsOnly: vectorsOnly && {
      ms: vectorsOnly.ms,
      cpuMs: vectorsOnly.cpuMs,
      indexMs: vectorsOnly.indexMs,
      embedMs: vectorsOnly.embedMs,
    },
    snapshot: {
      pushMs: snapPushMs,
      bytes: snapPush.snapshot.bytes,
      sent: snapPush.snapshot.sent,
      ms: snapMs,
      cpuMs: snapCpuMs,
      fetchMs,
      filesIndexed: snapReport.filesIndexed,
      computed: snapEmbed?.computed ?? 0,
      chunks: snapChunks,
    },
  };
  if (opts.pullOnly) {
    await local.close();
    process.stdout.write(`${JSON.stringify(pullFigures)}\n`);
  } else await searchFigures(local, pullFigures);
} finally {
  server.remove();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}

/** Remote against local search, and the dense recall of the sign-bit shortlist; prints every figure as JSON. */
async function searchFigures(local, pullFigures) {
  const chunks = pullFigures.chunks;
  // 5. Remote against local search: symbol names of the index and their doc words, every k-th so the sample is fixed.
  const symbols = local.symbols('', 100_000).filter((s) => s.name.length > 3);
  const step = Math.max(1, Math.floor(symbols.length / opts.queries));
  const queries = [];
  for (let i = 0; i < symbols.length && queries.length < opts.queries; i += step) queries.push(symbols[i].name);
  const key = (r) => `${r.path}:${r.startLine}`;
  const localMsList = [];
  const remoteMsList = [];
  const overlaps = [];
  const remoteConfig = { ...local.config, remote: server.url };
  for (const q of queries) {
    let s = performance.now();
    const here = await local.search(q, { limit: 10 });
    localMsList.push(performance.now() - s);
    s = performance.now();
    const there = await Engine.searchRemote(remoteConfig, q, { repoName: corpus.name, limit: 10 });
    remoteMsList.push(performance.now() - s);
    const a = new Set(here.results.map(key));
    overlaps.push(here.results.length ? there.results.filter((r) => a.has(key(r))).length / here.results.length : 1);
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  log(
    `hybrid search p50/p95: local ${pct(localMsList, 50).toFixed(0)}/${pct(localMsList, 95).toFixed(0)} ms, remote ${pct(remoteMsList, 50).toFixed(0)}/${pct(remoteMsList, 95).toFixed(0)} ms (one connection and one model load per remote search, as the CLI); top-10 overlap ${mean(overlaps).toFixed(2)}`,
  );

  // 6. Dense recall@10 of the sign-bit shortlist against exact search on the server (a shortlist of every vector).
  const exact = new SignBitSearch(10_000_000, 0);
  const recall = {};
  for (const size of [100, 400, 1600, 'default']) {
    const hits = [];
    for (const q of queries) {
      const want = await Engine.searchRemote(remoteConfig, q, {
        repoName: corpus.name,
        mode: 'dense',
        limit: 10,
        vectorSearch: exact,
      });
      const got = await Engine.searchRemote(remoteConfig, q, {
        repoName: corpus.name,
        mode: 'dense',
        limit: 10,
        vectorSearch: size === 'default' ? new SignBitSearch() : new SignBitSearch(size, 0),
      });
      const w = new Set(want.results.map(key));
      hits.push(want.results.length ? got.results.filter((r) => w.has(key(r))).length / want.results.length : 1);
    }
    recall[size] = mean(hits);
    log(
      `dense recall@10, shortlist ${size === 'default' ? `${new SignBitSearch().sizeFor(chunks, 10)} (the default rule)` : size}: ${recall[size].toFixed(3)}`,
    );
  }
  await local.close();
  process.stdout.write(
    `${JSON.stringify({
      ...pullFigures,
      searchMs: { local: [pct(localMsList, 50), pct(localMsList, 95)], remote: [pct(remoteMsList, 50), pct(remoteMsList, 95)] },
      overlap: mean(overlaps),
      recall,
    })}\n`,
  );
}
