// Pure. The definitions of a file from its tags query's matches: each `@definition.<kind>` with its `@name`, `@scope`
// and `@doc` (`@extent`, `@standalone` and `#set! name.prefix` for C macro-wrapped definitions), widened to its doc
// comments, attributes and wrappers, and nested by containment (a class's methods).
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { ChunkKind, SymbolDef } from '../model.js';
import type { SourceLines } from './source-lines.js';

/** The `@definition.<kind>` captures that make definitions; other kinds are ignored. */
const KINDS = new Set<ChunkKind>([
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'struct',
  'trait',
  'impl',
  'module',
  'constant',
  'variable',
  'field',
  'macro',
]);
/** Kinds whose members are cut around (a skeleton plus the members' chunks). */
export const CLASS_LIKE = new Set<ChunkKind>(['class', 'interface', 'struct', 'trait', 'impl', 'enum', 'module']);
/** Functions and methods: never cut into members, never merged with neighbours. */
export const CALLABLE = new Set<ChunkKind>(['function', 'method']);
/** Nodes that wrap a definition and belong to it (decorators, `export`, templates, `declare`). */
const WRAPPERS = new Set(['decorated_definition', 'export_statement', 'template_declaration', 'ambient_declaration']);
/** Siblings just above a definition that belong to it: doc comments and attributes. */
const ATTACHED = /comment|^attribute_item$|^attribute$|^decorator$|^annotation$/;
/** A documentation block comment (`/** … *\/`), which may stand one blank line above what it documents. */
const DOC_BLOCK = /^\/\*\*(?!\/)/;

/** One definition of the file, with its place, its signature's extent and its members. */
export interface Def {
  node: Node;
  kind: ChunkKind;
  name: string;
  scope: string;
  docNode: Node | undefined;
  /** First line of the definition with its doc comment, attributes and wrappers (1-based). */
  start: number;
  /** First line of the definition node itself. */
  nodeStart: number;
  end: number;
  /** Last line of the signature: the line before the body starts, or the first line. */
  signatureEnd: number;
  doc: string;
  qualified: string;
  parent: Def | undefined;
  children: Def[];
  /** A sibling the definition runs on over (`@extent`: the body of a macro-wrapped function such as SYSCALL_DEFINE). */
  extent: Node | undefined;
  /** Never merged with its neighbours (`@standalone`: a C table filled by an initializer list). */
  standalone: boolean;
}

/** A definition as the store keeps it (the symbols table). */
export function toSymbol(d: Def): SymbolDef {
  return {
    name: d.name,
    qualified: d.qualified,
    kind: d.kind,
    startLine: d.nodeStart,
    endLine: d.end,
    parent: qualifierOf(d),
  };
}

/** What qualifies a definition's name: `ns.Foo` for `ns.Foo.bar`, '' at the top level. */
export function qualifierOf(d: Def): string {
  return d.qualified.length > d.name.length ? d.qualified.slice(0, d.qualified.length - d.name.length - 1) : '';
}

/**
 * The definitions of the matches (sorted by pattern: the earlier pattern's kind wins for a node captured twice), in
 * source order, each linked to its parent and children, qualified by its enclosing definitions and written scope.
 */
export function collectDefs(matches: QueryMatch[], src: SourceLines): Def[] {
  const byId = new Map<number, Def>();
  // `@standalone` marks a node that some definition pattern captures; its own pattern defines nothing.
  const standalone = new Set<number>();
  for (const match of matches) for (const c of match.captures) if (c.name === 'standalone') standalone.add(c.node.id);
  for (const match of matches) {
    let defNode: Node | undefined;
    let kind: ChunkKind | undefined;
    let nameNode: Node | undefined;
    let scope = '';
    let docNode: Node | undefined;
    let extent: Node | undefined;
    for (const capture of match.captures) {
      if (capture.name.startsWith('definition.')) {
        const k = capture.name.slice('definition.'.length) as ChunkKind;
        if (KINDS.has(k)) {
          defNode = capture.node;
          kind = k;
        }
      } else if (capture.name === 'name') nameNode = capture.node;
      else if (capture.name === 'scope') scope = capture.node.text;
      else if (capture.name === 'doc') docNode = capture.node;
      else if (capture.name === 'extent') extent = capture.node;
    }
    if (!defNode || !kind || !nameNode) continue;
    const existing = byId.get(defNode.id);
    if (existing) {
      if (!existing.docNode && docNode) {
        existing.docNode = docNode;
        existing.doc = docNode.text;
      }
      if (!existing.scope) existing.scope = scope;
      continue;
    }
    // `#set! name.prefix`: a name the source spells in parts (SYSCALL_DEFINE3(read, …) defines sys_read).
    const name = `${match.setProperties?.['name.prefix'] ?? ''}${nameNode.text}`;
    const def = makeDef(defNode, kind, name, scope, docNode, src, extent);
    def.standalone = standalone.has(defNode.id);
    byId.set(defNode.id, def);
  }
  const defs = [...byId.values()].sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
  // Nesting by containment of the definition nodes.
  const stack: Def[] = [];
  for (const def of defs) {
    while (stack.length) {
      const top = stack[stack.length - 1] as Def;
      if (def.node.startIndex >= top.node.startIndex && def.node.endIndex <= top.node.endIndex) break;
      stack.pop();
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      def.parent = parent;
      parent.children.push(def);
      // A function in a class, or in a declared object literal (`const api = { get() {} }`), is a method.
      if (
        def.kind === 'function' &&
        ((CLASS_LIKE.has(parent.kind) && parent.kind !== 'module') || parent.kind === 'constant' || parent.kind === 'variable')
      )
        def.kind = 'method';
      // A member's doc comments may start before the parent's own first line only in broken code: clamp.
      if (def.start < parent.nodeStart) def.start = parent.nodeStart;
    }
    // `Foo::bar` defined inside `namespace ns {}` is `ns.Foo.bar`: the enclosing definition, then the written scope.
    const qualifier = parent ? (def.scope ? `${parent.qualified}.${def.scope}` : parent.qualified) : def.scope;
    def.qualified = qualifier ? `${qualifier}.${def.name}` : def.name;
    if (def.kind === 'function' && def.scope && !parent) def.kind = 'method';
    stack.push(def);
  }
  return defs;
}

/** An expression statement that is nothing but the definition (a TS `namespace N {}`, a Python `X = 1`). */
function isSoleStatement(node: Node): boolean {
  return node.type === 'expression_statement' && node.namedChildCount === 1;
}

function makeDef(
  node: Node,
  kind: ChunkKind,
  name: string,
  scope: string,
  docNode: Node | undefined,
  src: SourceLines,
  extent?: Node,
): Def {
  let outer = node;
  while (outer.parent && (WRAPPERS.has(outer.parent.type) || isSoleStatement(outer.parent))) outer = outer.parent;
  let start = outer.startPosition.row + 1;
  const docs: string[] = [];
  let prev = outer.previousNamedSibling;
  let top = outer;
  // Attached: right above, or a `/** … */` doc block one blank line above (as TypeScript and JSDoc attach it).
  while (
    prev &&
    ATTACHED.test(prev.type) &&
    (prev.endPosition.row >= top.startPosition.row - 1 ||
      (prev.endPosition.row === top.startPosition.row - 2 && top === outer && DOC_BLOCK.test(prev.text)))
  ) {
    if (/comment/.test(prev.type)) docs.unshift(prev.text);
    start = prev.startPosition.row + 1;
    top = prev;
    prev = prev.previousNamedSibling;
  }
  const body = node.childForFieldName('body');
  const nodeStart = node.startPosition.row + 1;
  const last = extent ?? node;
  const end = Math.max(last.endPosition.row + (last.endPosition.column === 0 ? 0 : 1), nodeStart);
  let signatureEnd = nodeStart;
  if (body && body.startPosition.row + 1 > nodeStart) {
    // Body on a later line: the signature runs up to it (and includes the body's opening line when it is `{`).
    signatureEnd = body.startPosition.row + 1;
    if (!/^\s*[{:]?\s*$/.test(src.line(signatureEnd))) signatureEnd -= 1;
  }
  const doc = docNode ? docNode.text : docs.join('\n');
  return {
    node,
    kind,
    name,
    scope,
    docNode,
    start,
    nodeStart,
    end,
    signatureEnd: Math.min(signatureEnd, end),
    doc,
    qualified: name,
    parent: undefined,
    children: [],
    extent,
    standalone: false,
  };
}
