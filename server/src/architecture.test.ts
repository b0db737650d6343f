// The dependency direction of ARCHITECTURE.md, checked on every import of every source file under server/src: no stage
// imports a higher one, front ends enter only through the engine, only protocol/ knows LSP, only config.ts reads the
// environment. Tests and test support are exempt (they may drive any layer).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './chunk/grammar-loader.js';

const SRC = join(packageRoot(), 'server', 'src');

/**
 * Layers, bottom first: a file may import its own layer or a lower one. The first matching prefix wins. lib.ts (the
 * benchmarks' entry, dist/lib.js) stands beside the engine: it re-exports internals, and nothing imports it.
 */
const LAYERS: [layer: number, prefixes: string[]][] = [
  [0, ['model.ts', 'config.ts']],
  [1, ['tokens/']],
  [2, ['chunk/', 'rank/', 'assemble/', 'eval/metrics.ts', 'eval/issue-metrics.ts']],
  [3, ['embed/', 'ingest/']],
  [4, ['store/', 'remote/']],
  [5, ['search/']],
  [6, ['index/']],
  [
    7,
    [
      'engine.ts',
      'engine-types.ts',
      'engine-context.ts',
      'engine-graph.ts',
      'engine-lock.ts',
      'engine-open.ts',
      'engine-recovery.ts',
      'engine-search.ts',
      'engine-remote.ts',
      'lib.ts',
    ],
  ],
  [8, ['protocol/', 'cli.ts', 'cli-', 'main.ts', 'eval/', 'mcp/']],
];
const FRONT_END = 8;
/** Files placed apart from their folder (none today). */
const PLACED: Record<string, number> = {};
/** What a front end may import outside its own folder: the door and the bottom layer, and the other entry points. */
const FRONT_END_MAY_IMPORT = [
  'engine.ts',
  'engine-types.ts',
  'config.ts',
  'model.ts',
  'main.ts',
  'eval/eval-command.ts',
  'mcp/mcp-command.ts',
];
/** Test support: imported by tests only, exempt like them. */
const TEST_SUPPORT = ['protocol/lsp-test-client.ts', 'store/test-files.ts', 'remote/test-postgres.ts'];

export interface SourceFile {
  /** Path relative to server/src, with `/`. */
  path: string;
  text: string;
}

/** A file's layer; undefined for a file the table does not place (a failure of its own). */
export function layerOf(path: string): number | undefined {
  if (PLACED[path] !== undefined) return PLACED[path];
  for (const [layer, prefixes] of LAYERS) if (prefixes.some((p) => path === p || path.startsWith(p))) return layer;
  return undefined;
}

/**
 * A file's folder (`protocol/`), or the file itself at the top; main.ts, the LSP entry, goes with protocol/, and the
 * cli-*.ts files go with cli.ts (one front end).
 */
function groupOf(path: string): string {
  if (path === 'main.ts') return 'protocol/';
  if (path.startsWith('cli-')) return 'cli.ts';
  return path.includes('/') ? path.slice(0, path.indexOf('/') + 1) : path;
}

/** Every module specifier of a file: static imports, re-exports, dynamic import() and import type. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The rule each import of `file` breaks, as readable lines (empty: none). */
export function violations(file: SourceFile): string[] {
  const out: string[] = [];
  const from = layerOf(file.path);
  if (from === undefined) return [`${file.path}: in no layer of architecture.test.ts; place it`];
  if (file.path !== 'config.ts' && /\bprocess\.env\b/.test(file.text))
    out.push(`${file.path}: reads process.env; only config.ts reads the environment`);
  for (const spec of importsOf(file.text)) {
    if (/^vscode-languageserver/.test(spec) && !file.path.startsWith('protocol/'))
      out.push(`${file.path} imports ${spec}: only protocol/ knows LSP`);
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file.path), spec)).replace(/\.js$/, '.ts');
    const to = layerOf(target);
    if (to === undefined) out.push(`${file.path} imports ${spec}: ${target} is in no layer`);
    else if (to > from) out.push(`${file.path} (layer ${from}) imports ${target} (layer ${to}): a stage never imports upward`);
    else if (from === FRONT_END && groupOf(target) !== groupOf(file.path) && !FRONT_END_MAY_IMPORT.includes(target))
      out.push(`${file.path} imports ${target}: front ends enter through engine.ts only`);
  }
  return out;
}

function sourceFiles(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
        const path = relative(SRC, abs).split(sep).join('/');
        if (!TEST_SUPPORT.includes(path)) out.push({ path, text: readFileSync(abs, 'utf8') });
      }
    }
  };
  walk(SRC);
  return out;
}

describe('architecture', () => {
  const files = sourceFiles();

  it('reads every source file', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.map((f) => f.path)).toContain('protocol/server.ts');
    expect(dirname(join(SRC, 'engine.ts'))).toBe(SRC);
  });

  it('no stage imports upward, front ends enter through the engine, only protocol/ knows LSP or config.ts the env', () => {
    expect(files.flatMap(violations)).toEqual([]);
  });

  // The rules themselves, on made-up files: each must catch what it is for.
  const check = (path: string, text: string, expected: RegExp | undefined) => {
    const found = violations({ path, text });
    if (expected) expect(found.join('\n')).toMatch(expected);
    else expect(found).toEqual([]);
  };
  it.each([
    ['rank/x.ts', "import { Store } from '../store/store.js';", /layer 2\) imports store\/store\.ts \(layer 4\)/],
    ['index/x.ts', "import type { Engine } from '../engine.js';", /imports engine\.ts \(layer 7\)/],
    ['store/x.ts', "export { lexical } from '../search/lexical.js';", /imports search\/lexical\.ts/],
    ['chunk/x.ts', "const m = await import('../embed/embedder.js');", /imports embed\/embedder\.ts/],
    ['engine.ts', "import { x } from './protocol/server.js';", /layer 7\) imports protocol\/server\.ts/],
    ['protocol/x.ts', "import { LiveIndex } from '../index/live-index.js';", /front ends enter through engine\.ts only/],
    ['cli.ts', "import { packContext } from './assemble/pack-context.js';", /front ends enter through engine\.ts only/],
    ['engine.ts', "import { ResponseError } from 'vscode-languageserver/node';", /only protocol\/ knows LSP/],
    ['embed/x.ts', 'const key = process.env.KEY;', /only config\.ts reads the environment/],
    ['newfolder/x.ts', '', /in no layer/],
    [
      'protocol/x.ts',
      "import { Engine } from '../engine.js';\nimport { ResponseError } from 'vscode-languageserver/node';",
      undefined,
    ],
    ['cli.ts', "import { runEvalCommand } from './eval/eval-command.js';", undefined],
    ['cli-x.ts', "import { truncate } from './cli-output.js';\nimport { Engine } from './engine.js';", undefined],
    ['cli-x.ts', "import { Store } from './store/store.js';", /front ends enter through engine\.ts only/],
    ['eval/run-eval.ts', "import { scoreQuery } from './metrics.js';", undefined],
    ['rank/x.ts', "import { parseQuery } from '../tokens/parse-query.js';", undefined],
    ['search/x.ts', "import type { Store } from '../store/store.js';", undefined],
    ['remote/x.ts', "import type { Store } from '../store/store.js';", undefined],
    ['remote/x.ts', "import { DenseSearch } from '../search/dense-search.js';", /layer 4\) imports search\/dense-search\.ts/],
  ])('%s: %s', (path, text, expected) => check(path, text, expected));
});
