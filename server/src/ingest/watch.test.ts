// The watcher on a real folder tree: edits, new files, new folders (and files in them later), removals, ignored folders.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Watcher, watchRepository } from './watch.js';

let root: string;
let watcher: Watcher | undefined;
let seen: string[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'codectx-watch-'));
  mkdirSync(join(root, 'src/deep'), { recursive: true });
  mkdirSync(join(root, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(root, 'src/deep/a.ts'), 'export const a = 1;\n');
  seen = [];
});

afterEach(async () => {
  await watcher?.close();
  rmSync(root, { recursive: true, force: true });
});

async function start(): Promise<void> {
  watcher = watchRepository(root, {
    debounceMs: 20,
    onBatch: (paths) => seen.push(...paths),
    onError: (error) => seen.push(`error: ${error.message}`),
  });
  await watcher.ready;
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
}

it('reports edits and new files at any depth', async () => {
  await start();
  appendFileSync(join(root, 'src/deep/a.ts'), 'export const b = 2;\n');
  writeFileSync(join(root, 'top.md'), '# top\n');
  await until(() => seen.includes('src/deep/a.ts') && seen.includes('top.md'));
  expect(seen).toContain('src/deep/a.ts');
  expect(seen).toContain('top.md');
});

it('watches a folder created after it started, and reports what is removed', async () => {
  await start();
  mkdirSync(join(root, 'src/new'));
  await until(() => seen.includes('src/new'));
  expect(seen).toContain('src/new');
  // Give the new folder's own watcher a moment to start, then a file appears in it.
  await new Promise((r) => setTimeout(r, 100));
  writeFileSync(join(root, 'src/new/b.ts'), 'export const b = 2;\n');
  await until(() => seen.includes('src/new/b.ts'));
  expect(seen).toContain('src/new/b.ts');
  rmSync(join(root, 'src/deep'), { recursive: true });
  await until(() => seen.includes('src/deep'));
  expect(seen).toContain('src/deep');
});

it('ignores the default ignored folders', async () => {
  await start();
  writeFileSync(join(root, 'node_modules/pkg/index.js'), 'module.exports = 1;\n');
  writeFileSync(join(root, 'src/after.ts'), 'export const c = 3;\n');
  await until(() => seen.includes('src/after.ts'));
  expect(seen.filter((p) => p.startsWith('node_modules'))).toEqual([]);
  expect(seen.filter((p) => p.startsWith('error'))).toEqual([]);
});
