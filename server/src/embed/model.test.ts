// The shipped code model (models/code-static): under 12 MB, loads offline through transformers.js, gives the vectors of
// its stored numbers, matches its metadata, and was trained on nothing an eval suite uses (training/manifest.json against
// training/exclusions.json).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cosine } from './embedder.js';
import { EmbedderPool, TransformersEmbedder } from './transformers-embedder.js';

const root = resolve(__dirname, '../../..');
const modelDir = join(root, 'models/code-static');

interface Fixture {
  /** `vector`: from the stored (compact) numbers; `unquantized`: from the tables before compaction (training/compact.py). */
  cases: { text: string; ids: number[]; vector: number[]; unquantized: number[] }[];
  trainedOn: string;
}
interface Exclusions {
  entries: { id: string; patterns: string[]; ecosystems?: string[] }[];
}
interface Manifest {
  hash: string;
  sources: { name: string; ecosystem: string; modules: string[]; licence: string; pairs: number }[];
}

const readJson = <T>(rel: string): T => JSON.parse(readFileSync(join(root, rel), 'utf8')) as T;

/** The miner's rule (training/mine.py pattern_matches): lowercased; '/' patterns match the name or a path prefix of
 * it; other patterns match the whole name or any '/'-separated segment, with '*' as a wildcard. */
function patternMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p.includes('/')) return n === p || n.startsWith(`${p}/`);
  const glob = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return n.split('/').some((segment) => segment !== '' && glob.test(segment));
}

function excludedBy(names: string[], exclusions: Exclusions, ecosystem: string): string | undefined {
  for (const entry of exclusions.entries) {
    const ecosystems = entry.ecosystems ?? ['any'];
    if (!ecosystems.includes('any') && !ecosystems.includes(ecosystem)) continue;
    if (entry.patterns.some((p) => names.some((n) => n !== '' && patternMatches(p, n)))) return entry.id;
  }
  return undefined;
}

describe('contamination rule', () => {
  const exclusions = readJson<Exclusions>('training/exclusions.json');

  it.each([
    ['three', 'npm', 'three'],
    ['@react-three/fiber', 'npm', 'three'],
    ['three-stdlib', 'npm', 'three'],
    ['rxjs', 'npm', 'rxjs'],
    ['webpack-cli', 'npm', 'webpack'],
    ['pip/_vendor/requests', 'python', 'requests'],
    ['python3-flask', 'python', 'flask'],
    ['github.com/prometheus/client_golang/prometheus', 'go', 'prometheus-client-golang'],
    ['golang.org/x/net', 'go', 'go-stdlib'],
    ['golang-1.19-src', 'go', 'go-stdlib'],
    ['regex-syntax', 'rust', 'rust-regex'],
    ['django', 'python', 'django'],
  ])('excludes %s (%s)', (name, ecosystem, id) => {
    expect(excludedBy([name], exclusions, ecosystem)).toBe(id);
  });

  it.each([
    ['lodash', 'npm'],
    ['python3-werkzeug', 'python'],
    ['github.com/spf13/cobra', 'go'],
    ['rust-std/core', 'rust'],
    ['regex', 'python'],
  ])('keeps %s (%s)', (name, ecosystem) => {
    expect(excludedBy([name], exclusions, ecosystem)).toBeUndefined();
  });

  it('no source of the committed manifest matches an exclusion', () => {
    const manifest = readJson<Manifest>('training/manifest.json');
    expect(manifest.sources.length).toBeGreaterThan(0);
    const hits = manifest.sources
      .map((s) => ({ name: s.name, id: excludedBy([s.name, ...s.modules], exclusions, s.ecosystem) }))
      .filter((h) => h.id !== undefined);
    expect(hits).toEqual([]);
  });
});

describe.skipIf(!existsSync(join(modelDir, 'onnx/model.onnx')))('models/code-static through transformers.js', () => {
  it('stays under 12 MB in the repository (every retrain adds its files to every clone)', () => {
    const size = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce(
        (sum, e) => sum + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size),
        0,
      );
    expect(size(modelDir)).toBeLessThan(12_000_000);
  });

  it('loads offline and gives the vectors training/compact.py computed from the stored numbers', async () => {
    const { AutoModel, AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    const options = { local_files_only: true, dtype: 'fp32' as const };
    const tokenizer = await AutoTokenizer.from_pretrained(modelDir, options);
    const model = await AutoModel.from_pretrained(modelDir, options);
    const meta = JSON.parse(readFileSync(join(modelDir, 'codectx.json'), 'utf8')) as {
      dimensions: number;
      matryoshka: number[];
      trainedOn: string;
      normalization: string;
    };
    const fixture = readJson<Fixture>('fixtures/embed/model-vectors.json');
    expect(meta.normalization).toBe('embed-text v1');
    expect(fixture.trainedOn).toBe(meta.trainedOn);
    expect(readJson<Manifest>('training/manifest.json').hash).toBe(meta.trainedOn);
    expect(meta.matryoshka.at(-1)).toBe(meta.dimensions);

    const texts = fixture.cases.map((c) => c.text);
    const inputs = tokenizer(texts, { padding: true, truncation: true });
    const output = (await model(inputs)) as Record<string, { data: Float32Array; dims: number[] }>;
    const embedding = output.sentence_embedding;
    expect(embedding?.dims).toEqual([texts.length, meta.dimensions]);
    const data = embedding?.data ?? new Float32Array();
    const seq = (inputs.input_ids as { dims: number[] }).dims[1] ?? 0;
    const ids = inputs.input_ids as { data: BigInt64Array };
    const mask = inputs.attention_mask as { data: BigInt64Array };
    fixture.cases.forEach((c, i) => {
      const got: number[] = [];
      for (let j = 0; j < seq; j++) if (mask.data[i * seq + j] === 1n) got.push(Number(ids.data[i * seq + j]));
      if (c.ids.length > 0) expect(got, `token ids of ${JSON.stringify(c.text.slice(0, 40))}`).toEqual(c.ids);
      const v = data.subarray(i * meta.dimensions, (i + 1) * meta.dimensions);
      let dot = 0;
      let maxDiff = 0;
      for (let k = 0; k < meta.dimensions; k++) {
        dot += (v[k] ?? 0) * (c.vector[k] ?? 0);
        maxDiff = Math.max(maxDiff, Math.abs((v[k] ?? 0) - (c.vector[k] ?? 0)));
      }
      if (c.ids.length > 0) {
        expect(dot).toBeGreaterThanOrEqual(0.9999);
        expect(maxDiff).toBeLessThanOrEqual(1e-4);
        // The compact storage (int4 tokens, product-quantized pairs) moves a vector by at most a few hundredths of
        // cosine from the unquantized tables' (0.993-0.999 on these cases; docs/model.md, "Compact storage").
        let before = 0;
        for (let k = 0; k < meta.dimensions; k++) before += (v[k] ?? 0) * (c.unquantized[k] ?? 0);
        expect(before, `against the unquantized tables: ${JSON.stringify(c.text.slice(0, 40))}`).toBeGreaterThanOrEqual(0.98);
      }
      // Matryoshka: every prefix, re-normalized, is a unit vector pointing the same way as PyTorch's prefix.
      for (const d of meta.matryoshka) {
        let a = 0;
        let b = 0;
        let ab = 0;
        for (let k = 0; k < d; k++) {
          a += (v[k] ?? 0) ** 2;
          b += (c.vector[k] ?? 0) ** 2;
          ab += (v[k] ?? 0) * (c.vector[k] ?? 0);
        }
        if (c.ids.length > 0) expect(ab / Math.sqrt(a * b)).toBeGreaterThanOrEqual(0.9999);
      }
    });
  });

  it('sees the order of adjacent words (token pairs): the same words in another order embed apart', async () => {
    const meta = readJson<{ bigramBuckets?: number }>('models/code-static/codectx.json');
    expect(meta.bigramBuckets).toBeGreaterThan(0);
    const embedder = await TransformersEmbedder.open({ model: modelDir }, 'test', false);
    try {
      const [a = new Float32Array(), b = new Float32Array(), c = new Float32Array()] = await embedder.embedDocuments([
        'convert list to string',
        'convert string to list',
        'convert list to string',
      ]);
      // A bag of tokens gives these two texts the same vector (cosine 1); the pairs "list to" / "to string" differ.
      expect(cosine(a, b)).toBeLessThan(0.99);
      expect(cosine(a, c)).toBeGreaterThan(0.9999);
    } finally {
      await embedder.close();
    }
  });

  it('gives the same vectors in the bundled worker (dist/embed-worker.js) as training/compact.py', async () => {
    const fixture = readJson<Fixture>('fixtures/embed/model-vectors.json');
    const cases = fixture.cases.filter((c) => c.ids.length > 0);
    const embedder = await TransformersEmbedder.open({ model: modelDir }, 'test', true);
    try {
      const vectors = await embedder.embedDocuments(cases.map((c) => c.text));
      cases.forEach((c, i) => {
        const v = vectors[i] ?? new Float32Array();
        let dot = 0;
        for (let k = 0; k < v.length; k++) dot += (v[k] ?? 0) * (c.vector[k] ?? 0);
        expect(dot, JSON.stringify(c.text.slice(0, 40))).toBeGreaterThanOrEqual(0.9999);
      });
    } finally {
      await embedder.close();
    }
  });

  it('a pool of worker threads (long passes of the CLI) gives the same vectors as the model in this thread, batches at once', async () => {
    const texts = readJson<Fixture>('fixtures/embed/model-vectors.json').cases.map((c) => c.text);
    const here = await TransformersEmbedder.open({ model: modelDir }, 'test', false);
    const pool = await EmbedderPool.open({ model: modelDir }, 'test', 2);
    try {
      expect(pool.parallel).toBe(2);
      expect(pool.dimensions).toBe(here.dimensions);
      // One text a batch here too (a batch's padding moves the last bits of a vector).
      const expected: Float32Array[] = [];
      for (const t of texts) expected.push((await here.embedDocuments([t]))[0] as Float32Array);
      // One batch a text, all in flight: both workers answer, each vector lands with its own text.
      const pooled = await Promise.all(texts.map((t) => pool.embedDocuments([t]).then((v) => v[0])));
      expect(pooled.map((v) => Array.from(v ?? []))).toEqual(expected.map((v) => Array.from(v)));
    } finally {
      await Promise.all([here.close(), pool.close()]);
    }
  });
});
