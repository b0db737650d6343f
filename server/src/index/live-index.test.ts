// LiveIndex against a real index and the hash embedding double: shutdown while the embedding pass runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
