// The run lock (index.lock): one index run at a time per index across processes, the CLI as a user runs it twice at
// once, a search during a run, how `status` tells a complete, running and killed run apart, and a full disk.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { RunLock } from './run-lock.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
let dir: string;
let repo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-runlock-'));
  repo = join(dir, 'repo');
  // Enough files that a run takes a few seconds with the model: long enough to meet it halfway.
  for (let i = 0; i < 200; i++) {
    const sub = join(repo, `pkg${i % 20}`);
    mkdirSync(sub, { recursive: true });
    const body = Array.from({ length: 6 }, (_, j) => `  const step${j} = input.length * ${j} + ${i};`).join('\n');
    writeFileSync(
      join(sub, `mod${i}.ts`),
      `/** Computes the ledger balance number ${i}. */\nexport function ledgerBalance${i}(input: string) {\n${body}\n  return step5;\n}\n`,
    );
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], indexDir: string) {
  const r = spawnSync(process.execPath, [cli, ...args, '--repo', repo, '--index-dir', indexDir], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `meta.index_run`'s status as stored (read-only, beside the writer). */
function runStatus(indexDir: string): string | undefined {
  const file = join(indexDir, 'index.sqlite');
  if (!existsSync(file)) return undefined;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT value FROM meta WHERE key = 'index_run'").get() as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as { status: string }).status : undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

interface Started {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[], indexDir: string): Started {
  const child = spawn(process.execPath, [cli, ...args, '--repo', repo, '--index-dir', indexDir]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stderr: () => stderr, done };
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('RunLock', () => {
  it('is taken once per process (reentrant), released with the last hold, and refused while another process holds it', () => {
    const file = join(dir, 'unit.lock');
    const lock = new RunLock(file);
    expect(lock.tryAcquire()).toBe(true);
    expect(lock.tryAcquire()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(file)).toBe(true);
    lock.release();
    expect(existsSync(file)).toBe(false);
    // A live process's pid (this test runner's parent) holds it.
    writeFileSync(file, String(process.ppid));
    expect(lock.tryAcquire()).toBe(false);
    expect(lock.holder()).toBe(process.ppid);
    rmSync(file);
  });

  it('takes over a lock whose process is gone, and a lock left empty for longer than a write takes', () => {
    const file = join(dir, 'stale.lock');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(file, gone.stdout);
    const lock = new RunLock(file);
    expect(lock.holder()).toBeUndefined();
    expect(lock.tryAcquire()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    lock.release();
    // Empty and fresh: someone is writing it; empty and old: left by a crash between create and write.
    writeFileSync(file, '');
    expect(lock.tryAcquire()).toBe(false);
    spawnSync('touch', ['-d', '1 minute ago', file]);
    expect(lock.tryAcquire()).toBe(true);
    lock.release();
  });
});

describe('codectx index twice at once, and a search meanwhile', () => {
  it('the second run waits for the first and then has nothing to do; a search answers from what is indexed', async () => {
    const indexDir = join(dir, 'index-twice');
    const first = start(['index', '--json'], indexDir);
    // Stopped in the middle of its run (SIGSTOP), so that what follows meets it there for sure.
    await until(() => runStatus(indexDir) === 'in progress');
    first.child.kill('SIGSTOP');
    const second = start(['index', '--json'], indexDir);
    // While the first runs: status says so, and a search does not index (or embed) on its own.
    const status = run(['status', '--json'], indexDir);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).indexRun).toMatchObject({ status: 'in progress', pid: first.child.pid });
    const search = run(['search', 'ledger balance', '--mode', 'lexical'], indexDir);
    expect(search.code, search.stderr).toBe(0);
    expect(search.stderr).toMatch(
      /another codectx process \(pid \d+\) is indexing this repository: answering from what it has indexed so far/,
    );
    await until(() => second.stderr().includes('waiting for it to finish'));
    first.child.kill('SIGCONT');
    const a = await first.done;
    const b = await second.done;
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/another codectx process \(pid \d+\) is indexing this repository: waiting for it to finish/);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.filesIndexed).toBe(200);
    expect(ra.embeddingsComputed).toBeGreaterThan(0);
    expect(rb).toMatchObject({ filesIndexed: 0, filesUnchanged: 200, embeddingsComputed: 0, embeddingsFromCache: 0 });
    expect(existsSync(join(indexDir, 'index.lock'))).toBe(false);
    const done = run(['status'], indexDir);
    expect(done.stdout).toMatch(/last run:\s+complete \(/);
  }, 120_000);

  it('a killed run reads as incomplete (its lock is taken over), and the next run completes it', async () => {
    const indexDir = join(dir, 'index-killed');
    const first = start(['index', '--embeddings', 'none'], indexDir);
    await until(() => runStatus(indexDir) === 'in progress');
    first.child.kill('SIGKILL');
    await first.done;
    expect(existsSync(join(indexDir, 'index.lock'))).toBe(true);
    const status = run(['status', '--embeddings', 'none'], indexDir);
    expect(status.stdout).toMatch(/last run:\s+incomplete: the run of \S+ was interrupted/);
    const again = run(['index', '--embeddings', 'none', '--json'], indexDir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/waiting/);
    expect(JSON.parse(again.stdout).files).toBe(200);
    expect(run(['status', '--embeddings', 'none'], indexDir).stdout).toMatch(/last run:\s+complete/);
  }, 60_000);

  it('progress lines label what they count: files checked, (re)indexed and left out', () => {
    const r = run(['index', '--embeddings', 'none'], join(dir, 'index-progress'));
    expect(r.stderr).toMatch(/indexed 200\/200 files checked · 200 \(re\)indexed · 0 left out · \d+ chunks/);
  });
});

describe('the language server', () => {
  it("waits for another process's run before its own, and says so; then indexes", async () => {
    const indexDir = join(dir, 'index-live');
    mkdirSync(indexDir, { recursive: true });
    // Another process holds the run lock (as a CLI `codectx index` does while it runs).
    const other = spawn('sleep', ['60']);
    writeFileSync(join(indexDir, 'index.lock'), String(other.pid));
    const logs: string[] = [];
    const live = Engine.live(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }), {
      watch: false,
      debounceMs: 50,
      log: (m) => logs.push(m),
    });
    const started = live.start();
    try {
      await until(() => logs.some((m) => m.includes(`another codectx process (pid ${other.pid}) is indexing; waiting for it`)));
      await new Promise((r) => setTimeout(r, 300));
      expect(live.state).toBe('indexing');
      expect(live.engine?.status().files).toBe(0);
      other.kill();
      await started;
      expect(live.state).toBe('ready');
      expect(live.engine?.status()).toMatchObject({ files: 200, indexRun: { status: 'complete', pid: process.pid } });
    } finally {
      other.kill();
      await live.dispose();
    }
    expect(existsSync(join(indexDir, 'index.lock'))).toBe(false);
  });
});

// A full disk: a tmpfs of 1 MB in a private mount namespace, filled up after indexing (needs unshare -m, mount, python3).
const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt'], { encoding: 'utf8' }).status === 0;

it.skipIf(!canMount)('a lock that cannot be written (no space left) is a clear error for index, a warning for search', () => {
  const mnt = join(dir, 'full');
  mkdirSync(mnt);
  const small = join(dir, 'small');
  mkdirSync(small);
  writeFileSync(join(small, 'ledger.ts'), 'export function settleLedger(total: number) {\n  return total * 2;\n}\n');
  const codectx = (args: string) =>
    `'${process.execPath}' '${cli}' ${args} --repo '${small}' --index-dir '${mnt}/idx' --embeddings none`;
  const script = [
    `mount -t tmpfs -o size=1m tmpfs '${mnt}'`,
    `${codectx('index')} >/dev/null 2>&1`,
    // A reader holds the index open, so its -shm file exists and opening needs no new space (else SQLite's open fails).
    `python3 -c "import sqlite3,time; c=sqlite3.connect('${mnt}/idx/index.sqlite'); c.execute('select 1 from files').fetchall(); time.sleep(20)" & PY=$!`,
    'sleep 1',
    `dd if=/dev/zero of='${mnt}/fill' bs=4k 2>/dev/null; echo 'export const extra = 1;' > '${small}/extra.ts'`,
    `${codectx('index')}; echo "index-exit $?"`,
    `${codectx('search settleLedger')}; echo "search-exit $?"`,
    `ls '${mnt}/idx'`,
    'kill $PY',
  ].join('; ');
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8' });
  expect(r.stdout).toMatch(/index-exit 3/);
  expect(r.stderr).toMatch(/cannot write the index's run lock \S+index\.lock \(no space left on the device\): free some space/);
  expect(r.stdout).toMatch(/ledger\.ts:1-3\s+settleLedger/);
  expect(r.stdout).toMatch(/search-exit 0/);
  expect(r.stderr).toMatch(/warning: cannot write the index's run lock .*; answering from the index as it is/);
  expect(r.stderr).not.toMatch(/unexpected failure|\n\s+at /);
  expect(r.stdout).not.toMatch(/index\.lock/);
});
