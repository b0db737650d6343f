// Chunk texts packed for the chunks table (chunk-text.ts): every text comes back the same, code is kept compressed,
// short or incompressible texts as they are, and an index keeps reading rows written before packing (schema 5).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../model.js';
import { packText, unpackText, unpackTexts } from './chunk-text.js';
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

describe('packText / unpackText', () => {
  it('gives back every text, ASCII, multi-byte, surrogate pairs and empty', () => {
    const texts = ['', 'x', C_FUNCTION, `// été → 日本語 🎉\n${C_FUNCTION}`, C_FUNCTION.repeat(40), '\u0000\uffff'.repeat(80)];
    for (const t of texts) expect(unpackText(packText(t))).toBe(t);
  });

  it('gives back random texts of every length', () => {
    const random = seededRandom(21);
    for (let i = 0; i < 200; i++) {
      const n = Math.floor(random() * 3000);
      const chars = Array.from({ length: n }, () => String.fromCodePoint(Math.floor(random() * (random() < 0.9 ? 128 : 0x2fff))));
      const t = chars.join('');
      expect(unpackText(packText(t))).toBe(t);
    }
  });

  it('compresses code, keeps short texts and those it would not shrink by a tenth as text', () => {
    const packed = packText(C_FUNCTION);
    expect(Buffer.isBuffer(packed)).toBe(true);
    expect((packed as Buffer).length).toBeLessThan(Buffer.byteLength(C_FUNCTION) * 0.7);
    expect(packText('int x;')).toBe('int x;');
    // Random printable ASCII compresses to ~83% at best (6.6 bits a byte), short of the tenth packing must save.
    const random = seededRandom(7);
    const noise = Array.from({ length: 120 }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('');
    expect(packText(noise)).toBe(noise);
  });

  it('unpacks many stored values in one call, texts and BLOBs mixed, in order', () => {
    const random = seededRandom(3);
    const texts = Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0
        ? `short ${i}`
        : `${C_FUNCTION.slice(0, Math.floor(random() * C_FUNCTION.length))}/* ${i} é */\n`.repeat(1 + (i % 5)),
    );
    const stored = texts.map(packText);
    expect(stored.filter((v) => typeof v !== 'string').length).toBeGreaterThan(200);
    expect(unpackTexts(stored)).toEqual(texts);
    expect(unpackTexts([])).toEqual([]);
  });

  it('keeps lengths of several LEB128 bytes (texts over 16 KiB and 2 MiB)', () => {
    for (const n of [200, 20_000, 2_100_000]) {
      const t = 'x'.repeat(n);
      expect(unpackTexts([packText(t), packText(C_FUNCTION), t])).toEqual([t, C_FUNCTION, t]);
    }
  });

  it('reads a Uint8Array that is not a Buffer (a worker message) in place', () => {
    const packed = packText(C_FUNCTION) as Buffer;
    expect(unpackText(new Uint8Array(packed))).toBe(C_FUNCTION);
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

  function write(store: Store, path: string, content: string, stored?: string | Uint8Array): void {
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
      signature: 'static int ext4_file_open(struct inode *inode, struct file *filp)',
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
      write(store, 'b.c', C_FUNCTION, new Uint8Array(packText(C_FUNCTION) as Buffer));
      const types = store.db.prepare('SELECT typeof(content) FROM chunks ORDER BY id').pluck().all();
      expect(types).toEqual(['blob', 'blob']);
      const ids = store.db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
      expect([...store.chunks(ids).values()].map((c) => c.content)).toEqual([C_FUNCTION, C_FUNCTION]);
      expect(store.chunksByHash(['h-a.c']).get('h-a.c')?.content).toBe(C_FUNCTION);
      expect(store.chunkAt('b.c', 3)?.content).toBe(C_FUNCTION);
    } finally {
      store.close();
    }
  });

  it('reads rows kept as text (written before packing) as they are', () => {
    const store = Store.open(dir, '/repo');
    try {
      write(store, 'a.c', C_FUNCTION);
      store.db.prepare('UPDATE chunks SET content = ?').run(C_FUNCTION);
      expect(store.db.prepare('SELECT typeof(content) FROM chunks').pluck().get()).toBe('text');
      const id = store.db.prepare('SELECT id FROM chunks').pluck().get() as number;
      expect(store.chunks([id]).get(id)?.content).toBe(C_FUNCTION);
    } finally {
      store.close();
    }
  });
});
