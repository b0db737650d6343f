// The handlers called directly (no connection): two workspace folders holding the same relative path, and the limit rule.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver/node';
import { packageRoot } from '../chunk/grammar-loader.js';
import { FolderRegistry } from './folders.js';
import { handleContext, handleSearch, handleStatus } from './handlers.js';

let a: string;
let b: string;
let cache: string;
let folders: FolderRegistry;

const put = (root: string, rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const uri = (root: string, rel = '') => pathToFileURL(join(root, rel)).toString();

beforeAll(async () => {
  a = realpathSync(mkdtempSync(join(tmpdir(), 'codectx-handlers-a-')));
  b = realpathSync(mkdtempSync(join(tmpdir(), 'codectx-handlers-b-')));
  cache = mkdtempSync(join(tmpdir(), 'codectx-handlers-cache-'));
  // The same relative path, the same lines, in both folders: only the folder tells them apart.
  const text = (n: string) =>
    `/** Parses the ${n} settings file. */\nexport function parseSettings${n}(text: string) {\n  return text;\n}\n`;
  put(a, 'src/settings.ts', text('A'));
  put(b, 'src/settings.ts', text('B'));
  folders = new FolderRegistry({ log: () => {}, warn: () => {}, createProgress: () => undefined, onStarted: () => {} });
  folders.settings = { cacheDir: cache, watch: false, embeddings: { provider: 'none' } };
  folders.add({ uri: uri(a), name: 'a' });
  folders.add({ uri: uri(b), name: 'b' });
  await Promise.all(folders.all().map((f) => f.live.ready()));
});

afterAll(async () => {
  await folders.close();
  for (const d of [a, b, cache]) rmSync(d, { recursive: true, force: true });
});

describe('handlers, called directly', () => {
  it('context packs chunks of two folders with the same relative path: both, each with its own URI and folder', async () => {
    const r = await handleContext(folders, { query: 'parse settings file', budgetTokens: 2000 });
    expect(r.chunks.map((c) => c.path)).toEqual(['src/settings.ts', 'src/settings.ts']);
    expect(r.chunks.map((c) => c.uri).sort()).toEqual([uri(a, 'src/settings.ts'), uri(b, 'src/settings.ts')].sort());
    expect(r.chunks.map((c) => c.folder).sort()).toEqual([uri(a), uri(b)].sort());
    // Each block is cited under its folder's name, so the two never merge or collide in the text.
    for (const c of r.chunks) expect(r.text).toContain(`### ${c.citation}`);
    expect(new Set(r.chunks.map((c) => c.citation)).size).toBe(2);
    expect(r.partial).toBe(false);
    expect(r.usedTokens).toBeLessThanOrEqual(2000);
  });

  it('the chunk at the active position is taken first (rank 1), from the active folder', async () => {
    const activeFile = uri(b, 'src/settings.ts');
    const r = await handleContext(folders, { query: 'parse settings', activeFile, position: { line: 1, character: 0 } });
    expect(r.chunks.find((c) => c.rank === 1)).toMatchObject({ uri: activeFile, score: 1e9 });
  });

  it('context renders markdown, json and xml within the budget, counted in o200k or cl100k', async () => {
    const md = await handleContext(folders, { query: 'parse settings', budgetTokens: 300, repoMap: false });
    expect(md.format).toBe('markdown');
    expect(md.text).toMatch(/^### \S+\/src\/settings\.ts:1-4 parseSettings[AB]\n```typescript\n\/\*\* Parses/);
    const json = await handleContext(folders, {
      query: 'parse settings',
      budgetTokens: 300,
      format: 'json',
      tokenizer: 'cl100k',
    });
    expect(JSON.parse(json.text).blocks).toHaveLength(json.chunks.length);
    const xml = await handleContext(folders, { query: 'parse settings', budgetTokens: 300, format: 'xml' });
    expect(xml.text).toMatch(/^<context>\n[\s\S]*<block path="[^"]+\/src\/settings\.ts" lines="1-4"/);
    for (const r of [md, json, xml]) expect(r.usedTokens).toBeLessThanOrEqual(300);
    const tiny = await handleContext(folders, { query: 'parse settings', budgetTokens: 1 });
    expect(tiny).toMatchObject({ text: '', chunks: [], usedTokens: 0, budgetTokens: 1 });
  });

  it('context refuses bad params with InvalidParams', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ query: 'x', format: 'html' }, 'format must be markdown, json or xml'],
      [{ query: 'x', tokenizer: 'p50k' }, 'tokenizer must be o200k or cl100k'],
      [{ query: 'x', openFiles: 'a.ts' }, 'openFiles must be an array of file URIs'],
      [{ query: 'x', repoMap: 1 }, 'repoMap must be a boolean'],
    ];
    for (const [params, message] of bad)
      await expect(handleContext(folders, params)).rejects.toThrow(new ResponseError(-32602, message));
  });

  it('search merges both folders; limit is 1 to 1000, else InvalidParams', async () => {
    const r = await handleSearch(folders, { query: 'parseSettings', limit: 1000 });
    expect(r.results.map((h) => h.folder).sort()).toEqual([uri(a), uri(b)].sort());
    for (const limit of [0, 1001, 1.5, '3'])
      await expect(handleSearch(folders, { query: 'x', limit })).rejects.toThrow(
        new ResponseError(-32602, `limit must be an integer from 1 to 1000, got ${JSON.stringify(limit)}`),
      );
  });

  it('status lists both folders ready', () => {
    expect(handleStatus(folders).folders.map((f) => f.state)).toEqual(['ready', 'ready']);
  });
});

describe('search order', () => {
  it("keeps the engine's order (per-file cap, diversity, rerank), with scores that never increase down the list", async () => {
    const one = new FolderRegistry({ log: () => {}, warn: () => {}, createProgress: () => undefined, onStarted: () => {} });
    one.settings = { cacheDir: cache, watch: false, embeddings: { provider: 'none' } };
    const root = join(packageRoot(), 'fixtures', 'eval', 'repo');
    one.add({ uri: uri(root), name: 'eval' });
    try {
      const [folder] = one.all();
      const engine = await folder?.live.ready();
      // "job" matches many chunks of a few files: the per-file cap moves some below lower-scored ones.
      const r = await handleSearch(one, { query: 'job', limit: 50 });
      const direct = await engine?.search('job', { limit: 50, explain: true });
      expect(direct?.results.some((x) => x.explain?.ownScore !== undefined)).toBe(true);
      expect(r.results.map((h) => `${h.path}:${h.startLine}`)).toEqual(direct?.results.map((x) => `${x.path}:${x.startLine}`));
      const scores = r.results.map((h) => h.score);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1] as number);
    } finally {
      await one.close();
    }
  });
});
