import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFrom, defaults, parseEmbedderSetting } from './config.js';

describe('parseEmbedderSetting', () => {
  const cases: [string, unknown, unknown][] = [
    ['a provider name', 'none', { provider: 'none' }],
    ['the shipped model by name', ' local ', { provider: 'local' }],
    [
      'JSON text',
      '{"provider":"huggingface","model":"/m","pooling":"cls"}',
      { provider: 'huggingface', model: '/m', pooling: 'cls' },
    ],
    ['an object (the LSP setting)', { provider: 'local', modelDir: '/models/x' }, { provider: 'local', modelDir: '/models/x' }],
    [
      'openai-compatible with its key',
      { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'nomic', apiKey: 'k' },
      { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'nomic', apiKey: 'k' },
    ],
    ['huggingface without a model', { provider: 'huggingface' }, undefined],
    ['openai-compatible without a URL', { provider: 'openai-compatible', model: 'm' }, undefined],
    ['the test double is not a user setting', { provider: 'hash' }, undefined],
    ['an unknown provider', '{"provider":"magic"}', undefined],
    ['not JSON', '{provider: local}', undefined],
    ['nothing', undefined, undefined],
  ];
  for (const [what, input, expected] of cases)
    it(what, () => {
      const got = parseEmbedderSetting(input);
      if (expected === undefined) expect(got).toBeUndefined();
      else expect(got).toMatchObject(expected as object);
    });
});

describe('configFrom', () => {
  const env = { XDG_CACHE_HOME: '/cache' };
  it('builds the defaults for a repository, its index under the user cache', () => {
    const c = configFrom({ repo: 'some/repo' }, env);
    expect(c).toMatchObject({ ...defaults, repo: resolve('some/repo') });
    expect(c.indexDir).toMatch(/^\/cache\/codectx\/repo-[0-9a-f]{12}$/);
  });
  it('--index-dir wins over cacheDir, which wins over CODECTX_INDEX_DIR', () => {
    const e = { ...env, CODECTX_INDEX_DIR: '/env-index' };
    expect(configFrom({ repo: '/r' }, e).indexDir).toBe('/env-index');
    expect(configFrom({ repo: '/r', cacheDir: '/lsp' }, e).indexDir).toMatch(/^\/lsp\/r-/);
    expect(configFrom({ repo: '/r', cacheDir: '/lsp', indexDir: 'here' }, e).indexDir).toBe(resolve('here'));
  });
  it('takes embeddings from the input, else from CODECTX_EMBEDDINGS', () => {
    const e = { ...env, CODECTX_EMBEDDINGS: 'none' };
    expect(configFrom({ repo: '/r' }, e).embedder).toEqual({ provider: 'none' });
    expect(configFrom({ repo: '/r', embeddings: 'local' }, e).embedder).toEqual({ provider: 'local' });
    expect(configFrom({ repo: '/r', embeddings: { provider: 'local', modelDir: '/m' } }, e).embedder).toMatchObject({
      modelDir: '/m',
    });
    expect(configFrom({ repo: '/r' }, env).embedder).toEqual(defaults.embedder);
  });
  it('a bad embeddings value is a ConfigError naming where it came from', () => {
    expect(() => configFrom({ repo: '/r', embeddings: 'magic' }, env)).toThrow(/^--embeddings \(or CODECTX_EMBEDDINGS\) must be/);
    expect(() => configFrom({ repo: '/r' }, { ...env, CODECTX_EMBEDDINGS: '{' })).toThrow(ConfigError);
    expect(() => configFrom({ repo: '/r' }, { ...env, CODECTX_EMBEDDINGS: '{' })).toThrow(/^CODECTX_EMBEDDINGS must be/);
  });
  it('takes the CLI index threads from CODECTX_INDEX_THREADS (0 to 64), else one per core', () => {
    expect(configFrom({ repo: '/r' }, env).indexThreads).toBe(defaults.indexThreads);
    expect(defaults.indexThreads).toBeGreaterThanOrEqual(1);
    expect(configFrom({ repo: '/r' }, { ...env, CODECTX_INDEX_THREADS: '0' }).indexThreads).toBe(0);
    expect(configFrom({ repo: '/r' }, { ...env, CODECTX_INDEX_THREADS: '3' }).indexThreads).toBe(3);
    for (const bad of ['-1', 'two', '1.5', '65'])
      expect(() => configFrom({ repo: '/r' }, { ...env, CODECTX_INDEX_THREADS: bad })).toThrow(/^CODECTX_INDEX_THREADS must be/);
  });
  it('passes the language server options through', () => {
    const c = configFrom({ repo: join('/r'), maxFileBytes: 10, embedInWorker: true }, env);
    expect(c).toMatchObject({ maxFileBytes: 10, embedInWorker: true });
  });
});
