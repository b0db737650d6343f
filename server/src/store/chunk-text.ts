// A chunk's text as the chunks table keeps it (column `content`): a BLOB of its UTF-8 length (LEB128) then raw DEFLATE
// ended by a sync flush instead of a final block, or the text itself (TEXT) when packing would not save a tenth.
// Invariant: unpackTexts([packText(s)]) is [s] for every string. Sync-flushed streams end byte-aligned and never refer
// before their own start, so any number of them placed end to end is one valid stream: the texts of a search's 200
// candidates inflate in one call (zlib's per-call cost, ~10 µs, is most of a small chunk's).
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { StoredChunk } from './store-types.js';

/** Texts shorter than this (UTF-16 units) are kept as they are: DEFLATE's header and Node's call cost more than they save. */
const MIN_PACKED = 96;

const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };

/**
 * What the `content` column stores for `text`: a Buffer (length, then DEFLATE at level 6) when it is at most 90% of the
 * text's UTF-8 bytes, else the string. The kernel's chunk texts take less than half their size so.
 */
export function packText(text: string): Buffer | string {
  if (text.length < MIN_PACKED) return text;
  const raw = Buffer.from(text, 'utf8');
  const head = leb128(raw.length);
  const body = deflateRawSync(raw, SYNC);
  return (head.length + body.length) * 10 <= raw.length * 9 ? Buffer.concat([head, body]) : text;
}

/** The texts stored values hold, in order: strings as they are, BLOBs inflated together in one call. */
export function unpackTexts(stored: readonly (string | Uint8Array)[]): string[] {
  const bodies: Buffer[] = [];
  const lengths: number[] = [];
  for (const v of stored) {
    if (typeof v === 'string') continue;
    const buf = asBuffer(v);
    let length = 0;
    let shift = 0;
    let at = 0;
    for (;;) {
      const byte = buf[at++] as number;
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80 || at >= buf.length) break;
      shift += 7;
    }
    lengths.push(length);
    bodies.push(buf.subarray(at));
  }
  if (bodies.length === 0) return stored as string[];
  const all = inflateRawSync(bodies.length === 1 ? (bodies[0] as Buffer) : Buffer.concat(bodies), SYNC);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (all.length !== total) throw new Error(`packed chunk texts inflate to ${all.length} bytes, not ${total}`);
  let at = 0;
  let k = 0;
  return stored.map((v) => {
    if (typeof v === 'string') return v;
    const end = at + (lengths[k++] as number);
    const text = all.toString('utf8', at, end);
    at = end;
    return text;
  });
}

/** The text one stored value holds. */
export function unpackText(stored: string | Uint8Array): string {
  return unpackTexts([stored])[0] as string;
}

/** The value to bind for a packed text: better-sqlite3 binds Buffers, not other Uint8Arrays (a worker's message holds those). */
export function bindable(stored: string | Uint8Array): string | Buffer {
  return typeof stored === 'string' ? stored : asBuffer(stored);
}

/** A chunk's row as read, its text as the table keeps it. */
export type StoredRow = Omit<StoredChunk, 'content'> & { content: string | Buffer };

/** The rows with their texts unpacked (in one inflate call). */
export function unpackRows<T extends { content: string | Buffer }>(rows: T[]): (Omit<T, 'content'> & { content: string })[] {
  const texts = unpackTexts(rows.map((r) => r.content));
  return rows.map((r, i) => ({ ...r, content: texts[i] as string }));
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** `n` (≥ 0) as unsigned LEB128: 7 bits a byte, low bits first, the high bit set on all but the last. */
function leb128(n: number): Buffer {
  const bytes: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
