// `codectx mcp` as a real process, driven by the MCP SDK's own Client over stdio: tools, bad input, the first index of
// a larger tree, an edit found through the watcher, roots, the real model, and the exit when stdin closes.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type CallToolResult, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
const temp: string[] = [];
const clients: Client[] = [];
let repo: string;

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temp.push(dir);
  return dir;
}

function put(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** A client connected to `codectx mcp ARGS` through the SDK's stdio transport. */
async function connect(args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', ...args], stderr: 'pipe' });
  transport.stderr?.on('data', () => {}); // Logs are not under test here; reading them keeps the pipe from filling.
  const client = new Client({ name: 'codectx-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

function structured<T>(result: CallToolResult): T {
  return result.structuredContent as T;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(() => {
  repo = tempDir('codectx-mcp-repo-');
  put(
    repo,
    'app/jobs.py',
    'def schedule_nightly_job(queue):\n    """Puts the nightly job on the queue."""\n    queue.put("nightly")\n\n\nclass JobRunner:\n    def run_pending(self):\n        return []\n',
  );
  put(repo, 'src/retry.ts', 'export function retryWithBackoff(attempts: number): number {\n  return attempts * 2;\n}\n');
  put(repo, 'README.md', '# Jobs\n\nHow nightly jobs are scheduled and retried.\n');
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

describe('codectx mcp over stdio', () => {
  let client: Client;

  beforeAll(async () => {
    // The real default model: the searches below are hybrid once every chunk has its vector.
    client = await connect(['--repo', repo, '--index-dir', tempDir('codectx-mcp-index-')]);
    await until(
      () => call(client, 'status', {}),
      (r) => structured<{ partial: boolean; embeddedPercent: number }>(r).embeddedPercent === 100,
      40_000,
    );
  });

  it('lists its four tools with descriptions and JSON Schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['search', 'context', 'symbols', 'status']);
    for (const t of tools) {
      expect(t.description?.length).toBeGreaterThan(100);
      expect(t.inputSchema.type).toBe('object');
      expect(t.annotations?.readOnlyHint).toBe(true);
    }
    const search = tools.find((t) => t.name === 'search');
    expect(search?.inputSchema.required).toEqual(['query']);
    expect(Object.keys(search?.inputSchema.properties ?? {})).toEqual(['query', 'limit', 'paths', 'languages', 'mode']);
    expect(tools.find((t) => t.name === 'context')?.inputSchema.required).toEqual(['question']);
    expect(tools.find((t) => t.name === 'symbols')?.inputSchema.required).toEqual(['name']);
  });

  it('answers search, context, symbols and status on the complete index', async () => {
    const search = await call(client, 'search', { query: 'schedule nightly job', limit: 3 });
    expect(search.isError).toBeFalsy();
    expect(text(search)).toMatch(/^partial: false/);
    expect(text(search)).toContain('app/jobs.py:1-3  schedule_nightly_job  function');
    expect(structured<{ partial: boolean; mode: string }>(search)).toMatchObject({ partial: false, mode: 'hybrid' });
    // Meaning, not words: no result shares a word with this query but the job scheduler.
    const hybrid = await call(client, 'search', { query: 'when does the nightly job get queued', limit: 3 });
    expect(text(hybrid)).toMatch(/^partial: false .*\nmode: hybrid\n/);
    expect(structured<{ results: { path: string }[] }>(hybrid).results[0]?.path).toBe('app/jobs.py');

    const filtered = await call(client, 'search', { query: 'retry', paths: ['src/**'], languages: ['typescript'] });
    expect(structured<{ results: { path: string }[] }>(filtered).results.map((r) => r.path)).toEqual(['src/retry.ts']);

    const context = await call(client, 'context', { question: 'how is the nightly job scheduled', budgetTokens: 300 });
    expect(context.isError).toBeFalsy();
    const packed = structured<{ partial: boolean; usedTokens: number; chunks: { citation: string; content: string }[] }>(context);
    expect(packed.partial).toBe(false);
    expect(packed.usedTokens).toBeLessThanOrEqual(300);
    expect(packed.chunks.map((c) => c.citation).some((c) => c.startsWith('app/jobs.py:1-'))).toBe(true);
    expect(text(context)).toContain('```python\ndef schedule_nightly_job(queue):');

    const symbols = await call(client, 'symbols', { name: 'run_pending' });
    expect(text(symbols)).toContain('app/jobs.py:7-8  JobRunner.run_pending  method');

    const status = await call(client, 'status', {});
    expect(structured(status)).toMatchObject({ partial: false, files: 3, role: 'writer', stillIndexing: 'nothing' });
    expect(text(status)).toMatch(/embeddings: 100% of chunks \(\d+\/\d+\), ready/);
  });

  it('answers bad input with clear errors and keeps serving', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['no_such_tool', {}, /Tool no_such_tool not found/],
      ['search', {}, /query/],
      ['search', { query: 42 }, /expected string, received number at query/],
      ['search', { query: 'x', limit: 'ten' }, /limit/],
      ['search', { query: 'x', limit: 10_000 }, /limit/],
      ['search', { query: 'x'.repeat(100_000) }, /<=2000 characters at query/],
      ['search', { query: 'x', mode: 'fuzzy' }, /mode/],
      ['search', { query: 'x', paths: ['../../etc/*'] }, /outside the repository/],
      ['search', { query: 'x', paths: ['/etc/passwd'] }, /outside the repository/],
      ['search', { query: 'x', paths: 'src/**' }, /paths/],
      ['context', { question: 'x', budgetTokens: 10_000_000 }, /budgetTokens/],
      ['symbols', { name: '' }, /name/],
    ];
    for (const [name, args, message] of cases) {
      const r = await call(client, name, args);
      expect(r.isError, `${name} ${JSON.stringify(args).slice(0, 60)}`).toBe(true);
      expect(text(r)).toMatch(message);
    }
    // An absolute path inside the repository is fine: it is made relative.
    const inside = await call(client, 'search', { query: 'retry', paths: [join(repo, 'src')] });
    expect(structured<{ results: unknown[] }>(inside).results).toHaveLength(1);
    expect((await call(client, 'status', {})).isError).toBeFalsy();
  });

  it('finds an edit once the watcher has seen it', async () => {
    appendFileSync(
      join(repo, 'src/retry.ts'),
      '\nexport function quarantineFlakyTest(name: string): string {\n  return name;\n}\n',
    );
    const found = await until(
      () => call(client, 'symbols', { name: 'quarantineFlakyTest' }),
      (r) => text(r).includes('src/retry.ts:5-7'),
    );
    expect(found.isError).toBeFalsy();
    const search = await call(client, 'search', { query: 'quarantineFlakyTest' });
    expect(text(search)).toContain('src/retry.ts:5-7  quarantineFlakyTest');
  });

  it('a second server on the same index follows the first one', async () => {
    const status = await call(client, 'status', {});
    const indexPath = structured<{ indexPath: string }>(status).indexPath;
    const follower = await connect(['--repo', repo, '--index-dir', dirname(indexPath), '--embeddings', 'none']);
    const s = await call(follower, 'status', {});
    expect(structured(s)).toMatchObject({ role: 'reader', files: 3 });
    expect(text(await call(follower, 'search', { query: 'retryWithBackoff' }))).toContain('src/retry.ts:1-3');
  });
});

it('answers at once, partially, during the first index of a larger tree', async () => {
  const big = tempDir('codectx-mcp-big-');
  for (let d = 0; d < 15; d++) {
    for (let f = 0; f < 100; f++) {
      const n = d * 100 + f;
      put(
        big,
        `pkg${d}/mod${f}.ts`,
        `// Ledger entry ${n}.\nexport function ledgerTotal${n}(x: number): number {\n  return x * ${n};\n}\n`,
      );
    }
  }
  const client = await connect(['--repo', big, '--index-dir', tempDir('codectx-mcp-big-index-'), '--embeddings', 'none']);
  const answers: { partial: boolean; results: number; ms: number }[] = [];
  for (;;) {
    const started = performance.now();
    const r = await call(client, 'search', { query: 'ledger total', limit: 5 });
    expect(r.isError).toBeFalsy();
    const s = structured<{ partial: boolean; results: unknown[] }>(r);
    answers.push({ partial: s.partial, results: s.results.length, ms: performance.now() - started });
    if (!s.partial) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // The first answer came during the first index, and some partial answers already had results (lexical, at once).
  expect(answers[0]?.partial).toBe(true);
  expect(answers.some((a) => a.partial && a.results > 0)).toBe(true);
  expect(answers.at(-1)?.results).toBe(5);
  expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(3000);
});

it('serves the first root of a client that has roots, and exits with code 0 soon after stdin closes', async () => {
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'mcp', '--index-dir', tempDir('codectx-mcp-roots-index-'), '--embeddings', 'none'],
    { stdio: ['pipe', 'pipe', 'ignore'], cwd: tempDir('codectx-mcp-cwd-') },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (!child.stdout || !child.stdin) throw new Error('no stdio');
  // The SDK's line-delimited JSON-RPC transport, pointed the other way (the child's stdout in, its stdin out), so
  // that this test owns the process and sees its exit code.
  const client = new Client({ name: 'codectx-test', version: '1.0.0' }, { capabilities: { roots: {} } });
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [
      { uri: pathToFileURL(join(repo, 'no-such-folder')).href, name: 'gone' },
      { uri: pathToFileURL(repo).href, name: 'repo' },
    ],
  }));
  await client.connect(new StdioServerTransport(child.stdout, child.stdin));
  const status = await call(client, 'status', {});
  expect(structured<{ repository: string }>(status).repository).toBe(repo);
  expect((await call(client, 'search', { query: 'nightly' })).isError).toBeFalsy();
  const closedAt = Date.now();
  child.stdin.end();
  expect(await exited).toBe(0);
  // A run in flight finishes its file first; the server gives up waiting after 3 s.
  expect(Date.now() - closedAt).toBeLessThan(5000);
});
