// codectx/related through its handler on a real folder index: callers and callees of a chunk, by position or symbol.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver/node';
import { FolderRegistry } from './folders.js';
import { handleRelated } from './handlers.js';

let root: string;
let cache: string;
let folders: FolderRegistry;
const uri = (rel = '') => pathToFileURL(join(root, rel)).toString();

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'codectx-related-')));
  cache = mkdtempSync(join(tmpdir(), 'codectx-related-cache-'));
  // load.py: the public load_config calls the helper _read_text; main.py calls load_config.
  writeFileSync(
    join(root, 'load.py'),
    'def _read_text(path):\n    with open(path) as f:\n        return f.read()\n\n\ndef load_config(path):\n    text = _read_text(path)\n    return text.split()\n',
  );
  writeFileSync(join(root, 'main.py'), 'def main():\n    cfg = load_config("a.cfg")\n    print(cfg)\n    return 0\n');
  folders = new FolderRegistry({ log: () => {}, warn: () => {}, createProgress: () => undefined, onStarted: () => {} });
  folders.settings = { cacheDir: cache, watch: false, embeddings: { provider: 'none' } };
  folders.add({ uri: uri(), name: 'r' });
  await Promise.all(folders.all().map((f) => f.live.ready()));
});

afterAll(async () => {
  await folders.close();
  for (const d of [root, cache]) rmSync(d, { recursive: true, force: true });
});

const where = (ls: { path: string; symbol: string }[]) => ls.map((l) => `${l.path} ${l.symbol}`);

describe('codectx/related', () => {
  it('by position: the chunk there, its callers and its callees', () => {
    const r = handleRelated(folders, { textDocument: { uri: uri('load.py') }, position: { line: 6, character: 4 } });
    expect(where(r.targets)).toEqual(['load.py load_config']);
    expect(where(r.callees)).toEqual(['load.py _read_text']);
    expect(where(r.callers)).toEqual(['main.py main']);
    expect(r.callers[0]).toMatchObject({
      uri: uri('main.py'),
      folder: uri(),
      name: 'load_config',
      range: { start: { line: 0 } },
    });
  });

  it('by symbol: its definitions, callers and callees', () => {
    const r = handleRelated(folders, { symbol: '_read_text' });
    expect(where(r.targets)).toEqual(['load.py _read_text']);
    expect(where(r.callers)).toEqual(['load.py load_config']);
    expect(r.callees).toEqual([]);
  });

  it('bad params are InvalidParams', () => {
    expect(() => handleRelated(folders, {})).toThrow(ResponseError);
    expect(() => handleRelated(folders, { textDocument: { uri: uri('load.py') } })).toThrow(/position must be/);
    expect(() =>
      handleRelated(folders, { textDocument: { uri: 'file:///elsewhere/x.py' }, position: { line: 0, character: 0 } }),
    ).toThrow(/not inside a workspace folder/);
  });
});
