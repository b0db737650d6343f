// Chunk texts packed for the chunks table (chunk-text.ts): every doc, signature and text comes back the same, code is
// kept compressed, short or incompressible texts as they are, and an index keeps reading rows written before packing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../model.js';
import { packChunk, type TextColumns, unpackRows } from './chunk-text.js';
import { ftsFields } from './fts-fields.js';
import { Store } from './store.js';
import { seededRandom } from './test-random.js';

const C_FUNCTION = `static int ext4_file_open(struct inode *inode, struct file *filp)
{
\tint ret;

\tif (unlikely(ext4_forced_shutdown(EXT4_SB(inode->i_sb))))
\t\treturn -EIO;

\tret = ext4_sample_last_mounted(inode->i_sb, filp->f_path.mnt);
\tif (ret)
\t\treturn ret;

\tret = fscrypt_file_open(inode, filp);
\tif (ret)
\t\treturn ret;

\treturn dquot_file_open(inode, filp);
}
`;

/** A chunk's texts, packed as the table keeps them and read back. */
const texts = (content: string, doc = '', signature = '') => ({ doc, signature, content });
const roundTrip = (t: { doc: string; signature: string; content: string }) => {
  const [r] = unpackRows([packChunk(t)]);
  return { doc: r?.doc, signature: r?.signature, content: r?.content };
};

const SIGNATURE = 'static int ext4_file_open(struct inode *inode, struct file *filp)';

describe('packChunk / unpackRows', () => {
  it('gives back every text, ASCII, multi-byte, surrogate pairs and empty', () => {
    const all = ['', 'x', C_FUNCTION, `// été → 日本語 🎉\n${C_FUNCTION}`, C_FUNCTION.repeat(40), '\u0000\uffff'.repeat(80)];
    for (const t of all) {
      expect(roundTrip(texts(t))).toEqual(texts(t));
      expect(roundTrip(texts(t, `/** ${t.slice(0, 50)} */`, t.split('\n')[0]))).toEqual(
        texts(t, `/** ${t.slice(0, 50)} */`, t.split('\n')[0]),
      );
    }
  });

  it('gives back random texts of every length', () => {
    const random = seededRandom(21);
    const text = (max: number) =>
      Array.from({ length: Math.floor(random() * max) }, () =>
        String.fromCodePoint(Math.floor(random() * (random() < 0.9 ? 128 : 0x2fff))),
      ).join('');
    for (let i = 0; i < 200; i++) {
      const t = texts(text(3000), text(300), text(200));
      expect(roundTrip(t)).toEqual(t);
    }
  });

  it('packs code with its doc and signature, keeps short texts and those it would not shrink by a tenth as they are', () => {
    const doc = '/* Opens a file of ext4. */';
    const signature = C_FUNCTION.split('\n')[0] as string;
    const packed = packChunk(texts(C_FUNCTION, doc, signature));
    expect(packed.doc).toBe('');
    expect(packed.signature).toBe('');
    expect(Buffer.isBuffer(packed.content)).toBe(true);
    expect((packed.content as Buffer).length).toBeLessThan(Buffer.byteLength(C_FUNCTION) * 0.7);
    expect(packChunk(texts('int x;', '/* x */', 'int x'))).toEqual(texts('int x;', '/* x */', 'int x'));
    // Random printable ASCII compresses to ~83% at best (6.6 bits a byte), short of the tenth packing must save.
    const random = seededRandom(7);
    const noise = Array.from({ length: 120 }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('');
    expect(packChunk(texts(noise, 'd', 's'))).toEqual(texts(noise, 'd', 's'));
  });

  it('unpacks many rows in one call, texts and BLOBs mixed, in order, other fields kept', () => {
    const random = seededRandom(3);
    const all = Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0
        ? texts(`short ${i}`, '', `f${i}()`)
        : texts(
            `${C_FUNCTION.slice(0, Math.floor(random() * C_FUNCTION.length))}/* ${i} é */\n`.repeat(1 + (i % 5)),
            `/* ${i} */`,
            'int f(void)',
          ),
    );
    const rows = all.map((t, id) => ({ id, ...packChunk(t) }));
    expect(rows.filter((r) => typeof r.content !== 'string').length).toBeGreaterThan(200);
    expect(unpackRows(rows)).toEqual(all.map((t, id) => ({ id, ...t })));
    expect(unpackRows([])).toEqual([]);
  });

  it('keeps lengths of several LEB128 bytes (texts over 16 KiB and 2 MiB)', () => {
    for (const n of [200, 20_000, 2_100_000]) {
      const t = texts('x'.repeat(n), 'y'.repeat(n >> 1), 'z'.repeat(130));
      expect(unpackRows([packChunk(t), packChunk(texts(C_FUNCTION)), t])).toEqual([t, texts(C_FUNCTION), t]);
    }
  });

  it('reads a Uint8Array that is not a Buffer (a worker message) in place', () => {
    const packed = packChunk(texts(C_FUNCTION));
    const copy = { ...packed, content: new Uint8Array(packed.content as Buffer) };
    expect(unpackRows([copy])[0]?.content).toBe(C_FUNCTION);
  });
});

describe('the chunks table', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'codectx-chunk-text-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(store: Store, path: string, content: string, stored?: TextColumns): void {
    const chunk: Chunk = {
      path,
      language: 'c',
      symbol: 'ext4_file_open',
      kind: 'function',
      startLine: 1,
      endLine: 18,
      startByte: 0,
      endByte: Buffer.byteLength(content),
      parent: '',
      signature: SIGNATURE,
      doc: '',
      content,
      hash: `h-${path}`,
    };
    store.writeFile({
      path,
      size: chunk.endByte,
      mtimeMs: 1,
      hash: `f-${path}`,
      language: 'c',
      lines: 18,
      parseFailed: false,
      overlay: 0,
      chunks: [{ chunk, fts: ftsFields(chunk), refs: [], stored }],
      symbols: [],
    });
  }

  it('stores code packed and reads it back as text, packed by the store or by the caller', () => {
    const store = Store.open(dir, '/repo');
    try {
      write(store, 'a.c', C_FUNCTION);
      const packed = packChunk({ doc: '', signature: SIGNATURE, content: C_FUNCTION });
      write(store, 'b.c', C_FUNCTION, { ...packed, content: new Uint8Array(packed.content as Buffer) });
      const types = store.db.prepare('SELECT typeof(content) FROM chunks ORDER BY id').pluck().all();
      expect(types).toEqual(['blob', 'blob']);
      const ids = store.db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
      expect([...store.chunks(ids).values()].map((c) => c.content)).toEqual([C_FUNCTION, C_FUNCTION]);
      expect(store.chunksByHash(['h-a.c']).get('h-a.c')?.content).toBe(C_FUNCTION);
      expect(store.chunkAt('b.c', 3)?.content).toBe(C_FUNCTION);
      expect(store.chunkAt('b.c', 3)?.signature).toBe(SIGNATURE);
      expect(store.outline('a.c', 10)).toEqual([{ line: 1, signature: SIGNATURE }]);
      expect(store.cutFiles(['a.c']).get('a.c')?.chunks[0]?.signature).toBe(SIGNATURE);
    } finally {
      store.close();
    }
  });

  it('reads rows kept as text (written before packing) as they are', () => {
    const store = Store.open(dir, '/repo');
    try {
      write(store, 'a.c', C_FUNCTION);
      store.db.prepare('UPDATE chunks SET content = ?, signature = ?').run(C_FUNCTION, SIGNATURE);
      expect(store.db.prepare('SELECT typeof(content) FROM chunks').pluck().get()).toBe('text');
      const id = store.db.prepare('SELECT id FROM chunks').pluck().get() as number;
      expect(store.chunks([id]).get(id)?.content).toBe(C_FUNCTION);
      expect(store.outline('a.c', 10)).toEqual([{ line: 1, signature: SIGNATURE }]);
    } finally {
      store.close();
    }
  });
});
