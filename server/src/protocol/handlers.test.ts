// The handlers called directly (no connection): two workspace folders holding the same relative path, and the limit rule.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver/node';
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
  it('context packs chunks of two folders with the same relative path: both, each with its own URI', async () => {
    const r = await handleContext(folders, { query: 'parse settings file', budgetTokens: 2000 });
    expect(r.chunks.map((c) => c.citation)).toEqual(['src/settings.ts:1-4', 'src/settings.ts:1-4']);
    expect(r.chunks.map((c) => c.uri).sort()).toEqual([uri(a, 'src/settings.ts'), uri(b, 'src/settings.ts')].sort());
    expect(r.partial).toBe(false);
  });

  it('the chunk at the active position comes first, from the active folder', async () => {
    const activeFile = uri(b, 'src/settings.ts');
    const r = await handleContext(folders, { query: 'parse settings', activeFile, position: { line: 1, character: 0 } });
    expect(r.chunks[0]).toMatchObject({ uri: activeFile, score: 1e9 });
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
