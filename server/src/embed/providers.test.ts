// The transformers.js providers for real: `local` (the shipped model) and `huggingface` from a local folder (a copy of
// it, as a user's downloaded model would be), and what a Hugging Face id gives offline.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, defaultModelDir } from './create-embedder.js';

let folder: string;
const warnings: string[] = [];
const warn = (m: string) => warnings.push(m);

beforeAll(() => {
  folder = join(mkdtempSync(join(tmpdir(), 'codectx-hf-')), 'my-model');
  cpSync(defaultModelDir(), folder, { recursive: true });
});

afterAll(() => rmSync(join(folder, '..'), { recursive: true, force: true }));

describe('transformers.js providers', () => {
  it('huggingface from a local folder gives the vectors of the local provider, under its own model id', async () => {
    const local = await createEmbedder({ provider: 'local' }, false, warn);
    const hf = await createEmbedder({ provider: 'huggingface', model: folder }, false, warn);
    try {
      expect(local?.id).toMatch(/^local:codectx-code-static@/);
      expect(hf?.id).toBe(`huggingface:${folder}`);
      expect(hf?.dimensions).toBe(256);
      const texts = ['parse the config file', 'func retryWithBackoff(attempt int) time.Duration'];
      const [a, b] = [await local?.embedDocuments(texts), await hf?.embedDocuments(texts)];
      for (const [i, v] of (a ?? []).entries()) {
        const w = b?.[i] as Float32Array;
        expect(Math.max(...v.map((x, j) => Math.abs(x - (w[j] ?? 0))))).toBeLessThan(1e-6);
      }
      expect(warnings).toEqual([]);
    } finally {
      await local?.close();
      await hf?.close();
    }
  });

  it('a Hugging Face id without a cache folder is not downloaded: a clear error says why', async () => {
    await expect(createEmbedder({ provider: 'huggingface', model: 'no-such-org/no-such-model' }, false, warn)).rejects.toThrow(
      /cannot load the embedding model no-such-org\/no-such-model \(a Hugging Face id is downloaded once when online; offline it must be in the cache already\)/,
    );
  });

  it('a folder without a model says what is missing', async () => {
    await expect(createEmbedder({ provider: 'huggingface', model: tmpdir() }, false, warn)).rejects.toThrow(
      /config\.json is missing/,
    );
  });
});
