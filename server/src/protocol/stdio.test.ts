// The protocol over real stdio: the built server as a child process, a Node client, and two servers on one index.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { connectClient, type TestClient } from './lsp-test-client.js';
import { SearchRequest, StatusRequest } from './requests.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
let repo: string;
let cache: string;
const children: ChildProcess[] = [];

function startServer(): { client: TestClient; child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'serve', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (!child.stdout || !child.stdin) throw new Error('no stdio');
  return { client: connectClient(child.stdout, child.stdin), child, exited };
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-stdio-'));
  cache = mkdtempSync(join(tmpdir(), 'codectx-stdio-cache-'));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  put(
    'app/jobs.py',
    'def schedule_nightly_job(queue):\n    """Puts the nightly job on the queue."""\n    queue.put("nightly")\n',
  );
  put('README.md', '# Jobs\n\nHow nightly jobs are scheduled.\n');
});

afterAll(() => {
  for (const c of children) c.kill();
  rmSync(repo, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

describe('codectx serve --stdio', () => {
  it('initializes, indexes, answers, and exits cleanly on shutdown + exit', async () => {
    const { client, exited } = startServer();
    const init = (await client.initialize([repo], { cacheDir: cache })) as {
      capabilities: Record<string, unknown>;
      serverInfo: { name: string };
    };
    expect(init.serverInfo.name).toBe('codectx');
    expect(init.capabilities.workspaceSymbolProvider).toBe(true);
    await client.waitReady();
    const r = await client.rpc.sendRequest(SearchRequest.type, { query: 'schedule nightly job' });
    expect(r.results[0]).toMatchObject({ path: 'app/jobs.py', symbol: 'schedule_nightly_job' });
    await client.close();
    expect(await exited).toBe(0);
  });

  it('two servers on one repository share the index: one writes, the other follows and takes over', async () => {
    const a = startServer();
    await a.client.initialize([repo], { cacheDir: cache, debounceMs: 50 });
    await a.client.waitReady();
    const b = startServer();
    await b.client.initialize([repo], { cacheDir: cache, debounceMs: 50 });
    await b.client.waitReady();
    const roles = async () =>
      [
        (await a.client.rpc.sendRequest(StatusRequest.type, {})).folders[0]?.role,
        (await b.client.rpc.sendRequest(StatusRequest.type, {})).folders[0]?.role,
      ].join(',');
    expect(await roles()).toBe('writer,reader');

    // The writer indexes a new file; the reader sees it through the shared index.
    writeFileSync(join(repo, 'app/retry.py'), 'def retry_flaky_upload(path):\n    return path\n');
    await until(
      () => b.client.rpc.sendRequest(SearchRequest.type, { query: 'retry_flaky_upload' }),
      (r) => r.results[0]?.symbol === 'retry_flaky_upload',
    );

    // The writer goes away without a word; the reader becomes the writer and keeps the index fresh.
    a.child.kill('SIGKILL');
    await a.exited;
    await until(
      () => b.client.rpc.sendRequest(StatusRequest.type, {}),
      (s) => s.folders[0]?.role === 'writer',
    );
    writeFileSync(join(repo, 'app/report.py'), 'def render_weekly_report(rows):\n    return rows\n');
    await until(
      () => b.client.rpc.sendRequest(SearchRequest.type, { query: 'render_weekly_report' }),
      (r) => r.results[0]?.symbol === 'render_weekly_report',
    );
    await b.client.close();
    expect(await b.exited).toBe(0);
  });

  it('listens on a loopback port with --socket', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '--socket', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      child.stderr?.on('data', (d) => {
        err += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`server exited: ${err}`)));
    });
    const { connect } = await import('node:net');
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const client = connectClient(socket, socket);
    await client.initialize([repo], { cacheDir: join(cache, 'socket') });
    await client.waitReady();
    const r = await client.rpc.sendRequest(SearchRequest.type, { query: 'nightly' });
    expect(r.results.length).toBeGreaterThan(0);
    await client.close();
    socket.destroy();
  });
});
