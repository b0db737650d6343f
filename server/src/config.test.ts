import { describe, expect, it } from 'vitest';
import { parseEmbedderSetting } from './config.js';

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
