// The request handlers, in-process over pipes: lifecycle, the codectx/* requests, freshness, and errors.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessPair, type TestClient } from './lsp-test-client.js';
import { ContextRequest, ReindexRequest, SearchRequest, StatusRequest } from './requests.js';

let repo: string;
let other: string;
let cache: string;
let client: TestClient;

const put = (root: string, rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const uri = (root: string, rel: string) => pathToFileURL(join(root, rel)).toString();

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-lsp-'));
  other = mkdtempSync(join(tmpdir(), 'codectx-lsp-other-'));
  cache = mkdtempSync(join(tmpdir(), 'codectx-lsp-cache-'));
  put(
    repo,
    'src/retry.ts',
    '/** Retries a request with backoff. */\nexport function retryWithBackoff(attempts: number) {\n  return attempts * 2;\n}\n',
  );
  put(
    repo,
    'src/cache.py',
    'class StaleCache:\n    def is_stale(self, entry, now):\n        age = now - entry.created\n        return age > self.ttl\n',
  );
  put(repo, '.env', 'SECRET=1\n');
  put(other, 'lib/queue.go', 'package lib\n\n// Enqueue adds a job.\nfunc Enqueue(job string) {\n\tprintln(job)\n}\n');
  client = inProcessPair();
  // Lexical only: these are the handlers' tests; embeddings have their own (embed/*.test.ts, stdio, Neovim).
  await client.initialize([repo, other], { cacheDir: cache, debounceMs: 50, embeddings: { provider: 'none' } });
  await client.waitReady();
});

afterAll(async () => {
  await client.close();
  for (const d of [repo, other, cache]) rmSync(d, { recursive: true, force: true });
});

describe('language server, in-process', () => {
  it('reports status per folder, with progress sent while indexing', async () => {
    const status = await client.rpc.sendRequest(StatusRequest.type, {});
    expect(status.folders.map((f) => f.state)).toEqual(['ready', 'ready']);
    // Two folders load grammars at the same time: both must parse.
    expect(status.folders.map((f) => f.parseFailures)).toEqual([0, 0]);
    expect(status.folders[0]).toMatchObject({ role: 'writer', files: 2, watcher: 'on', skipped: { secret: 1 }, embedded: 0 });
    expect(client.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'begin')).toBe(true);
    expect(client.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end')).toBe(true);
  });

  it('codectx/search answers across folders with URIs and line ranges', async () => {
    const r = await client.rpc.sendRequest(SearchRequest.type, { query: 'retry with backoff' });
    expect(r.partial).toBe(false);
    expect(r.mode).toBe('lexical');
    expect(r.results[0]).toMatchObject({
      uri: uri(repo, 'src/retry.ts'),
      path: 'src/retry.ts',
      symbol: 'retryWithBackoff',
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
    });
    const go = await client.rpc.sendRequest(SearchRequest.type, { query: 'Enqueue' });
    expect(go.results[0]?.uri).toBe(uri(other, 'lib/queue.go'));
  });

  it('codectx/search filters by path glob, language and folder', async () => {
    const byLang = await client.rpc.sendRequest(SearchRequest.type, { query: 'stale retry enqueue', languages: ['python'] });
    expect(byLang.results.map((r) => r.path)).toEqual(['src/cache.py']);
    const byGlob = await client.rpc.sendRequest(SearchRequest.type, { query: 'stale retry enqueue', paths: ['*.ts'] });
    expect(byGlob.results.map((r) => r.path)).toEqual(['src/retry.ts']);
    const byFolder = await client.rpc.sendRequest(SearchRequest.type, {
      query: 'stale retry enqueue',
      folders: [pathToFileURL(other).toString()],
    });
    expect(byFolder.results.map((r) => r.path)).toEqual(['lib/queue.go']);
  });

  it('workspace/symbol finds definitions fuzzily, exact names first', async () => {
    const symbols = (await client.rpc.sendRequest('workspace/symbol', { query: 'isstal' })) as {
      name: string;
      containerName?: string;
      location: { uri: string };
    }[];
    expect(symbols[0]).toMatchObject({
      name: 'is_stale',
      containerName: 'StaleCache',
      location: { uri: uri(repo, 'src/cache.py') },
    });
    const exact = (await client.rpc.sendRequest('workspace/symbol', { query: 'Enqueue' })) as { name: string }[];
    expect(exact[0]?.name).toBe('Enqueue');
  });

  it('codectx/context packs chunks into the budget with citations, the chunk under the cursor first', async () => {
    const r = await client.rpc.sendRequest(ContextRequest.type, {
      query: 'enqueue a job',
      budgetTokens: 500,
      activeFile: uri(repo, 'src/cache.py'),
      position: { line: 2, character: 4 },
    });
    // With more than one workspace folder open, citations start with the folder's name.
    expect(r.chunks.find((c) => c.rank === 1)?.citation).toMatch(/(^|\/)src\/cache\.py:\d+-\d+$/);
    expect(r.chunks.find((c) => c.rank === 1)?.uri).toBe(uri(repo, 'src/cache.py'));
    expect(r.chunks.some((c) => c.path === 'lib/queue.go')).toBe(true);
    for (const c of r.chunks) expect(r.text).toContain(`### ${c.citation}`);
    expect(r.usedTokens).toBeLessThanOrEqual(500);
    expect(r.usedTokens).toBeGreaterThanOrEqual(r.chunks.reduce((n, c) => n + c.tokens, 0) - r.chunks.length);
  });

  it('a file changed on disk is searchable after the watcher batch', async () => {
    put(repo, 'src/breaker.ts', 'export function circuitBreakerTrips() {\n  return true;\n}\n');
    const r = await until(
      () => client.rpc.sendRequest(SearchRequest.type, { query: 'circuitBreakerTrips' }),
      (r) => r.results[0]?.symbol === 'circuitBreakerTrips',
    );
    expect(r.results[0]?.path).toBe('src/breaker.ts');
    unlinkSync(join(repo, 'src/breaker.ts'));
    await until(
      () => client.rpc.sendRequest(SearchRequest.type, { query: 'circuitBreakerTrips' }),
      (r) => r.results.every((x) => x.path !== 'src/breaker.ts'),
    );
  });

  it('an unsaved buffer is searched as the user sees it, and the disk version returns on close', async () => {
    const doc = uri(repo, 'src/retry.ts');
    await client.rpc.sendNotification('textDocument/didOpen', {
      textDocument: { uri: doc, languageId: 'typescript', version: 1, text: 'export function retryWithBackoff() {}\n' },
    });
    await client.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc, version: 2 },
      contentChanges: [{ text: 'export function unsavedJitterDelay() {\n  return 42;\n}\n' }],
    });
    await until(
      () => client.rpc.sendRequest(SearchRequest.type, { query: 'unsavedJitterDelay' }),
      (r) => r.results[0]?.symbol === 'unsavedJitterDelay',
    );
    const status = await client.rpc.sendRequest(StatusRequest.type, {});
    expect(status.folders[0]?.openBuffers).toBe(1);
    await client.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: doc } });
    await until(
      () => client.rpc.sendRequest(SearchRequest.type, { query: 'retryWithBackoff unsavedJitterDelay' }),
      (r) => r.results[0]?.symbol === 'retryWithBackoff' && r.results.every((x) => x.symbol !== 'unsavedJitterDelay'),
    );
  });

  it('codectx/reindex starts runs for the named folder', async () => {
    const r = await client.rpc.sendRequest(ReindexRequest.type, { folder: pathToFileURL(other).toString(), full: true });
    expect(r.started).toEqual([pathToFileURL(other).toString()]);
    await client.waitReady();
  });

  const bad: [string, string, unknown, RegExp][] = [
    ['search without params', SearchRequest.method, undefined, /needs params/],
    ['search with a numeric query', SearchRequest.method, { query: 42 }, /query must be a string/],
    ['search with a bad limit', SearchRequest.method, { query: 'x', limit: 0 }, /limit must be an integer/],
    ['search with an unknown mode', SearchRequest.method, { query: 'x', mode: 'magic' }, /mode must be one of/],
    [
      'search with dense before embeddings exist',
      SearchRequest.method,
      { query: 'x', mode: 'dense' },
      /mode dense is not available/,
    ],
    ['search with bad paths', SearchRequest.method, { query: 'x', paths: 'src' }, /paths must be an array of strings/],
    [
      'context outside the workspace',
      ContextRequest.method,
      { query: 'x', activeFile: 'file:///etc/passwd' },
      /not inside a workspace folder/,
    ],
    ['context with a bad budget', ContextRequest.method, { query: 'x', budgetTokens: -1 }, /budgetTokens/],
    ['reindex of an unknown folder', ReindexRequest.method, { folder: 'file:///nope' }, /not a workspace folder/],
  ];
  for (const [what, method, params, message] of bad) {
    it(`answers ${what} with InvalidParams and a readable message`, async () => {
      await expect(client.rpc.sendRequest(method, params)).rejects.toMatchObject({
        code: -32602,
        message: expect.stringMatching(message),
      });
    });
  }

  it('answers an unknown method with MethodNotFound, and keeps serving', async () => {
    await expect(client.rpc.sendRequest('codectx/frobnicate', {})).rejects.toMatchObject({ code: -32601 });
    const r = await client.rpc.sendRequest(SearchRequest.type, { query: 'Enqueue' });
    expect(r.results.length).toBeGreaterThan(0);
  });

  it('answers any query text, hostile ones included', async () => {
    for (const query of ['', '"', 'NEAR(', 'a OR', '\u0000', 'x'.repeat(5000)]) {
      const r = await client.rpc.sendRequest(SearchRequest.type, { query });
      expect(Array.isArray(r.results)).toBe(true);
    }
  });
});

describe('language server, a buffer opened while the first run indexes', () => {
  it('is in the index when the folder says ready', async () => {
    const root = mkdtempSync(join(tmpdir(), 'codectx-lsp-race-'));
    const index = mkdtempSync(join(tmpdir(), 'codectx-lsp-race-cache-'));
    for (let i = 0; i < 8; i++)
      put(root, `pkg/mod${i}.ts`, `export function module${i}Total(n: number) {\n  return n * ${i};\n}\n`);
    const racer = inProcessPair();
    try {
      await racer.initialize([root], { cacheDir: index, debounceMs: 50, embeddings: { provider: 'none' } });
      // Opened at once, before the first run is over: its unsaved text must be what the ready index holds.
      await racer.rpc.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri: uri(root, 'pkg/mod7.ts'),
          languageId: 'typescript',
          version: 1,
          text: 'export function openedBeforeReady() {\n  return 7;\n}\n',
        },
      });
      await racer.waitReady();
      const r = await racer.rpc.sendRequest(SearchRequest.type, { query: 'openedBeforeReady' });
      expect(r.results[0]?.symbol).toBe('openedBeforeReady');
      expect(r.partial).toBe(false);
    } finally {
      await racer.close();
      for (const d of [root, index]) rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('language server, warnings', () => {
  it('says a folder cannot be indexed in a window/showMessage notification, to a client that answers no requests for it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'codectx-lsp-warn-'));
    const index = mkdtempSync(join(tmpdir(), 'codectx-lsp-warn-cache-'));
    put(root, 'a.ts', 'export function warnedFolderSibling() {\n  return 1;\n}\n');
    // The test client handles no window/showMessageRequest: a request would be answered MethodNotFound, and its
    // rejection, unhandled, ended the server (a watcher out of inotify watches said so the same way).
    const client = inProcessPair();
    try {
      await client.initialize([root, join(root, 'missing-folder')], { cacheDir: index, embeddings: { provider: 'none' } });
      await client.waitReady();
      await until(
        async () => client.logs,
        (logs) => logs.some((m) => /cannot index .*missing-folder/.test(m)),
      );
      const r = await client.rpc.sendRequest(SearchRequest.type, { query: 'warnedFolderSibling' });
      expect(r.results[0]?.symbol).toBe('warnedFolderSibling');
    } finally {
      await client.close();
      for (const d of [root, index]) rmSync(d, { recursive: true, force: true });
    }
  });
});
