// Pure. Cuts one file into chunks: AST definitions from the tags query, Markdown sections, or line windows.
// Never throws on malformed source: errors are returned beside the chunks, and every non-blank line lands in a chunk.
import type { Node, Tree } from 'web-tree-sitter';
import type { Chunk, ChunkedFile, ChunkKind } from '../model.js';
import { CALLABLE, CLASS_LIKE, collectDefs, type Def, qualifierOf, toSymbol } from './definitions.js';
import { referenceSites, refsByChunk } from './extract-refs.js';
import { lineWindows, type WindowBudget } from './line-windows.js';
import type { LoadedGrammar } from './loaded-grammar.js';
import { chunkMarkdown } from './markdown.js';
import { type ChunkFields, SourceLines } from './source-lines.js';

export interface ChunkBudget extends WindowBudget {
  /** Runs of top-level code shorter than this merge with their neighbours. */
  minLines: number;
  /** Lines per window for text without structure. */
  windowLines: number;
}

/** Small pieces of top-level code that read better merged with their neighbours than alone. */
const MERGEABLE = new Set<ChunkKind>(['block', 'constant', 'variable', 'field']);
/** A line of a container's skeleton: its own line, a member's signature line, or the elision of a member's body. */
interface SkeletonLine {
  line: number;
  text: string;
  elided?: boolean;
}

/** A member this short stays whole in its container's skeleton instead of getting a chunk of its own. */
const INLINE_MEMBER_LINES = 3;

/**
 * Chunks a file with its grammar when it has one. `grammar` undefined means: no grammar for this language. `hash` gives
 * each chunk's content hash (the index stage passes SHA-1 hex).
 */
export function chunkFile(
  path: string,
  language: string,
  text: string,
  grammar: LoadedGrammar | undefined,
  budget: ChunkBudget,
  hash: (content: string) => string,
): ChunkedFile {
  const src = new SourceLines(path, language, text, hash);
  const windowBudget = { maxLines: budget.windowLines, maxChars: budget.maxChars };
  if (language === 'markdown') {
    const chunks = chunkMarkdown(src, budget);
    return { chunks, symbols: [], refs: chunks.map(() => []), errors: [], parseFailed: false };
  }
  if (!grammar) {
    const chunks = lineWindows(src, 1, src.count, windowBudget, { kind: 'window' });
    return {
      chunks,
      symbols: [],
      refs: chunks.map(() => []),
      errors: [],
      parseFailed: false,
    };
  }
  let tree: Tree | null = null;
  try {
    tree = grammar.parser.parse(text);
    if (!tree) throw new Error('the parser returned no tree');
    // A node captured by two patterns (`const f = () => {}`: function and constant) takes the earlier pattern's kind;
    // matches do not come back in pattern order, so sort them.
    const matches = grammar.query.matches(tree.rootNode).sort((a, b) => a.patternIndex - b.patternIndex);
    const defs = collectDefs(matches, src);
    const chunks = new Chunker(src, budget).chunkTopLevel(defs.filter((d) => !d.parent));
    const refs = refsByChunk(chunks, referenceSites(matches));
    return { chunks, symbols: defs.map(toSymbol), refs, errors: [], parseFailed: false };
  } catch (error) {
    const message = `${path}: ${grammar.id} parse failed, indexed as line windows: ${(error as Error)?.message ?? error}`;
    const chunks = lineWindows(src, 1, src.count, windowBudget, { kind: 'window' });
    return {
      chunks,
      symbols: [],
      refs: chunks.map(() => []),
      errors: [message],
      parseFailed: true,
    };
  } finally {
    tree?.delete();
  }
}

interface Unit {
  start: number;
  end: number;
  kind: ChunkKind;
  names: string[];
  /** Chunks ready to emit; units that are mergeable are re-cut after merging. */
  chunks: Chunk[];
  /** A definition cut into a skeleton and its members' chunks (`const api = { get() {…} }`): never merged. */
  container: boolean;
  /** A definition that stays a chunk of its own (`Def.standalone`). */
  standalone?: boolean;
}

class Chunker {
  constructor(
    private readonly src: SourceLines,
    private readonly budget: ChunkBudget,
  ) {}

  chunkTopLevel(defs: Def[]): Chunk[] {
    const units: Unit[] = [];
    let cursor = 1;
    for (const def of defs) {
      const start = Math.max(def.start, cursor);
      if (start > cursor) this.pushGap(units, cursor, start - 1);
      if (def.end < start) continue;
      const container = this.containerMembers(def).length > 0;
      const chunks = this.chunkDef(def, start);
      units.push({ start, end: def.end, kind: def.kind, names: [def.qualified], chunks, container, standalone: def.standalone });
      cursor = def.end + 1;
    }
    if (cursor <= this.src.count) this.pushGap(units, cursor, this.src.count);
    return this.merge(units);
  }

  private pushGap(units: Unit[], start: number, end: number): void {
    const range = this.src.trim(start, end);
    if (range) units.push({ start: range[0], end: range[1], kind: 'block', names: [], chunks: [], container: false });
  }

  /** Adjacent small units (imports, constants, loose statements) become one chunk while the budget allows. */
  private merge(units: Unit[]): Chunk[] {
    const out: Chunk[] = [];
    let run: Unit[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      const first = run[0] as Unit;
      const last = run[run.length - 1] as Unit;
      if (run.length === 1 && first.chunks.length > 0) out.push(...first.chunks);
      else {
        const names = run.flatMap((u) => u.names);
        const kind = run.length === 1 ? first.kind : 'block';
        out.push(...this.windows(first.start, last.end, { kind, symbol: names.slice(0, 8).join(', ') }));
      }
      run = [];
    };
    for (const unit of units) {
      const small =
        !unit.standalone &&
        ((MERGEABLE.has(unit.kind) && !unit.container) ||
          (unit.end - unit.start + 1 < this.budget.minLines && !CALLABLE.has(unit.kind) && !CLASS_LIKE.has(unit.kind)));
      if (!small) {
        flush();
        out.push(...unit.chunks);
        continue;
      }
      const first = run[0];
      if (first && !this.fits(first.start, unit.end)) flush();
      run.push(unit);
    }
    flush();
    return out;
  }

  private fits(start: number, end: number, slack = 1): boolean {
    return end - start + 1 <= this.budget.maxLines * slack && this.src.chars(start, end) <= this.budget.maxChars * slack;
  }

  private windows(start: number, end: number, fields: ChunkFields, header?: string): Chunk[] {
    return lineWindows(this.src, start, end, this.budget, fields, header);
  }

  private signature(def: Def): string {
    return this.src
      .text(def.nodeStart, def.signatureEnd)
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\s*\{$/, '')
      .slice(0, 300);
  }

  private chunkDef(def: Def, start: number): Chunk[] {
    const fields = {
      kind: def.kind,
      symbol: def.qualified,
      parent: qualifierOf(def),
      signature: this.signature(def),
      doc: def.doc,
    };
    const members = this.containerMembers(def);
    if (members.length > 0) return this.chunkContainer(def, start, members, fields);
    if (this.fits(start, def.end)) return [this.src.chunk(start, def.end, fields)];
    return this.split(def, start, fields);
  }

  /** The members a definition is cut around (skeleton plus their own chunks); none for a function or a method. */
  private containerMembers(def: Def): Def[] {
    return CALLABLE.has(def.kind) ? [] : def.children.filter((c) => !this.isInline(c));
  }

  private isInline(def: Def): boolean {
    return (
      def.end - def.start + 1 <= INLINE_MEMBER_LINES ||
      (!CALLABLE.has(def.kind) && def.children.length === 0 && def.end - def.start + 1 <= this.budget.minLines * 2)
    );
  }

  /** A skeleton (header, fields, member signatures) plus each member's own chunks. */
  private chunkContainer(def: Def, start: number, members: Def[], fields: ChunkFields): Chunk[] {
    // The skeleton's lines, numbered: the container's own lines, and each member's signature with its body elided.
    const kept: SkeletonLine[] = [];
    const memberChunks: Chunk[] = [];
    let line = start;
    for (const member of members) {
      const mStart = Math.max(member.start, line);
      for (; line < mStart; line++) kept.push({ line, text: this.src.line(line) });
      const signatureEnd = Math.min(member.signatureEnd, member.end);
      for (let l = member.nodeStart; l <= signatureEnd; l++) kept.push({ line: l, text: this.src.line(l) });
      if (member.signatureEnd < member.end) {
        const indent = /^\s*/.exec(this.src.line(member.nodeStart))?.[0] ?? '';
        kept.push({ line: signatureEnd, text: `${indent}  …`, elided: true });
      }
      memberChunks.push(...this.chunkDef(member, mStart));
      line = Math.max(line, member.end + 1);
    }
    for (; line <= def.end; line++) kept.push({ line, text: this.src.line(line) });
    const skeleton = kept.map((k) => k.text).join('\n');
    const skeletonChunks =
      skeleton.length <= this.budget.maxChars && kept.length <= this.budget.maxLines * 2
        ? [this.src.chunk(start, def.end, { ...fields, content: skeleton })]
        : this.skeletonParts(def, start, kept, fields);
    return [...skeletonChunks, ...memberChunks];
  }

  /**
   * A skeleton too large for one chunk (a class with a long docstring, a huge enum): its lines packed into parts under
   * budget, each part after the first headed by the container's first line. Packing (rather than one window per gap
   * between members) keeps a comment or a two-line member from becoming a chunk of its own named after the class.
   */
  private skeletonParts(def: Def, start: number, kept: SkeletonLine[], fields: ChunkFields): Chunk[] {
    const header = this.src.line(def.nodeStart).trim();
    const out: Chunk[] = [];
    let part: SkeletonLine[] = [];
    let chars = 0;
    const flush = () => {
      while (part.length && !part[0]?.text.trim()) part.shift();
      while (part.length && !part[part.length - 1]?.text.trim()) part.pop();
      const first = part[0];
      const last = part[part.length - 1];
      if (first && last) {
        const body = part.map((k) => k.text).join('\n');
        const content = first.line > start ? `${header}\n${body}` : body;
        out.push(this.src.chunk(first.line, last.line, { ...fields, content }));
      }
      part = [];
      chars = 0;
    };
    for (const k of kept) {
      // An elision stays with the signature above it.
      const full = part.length >= this.budget.maxLines || (part.length > 0 && chars + k.text.length + 1 > this.budget.maxChars);
      if (full && !k.elided) flush();
      part.push(k);
      chars += k.text.length + 1;
    }
    flush();
    return out;
  }

  /** A definition over budget: parts at statement boundaries, each keeping the signature line as a header. */
  private split(def: Def, start: number, fields: ChunkFields): Chunk[] {
    const header = this.src.line(def.nodeStart).trim();
    const statements = def.extent ? def.extent.namedChildren.filter((c): c is Node => c !== null) : bodyStatements(def.node);
    if (statements.length < 2) return this.windows(start, def.end, fields, header);
    const cuts: number[] = [start];
    let partStart = start;
    statements.forEach((stmt, i) => {
      const stmtStart = stmt.startPosition.row + 1;
      if (stmtStart <= partStart) return;
      // The last statement's part also carries the definition's closing line(s).
      const stmtEnd = i === statements.length - 1 ? def.end : stmt.endPosition.row + 1;
      const last = i === statements.length - 1;
      // A short tail stays with its part rather than becoming a part of its own.
      if (!this.fits(partStart, stmtEnd, last && stmtEnd - stmtStart < this.budget.minLines ? 1.25 : 1)) {
        cuts.push(stmtStart);
        partStart = stmtStart;
      }
    });
    const out: Chunk[] = [];
    cuts.forEach((cut, i) => {
      const next = cuts[i + 1];
      const end = next !== undefined ? next - 1 : def.end;
      const range = this.src.trim(cut, end);
      if (!range) return;
      const [s, e] = range;
      // Only a single statement far over budget is cut further, by lines.
      if (!this.fits(s, e, 1.25)) out.push(...this.windows(s, e, fields, header));
      else if (s === start) out.push(this.src.chunk(s, e, fields));
      else out.push(this.src.chunk(s, e, { ...fields, content: `${header}\n${this.src.text(s, e)}` }));
    });
    return out;
  }
}

/** The statements of a definition's body (or, for a body that is one big statement, of that statement). */
function bodyStatements(node: Node): Node[] {
  let body = node.childForFieldName('body') ?? largestNamedChild(node);
  for (let depth = 0; body && depth < 3; depth++) {
    const children = body.namedChildren.filter((c): c is Node => c !== null);
    if (children.length >= 2) return children;
    const only = children[0];
    if (!only) return [];
    body = only.childForFieldName('body') ?? only;
  }
  return [];
}

function largestNamedChild(node: Node): Node | null {
  let best: Node | null = null;
  for (const child of node.namedChildren) {
    if (child && (!best || child.endIndex - child.startIndex > best.endIndex - best.startIndex)) best = child;
  }
  return best;
}
