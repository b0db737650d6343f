// LiveIndex against a real index and the hash embedding double: shutdown while the embedding pass runs.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';

let repo: string;
let indexDir: string;

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-live-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-live-index-'));
  for (let d = 0; d < 10; d++) {
    mkdirSync(join(repo, `pkg${d}`));
    for (let f = 0; f < 100; f++) {
      const n = d * 100 + f;
      writeFileSync(join(repo, `pkg${d}`, `mod${f}.ts`), `export function total${n}(x: number) {\n  return x * ${n};\n}\n`);
    }
  }
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

it('a shutdown during the embedding pass stops it before the index closes', async () => {
  const logs: string[] = [];
  const live = Engine.live(makeConfig(repo, { indexDir, embedder: { provider: 'hash', dimensions: 64 } }), {
    watch: false,
    debounceMs: 50,
    log: (m) => logs.push(m),
  });
  await live.start();
  // The first run is over and the embedding pass of its 1,000 chunks has just begun.
  expect(live.state).toBe('ready');
  await live.dispose();
  await new Promise((r) => setTimeout(r, 50));
  expect(live.embedded).toBeLessThan(1000);
  expect(logs.filter((m) => /failed|not open/.test(m))).toEqual([]);
});

it('engine answers during the first run; ready() resolves once the run is over', async () => {
  const live = Engine.live(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }), {
    watch: false,
    debounceMs: 50,
    log: () => {},
  });
  expect(live.engine).toBeUndefined();
  const started = live.start();
  // Opened at once: a partial answer is possible while the run goes on.
  expect(live.engine).toBeDefined();
  expect(live.partial).toBe(true);
  const engine = await live.ready();
  expect(engine).toBe(live.engine);
  expect(live.state).toBe('ready');
  expect(live.partial).toBe(false);
  expect(engine?.status().files).toBe(1000);
  await started;
  await live.dispose();
});

it('saves during the first run are written before the run ends, one after the other, and the run goes on', async () => {
  let reached: () => void = () => {};
  const midRun = new Promise<void>((r) => {
    reached = r;
  });
  const live = Engine.live(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }), {
    watch: false,
    debounceMs: 50,
    log: () => {},
    onProgress: (p) => {
      if (p.filesDone >= 100) reached();
    },
  });
  const started = live.start();
  await midRun;
  // The files holding the query's symbol (a path alone would match on its words).
  const found = async (query: string) =>
    (await live.engine?.search(query, { limit: 3, mode: 'lexical' }))?.results
      .filter((r) => r.symbol === query)
      .map((r) => r.path) ?? [];
  writeFileSync(join(repo, 'pkg9', 'saved.ts'), 'export function savedDuringFirstRun() {\n  return 1;\n}\n');
  await live.filesChanged(['pkg9/saved.ts']);
  // Without the hand-over, this resolves after the whole first run (state ready, 1,001 files).
  expect(live.state).toBe('indexing');
  expect(await found('savedDuringFirstRun')).toContain('pkg9/saved.ts');
  // A second save at once, and a file this run already wrote removed: neither waits for the run either.
  writeFileSync(join(repo, 'pkg9', 'saved.ts'), 'export function rewrittenLater() {\n  return 2;\n}\n');
  rmSync(join(repo, 'pkg0', 'mod3.ts'));
  await live.filesChanged(['pkg9/saved.ts', 'pkg0/mod3.ts']);
  expect(live.state).toBe('indexing');
  expect(await found('rewrittenLater')).toContain('pkg9/saved.ts');
  expect(await found('savedDuringFirstRun')).toEqual([]);
  expect(await found('total3')).not.toContain('pkg0/mod3.ts');
  expect(live.engine?.status().files).toBeLessThan(1000);
  // The run went on from where it was: everything else is indexed, the removed file stays out.
  const engine = await live.ready();
  expect(live.state).toBe('ready');
  expect(engine?.status().files).toBe(1000);
  expect(await found('rewrittenLater')).toContain('pkg9/saved.ts');
  expect(await found('total3')).not.toContain('pkg0/mod3.ts');
  expect(await found('total999')).toContain('pkg9/mod99.ts');
  await started;
  await live.dispose();
});

it('ready() resolves with undefined when the index cannot be opened', async () => {
  const live = Engine.live(makeConfig(join(repo, 'missing'), { indexDir, embedder: { provider: 'none' } }), {
    watch: false,
    debounceMs: 50,
    log: () => {},
  });
  await live.start();
  expect(await live.ready()).toBeUndefined();
  expect(live.state).toBe('error');
  await live.dispose();
});

it('damage found while serving: the index is moved aside, answers go on (partial) and the rebuild completes', async () => {
  const logs: string[] = [];
  const live = Engine.live(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }), {
    watch: false,
    debounceMs: 50,
    log: (m) => logs.push(m),
  });
  await live.start();
  const engine = (await live.ready()) as Engine;
  expect((await engine.search('total42', { mode: 'lexical' })).results.length).toBeGreaterThan(0);
  // Another connection damages FTS5's structure record (through the WAL, so the server's connection sees it).
  const db = new Database(join(indexDir, 'index.sqlite'));
  db.unsafeMode(true);
  db.prepare('UPDATE chunks_fts_data SET block = randomblob(64) WHERE id = 10').run();
  db.close();
  // The search that meets the damage answers (from the fresh index) instead of failing, and a rebuild starts.
  await engine.search('total42', { mode: 'lexical' });
  expect(live.partial).toBe(true);
  expect(live.status()?.recovered).toMatch(/damaged .*moved it to .*index\.sqlite\.corrupt-/);
  expect(logs.some((m) => /damaged/.test(m))).toBe(true);
  expect(readdirSync(indexDir).some((f) => /^index\.sqlite\.corrupt-\d+$/.test(f))).toBe(true);
  for (let i = 0; i < 200 && live.partial; i++) await new Promise((r) => setTimeout(r, 50));
  expect(live.partial).toBe(false);
  expect(engine.status().files).toBe(1000);
  expect((await engine.search('total42', { mode: 'lexical' })).results[0]?.path).toBe('pkg0/mod42.ts');
  expect(engine.verify(true)).toEqual([]);
  await live.dispose();
});
