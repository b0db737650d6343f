import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { Engine, RepositoryError } from './engine.js';

let repo: string;
let indexDir: string;
let engine: Engine | undefined;

function put(rel: string, content: string): void {
  const abs = join(repo, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

function open(): Engine {
  void engine?.close();
  engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
  return engine;
}

const paths = async (e: Engine, q: string) => (await e.search(q, { limit: 20 })).results.map((r) => `${r.path}:${r.symbol}`);
/** Results whose symbol is exactly `name` (other chunks may still match a query by path or by word). */
const defined = async (e: Engine, name: string) => (await paths(e, name)).filter((p) => p.endsWith(`:${name}`));

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-repo-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-index-'));
  put(
    'src/retry.ts',
    `/** Retries a failed request with exponential backoff. */
export async function retryWithBackoff(fn: () => Promise<Response>, attempts = 3): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(2 ** i * 100);
    }
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
`,
  );
  put(
    'src/cache.py',
    `class StaleCache:
    """A cache whose entries go stale after a time to live."""

    def is_stale(self, entry, now):
        """Decides whether a cached entry is stale."""
        age = now - entry.created_at
        return age > self.ttl
`,
  );
  put('docs/guide.md', '# Guide\n\n## Retries\n\nFailed requests are retried three times.\n');
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

describe('Engine', () => {
  it('indexes a repository and finds definitions by name, by words, and by path', async () => {
    const e = open();
    const report = await e.index();
    expect(report).toMatchObject({ filesSeen: 3, filesIndexed: 3, filesUnchanged: 0, parseFailures: 0 });
    expect((await paths(e, 'retryWithBackoff'))[0]).toBe('src/retry.ts:retryWithBackoff');
    expect((await paths(e, 'retry with backoff'))[0]).toBe('src/retry.ts:retryWithBackoff');
    expect((await paths(e, 'is_stale'))[0]).toBe('src/cache.py:StaleCache.is_stale');
    expect((await paths(e, 'how do we decide a cached entry is stale'))[0]).toMatch(/^src\/cache\.py:StaleCache/);
    expect((await paths(e, 'guide.md retries'))[0]).toBe('docs/guide.md:Guide > Retries');
    const status = e.status();
    expect(status).toMatchObject({ files: 3, languages: { typescript: 1, python: 1, markdown: 1 } });
  });

  it('re-reads only what changed, and an edit, a delete and a rename leave no trace', async () => {
    const e = open();
    await e.index();
    expect(await e.index()).toMatchObject({ filesIndexed: 0, filesUnchanged: 3, filesDeleted: 0 });

    put('src/retry.ts', 'export function circuitBreaker() {\n  return "open";\n}\n');
    const edited = await e.index();
    expect(edited).toMatchObject({ filesIndexed: 1, filesUnchanged: 2 });
    expect(await defined(e, 'retryWithBackoff')).toEqual([]);
    expect(await defined(e, 'circuitBreaker')).toEqual(['src/retry.ts:circuitBreaker']);

    renameSync(join(repo, 'src/cache.py'), join(repo, 'src/stale_cache.py'));
    expect(await e.index()).toMatchObject({ filesIndexed: 1, filesDeleted: 1 });
    expect(await paths(e, 'is_stale')).toEqual(['src/stale_cache.py:StaleCache.is_stale', 'src/stale_cache.py:StaleCache']);

    rmSync(join(repo, 'docs/guide.md'));
    expect(await e.index()).toMatchObject({ filesDeleted: 1 });
    expect((await paths(e, 'Guide retries')).filter((p) => p.startsWith('docs/'))).toEqual([]);
    expect(e.status()).toMatchObject({ files: 2 });
  });

  it('a touched file with the same content is not re-chunked', async () => {
    const e = open();
    await e.index();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(repo, 'src/retry.ts'), later, later);
    expect(await e.index()).toMatchObject({ filesIndexed: 0, filesUnchanged: 3 });
    // The new mtime was recorded: the next run does not even hash it.
    expect(await e.index()).toMatchObject({ filesIndexed: 0, filesUnchanged: 3 });
  });

  it('chunks cut by other rules (an upgraded chunker, an edited tags query) are re-cut once, files unchanged', async () => {
    const e = open();
    await e.index();
    const current = e.meta('chunking');
    expect(current).toMatch(/^[0-9a-f]{16}$/);
    e.setMeta('chunking', 'an older chunker');
    expect(await e.index()).toMatchObject({ filesIndexed: 3, filesUnchanged: 0, recut: true });
    expect(e.meta('chunking')).toBe(current);
    expect(await e.index()).toMatchObject({ filesIndexed: 0, filesUnchanged: 3, recut: false });
    // Other budgets are other rules too.
    const other = Engine.open(makeConfig(repo, { indexDir, maxChunkLines: 40, embedder: { provider: 'none' } }));
    expect(await other.index()).toMatchObject({ filesIndexed: 3 });
    expect(other.meta('chunking')).not.toBe(current);
    await other.close();
  });

  it('a file that turns binary or becomes a secret leaves the index', async () => {
    const e = open();
    await e.index();
    writeFileSync(join(repo, 'src/retry.ts'), Buffer.from([0x41, 0x00, 0x42]));
    expect(await e.index()).toMatchObject({ filesDeleted: 1 });
    expect(await defined(e, 'retryWithBackoff')).toEqual([]);
    expect(e.status().skipped).toMatchObject({ binary: 1 });
  });

  it('answers any query text without throwing', async () => {
    const e = open();
    await e.index();
    const trace = Array.from({ length: 120 }, (_, i) => `  at retryWithBackoff (src/retry.ts:${i}:3)`).join('\n');
    for (const q of [
      '',
      '"',
      'AND',
      'NEAR(',
      '*',
      'a OR',
      '-x',
      'col:val',
      '\u0000',
      '😀',
      `Error: boom\n${trace}`,
      'x'.repeat(5000),
    ]) {
      await expect(e.search(q)).resolves.toBeDefined();
    }
    expect((await paths(e, `Error: request failed\n${trace}`))[0]).toBe('src/retry.ts:retryWithBackoff');
  });

  it('rebuilds a corrupt index and says so', async () => {
    let e = open();
    await e.index();
    await e.close();
    engine = undefined;
    for (const f of readdirSync(indexDir)) rmSync(join(indexDir, f));
    writeFileSync(join(indexDir, 'index.sqlite'), 'this is not a database'.repeat(100));
    const warnings: string[] = [];
    e = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }), (w) => warnings.push(w));
    engine = e;
    expect(warnings[0]).toMatch(/is corrupt.*moved it to .*index\.sqlite\.corrupt-\d+.*rebuilding/);
    await e.index();
    expect((await paths(e, 'retryWithBackoff'))[0]).toBe('src/retry.ts:retryWithBackoff');
  });

  it('refuses an index that belongs to another repository, and a missing repository', () => {
    open();
    engine?.close();
    engine = undefined;
    const other = mkdtempSync(join(tmpdir(), 'codectx-other-'));
    try {
      expect(() => Engine.open(makeConfig(other, { indexDir }))).toThrow(/belongs to .*use another --index-dir/);
      expect(() => Engine.open(makeConfig(join(other, 'nope'), { indexDir }))).toThrow(RepositoryError);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
