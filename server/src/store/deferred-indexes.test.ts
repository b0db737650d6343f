// The indexes a fresh run builds at its end: the same as the migrations create, and built by the next writer when the
// run that dropped them died.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEFERRED_INDEXES } from './deferred-indexes.js';
import { Store } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { dir: string; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), 'codectx-deferred-'));
  dirs.push(dir);
  return { dir, store: Store.open(dir, '/repo') };
}

const indexSql = (store: Store) =>
  Object.fromEntries(
    (
      store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as {
        name: string;
        sql: string;
      }[]
    ).map((r) => [r.name, r.sql]),
  );

it('names the indexes exactly as the migrations create them', () => {
  const { store } = fresh();
  const created = indexSql(store);
  for (const [name, sql] of Object.entries(DEFERRED_INDEXES)) expect(created[name]).toBe(sql);
  store.close();
});

it('a run that drops them builds them again; one that died leaves them to the next writer', () => {
  const { dir, store } = fresh();
  const all = indexSql(store);
  store.deferIndexes();
  for (const name of Object.keys(DEFERRED_INDEXES)) expect(indexSql(store)[name]).toBeUndefined();
  store.buildIndexes();
  expect(indexSql(store)).toEqual(all);
  expect(store.getMeta('deferred_indexes')).toBeUndefined();

  // The run's process is gone (a pid that exited): the next open builds them.
  store.deferIndexes();
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  store.setMeta('deferred_indexes', gone.stdout);
  store.close();
  const reopened = Store.open(dir, '/repo');
  expect(indexSql(reopened)).toEqual(all);
  expect(reopened.getMeta('deferred_indexes')).toBeUndefined();

  // A live run's dropped indexes stay dropped for another process opening meanwhile (this pid stands for that run).
  reopened.deferIndexes();
  reopened.close();
  const meanwhile = Store.open(dir, '/repo');
  expect(indexSql(meanwhile).chunks_hash).toBeUndefined();
  meanwhile.buildIndexes();
  expect(indexSql(meanwhile)).toEqual(all);
  meanwhile.close();
});
