// A full disk, really: SQLite's own SQLITE_FULL, made by capping the index's pages (`PRAGMA max_page_count`) in the
// middle of work. The run stops with a message that says what to do, the index stays consistent, nothing indexed
// before is lost, and once there is room again a run completes it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine, RepositoryError } from '../engine.js';
import type { Store } from './store.js';

let repo: string;
let indexDir: string;

const put = (i: number, word: string) => {
  const sub = join(repo, `pkg${i % 10}`);
  mkdirSync(sub, { recursive: true });
  const body = Array.from({ length: 40 }, (_, j) => `  total += ${word}${j} * ${i};`).join('\n');
  writeFileSync(
    join(sub, `mod${i}.ts`),
    `/** Totals the ${word} of module ${i}. */\nexport function ${word}Total${i}() {\n  let total = 0;\n${body}\n  return total;\n}\n`,
  );
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-full-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-full-index-'));
  for (let i = 0; i < 100; i++) put(i, 'invoice');
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

/** The engine's connection (tests only): max_page_count is a setting of a connection, not of the file. */
const dbOf = (engine: Engine) => (engine as unknown as { store: Store }).store.db;

it('SQLITE_FULL in an index run: a clear error, a consistent index that still answers, completed once there is room', async () => {
  const config = makeConfig(repo, { indexDir, embedder: { provider: 'hash', dimensions: 64 } });
  const engine = Engine.open(config);
  try {
    await engine.index();
    await engine.embed();
    const before = engine.status();
    expect(before.files).toBe(100);
    // 400 more files, and room for only a few more pages (their texts packed, 40 would hold them all): the run fills the
    // disk part way.
    for (let i = 100; i < 500; i++) put(i, 'receipt');
    const db = dbOf(engine);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 8}`);
    const failure = await engine.index().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RepositoryError);
    expect((failure as Error).message).toMatch(
      /cannot grow: the disk holding it is full \(database or disk is full\); what was indexed before is kept and still answers: free some space and run codectx index again, or pass --index-dir DIR/,
    );
    // Consistent, and nothing indexed before is lost: every old file is still found; some new ones may be in too.
    expect(engine.verify(true)).toEqual([]);
    const mid = engine.status();
    expect(mid.files).toBeGreaterThanOrEqual(100);
    expect(mid.files).toBeLessThan(500);
    expect(mid.indexRun?.status).toBe('incomplete');
    for (const i of [0, 42, 99]) {
      const { results } = await engine.search(`invoiceTotal${i}`, { mode: 'lexical', limit: 1 });
      expect(results[0]?.symbol).toBe(`invoiceTotal${i}`);
    }
    // The embedding pass on a full disk fails the same clear way, or has nothing it can store.
    const embedFailure = await engine.embed().catch((error: unknown) => error);
    if (embedFailure instanceof Error) expect(embedFailure.message).toMatch(/cannot grow: the disk holding it is full/);
    expect(engine.verify(true)).toEqual([]);
    // Room again: the next run completes the index.
    db.pragma('max_page_count = 1073741823');
    const report = await engine.index();
    expect(report.errors).toEqual([]);
    await engine.embed();
    const after = engine.status();
    expect(after).toMatchObject({ files: 500, indexRun: { status: 'complete' } });
    expect(after.embeddings[0]?.embedded).toBe(after.chunks);
    expect(engine.verify(true)).toEqual([]);
    const { results } = await engine.search('receiptTotal321', { mode: 'lexical', limit: 1 });
    expect(results[0]?.symbol).toBe('receiptTotal321');
  } finally {
    await engine.close();
  }
});
