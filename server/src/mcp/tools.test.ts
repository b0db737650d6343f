// The MCP tool handlers in-process, over a real live index (SQLite, grammars) without embeddings.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../config.js';
import { Engine } from '../engine.js';
import { context, MAX_ANSWER_CHARS, type RepoIndex, repoGlobs, search, status, symbols } from './tools.js';

let repo: string;
const temp: string[] = [];
const opened: RepoIndex[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temp.push(dir);
  return dir;
}

function put(rel: string, text: string): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), text);
}

function open(root: string): RepoIndex {
  const config = configFrom({ repo: root, indexDir: tempDir('codectx-mcp-tools-index-'), embeddings: 'none' });
  const live = Engine.live(config, { watch: false, debounceMs: 50, log: () => {} });
  const index = { root, live };
  opened.push(index);
  return index;
}

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

beforeAll(() => {
  repo = tempDir('codectx-mcp-tools-');
  // Sixty ledgers whose snippets are long lines: fifty results of them do not fit in one answer.
  const long = 'x'.repeat(150);
  for (let i = 0; i < 60; i++) {
    put(
      `ledger/entry${i}.ts`,
      `export function postLedgerEntry${i}(amount: number): string {\n  const ledger = '${long}';\n  const ledgerNote = '${long}';\n  return ledger + ledgerNote + amount;\n}\n`,
    );
  }
  put('docs/guide.md', '# Guide\n\nThe ledger keeps entries.\n\n```ts\nconst fence = "```";\n```\n');
  put('src/queue.py', 'class JobQueue:\n    def push_job(self, job):\n        return job\n');
});

afterAll(async () => {
  for (const i of opened) await i.live.dispose();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

describe('repoGlobs', () => {
  const check = (globs: string[], expected: string[] | RegExp) => {
    if (expected instanceof RegExp) expect(() => repoGlobs('/repo', globs)).toThrow(expected);
    else expect(repoGlobs('/repo', globs)).toEqual(expected);
  };
  it('keeps relative globs, makes absolute paths inside the repository relative, refuses paths outside it', () => {
    check(['src/**', '*.go', 'net/http/'], ['src/**', '*.go', 'net/http/']);
    check(['/repo/src/**'], ['src/**']);
    check(['/repo'], ['*']);
    check(['/repo/'], ['*']);
    check(['../other/**'], /paths\[0\] "..\/other\/\*\*" is outside the repository \/repo/);
    check(['src/../../etc'], /outside the repository/);
    check(['/etc/passwd'], /outside the repository/);
    check(['/repository-sibling/x'], /outside the repository/);
    check(['  '], /paths\[0\] is empty/);
  });
  it('reads a folder named without a glob as the files under it', () => {
    expect(repoGlobs(repo, ['ledger', join(repo, 'src'), 'ledger/entry1.ts'])).toEqual(['ledger/', 'src/', 'ledger/entry1.ts']);
  });
});

describe('the tool handlers', () => {
  let index: RepoIndex;

  beforeAll(async () => {
    index = open(repo);
    await index.live.start();
  });

  it('answer partially while the index starts, from the first call on', async () => {
    const early = open(repo);
    const started = early.live.start();
    const r = await search(early, { query: 'ledger' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ partial: true });
    expect(text(r)).toMatch(/^partial: true \(indexing is still running/);
    expect(status(early).structuredContent).toMatchObject({ partial: true });
    await started;
  });

  it('search says when it left results out to stay under the size cap', async () => {
    const r = await search(index, { query: 'ledger', limit: 50, mode: 'lexical' });
    const shown = (r.structuredContent as { results: unknown[]; truncated: boolean }).results.length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(50);
    expect(text(r).length).toBeLessThanOrEqual(MAX_ANSWER_CHARS + 200);
    expect(text(r)).toContain(`truncated: ${50 - shown} more results left out to stay under ${MAX_ANSWER_CHARS} characters`);
    expect(r.structuredContent).toMatchObject({ partial: false, truncated: true, mode: 'lexical' });
  });

  it('search without embeddings: hybrid says it matched words only, dense is an input error', async () => {
    const hybrid = await search(index, { query: 'push job' });
    expect(text(hybrid)).toContain('mode: lexical (embeddings are not ready yet');
    const dense = await search(index, { query: 'push job', mode: 'dense' });
    expect(dense.isError).toBe(true);
    expect(text(dense)).toMatch(/^mode "dense" is not available yet .*; use mode "hybrid" or "lexical"$/);
  });

  it('search names the languages the index has when a language filter matches nothing', async () => {
    const r = await search(index, { query: 'ledger', languages: ['rust'] });
    expect(r.isError).toBeFalsy();
    expect(text(r)).toMatch(/no results for "ledger"; this index has no rust files \(languages here: .*typescript/);
  });

  it('context packs whole chunks into the budget, as Markdown with safe fences or as XML', async () => {
    const md = await context(index, { question: 'guide ledger entries fence', budgetTokens: 400 });
    const s = md.structuredContent as { usedTokens: number; chunks: { citation: string }[] };
    expect(s.usedTokens).toBeLessThanOrEqual(400);
    expect(s.chunks.map((c) => c.citation)).toContain('docs/guide.md:1-7');
    // The chunk holds a ``` fence: its own block opens with a longer one.
    expect(text(md)).toContain('### docs/guide.md:1-7 Guide\n````markdown\n# Guide');
    const xml = await context(index, { question: 'push job', budgetTokens: 400, format: 'xml' });
    expect(text(xml)).toMatch(/<block path="src\/queue\.py" lines="1-\d+" symbols="[^"]*JobQueue[^"]*"[^>]*>\nclass JobQueue:/);
  });

  it('symbols filters by kind and says when nothing matches', async () => {
    const r = await symbols(index, { name: 'push_job', kind: 'method' });
    expect(text(r)).toContain('src/queue.py:2-3  JobQueue.push_job  method');
    expect(text(await symbols(index, { name: 'push_job', kind: 'class' }))).toContain(
      'no definition matches "push_job" with kind class',
    );
  });

  it('status gives files, chunks, embeddings, last update and what is still indexing', () => {
    const r = status(index);
    expect(r.structuredContent).toMatchObject({ partial: false, files: 62, embeddedPercent: 0, stillIndexing: 'nothing' });
    expect(text(r)).toMatch(/files: 62, chunks: \d+/);
    expect(text(r)).toMatch(/last update: \d{4}-/);
  });

  it('an index that cannot be opened gives isError results, not exceptions', async () => {
    const broken = open(join(repo, 'no-such-folder'));
    await broken.live.start();
    const r = await search(broken, { query: 'ledger' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/could not be opened: .*no-such-folder is not a folder/);
    expect(status(broken).isError).toBe(true);
  });
});
