// CODECTX_SQLITE_BINDING: the packaged server (VS Code extension) names the better-sqlite3 build that matches its Node.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteBinding } from '../config.js';
import { Store, StoreError } from './store.js';

let dir: string;
const saved = process.env.CODECTX_SQLITE_BINDING;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-binding-'));
});
afterEach(() => {
  if (saved === undefined) delete process.env.CODECTX_SQLITE_BINDING;
  else process.env.CODECTX_SQLITE_BINDING = saved;
  rmSync(dir, { recursive: true, force: true });
});

const installed = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);

describe('CODECTX_SQLITE_BINDING', () => {
  it('is read by config.ts only when set', () => {
    expect(sqliteBinding({})).toBeUndefined();
    expect(sqliteBinding({ CODECTX_SQLITE_BINDING: '' })).toBeUndefined();
    expect(sqliteBinding({ CODECTX_SQLITE_BINDING: '/x/better_sqlite3.node' })).toBe('/x/better_sqlite3.node');
  });

  it('opens the index with the named build', () => {
    process.env.CODECTX_SQLITE_BINDING = installed;
    const store = Store.open(join(dir, 'index'), dir);
    expect(store.db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.any(String) });
    store.db.close();
  });

  it('fails with a StoreError naming the missing build, not a crash', () => {
    const missing = join(dir, 'node-v999', 'better_sqlite3.node');
    process.env.CODECTX_SQLITE_BINDING = missing;
    let error: unknown;
    try {
      Store.open(join(dir, 'index'), dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('node-v999');
  });
});
