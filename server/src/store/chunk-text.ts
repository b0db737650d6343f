// A chunk's texts (doc, signature, content) as the chunks table keeps them: packed together in `content` as a BLOB (the
// three UTF-8 lengths as LEB128, then raw DEFLATE of the three texts end to end, ended by a sync flush instead of a
// final block) with `doc` and `signature` left empty, or each text in its own column (TEXT) when packing would not save
// a tenth. Invariant: unpackRows([{...packChunk(c)}]) gives c's three texts back for every chunk. A doc comment and a
// signature are mostly inside the content, so packed with it they cost a few back-references. Sync-flushed streams
// end byte-aligned and never refer before their own start, so any number of them end to end is one valid stream: the
// texts of a search's 200 candidates inflate in one call (zlib's per-call cost, ~10 µs, is most of a small chunk's).
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Chunk } from '../model.js';
import type { StoredChunk } from './store-types.js';

/** Texts shorter than this together (UTF-16 units) are kept as they are: DEFLATE and Node's call cost more than they save. */
const MIN_PACKED = 96;

const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };

/** The columns `doc`, `signature` and `content` of a chunk's row. */
export interface TextColumns {
  doc: string;
  signature: string;
  content: string | Uint8Array;
}

/**
 * The column values for a chunk's texts: the three packed into `content` (DEFLATE at level 6) when that is at most 90%
 * of their UTF-8 bytes, else the texts as they are. The kernel's chunk texts take less than half their size so.
 */
export function packChunk(chunk: Pick<Chunk, 'doc' | 'signature' | 'content'>): TextColumns {
  const { doc, signature, content } = chunk;
  if (doc.length + signature.length + content.length < MIN_PACKED) return { doc, signature, content };
  const parts = [Buffer.from(doc, 'utf8'), Buffer.from(signature, 'utf8'), Buffer.from(content, 'utf8')];
  const raw = Buffer.concat(parts);
  const head = Buffer.from(parts.flatMap((p) => leb128(p.length)));
  const body = deflateRawSync(raw, SYNC);
  if ((head.length + body.length) * 10 > raw.length * 9) return { doc, signature, content };
  return { doc: '', signature: '', content: Buffer.concat([head, body]) };
}

/** A chunk's row as read: its texts as the table keeps them. */
export type StoredRow = Omit<StoredChunk, 'content'> & { content: string | Buffer };

/** The rows with their texts unpacked, every BLOB of them inflated in one call. */
export function unpackRows<T extends { doc: string; signature: string; content: string | Uint8Array }>(
  rows: T[],
): (Omit<T, 'content'> & { content: string })[] {
  const bodies: Buffer[] = [];
  const lengths: number[][] = [];
  for (const r of rows) {
    if (typeof r.content === 'string') continue;
    const buf = asBuffer(r.content);
    const own: number[] = [];
    let at = 0;
    for (let k = 0; k < 3; k++) {
      const [n, next] = readLeb128(buf, at);
      own.push(n);
      at = next;
    }
    lengths.push(own);
    bodies.push(buf.subarray(at));
  }
  if (bodies.length === 0) return rows as (Omit<T, 'content'> & { content: string })[];
  const total = lengths.reduce((a, [d, s, c]) => a + (d as number) + (s as number) + (c as number), 0);
  const all = inflateRawSync(bodies.length === 1 ? (bodies[0] as Buffer) : Buffer.concat(bodies), {
    ...SYNC,
    // One output buffer of the known size (zlib's default 16 KiB pieces are then joined: a fifth of the time).
    chunkSize: Math.max(64, total + 64),
  });
  if (all.length !== total) throw new Error(`packed chunk texts inflate to ${all.length} bytes, not ${total}`);
  let at = 0;
  let k = 0;
  return rows.map((r) => {
    if (typeof r.content === 'string') return r as Omit<T, 'content'> & { content: string };
    const [d, s, c] = lengths[k++] as [number, number, number];
    const doc = all.toString('utf8', at, at + d);
    const signature = all.toString('utf8', at + d, at + d + s);
    const content = all.toString('utf8', at + d + s, at + d + s + c);
    at += d + s + c;
    return { ...r, doc, signature, content };
  });
}

/** The value to bind for a packed text: better-sqlite3 binds Buffers, not other Uint8Arrays (a worker's message holds those). */
export function bindable(stored: string | Uint8Array): string | Buffer {
  return typeof stored === 'string' ? stored : asBuffer(stored);
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** `n` (≥ 0) as unsigned LEB128: 7 bits a byte, low bits first, the high bit set on all but the last. */
function leb128(n: number): number[] {
  const bytes: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/** The unsigned LEB128 number at `at` in `buf` (as leb128 writes it) and the offset after it. */
function readLeb128(buf: Buffer, at: number): [number, number] {
  let n = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    const byte = buf[i++] as number;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80 || i >= buf.length) return [n, i];
    scale *= 0x80;
  }
}
