// README's install for use outside the checkout: `npm install -g .` (here into a temp prefix, offline: npm links the
// checkout) puts `codectx` on PATH; run from another folder, it answers --version and a search.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from './chunk/grammar-loader.js';

let prefix: string;
let elsewhere: string;

beforeAll(() => {
  prefix = mkdtempSync(join(tmpdir(), 'codectx-prefix-'));
  elsewhere = mkdtempSync(join(tmpdir(), 'codectx-elsewhere-'));
  writeFileSync(join(elsewhere, 'ledger.py'), 'def settle_ledger(total):\n    return total * 2\n');
});

afterAll(() => {
  rmSync(prefix, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

it('npm install -g . puts codectx on PATH; it runs from another folder', () => {
  // --ignore-scripts: `npm install` in the checkout has built dist/ already (README says so), and npm ≥ 11.16 would only
  // warn that it does not run the prepare script of a global install.
  const install = spawnSync('npm', ['install', '-g', '--ignore-scripts', '--prefix', prefix, '.'], {
    cwd: packageRoot(),
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  expect(install.status, install.stderr).toBe(0);
  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, XDG_CACHE_HOME: join(prefix, 'cache') };
  const version = spawnSync('codectx', ['--version'], { cwd: elsewhere, encoding: 'utf8', env });
  expect(version.status, version.stderr).toBe(0);
  expect(version.stdout).toMatch(/^codectx \d+\.\d+\.\d+\n$/);
  // In the repository folder, as a user runs it: --repo defaults to the current folder.
  const search = spawnSync('codectx', ['search', 'settle the ledger', '--embeddings', 'none'], {
    cwd: elsewhere,
    encoding: 'utf8',
    env,
  });
  expect(search.status, search.stderr).toBe(0);
  expect(search.stdout).toMatch(/^ledger\.py:1-2\s+settle_ledger\s+function/);
}, 60_000);
