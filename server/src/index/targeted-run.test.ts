// A run over a few paths (a watcher's batch, a save) reads the rows of those paths and of what lies below them, never
// the whole files table (76.6k rows on the kernel, ~170 ms a save), and finds what changed as a full run would.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { Store } from '../store/store.js';

let repo: string;
let indexDir: string;
let engine: Engine;

function put(rel: string, content: string): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), content);
}

const found = async (query: string) => (await engine.search(query, { mode: 'lexical' })).results.map((r) => r.path);

beforeEach(async () => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-targeted-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-targeted-index-'));
  put('src/app.ts', 'export function launchRocket() { return 1; }\n');
  put('lib/deep/a.py', 'def quasarAlpha():\n    return 3\n');
  put('lib/deep/inner/b.py', 'def nebulaBeta():\n    return 4\n');
  // Paths that sort beside `lib/deep/` without being below it.
  put('lib/deep.py', 'def cometGamma():\n    return 5\n');
  put('lib/deepest/c.py', 'def pulsarDelta():\n    return 6\n');
  put('lib/deep-x.py', 'def meteorEpsilon():\n    return 7\n');
  engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
  await engine.index();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await engine.close();
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

describe('a run over a few paths', () => {
  it('indexes a changed file without reading the whole files table', async () => {
    const whole = vi.spyOn(Store.prototype, 'fileStates');
    put('src/app.ts', 'export function zebraCrossing() { return 2; }\n');
    const report = await engine.index(undefined, { paths: ['src/app.ts'] });
    expect(whole).not.toHaveBeenCalled();
    expect(report.filesIndexed).toBe(1);
    expect(await found('zebraCrossing')).toEqual(['src/app.ts']);
    expect(await found('launchRocket')).toEqual([]);
    // Unchanged: found as indexed, nothing written.
    const again = await engine.index(undefined, { paths: ['src/app.ts'] });
    expect(again).toMatchObject({ filesIndexed: 0, filesUnchanged: 1, filesDeleted: 0 });
  });

  it('drops every file below a removed folder, and none beside it', async () => {
    rmSync(join(repo, 'lib/deep'), { recursive: true });
    const report = await engine.index(undefined, { paths: ['lib/deep'] });
    expect(report.filesDeleted).toBe(2);
    expect(await found('quasarAlpha')).toEqual([]);
    expect(await found('nebulaBeta')).toEqual([]);
    for (const [name, path] of [
      ['cometGamma', 'lib/deep.py'],
      ['pulsarDelta', 'lib/deepest/c.py'],
      ['meteorEpsilon', 'lib/deep-x.py'],
    ] as const)
      expect(await found(name)).toEqual([path]);
  });

  it('reads the rows of the paths given and those below them only', () => {
    const store = (engine as unknown as { store: Store }).store;
    expect([...store.fileStatesAt(['lib/deep', 'src/app.ts', 'nowhere']).keys()].sort()).toEqual([
      'lib/deep/a.py',
      'lib/deep/inner/b.py',
      'src/app.ts',
    ]);
    expect([...store.fileStatesAt(['lib/deep.py']).keys()]).toEqual(['lib/deep.py']);
  });
});
