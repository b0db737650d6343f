import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChunkedFile } from '../model.js';
import { type ChunkBudget, chunkFile } from './chunk-file.js';
import { MAX_REFS_PER_CHUNK, refsByChunk } from './extract-refs.js';
import { GrammarLoader } from './grammar-loader.js';
import { detectLanguage, GRAMMARS } from './languages.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const budget: ChunkBudget = { maxLines: 80, maxChars: 4000, minLines: 5, windowLines: 50 };
const loader = new GrammarLoader();

async function chunk(path: string, text: string): Promise<ChunkedFile> {
  const language = detectLanguage(path, text.split('\n', 1)[0]);
  const pending = loader.get(language);
  return chunkFile(path, language, text, pending ? await pending : undefined, budget, sha1);
}

/** Per grammar: a public function `publicEntry` that calls the helper `computeTotal` (and uses the type `Ledger`). */
const FIXTURES: Record<string, { path: string; text: string; type?: boolean }> = {
  typescript: {
    path: 'a.ts',
    type: true,
    text: `interface Ledger { n: number }\n\nfunction computeTotal(l: Ledger): number {\n  return l.n;\n}\n\nexport function publicEntry(l: Ledger): number {\n  return computeTotal(l) + 1;\n}\n`,
  },
  tsx: {
    path: 'a.tsx',
    type: true,
    text: `interface Ledger { n: number }\n\nfunction computeTotal(l: Ledger): number {\n  return l.n;\n}\n\nexport function publicEntry(l: Ledger) {\n  return <div>{computeTotal(l)}</div>;\n}\n`,
  },
  javascript: {
    path: 'a.js',
    text: `function computeTotal(l) {\n  return l.n;\n}\n\nexport function publicEntry(l) {\n  return computeTotal(l) + 1;\n}\n`,
  },
  python: {
    path: 'a.py',
    type: true,
    text: `class Ledger:\n    n = 0\n\n\ndef compute_total(l):\n    return l.n\n\n\ndef public_entry(l: Ledger) -> int:\n    return compute_total(l) + 1\n`,
  },
  go: {
    path: 'a.go',
    type: true,
    text: `package a\n\ntype Ledger struct{ n int }\n\nfunc computeTotal(l *Ledger) int {\n\treturn l.n\n}\n\nfunc PublicEntry(l *Ledger) int {\n\treturn computeTotal(l) + 1\n}\n`,
  },
  rust: {
    path: 'a.rs',
    type: true,
    text: `struct Ledger { n: i32 }\n\nfn compute_total(l: &Ledger) -> i32 {\n    l.n\n}\n\npub fn public_entry(l: &Ledger) -> i32 {\n    compute_total(l) + 1\n}\n`,
  },
  java: {
    path: 'A.java',
    type: true,
    text: `class A {\n  private int computeTotal(Ledger l) {\n    return l.n;\n  }\n\n  public int publicEntry(Ledger l) {\n    int t = computeTotal(l);\n    return t + 1;\n  }\n}\n`,
  },
  c: {
    path: 'a.c',
    type: true,
    text: `typedef struct { int n; } Ledger;\n\nstatic int compute_total(Ledger *l) {\n  return l->n;\n}\n\nint public_entry(Ledger *l) {\n  Ledger copy = *l;\n  return compute_total(&copy) + 1;\n}\n`,
  },
  cpp: {
    path: 'a.cpp',
    type: true,
    text: `struct Ledger { int n; };\n\nstatic int compute_total(const Ledger &l) {\n  return l.n;\n}\n\nint public_entry(const Ledger &l) {\n  Ledger copy = l;\n  return compute_total(copy) + 1;\n}\n`,
  },
  csharp: {
    path: 'A.cs',
    type: true,
    text: `class A {\n  private int ComputeTotal(Ledger l) {\n    return l.N;\n  }\n\n  public int PublicEntry(Ledger l) {\n    var t = ComputeTotal(l);\n    return t + 1;\n  }\n}\n`,
  },
  ruby: {
    path: 'a.rb',
    text: `def compute_total(l)\n  l.n\nend\n\ndef public_entry(l)\n  compute_total(l) + 1\nend\n`,
  },
  php: {
    path: 'a.php',
    type: true,
    text: `<?php\nfunction compute_total(Ledger $l) {\n  return $l->n;\n}\n\nfunction public_entry(Ledger $l) {\n  return compute_total($l) + 1;\n}\n`,
  },
};

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/(^|\.)_/g, '$1');

describe('extract refs: every grammar finds a call of a helper', () => {
  it('has a fixture for every grammar', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(Object.keys(GRAMMARS).sort());
  });
  for (const [language, fixture] of Object.entries(FIXTURES)) {
    it(language, async () => {
      const result = await chunk(fixture.path, fixture.text);
      expect(result.errors).toEqual([]);
      expect(result.refs.length).toBe(result.chunks.length);
      const entry = result.chunks.findIndex((c) => snake(c.symbol).endsWith('public_entry'));
      expect(entry, result.chunks.map((c) => c.symbol).join(',')).toBeGreaterThanOrEqual(0);
      const refs = result.refs[entry] ?? [];
      expect(refs.map(snake), refs.join(',')).toContain('compute_total');
      if (fixture.type) expect(refs).toContain('Ledger');
      // The helper's own chunk does not reference its caller.
      const helperChunk = result.chunks.findIndex((c) => snake(c.symbol).endsWith('compute_total'));
      expect(result.refs[helperChunk] ?? []).not.toContain(result.chunks[entry]?.symbol);
    });
  }
});

describe('refsByChunk', () => {
  it('gives a site to the smallest chunk covering it, deduplicated and capped', () => {
    const chunks = [
      { startLine: 1, endLine: 20 },
      { startLine: 5, endLine: 8 },
    ];
    const many = Array.from({ length: MAX_REFS_PER_CHUNK + 10 }, (_, i) => ({ name: `n${i}`, line: 12 }));
    const refs = refsByChunk(chunks, [
      { name: 'inner', line: 6 },
      { name: 'inner', line: 7 },
      { name: 'gone', line: 99 },
      ...many,
    ]);
    expect(refs[1]).toEqual(['inner']);
    expect(refs[0]?.length).toBe(MAX_REFS_PER_CHUNK);
    expect(refs[0]).not.toContain('inner');
  });

  it('never throws on broken source and keeps refs aligned with chunks', async () => {
    for (const [language, fixture] of Object.entries(FIXTURES)) {
      const broken = `${fixture.text.slice(0, fixture.text.length / 2)}\n}}}((( ${language}`;
      const result = await chunk(fixture.path, broken);
      expect(result.refs.length).toBe(result.chunks.length);
    }
  });
});
