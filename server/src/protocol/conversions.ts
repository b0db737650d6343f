// Conversions between the core's values and LSP's: file URIs ↔ repository-relative paths, 1-based line spans ↔ Ranges,
// chunk kinds ↔ SymbolKinds. Invariant: the core never sees a URI or a Position; only this folder makes them.
import { existsSync, realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Range, SymbolKind } from 'vscode-languageserver/node';

/** The absolute path of a `file:` URI (through symlinks when it exists), or undefined for any other URI. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    const abs = resolve(fileURLToPath(uri));
    return existsSync(abs) ? realpathSync(abs) : abs;
  } catch {
    return undefined;
  }
}

/** `abs` as a path relative to `root` with `/` separators, or undefined when it is not strictly inside `root`. */
export function pathInside(root: string, abs: string): string | undefined {
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(root, rel) !== abs) return undefined;
  return rel.split(sep).join('/');
}

/** The URI of a repository-relative path. */
export function fileUri(root: string, path: string): string {
  return pathToFileURL(`${root}/${path}`).toString();
}

/** Whole lines startLine..endLine (1-based, inclusive) as a Range: from the first line's start to the next line's. */
export function lineRange(startLine: number, endLine: number): Range {
  return { start: { line: startLine - 1, character: 0 }, end: { line: endLine, character: 0 } };
}

/** An LSP Position's line (0-based) as the core's 1-based line. */
export function positionLine(position: { line: number }): number {
  return position.line + 1;
}

const KIND: Record<string, SymbolKind> = {
  function: SymbolKind.Function,
  method: SymbolKind.Method,
  class: SymbolKind.Class,
  interface: SymbolKind.Interface,
  type: SymbolKind.TypeParameter,
  enum: SymbolKind.Enum,
  struct: SymbolKind.Struct,
  trait: SymbolKind.Interface,
  impl: SymbolKind.Class,
  module: SymbolKind.Module,
  constant: SymbolKind.Constant,
  variable: SymbolKind.Variable,
  field: SymbolKind.Field,
  macro: SymbolKind.Function,
};

/** The SymbolKind of a chunk kind (Variable for kinds LSP has no name for). */
export function symbolKind(kind: string): SymbolKind {
  return KIND[kind] ?? SymbolKind.Variable;
}
