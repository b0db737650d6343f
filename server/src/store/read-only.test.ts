// An index in a read-only place (a read-only bind mount made in a private mount namespace: tests run as root, where
// chmod denies nothing) is still searched, with a warning; writes get advice, never a raw SQLite message.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
// Needs `unshare -m` (root or user namespaces) and `mount`: without them there is no way to make a read-only folder.
const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt'], { encoding: 'utf8' }).status === 0;
let repo: string;
let indexDir: string;
let mountPoint: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-ro-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-ro-index-'));
  mountPoint = mkdtempSync(join(tmpdir(), 'codectx-ro-mount-'));
  writeFileSync(join(repo, 'ledger.ts'), 'export function settleLedger(total: number) {\n  return total * 2;\n}\n');
  const r = spawnSync(process.execPath, [cli, 'index', '--repo', repo, '--index-dir', indexDir, '--embeddings', 'none'], {
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  mkdirSync(join(indexDir, 'empty'));
});

afterAll(() => {
  for (const d of [repo, indexDir, mountPoint]) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI with `indexDir` mounted read-only at `mountPoint` (the mount lives only as long as the command). */
function readOnly(args: string[], dir = mountPoint) {
  const cmd = [process.execPath, cli, ...args, '--repo', repo, '--index-dir', dir, '--embeddings', 'none']
    .map((a) => `'${a}'`)
    .join(' ');
  const script = `mount --bind '${indexDir}' '${mountPoint}' && mount -o remount,bind,ro '${mountPoint}' && ${cmd}`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it.skipIf(!canMount)('an existing index in a read-only folder is searched as it is, with a warning', () => {
  const search = readOnly(['search', 'settleLedger']);
  expect(search.stderr).toMatch(/read-only: answering from it as it is \(results may be stale/);
  expect(search.code, search.stderr).toBe(0);
  expect(search.stdout).toMatch(/ledger\.ts:1-3\s+settleLedger/);
  const status = readOnly(['status']);
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toMatch(/files:\s+1 /);
  expect(readOnly(['status', '--verify']).code).toBe(0);
});

it.skipIf(!canMount)('updating a read-only index, or creating one in a read-only folder, exits 3 with advice', () => {
  const index = readOnly(['index']);
  expect(index.code).toBe(3);
  expect(index.stderr).toMatch(/is read-only, so it cannot be updated: make its folder writable, or pass --index-dir DIR/);
  const fresh = readOnly(['search', 'settleLedger'], join(mountPoint, 'empty'));
  expect(fresh.code).toBe(3);
  expect(fresh.stderr).toMatch(/is read-only and holds no index yet: pass --index-dir DIR/);
  const nested = readOnly(['status'], join(mountPoint, 'new', 'deeper'));
  expect(nested.code).toBe(3);
  expect(nested.stderr).toMatch(/cannot create the index folder .*: pass --index-dir DIR/);
  for (const r of [index, fresh, nested]) expect(r.stderr).not.toMatch(/\n\s+at |unable to open database file$|attempt to write/);
});
