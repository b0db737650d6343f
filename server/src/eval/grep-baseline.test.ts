import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRipgrep, grepFiles, queryWords, rankFiles, ToolMissingError } from './grep-baseline.js';

const hasRipgrep = spawnSync('rg', ['--version']).status === 0;

describe('queryWords', () => {
  const check = (query: string, expected: string[]) =>
    it(JSON.stringify(query), () => expect(queryWords(query)).toEqual(expected));
  check('How do I retry a failed request with the backoff?', ['retry', 'failed', 'request', 'backoff']);
  check('getUserName in user_store.py', ['getusername', 'user_store']);
  check('a an of to', []);
  check('cache cache CACHE', ['cache']);
});

describe('rankFiles', () => {
  it('orders by distinct words, then total matches, then path', () => {
    const f = (path: string, words: string[], matches: number) => ({ path, words: new Set(words), matches });
    const ranked = rankFiles([f('b', ['x'], 9), f('a', ['x', 'y'], 1), f('d', ['x'], 3), f('c', ['x'], 3)]);
    expect(ranked.map((r) => r.path)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('checkRipgrep', () => {
  it('says how to install ripgrep when it does not run', () => {
    expect(() => checkRipgrep('codectx-no-such-rg')).toThrow(ToolMissingError);
    expect(() => checkRipgrep('codectx-no-such-rg')).toThrow(/install ripgrep: apt-get install ripgrep/);
  });
});

describe.skipIf(!hasRipgrep)('grepFiles (needs rg: apt-get install ripgrep)', () => {
  it('ranks whole files by distinct query words found, case-insensitively', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'codectx-grep-'));
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(repo, rel)), { recursive: true });
      writeFileSync(join(repo, rel), text);
    };
    try {
      put('src/retry.ts', 'export function Retry() {}\n// backoff backoff backoff\n');
      put('src/queue.ts', 'const queue = [];\n// retry the queue with backoff\nexport {};\n');
      put('docs/readme.md', 'Retry.\n');
      put('other.txt', 'nothing here\n');
      const results = await grepFiles(repo, 'retry queue with backoff', 10);
      expect(results).toEqual([
        { path: 'src/queue.ts', startLine: 1, endLine: 3 },
        { path: 'src/retry.ts', startLine: 1, endLine: 2 },
        { path: 'docs/readme.md', startLine: 1, endLine: 1 },
      ]);
      expect(await grepFiles(repo, 'retry queue with backoff', 1)).toHaveLength(1);
      expect(await grepFiles(repo, 'the of', 10)).toEqual([]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
