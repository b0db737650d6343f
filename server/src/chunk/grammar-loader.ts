// Loads tree-sitter grammars (.wasm) and their tags queries (grammars/<lang>/tags.scm) once per process.
// Invariant: a grammar that fails to load is remembered as failed with its error; callers fall back to line windows.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRAMMARS } from './languages.js';
import type { LoadedGrammar } from './loaded-grammar.js';

export type { LoadedGrammar } from './loaded-grammar.js';

/** The codectx checkout: the folder holding package.json and grammars/, found from this module's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'grammars')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('codectx: cannot find its own grammars/ folder next to package.json');
    dir = up;
  }
}

/** The tree-sitter runtime is process-wide: initialising it twice at once breaks both, so it is done once here. */
let runtime: Promise<void> | undefined;

/** web-tree-sitter, imported by the first grammar load: a process that parses nothing (a search) never loads it. */
let treeSitter: Promise<typeof import('web-tree-sitter')> | undefined;

export class GrammarLoader {
  private readonly loaded = new Map<string, Promise<LoadedGrammar>>();
  private readonly queries = new Map<string, string>();
  private readonly wasmDir: string;
  private readonly queryDir: string;

  constructor(root = packageRoot()) {
    const require = createRequire(join(root, 'package.json'));
    this.wasmDir = join(dirname(require.resolve('@repomix/tree-sitter-wasms/package.json')), 'out');
    this.queryDir = join(root, 'grammars');
  }

  /**
   * What decides how files are cut, besides the chunker's code: every tags query, as text. Part of the index's chunking
   * fingerprint (index/prepare-file.ts), so that an edited query re-chunks the repository.
   */
  queriesText(): string {
    return Object.values(GRAMMARS)
      .map((spec) => {
        try {
          return this.querySource(spec.id);
        } catch {
          return '';
        }
      })
      .join('\0');
  }

  /**
   * A language's tags query, read once per process (like its grammar). A line `; inherits: a,b` (nvim-treesitter's
   * convention) puts the queries of grammars/a/tags.scm and grammars/b/tags.scm before the file's own patterns: the
   * patterns JavaScript and TypeScript share live once, in grammars/ecma; TSX inherits TypeScript; C and C++ share
   * grammars/c-family. The chunker keeps the earliest pattern's kind for a node, so inherited patterns win ties.
   */
  private querySource(id: string, seen: string[] = []): string {
    let source = this.queries.get(id);
    if (source === undefined) {
      if (seen.includes(id)) throw new Error(`grammars/${id}/tags.scm inherits from itself: ${[...seen, id].join(' → ')}`);
      const own = readFileSync(join(this.queryDir, id, 'tags.scm'), 'utf8');
      const parents = /^; inherits: *([\w,-]+) *$/m.exec(own)?.[1]?.split(',') ?? [];
      source = [...parents.map((p) => this.querySource(p, [...seen, id])), own].join('\n');
      this.queries.set(id, source);
    }
    return source;
  }

  /** The grammar for a language id, or undefined when the language has none. Rejects when loading failed. */
  get(language: string): Promise<LoadedGrammar> | undefined {
    const spec = GRAMMARS[language];
    if (!spec) return undefined;
    let grammar = this.loaded.get(language);
    if (!grammar) {
      grammar = this.load(spec.id, spec.wasm);
      // Keep the rejection observed here; callers await it and see the same error.
      grammar.catch(() => {});
      this.loaded.set(language, grammar);
    }
    return grammar;
  }

  private async load(id: string, wasm: string): Promise<LoadedGrammar> {
    treeSitter ??= import('web-tree-sitter');
    const { Language, Parser, Query } = await treeSitter;
    runtime ??= Parser.init();
    await runtime;
    const language = await Language.load(join(this.wasmDir, wasm));
    const query = new Query(language, this.querySource(id));
    const parser = new Parser();
    parser.setLanguage(language);
    return { id, parser, query };
  }
}
