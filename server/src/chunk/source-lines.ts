// Pure. A file's lines with their UTF-8 byte offsets, and the one way chunks are cut from them.
import type { Chunk, ChunkKind } from '../model.js';

export interface ChunkFields {
  symbol?: string;
  kind: ChunkKind;
  parent?: string;
  signature?: string;
  doc?: string;
  /** Replaces the source lines as the chunk's text (skeletons, parts with a header). */
  content?: string;
}

export class SourceLines {
  readonly lines: string[];
  private readonly byteStart: number[];

  constructor(
    readonly path: string,
    readonly language: string,
    text: string,
    /** The content hash of a chunk (SHA-1 hex in the index stage): hashing is I/O's business, not this pure stage's. */
    private readonly hash: (content: string) => string,
  ) {
    this.lines = text.split('\n');
    // A trailing newline does not make an extra (empty) line.
    if (this.lines.length > 1 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    this.byteStart = new Array(this.lines.length + 1);
    let offset = 0;
    for (let i = 0; i < this.lines.length; i++) {
      this.byteStart[i] = offset;
      offset += utf8Length(this.lines[i] ?? '') + 1;
    }
    this.byteStart[this.lines.length] = offset;
  }

  get count(): number {
    return this.lines.length;
  }

  /** Line text by 1-based number. */
  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }

  /** Lines start..end (1-based, inclusive) joined. */
  text(start: number, end: number): string {
    return this.lines.slice(start - 1, end).join('\n');
  }

  chars(start: number, end: number): number {
    let n = 0;
    for (let i = start - 1; i < end; i++) n += (this.lines[i]?.length ?? 0) + 1;
    return n;
  }

  isBlank(n: number): boolean {
    return /^\s*$/.test(this.lines[n - 1] ?? '');
  }

  /** Shrinks [start, end] past blank lines at both ends; undefined when only blank lines remain. */
  trim(start: number, end: number): [number, number] | undefined {
    let s = start;
    let e = end;
    while (s <= e && this.isBlank(s)) s++;
    while (e >= s && this.isBlank(e)) e--;
    return s <= e ? [s, e] : undefined;
  }

  chunk(start: number, end: number, fields: ChunkFields): Chunk {
    const content = fields.content ?? this.text(start, end);
    const endByte = (this.byteStart[end] ?? 0) - 1;
    return {
      path: this.path,
      language: this.language,
      symbol: fields.symbol ?? '',
      kind: fields.kind,
      startLine: start,
      endLine: end,
      startByte: this.byteStart[start - 1] ?? 0,
      endByte: Math.max(endByte, this.byteStart[start - 1] ?? 0),
      parent: fields.parent ?? '',
      signature: fields.signature ?? '',
      doc: fields.doc ?? '',
      content,
      hash: this.hash(content),
    };
  }
}

/** The UTF-8 length of a string, as Buffer.byteLength counts it (a lone surrogate is U+FFFD, three bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
