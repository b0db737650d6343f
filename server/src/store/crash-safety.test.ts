// A killed indexer leaves whole files or nothing: run the real CLI, SIGKILL it mid-run, check, then finish the job.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
const FILES = 2000;
let repo: string;
let indexDir: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-crash-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-crash-index-'));
  for (let d = 0; d < 20; d++) {
    mkdirSync(join(repo, `pkg${d}`));
    for (let f = 0; f < FILES / 20; f++) {
      const n = d * 100 + f;
      const body = Array.from({ length: 30 }, (_, i) => `  total += item${i} * ${n};`).join('\n');
      writeFileSync(
        join(repo, `pkg${d}`, `mod${f}.ts`),
        `/** Sums module ${n}. */\nexport function sumModule${n}(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`,
      );
    }
  }
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

function consistency(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      files: one('SELECT COUNT(*) FROM files'),
      filesWithoutChunks: one('SELECT COUNT(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.file_id = f.id)'),
      orphanChunks: one('SELECT COUNT(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id)'),
      chunks: one('SELECT COUNT(*) FROM chunks'),
      ftsRows: one('SELECT COUNT(*) FROM chunks_fts'),
      integrity: db.prepare('PRAGMA integrity_check').pluck().get(),
    };
  } finally {
    db.close();
  }
}

it('a SIGKILL mid-index leaves a consistent index that the next run completes', async () => {
  const child = spawn(process.execPath, [cli, 'index', '--repo', repo, '--index-dir', indexDir], { stdio: 'ignore' });
  const file = join(indexDir, 'index.sqlite');
  // Wait until at least one batch is committed, then kill without warning.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    let files = 0;
    try {
      files = consistency(file).files;
    } catch {
      // Not created yet.
    }
    if (files > 0 || Date.now() > deadline) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const after = consistency(file);
  expect(after.files).toBeGreaterThan(0);
  expect(after.files).toBeLessThan(FILES);
  expect(after).toMatchObject({ filesWithoutChunks: 0, orphanChunks: 0, integrity: 'ok' });
  expect(after.ftsRows).toBe(after.chunks);

  const rerun = spawnSync(process.execPath, [cli, 'index', '--repo', repo, '--index-dir', indexDir, '--json'], {
    encoding: 'utf8',
  });
  expect(rerun.status).toBe(0);
  const report = JSON.parse(rerun.stdout);
  expect(report.files).toBe(FILES);
  expect(report.filesUnchanged).toBe(after.files);
  const final = consistency(file);
  expect(final).toMatchObject({ files: FILES, filesWithoutChunks: 0, orphanChunks: 0, integrity: 'ok' });
  expect(final.ftsRows).toBe(final.chunks);
});
