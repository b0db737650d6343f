// After an unclean shutdown (a language server killed with its index open), the next server checks the index in the
// background, logs the result and reports it in codectx/status; after a clean shutdown nothing is checked.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { connectClient, type TestClient } from './lsp-test-client.js';
import { StatusRequest } from './requests.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
let repo: string;
let cache: string;
const children: ChildProcess[] = [];

function startServer(): { client: TestClient; child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'serve', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (!child.stdout || !child.stdin) throw new Error('no stdio');
  return { client: connectClient(child.stdout, child.stdin), child, exited };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-unclean-'));
  cache = mkdtempSync(join(tmpdir(), 'codectx-unclean-cache-'));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  for (let i = 0; i < 30; i++) put(`app/mod${i}.py`, `def settle_ledger_${i}(total):\n    return total * ${i}\n`);
});

afterAll(() => {
  for (const c of children) c.kill();
  rmSync(repo, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

const options = () => ({ cacheDir: cache, embeddings: { provider: 'none' } });

it('a server killed with its index open: the next one checks it in the background and reports ok; a clean one does not', async () => {
  const first = startServer();
  await first.client.initialize([repo], options());
  await first.client.waitReady();
  first.child.kill('SIGKILL');
  await first.exited;

  const second = startServer();
  await second.client.initialize([repo], options());
  await second.client.waitReady();
  const deadline = Date.now() + 30_000;
  let folder = (await second.client.rpc.sendRequest(StatusRequest.type, {})).folders[0];
  while (folder?.integrityCheck !== 'ok' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    folder = (await second.client.rpc.sendRequest(StatusRequest.type, {})).folders[0];
  }
  expect(folder).toMatchObject({ integrityCheck: 'ok', files: 30, state: 'ready' });
  expect(second.client.logs.join('\n')).toMatch(
    /the index was not closed cleanly last time \(a killed or crashed process\): checking it/,
  );
  expect(second.client.logs.join('\n')).toMatch(/integrity check after the unclean shutdown: ok \(\d+ ms\)/);
  await second.client.close();
  expect(await second.exited).toBe(0);

  // Closed cleanly: the next server has nothing to check.
  const third = startServer();
  await third.client.initialize([repo], options());
  await third.client.waitReady();
  const clean = (await third.client.rpc.sendRequest(StatusRequest.type, {})).folders[0];
  expect(clean?.integrityCheck).toBeUndefined();
  expect(third.client.logs.join('\n')).not.toMatch(/not closed cleanly/);
  // Killed again: `codectx status` (the CLI) checks before it answers.
  third.child.kill('SIGKILL');
  await third.exited;
  const indexDir = dirname(clean?.indexPath ?? '');
  const status = spawnSync(process.execPath, [cli, 'status', '--repo', repo, '--index-dir', indexDir, '--embeddings', 'none'], {
    encoding: 'utf8',
  });
  expect(status.status, status.stderr).toBe(0);
  expect(status.stdout).toMatch(/integrity:\s+ok \(checked after an unclean shutdown\)/);
  const again = spawnSync(process.execPath, [cli, 'status', '--repo', repo, '--index-dir', indexDir, '--embeddings', 'none'], {
    encoding: 'utf8',
  });
  expect(again.stdout).not.toMatch(/integrity:/);
}, 120_000);
