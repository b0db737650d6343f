// Private by default, proven: index, search and context of the CLI, and the language server, with the shipped model,
// run in a network namespace without interfaces (`unshare -n`) under `strace -f -e trace=network,open,openat`; no process
// of theirs may create an internet socket or connect anywhere, nor open a file of the folder beside the repository that a
// symbolic link inside it points to. Where unshare or strace is missing, the tests say so and skip.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from './chunk/grammar-loader.js';
import { connectClient } from './protocol/lsp-test-client.js';
import { SearchRequest } from './protocol/requests.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
const unshare = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8' });
const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
const missing =
  unshare.status !== 0
    ? `\`unshare -n\` is not permitted here (${(unshare.stderr || unshare.error?.message || '').trim()}): run as root or with user namespaces`
    : strace.status !== 0
      ? 'strace is not installed (apt-get install strace)'
      : undefined;

let dir: string;
let repo: string;
const trace = (name: string) => join(dir, `${name}.trace`);
const traced = ['unshare', '-n', 'strace', '-f', '-qq', '-e', 'trace=network,open,openat', '-o'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-privacy-'));
  repo = join(dir, 'repo');
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  put(
    'billing/ledger.py',
    'def settle_ledger(total):\n    """Settles the ledger at the end of the month."""\n    return total * 2\n',
  );
  put('web/retry.ts', 'export function retryWithBackoff(attempt: number) {\n  return 2 ** attempt * 100;\n}\n');
  put('README.md', '# Billing\n\nHow the monthly ledger is settled.\n');
  // Outside the root, reachable through a link inside it: never to be read.
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'ledger_secret.py'), 'def settle_ledger_secretly(total):\n    return total\n');
  symlinkSync(join(dir, 'outside'), join(repo, 'linked'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The files opened outside the root (the folder the link in the repository points to). */
function outsideReads(file: string): string[] {
  const outside = join(dir, 'outside');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /\bopen(at)?\(/.test(line) && line.includes(outside));
}

/** The network system calls of a trace that could reach anything: internet sockets, and any connect or send to an address. */
function networkUse(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(
      (line) =>
        /\bsocket\(AF_INET6?\b/.test(line) ||
        /\b(connect|sendto|sendmsg|bind)\(.*sa_family=AF_INET6?\b/.test(line) ||
        /\bconnect\(/.test(line),
    );
}

function skipUnlessPossible(ctx: { skip: (note?: string) => void }): void {
  if (!missing) return;
  process.stderr.write(`privacy.test.ts: skipped: ${missing}\n`);
  ctx.skip(missing);
}

describe('no network, with the default configuration', () => {
  it('the trace sees a connection attempt (the check can fail)', (ctx) => {
    skipUnlessPossible(ctx);
    const probe = "require('node:net').connect(9, '10.1.2.3').on('error', () => {})";
    const r = spawnSync(traced[0] as string, [...traced.slice(1), trace('probe'), process.execPath, '-e', probe], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(networkUse(trace('probe')).join('\n')).toMatch(/connect\(\d+, \{sa_family=AF_INET, .*10\.1\.2\.3/);
  });

  it('the CLI: index (with the shipped model), search and context', (ctx) => {
    skipUnlessPossible(ctx);
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache-cli'), CODECTX_INDEX_DIR: '', CODECTX_EMBEDDINGS: '' };
    const runTraced = (name: string, args: string[]) =>
      spawnSync(traced[0] as string, [...traced.slice(1), trace(name), process.execPath, cli, ...args, '--repo', repo], {
        encoding: 'utf8',
        env,
      });
    const index = runTraced('index', ['index', '--json']);
    expect(index.status, index.stderr).toBe(0);
    expect(JSON.parse(index.stdout)).toMatchObject({ files: 3, embeddings: 'on' });
    expect(JSON.parse(index.stdout).embeddingsComputed).toBeGreaterThan(0);
    const search = runTraced('search', ['search', 'settle the monthly ledger']);
    expect(search.status, search.stderr).toBe(0);
    expect(search.stdout).toMatch(/^billing\/ledger\.py:1-3\s+settle_ledger/);
    const context = runTraced('context', ['context', 'how is the retry delay computed', '--budget', '500']);
    expect(context.status, context.stderr).toBe(0);
    expect(context.stdout).toContain('retryWithBackoff');
    for (const name of ['index', 'search', 'context']) {
      expect(networkUse(trace(name)), name).toEqual([]);
      expect(outsideReads(trace(name)), name).toEqual([]);
    }
    // The trace does see opens: the repository's own files.
    expect(readFileSync(trace('index'), 'utf8')).toMatch(/open(at)?\(.*billing\/ledger\.py/);
  }, 120_000);

  it('the language server: first index, embeddings, a search, shutdown', async (ctx) => {
    skipUnlessPossible(ctx);
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache-lsp'), CODECTX_INDEX_DIR: '', CODECTX_EMBEDDINGS: '' };
    const child = spawn(traced[0] as string, [...traced.slice(1), trace('serve'), process.execPath, cli, 'serve', '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    if (!child.stdout || !child.stdin) throw new Error('no stdio');
    const client = connectClient(child.stdout, child.stdin);
    try {
      await client.initialize([repo]);
      await client.waitReady(60_000);
      // Hybrid needs the embedding pass: ask until the answer is no longer lexical only.
      let answer: { mode: string; results: { path: string }[] } = { mode: 'lexical', results: [] };
      const deadline = Date.now() + 60_000;
      while (answer.mode !== 'hybrid' && Date.now() < deadline) {
        answer = await client.rpc.sendRequest(SearchRequest.type, { query: 'settle the monthly ledger' });
        if (answer.mode !== 'hybrid') await new Promise((r) => setTimeout(r, 200));
      }
      expect(answer.mode).toBe('hybrid');
      expect(answer.results[0]?.path).toBe('billing/ledger.py');
    } finally {
      await client.close();
    }
    expect(await exited).toBe(0);
    expect(networkUse(trace('serve'))).toEqual([]);
    expect(outsideReads(trace('serve'))).toEqual([]);
  }, 120_000);
});
