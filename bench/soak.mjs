#!/usr/bin/env node
// `npm run soak`: a live language server under a long mixed load: N searches interleaved with M file edits (through the
// file watcher) on a temp copy of this checkout's sources. Reports search latency (p50/p95/p99, per tenth of the run)
// and the server's RSS over time, so that a growth trend shows. Nothing is written to the repository.
// Invariant: the corpus is a temp copy, deleted at the end with the index.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { readOptions } from './options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npm run soak -- [--queries N] [--edits M] [--cli PATH] [--embeddings none]
  --queries N   searches (default 10000)
  --edits M     file edits interleaved with them, each a rewrite of a source file with a new function (default 1000)
  --cli PATH    the server (default dist/cli.js)
  --embeddings none   lexical only (default: the shipped model, hybrid searches)`;

function fail(message) {
  process.stderr.write(`soak: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const o = {
  queries: 10_000,
  edits: 1000,
  cli: join(ROOT, 'dist', 'cli.js'),
  embeddings: 'default',
  ...readOptions(
    process.argv.slice(2),
    { '--queries': Number, '--edits': Number, '--cli': resolve, '--embeddings': String },
    USAGE,
    fail,
  ),
};
if (!Number.isInteger(o.queries) || o.queries < 10) fail('--queries must be an integer ≥ 10');
if (!Number.isInteger(o.edits) || o.edits < 1 || o.edits > o.queries) fail('--edits must be an integer from 1 to --queries');

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else out.push(path);
  }
  return out;
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const work = mkdtempSync(join(tmpdir(), 'codectx-soak-'));
const repo = join(work, 'repo');
cpSync(join(ROOT, 'server', 'src'), join(repo, 'server', 'src'), { recursive: true });
cpSync(join(ROOT, 'docs'), join(repo, 'docs'), { recursive: true });
cpSync(join(ROOT, 'bench'), join(repo, 'bench'), { recursive: true, filter: (p) => !p.includes('results') });
const sources = files(repo).filter((p) => /\.(ts|mjs)$/.test(p));
const names = [...new Set(sources.flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/function (\w{6,})/g)].map((m) => m[1])))];
const phrases = [
  'where is the index lock taken',
  'how are search scores fused',
  'split identifiers into words',
  'what happens when the index is damaged',
  'count tokens of the packed context',
  'watch a folder for changes',
  'embed chunks in batches',
  'parse the query into terms',
];
let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

const child = spawn(process.execPath, [o.cli, 'serve', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
rpc.listen();
const init = {
  cacheDir: join(work, 'cache'),
  debounceMs: 100,
  ...(o.embeddings === 'none' ? { embeddings: { provider: 'none' } } : {}),
};
await rpc.sendRequest('initialize', {
  processId: process.pid,
  rootUri: pathToFileURL(repo).toString(),
  workspaceFolders: [{ uri: pathToFileURL(repo).toString(), name: 'soak' }],
  capabilities: {},
  initializationOptions: init,
});
await rpc.sendNotification('initialized', {});
const started = Date.now();
for (;;) {
  const s = await rpc.sendRequest('codectx/status', {});
  const f = s.folders[0];
  if (f && f.state === 'ready' && (o.embeddings === 'none' || f.embeddings === 'ready' || f.embeddings.startsWith('off'))) break;
  if (Date.now() - started > 600_000) fail('the server was not ready in 10 minutes');
  await new Promise((r) => setTimeout(r, 200));
}
process.stderr.write(
  `soak: ${sources.length} source files indexed in ${((Date.now() - started) / 1000).toFixed(1)} s; ${o.queries} searches, ${o.edits} edits\n`,
);

const latencies = [];
const rss = [{ at: 0, bytes: rssBytes(child.pid) }];
const every = Math.floor(o.queries / o.edits);
let edits = 0;
const t0 = Date.now();
for (let i = 0; i < o.queries; i++) {
  if (i % every === every - 1 && edits < o.edits) {
    const file = sources[Math.floor(random() * sources.length)];
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}\nexport function soakEdit${edits}(value: number) {\n  return value * ${edits};\n}\n`,
    );
    edits++;
  }
  const query = random() < 0.5 ? names[Math.floor(random() * names.length)] : phrases[Math.floor(random() * phrases.length)];
  const start = performance.now();
  await rpc.sendRequest('codectx/search', { query, limit: 10 });
  latencies.push(performance.now() - start);
  if ((i + 1) % Math.max(1, Math.floor(o.queries / 20)) === 0) rss.push({ at: i + 1, bytes: rssBytes(child.pid) });
}
const seconds = (Date.now() - t0) / 1000;
await rpc.sendRequest('shutdown');
await rpc.sendNotification('exit');
rpc.dispose();
rmSync(work, { recursive: true, force: true });

const ms = (x) => `${Math.round(x)} ms`;
const mb = (x) => `${Math.round(x / 1e6)} MB`;
const sorted = [...latencies].sort((a, b) => a - b);
const tenth = Math.ceil(latencies.length / 10);
const byTenth = Array.from({ length: 10 }, (_, k) => {
  const part = latencies.slice(k * tenth, (k + 1) * tenth).sort((a, b) => a - b);
  return part.length ? Math.round(percentile(part, 95)) : 0;
});
// Least squares over the RSS samples after the first: MB per 1,000 searches.
const points = rss.slice(1);
const mean = (f) => points.reduce((s, p) => s + f(p), 0) / points.length;
const mx = mean((p) => p.at);
const my = mean((p) => p.bytes);
const slope =
  points.reduce((s, p) => s + (p.at - mx) * (p.bytes - my), 0) / (points.reduce((s, p) => s + (p.at - mx) ** 2, 0) || 1);
const report = {
  queries: o.queries,
  edits,
  seconds: Math.round(seconds),
  latency: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) },
  p95ByTenth: byTenth,
  rss: rss.map((r) => ({ at: r.at, mb: Math.round(r.bytes / 1e6) })),
  rssTrendMbPer1000Searches: Math.round((slope * 1000) / 1e5) / 10,
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
};
process.stdout.write(
  `${[
    `${report.queries} searches and ${report.edits} edits in ${report.seconds} s (load ${report.loadAverage.join(' ')})`,
    `latency p50 ${ms(report.latency.p50)}, p95 ${ms(report.latency.p95)}, p99 ${ms(report.latency.p99)}, max ${ms(report.latency.max)}`,
    `p95 per tenth of the run: ${byTenth.join(', ')} ms`,
    `RSS ${mb(rss[0].bytes)} at the start, ${mb(rss.at(-1).bytes)} at the end; trend ${report.rssTrendMbPer1000Searches} MB per 1,000 searches`,
    `RSS samples (MB): ${report.rss.map((r) => r.mb).join(' ')}`,
  ].join('\n')}\n${JSON.stringify(report)}\n`,
);
