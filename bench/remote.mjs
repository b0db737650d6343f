// The team index on PostgreSQL 15 (npm run bench:remote): a local index against a pull of the same commit, push time
// and size (and a second push), remote against local search (p50/p95, top-10 overlap), and the dense recall@10 of the
// sign-bit shortlist per size against exact search on the server. Starts its own PostgreSQL (as the tests do).
// Usage: node bench/remote.mjs [--corpus django|go] [--queries N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, makeConfig, SignBitSearch, startPostgres } from '../dist/lib.js';
import { CORPORA, ensureInstalled } from './corpora.mjs';
import { readOptions } from './options.mjs';

const usage = 'usage: node bench/remote.mjs [--corpus django|go] [--queries N]';
const opts = {
  corpus: 'django',
  queries: 30,
  ...readOptions(process.argv.slice(2), { '--corpus': String, '--queries': Number }, usage, (m) => {
    process.stderr.write(`${m}\n`);
    process.exit(2);
  }),
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

const server = await startPostgres();
try {
  const commit = `${corpus.name}-bench`;
  const config = (remote) => makeConfig(corpus.path, { indexDir: temp('codectx-bench-remote-'), remote });

  // 1. The local index, as a fresh clone without a team index builds it.
  const local = Engine.open(config(undefined));
  let t = performance.now();
  await local.index();
  const localEmbed = await local.embed();
  const localMs = performance.now() - t;
  const chunks = local.status().chunks;
  log(`local index: ${seconds(localMs)} s (${chunks} chunks, ${localEmbed?.computed} embedded)`);

  // 2. Push (CI), then the same commit again.
  const ci = Engine.open({ ...local.config, remote: server.url });
  t = performance.now();
  const pushed = await ci.push({ repoName: corpus.name, commit });
  const pushMs = performance.now() - t;
  t = performance.now();
  const again = await ci.push({ repoName: corpus.name, commit });
  const againMs = performance.now() - t;
  await ci.close();
  const { default: pg } = await import('pg');
  const client = new pg.Client(server.url);
  await client.connect();
  const dbBytes = Number((await client.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
  await client.end();
  log(
    `push: ${seconds(pushMs)} s, ${(pushed.bytesSent / 1048576).toFixed(1)} MiB sent, database ${(dbBytes / 1048576).toFixed(0)} MiB; again: ${seconds(againMs)} s (${again.alreadyThere ? 'already there' : 'sent'})`,
  );

  // 3. A fresh clone with the team index: searchable (hybrid) when index + embed are done.
  const pulled = Engine.open(config(server.url));
  t = performance.now();
  await pulled.index();
  const pulledEmbed = await pulled.embed();
  const pullMs = performance.now() - t;
  log(
    `pull until searchable: ${seconds(pullMs)} s (${pulled.lastPull?.pulled} vectors pulled, ${pulledEmbed?.computed} embedded); ${(localMs / pullMs).toFixed(1)}× sooner than the local index`,
  );
  await pulled.close();

  // 4. Remote against local search: symbol names of the index and their doc words, every k-th so the sample is fixed.
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

  // 5. Dense recall@10 of the sign-bit shortlist against exact search on the server (a shortlist of every vector).
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
      corpus: corpus.name,
      chunks,
      localMs,
      pushMs,
      pushBytes: pushed.bytesSent,
      dbBytes,
      againMs,
      pullMs,
      pulled: pulledEmbed,
      searchMs: { local: [pct(localMsList, 50), pct(localMsList, 95)], remote: [pct(remoteMsList, 50), pct(remoteMsList, 95)] },
      overlap: mean(overlaps),
      recall,
    })}\n`,
  );
} finally {
  server.remove();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}
