import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Chunk, ChunkedFile } from '../model.js';
import { type ChunkBudget, chunkFile } from './chunk-file.js';
import { GrammarLoader, type LoadedGrammar, packageRoot } from './grammar-loader.js';
import { detectLanguage, GRAMMARS } from './languages.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

const budget: ChunkBudget = { maxLines: 80, maxChars: 4000, minLines: 5, windowLines: 50 };
const fixtures = join(packageRoot(), 'fixtures', 'chunk');
const loader = new GrammarLoader();

async function chunk(path: string, text: string): Promise<ChunkedFile> {
  const language = detectLanguage(path, text.split('\n', 1)[0]);
  const pending = loader.get(language);
  return chunkFile(path, language, text, pending ? await pending : undefined, budget, sha1);
}

/** A readable snapshot: one header line per chunk, then its content indented. */
function render(result: ChunkedFile): string {
  const out: string[] = [];
  for (const c of result.chunks) {
    const meta = [c.kind, c.symbol && `symbol=${c.symbol}`, c.parent && `parent=${c.parent}`, c.signature && `sig=${c.signature}`]
      .filter(Boolean)
      .join(' ');
    out.push(`== ${c.startLine}-${c.endLine} bytes ${c.startByte}-${c.endByte} ${meta}${c.doc ? ' +doc' : ''}`);
    for (const line of c.content.split('\n')) out.push(`  ${line}`.trimEnd());
  }
  out.push(`== symbols: ${result.symbols.map((s) => `${s.qualified}:${s.kind}@${s.startLine}`).join(', ')}`);
  if (result.errors.length) out.push(`== errors: ${result.errors.join('; ')}`);
  return `${out.join('\n')}\n`;
}

/** The invariants every chunking must keep, whatever the input. */
function checkInvariants(text: string, chunks: Chunk[]): void {
  const lines = text.split('\n');
  const bytes = Buffer.from(text, 'utf8');
  for (const c of chunks) {
    expect(c.startLine).toBeGreaterThanOrEqual(1);
    expect(c.endLine).toBeGreaterThanOrEqual(c.startLine);
    expect(c.endLine).toBeLessThanOrEqual(lines.length);
    // The byte range covers exactly the chunk's lines.
    const covered = bytes.subarray(c.startByte, c.endByte).toString('utf8');
    expect(covered).toBe(lines.slice(c.startLine - 1, c.endLine).join('\n'));
  }
  // No line is lost: every non-blank line is in the content of a chunk whose range covers it.
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const n = i + 1;
    const found = chunks.some((c) => c.startLine <= n && n <= c.endLine && c.content.includes(line));
    if (!found) throw new Error(`line ${n} is in no chunk: ${JSON.stringify(line)}`);
  });
}

const cases = readdirSync(fixtures).flatMap((lang) =>
  readdirSync(join(fixtures, lang))
    .filter((f) => !f.endsWith('.snap'))
    .map((file) => ({ lang, file, path: join(fixtures, lang, file) })),
);

describe('chunk snapshots (fixtures/chunk/<lang>/<case>)', () => {
  it('has fixtures for every language with a grammar, Markdown and plain text', () => {
    const langs = new Set(cases.map((c) => c.lang));
    for (const lang of [...Object.keys(GRAMMARS), 'markdown', 'text']) expect(langs).toContain(lang);
  });

  for (const { lang, file, path } of cases) {
    it(`${lang}/${file}`, async () => {
      const text = readFileSync(path, 'utf8');
      const result = await chunk(`${lang}/${file}`, text);
      checkInvariants(text, result.chunks);
      if (lang !== 'text' && lang !== 'markdown') expect(result.errors).toEqual([]);
      await expect(render(result)).toMatchFileSnapshot(`${path}.snap`);
    });
  }
});

describe('chunking rules, on every language', () => {
  for (const lang of Object.keys(GRAMMARS)) {
    const files = cases.filter((c) => c.lang === lang);
    it(`${lang}: definitions with doc comments, qualified members, and a long function split with its header`, async () => {
      const chunks: Chunk[] = [];
      for (const f of files) chunks.push(...(await chunk(`${lang}/${f.file}`, readFileSync(f.path, 'utf8'))).chunks);
      expect(chunks.some((c) => c.doc.length > 0)).toBe(true);
      // C has no members; the TSX fixtures are components and functions.
      if (lang !== 'tsx' && lang !== 'c') expect(chunks.some((c) => /\./.test(c.symbol) && c.parent !== '')).toBe(true);
      // A definition over budget is cut into parts; parts after the first begin with the signature line.
      const bySymbol = new Map<string, Chunk[]>();
      for (const c of chunks.filter((c) => c.kind === 'function' || c.kind === 'method')) {
        bySymbol.set(`${c.path}#${c.symbol}`, [...(bySymbol.get(`${c.path}#${c.symbol}`) ?? []), c]);
      }
      const split = [...bySymbol.values()].filter((parts) => parts.length > 1);
      expect(split.length).toBeGreaterThan(0);
      for (const parts of split) {
        const first = parts[0] as Chunk;
        for (const part of parts.slice(1)) {
          // The header is the definition's first line: it opens the signature and is a line of the first part.
          const header = part.content.split('\n')[0] ?? '';
          expect(header.length).toBeGreaterThan(0);
          expect(first.signature.startsWith(header.replace(/\s+/g, ' ').replace(/\s*\{$/, ''))).toBe(true);
          expect(first.content.split('\n').map((l) => l.trim())).toContain(header);
        }
      }
      // Within budget (a quarter of slack for a short tail, one line for a part's header). A skeleton spans its whole
      // container but holds only the container's own lines and member signatures.
      for (const c of chunks) expect(c.content.split('\n').length).toBeLessThanOrEqual(budget.maxLines * 1.25 + 1);
    });
  }
});

describe('doc comments', () => {
  it('a /** */ block one blank line above a member documents it; a // comment must touch it; two blank lines part them', async () => {
    const text = [
      'class Option {',
      '  /**',
      '   * Set the environment variable to read.',
      '   */',
      '',
      '  env(name) {',
      '    this.envVar = name;',
      '  }',
      '',
      '  // Section: presets',
      '',
      '  preset(arg) {',
      '    this.presetArg = arg;',
      '    this.hasPreset = true;',
      '    return this;',
      '  }',
      '',
      '  /** Hide from help. */',
      '',
      '',
      '  hideHelp() {',
      '    this.hidden = true;',
      '    this.listed = false;',
      '    return this;',
      '  }',
      '}',
      '',
    ].join('\n');
    const { chunks } = await chunk('lib/option.js', text);
    const by = (symbol: string) => chunks.find((c) => c.symbol === symbol);
    expect(by('Option.env')?.startLine).toBe(2);
    expect(by('Option.env')?.doc).toContain('environment variable');
    expect(by('Option.preset')?.startLine).toBe(12);
    expect(by('Option.preset')?.doc).toBe('');
    expect(by('Option.hideHelp')?.startLine).toBe(21);
    checkInvariants(text, chunks);
  });
});

describe('skeletons over budget', () => {
  it('are packed into parts: a comment or a two-line member between members is no chunk of its own', async () => {
    const doc = Array.from({ length: 170 }, (_, i) => `    line ${i} of a long class docstring`);
    const body = (name: string) => [
      `    def ${name}(self):`,
      ...Array.from({ length: 8 }, (_, i) => `        x${i} = ${i}`),
      '        return x0',
    ];
    const text = [
      'class Field:',
      '    """',
      ...doc,
      '    """',
      '',
      ...body('serialize'),
      '',
      '    def __deepcopy__(self, memo):',
      '        return copy.copy(self)',
      '',
      '    # Methods for concrete classes to override.',
      '',
      ...body('deserialize'),
      '',
      '    # Properties',
      '',
      ...body('context'),
      '',
    ].join('\n');
    const { chunks } = await chunk('fields.py', text);
    const parts = chunks.filter((c) => c.symbol === 'Field');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.content.split('\n').length).toBeGreaterThan(3);
    // The small member and the comments are in a part, with the members' signatures.
    expect(parts.at(-1)?.content).toContain('# Properties');
    expect(parts.some((p) => p.content.includes('def __deepcopy__(self, memo):'))).toBe(true);
    checkInvariants(text, chunks);
  });
});

describe('CommonJS classes', () => {
  it('`module.exports.X = class X {}` is a class: its methods are X.method, not a bare method name', async () => {
    const text = [
      "const fs = require('fs')",
      '',
      'module.exports.NotFoundError = class NotFoundError extends Error {',
      '  constructor (cache, key) {',
      "    super('No cache entry for ' + key)",
      "    this.code = 'ENOENT'",
      '    this.cache = cache',
      '    this.key = key',
      '  }',
      '}',
      '',
    ].join('\n');
    const { chunks, symbols } = await chunk('lib/entry-index.js', text);
    expect(chunks.map((c) => c.symbol)).toContain('NotFoundError.constructor');
    expect(symbols.map((s) => `${s.qualified}:${s.kind}`)).toContain('NotFoundError:class');
    checkInvariants(text, chunks);
  });
});

describe('object literals', () => {
  it('members of a top-level object are functions of their own; a declared object is their container', async () => {
    const body = ['    const a = 1', '    const b = 2', '    return a + b'];
    const member = (head: string, close = '  },') => [`  ${head}`, ...body, close];
    const text = [
      "'use strict'",
      'module.exports = {',
      '  /** Whether the token is a comma. */',
      ...member('isCommaToken(token) {'),
      ...member('getName: function (node) {'),
      '  VERSION: 3,',
      '}',
      '',
      'const rulesSchema = {',
      ...member('merge(first, second) {'),
      ...member('validate: (value) => {'),
      '}',
      '',
      'function create(context) {',
      '  return {',
      ...member('Identifier(node) {'),
      '  }',
      '}',
      '',
    ].join('\n');
    for (const path of ['lib/ast-utils.js', 'src/ast-utils.ts', 'src/ast-utils.tsx']) {
      const { chunks, symbols } = await chunk(path, text);
      const kinds = chunks.map((c) => `${c.symbol}:${c.kind}`);
      expect(kinds).toEqual(
        expect.arrayContaining([
          'isCommaToken:function',
          'getName:function',
          'rulesSchema.merge:method',
          'rulesSchema.validate:method',
        ]),
      );
      expect(chunks.find((c) => c.symbol === 'isCommaToken')?.doc).toContain('Whether the token is a comma.');
      // The declared object keeps a skeleton chunk of its own instead of merging into its neighbours.
      expect(kinds).toContain('rulesSchema:constant');
      // An object a function returns stays part of the function.
      expect(symbols.map((s) => s.qualified)).not.toContain('Identifier');
      expect(chunks.find((c) => c.symbol === 'create')?.content).toContain('Identifier(node) {');
      checkInvariants(text, chunks);
    }
  });
});

describe('kernel C', () => {
  const text = [
    'static int nr_users;',
    'static const struct file_operations ring_fops = {',
    '\t.read = ring_read,',
    '};',
    'static struct file_system_type ring_fs_type = { .name = "ring" };',
    '',
    'SYSCALL_DEFINE3(ring_peek, unsigned int, fd, char __user *, buf, size_t, count)',
    '{',
    '\treturn count;',
    '}',
    '',
    '#ifdef CONFIG_COMPAT',
    'COMPAT_SYSCALL_DEFINE1(ring_peek, unsigned int, fd)',
    '{',
    '\treturn 0;',
    '}',
    '#endif',
    'SYSCALL_DEFINE0(ring_reset)',
    '{',
    '\treturn 0;',
    '}',
  ].join('\n');

  it('SYSCALL_DEFINEn(name, …) { … } is a function named sys_name (compat_sys_name), its body included', async () => {
    const { chunks, symbols } = await chunk('kernel/ring.c', text);
    const fn = (symbol: string) => chunks.find((c) => c.symbol === symbol);
    expect(
      [fn('sys_ring_peek'), fn('compat_sys_ring_peek'), fn('sys_ring_reset')].map((c) => c && [c.kind, c.startLine, c.endLine]),
    ).toEqual([
      ['function', 7, 10],
      ['function', 13, 16],
      ['function', 18, 21],
    ]);
    expect(fn('sys_ring_peek')?.signature).toBe(
      'SYSCALL_DEFINE3(ring_peek, unsigned int, fd, char __user *, buf, size_t, count)',
    );
    expect(symbols.map((s) => s.name)).toEqual(
      expect.arrayContaining(['sys_ring_peek', 'compat_sys_ring_peek', 'sys_ring_reset']),
    );
  });

  it('a struct table filled by an initializer list is a chunk of its own; a plain variable still merges', async () => {
    const { chunks } = await chunk('kernel/ring.c', text);
    expect(chunks.filter((c) => c.startLine <= 5).map((c) => [c.symbol, c.startLine, c.endLine])).toEqual([
      ['nr_users', 1, 1],
      ['ring_fops', 2, 4],
      ['ring_fs_type', 5, 5],
    ]);
  });
});

describe('Markdown headings', () => {
  it('a section is named by the words a reader sees: badges dropped, links and HTML reduced to their text', async () => {
    const text = [
      '# cacache [![npm](https://img.shields.io/npm/v/cacache.svg)](https://npm.im/cacache)',
      '',
      'Intro.',
      '',
      '## <a name="rm"></a> [rm.entry](#rm-entry) removes an entry',
      '',
      'Text.',
      '',
    ].join('\n');
    const { chunks } = await chunk('README.md', text);
    expect(chunks.map((c) => c.symbol)).toEqual(['cacache', 'cacache > rm.entry removes an entry']);
  });
});

describe('parsing never throws', () => {
  it('falls back to line windows when the parser fails, and says so', () => {
    const broken: LoadedGrammar = {
      id: 'typescript',
      parser: {
        parse: () => {
          throw new Error('boom');
        },
      } as unknown as LoadedGrammar['parser'],
      query: {} as LoadedGrammar['query'],
    };
    const text = 'const a = 1;\nfunction f() {\n  return a;\n}\n';
    const result = chunkFile('x.ts', 'typescript', text, broken, budget, sha1);
    expect(result.parseFailed).toBe(true);
    expect(result.errors[0]).toMatch(/x\.ts: typescript parse failed.*boom/);
    expect(result.chunks.map((c) => c.kind)).toEqual(['window']);
    checkInvariants(text, result.chunks);
  });

  it('keeps every line of arbitrary bytes in every grammar', async () => {
    // A deterministic generator: the same garbage on every run.
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    // Code points, not UTF-16 units: text reaching the chunker comes from a UTF-8 decoder, never with lone surrogates.
    const alphabet = Array.from('{}()[];:,.<>=+-*/"\'`#\\\n\n\t  abcXYZ_019é😀\u0000\ufffd');
    const decoder = new TextDecoder('utf-8', { fatal: false });
    for (const lang of Object.keys(GRAMMARS)) {
      const ext = {
        typescript: 'ts',
        tsx: 'tsx',
        javascript: 'js',
        python: 'py',
        go: 'go',
        rust: 'rs',
        java: 'java',
        c: 'c',
        cpp: 'cpp',
        csharp: 'cs',
        ruby: 'rb',
        php: 'php',
      }[lang];
      for (let round = 0; round < 3; round++) {
        const chars = Array.from({ length: 600 }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
        // Half the rounds are raw bytes, invalid UTF-8 included, decoded as the indexer decodes files.
        const text = round % 2 ? decoder.decode(Uint8Array.from({ length: 600 }, () => Math.floor(rand() * 256))) : chars;
        const result = await chunk(`garbage.${ext}`, text);
        checkInvariants(text, result.chunks);
      }
    }
  });
});
