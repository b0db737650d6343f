// SIGKILL at seeded random moments: of a CLI index run, of its embedding pass (the shipped model), and of the language
// server while it indexes a burst of edits. After each kill the index must be consistent (SQLite's and FTS5's checks,
// whole files, every chunk either with a vector or pending for one) and a re-run must complete it to match the disk.
// CODECTX_KILL_TRIALS trials of each kind (default 1 each in npm test; `npm run test:faults` runs 8 of each).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { connectClient } from '../protocol/lsp-test-client.js';
import { seededRandom } from './test-random.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
const TRIALS = Number(process.env.CODECTX_KILL_TRIALS ?? 1);
const FILES = 600;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-kill-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function makeRepo(name: string): string {
  const repo = join(dir, name);
  for (let i = 0; i < FILES; i++) {
    const sub = join(repo, `pkg${i % 20}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `mod${i}.ts`), moduleText(i, 0));
  }
  return repo;
}

function moduleText(i: number, version: number): string {
  const body = Array.from({ length: 12 }, (_, j) => `  total += item${j} * ${i + version};`).join('\n');
  return `/** Sums the invoice lines of module ${i}, version ${version}. */\nexport function sumInvoice${i}(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

/** What must hold after any kill: the checks pass, files are whole, and every chunk has a vector or waits for one. */
function consistency(indexDir: string) {
  const db = new Database(join(indexDir, 'index.sqlite'), { readonly: true });
  sqliteVec.load(db);
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get() as number;
    const tables = db.prepare('SELECT name FROM vector_tables').pluck().all() as string[];
    const chunks = one('SELECT COUNT(*) FROM chunks');
    return {
      quickCheck: db.prepare('PRAGMA quick_check').pluck().get(),
      filesWithoutChunks: one('SELECT COUNT(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.file_id = f.id)'),
      orphanChunks: one('SELECT COUNT(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id)'),
      ftsRowsMissing: chunks - one('SELECT COUNT(*) FROM chunks_fts'),
      // vectors + pending = chunks, per table; a vector of a chunk that is gone would make the sum larger.
      vectorsOff: tables.map(
        (t) => one(`SELECT COUNT(*) FROM ${t}`) + one(`SELECT COUNT(*) FROM embed_pending WHERE tbl = '${t}'`) - chunks,
      ),
      files: one('SELECT COUNT(*) FROM files'),
      chunks,
    };
  } finally {
    db.close();
  }
}

function cli_(args: string[], repo: string, indexDir: string) {
  const r = spawnSync(process.execPath, [cli, ...args, '--repo', repo, '--index-dir', indexDir], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** After a kill: consistent as it is; `status --verify` clean; a re-run completes it (all files, all vectors). */
function expectRecoverable(repo: string, indexDir: string, files: number, label: string) {
  const after = consistency(indexDir);
  expect(after, label).toMatchObject({ quickCheck: 'ok', filesWithoutChunks: 0, orphanChunks: 0, ftsRowsMissing: 0 });
  for (const off of after.vectorsOff) expect(off, label).toBe(0);
  const verify = cli_(['status', '--verify'], repo, indexDir);
  expect(verify.code, `${label}: ${verify.stdout}${verify.stderr}`).toBe(0);
  const rerun = cli_(['index', '--json'], repo, indexDir);
  expect(rerun.code, `${label}: ${rerun.stderr}`).toBe(0);
  expect(rerun.stderr, label).not.toMatch(/unexpected failure|\n\s+at /);
  const report = JSON.parse(rerun.stdout);
  expect(report, label).toMatchObject({ files, embeddings: 'on' });
  expect(report.embedded, label).toBe(report.chunks);
  const status = JSON.parse(cli_(['status', '--json'], repo, indexDir).stdout);
  expect(status.indexRun?.status, label).toBe('complete');
}

function startCli(args: string[], repo: string, indexDir: string): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(process.execPath, [cli, ...args, '--repo', repo, '--index-dir', indexDir], { stdio: 'ignore' });
  return { child, exited: new Promise((r) => child.once('exit', r)) };
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function stored(indexDir: string, sql: string): number | string | undefined {
  try {
    const db = new Database(join(indexDir, 'index.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as number | string | undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGKILL at random moments', () => {
  it(
    `of a CLI index run (${TRIALS} trials)`,
    async () => {
      const random = seededRandom(101);
      const repo = makeRepo('cli-run');
      for (let t = 0; t < TRIALS; t++) {
        const indexDir = join(dir, `cli-run-${t}`);
        const run = startCli(['index'], repo, indexDir);
        // Somewhere in the run: after its first commit, then a random 0-1.5 s more.
        await until(() => ((stored(indexDir, 'SELECT COUNT(*) FROM files') as number) ?? 0) > 0);
        await sleep(random() * 1500);
        run.child.kill('SIGKILL');
        await run.exited;
        expectRecoverable(repo, indexDir, FILES, `cli run, trial ${t}`);
      }
    },
    120_000 * TRIALS,
  );

  it(
    `of the embedding pass (${TRIALS} trials)`,
    async () => {
      const random = seededRandom(202);
      const repo = makeRepo('embed-pass');
      for (let t = 0; t < TRIALS; t++) {
        const indexDir = join(dir, `embed-pass-${t}`);
        const run = startCli(['index'], repo, indexDir);
        // The lexical run is complete: the process is embedding now (or about to); kill it 0-1 s in.
        await until(() => String(stored(indexDir, "SELECT value FROM meta WHERE key = 'index_run'")).includes('"complete"'));
        await sleep(random() * 1000);
        run.child.kill('SIGKILL');
        await run.exited;
        expectRecoverable(repo, indexDir, FILES, `embedding pass, trial ${t}`);
      }
    },
    120_000 * TRIALS,
  );

  it(
    `of the language server while it indexes a burst of edits (${TRIALS} trials)`,
    async () => {
      const random = seededRandom(303);
      const repo = makeRepo('lsp-update');
      for (let t = 0; t < TRIALS; t++) {
        const cache = join(dir, `lsp-cache-${t}`);
        const child = spawn(process.execPath, [cli, 'serve', '--stdio'], {
          stdio: ['pipe', 'pipe', 'ignore'],
          env: { ...process.env, XDG_CACHE_HOME: cache, CODECTX_INDEX_DIR: '' },
        });
        const exited = new Promise((r) => child.once('exit', r));
        if (!child.stdout || !child.stdin) throw new Error('no stdio');
        const client = connectClient(child.stdout, child.stdin);
        await client.initialize([repo]);
        const status = await client.waitReady(120_000);
        const indexDir = status.folders[0]?.indexPath.replace(/\/index\.sqlite$/, '') ?? '';
        // A burst: 200 files rewritten, 20 created, 20 deleted; the watcher's batch is indexed, and killed in it.
        for (let i = 0; i < 200; i++) writeFileSync(join(repo, `pkg${i % 20}`, `mod${i}.ts`), moduleText(i, t + 1));
        for (let i = 0; i < 20; i++) writeFileSync(join(repo, `pkg${i}`, `new${t}-${i}.ts`), moduleText(10_000 + i, t));
        for (let i = 0; i < 20; i++) {
          const k = FILES - 1 - i - 20 * t;
          unlinkSync(join(repo, `pkg${k % 20}`, `mod${k}.ts`));
        }
        await sleep(150 + random() * 1500);
        child.kill('SIGKILL');
        await exited;
        const onDisk = FILES + 20 * (t + 1) - 20 * (t + 1);
        expectRecoverable(repo, indexDir, onDisk, `language server, trial ${t}`);
      }
    },
    180_000 * TRIALS,
  );
});
