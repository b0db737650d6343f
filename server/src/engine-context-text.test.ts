// Engine.context packs whatever text a repository holds: a tokenizer's source spells its special tokens, which the
// token counter once refused (gpt-tokenizer throws on `<|endoftext|>` unless told the text is ordinary).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { Engine } from './engine.js';

let repo: string;
let engine: Engine;

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-context-text-'));
  writeFileSync(
    join(repo, 'markers.py'),
    'def end_of_text_marker():\n    """The marker that ends a document."""\n    return "<|endoftext|>"\n\n' +
      'def fill_in_the_middle_markers():\n    return ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"]\n',
  );
  engine = Engine.open(makeConfig(repo, { indexDir: join(repo, '.idx'), embedder: { provider: 'none' } }));
  await engine.index();
});

afterAll(async () => {
  await engine.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('Engine.context on text that spells special tokens', () => {
  it('packs it as ordinary text, counted within the budget', async () => {
    for (const format of ['markdown', 'json', 'xml'] as const) {
      const bundle = await engine.context('end of text marker', { budgetTokens: 400, format });
      expect(bundle.text).toContain(format === 'xml' ? '&lt;|endoftext|&gt;' : '<|endoftext|>');
      expect(bundle.usedTokens).toBeGreaterThan(0);
      expect(bundle.usedTokens).toBeLessThanOrEqual(400);
    }
  });
});
