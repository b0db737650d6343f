// Pull: files' rows and vectors from the team index, by content hash. The index run writes the rows of each file the
// server has (cut by the same rules) instead of parsing it; the embedding pass takes the vectors into the local cache
// instead of running the model. Invariant: what arrives is written in the local transactions of the run or the pass,
// so a pull stopped anywhere (a dropped connection, a killed server) keeps what came and leaves the rest to this machine.
import type { Store } from '../store/store.js';
import type { CutFile, PreparedFile } from '../store/store-types.js';
import type { RemoteDb } from './remote-db.js';
import { vectorOf } from './vector-bits.js';

export interface PullReport {
  /** Hashes asked for (chunks waiting for a vector that the local cache lacks). */
  asked: number;
  /** Vectors the server had, now in the local cache. */
  pulled: number;
  bytes: number;
}

export interface PullOptions {
  /** Hashes per round trip (default 2000). */
  batchSize?: number;
  onBatch?: (report: PullReport) => void;
}

export async function pullVectors(
  store: Store,
  db: RemoteDb,
  model: string,
  dimensions: number,
  hashes: string[],
  options: PullOptions = {},
): Promise<PullReport> {
  const batchSize = options.batchSize ?? 2000;
  const report: PullReport = { asked: hashes.length, pulled: 0, bytes: 0 };
  for (let i = 0; i < hashes.length; i += batchSize) {
    const rows = await db.query<{ hash: string; vector: Buffer }>(
      'SELECT hash, vector FROM codectx_vectors WHERE model = $1 AND hash = ANY($2::text[])',
      [model, hashes.slice(i, i + batchSize)],
    );
    // A vector of other dimensions under this model id is no vector of this model: never cached.
    const items = rows
      .filter((r) => r.vector.byteLength === dimensions * 4)
      .map((r) => ({ hash: r.hash, vector: vectorOf(r.vector) }));
    if (items.length) store.vectors.cacheVectors(model, items);
    report.pulled += items.length;
    report.bytes += rows.reduce((n, r) => n + r.vector.byteLength + r.hash.length, 0);
    options.onBatch?.({ ...report });
  }
  return report;
}

/**
 * Each of `files` as the server has it cut by the rules `chunking`, with its chunks' texts, or undefined, in the order
 * asked: one round trip for the files, one for the texts. A file whose texts are not all there is undefined (the run
 * chunks it).
 */
export async function pullFiles(
  db: RemoteDb,
  chunking: string,
  files: { hash: string; language: string }[],
): Promise<(PreparedFile | undefined)[]> {
  if (files.length === 0) return [];
  const key = (language: string, hash: string): string => `${language}\0${hash}`;
  const wanted = new Set(files.map((f) => key(f.language, f.hash)));
  const rows = await db.query<{ language: string; hash: string; file: CutFile }>(
    'SELECT language, hash, file FROM codectx_files WHERE chunking = $1 AND hash = ANY($2::text[])',
    [chunking, [...new Set(files.map((f) => f.hash))]],
  );
  const found = rows.filter((r) => wanted.has(key(r.language, r.hash)));
  const hashes = [...new Set(found.flatMap((r) => r.file.chunks.map((c) => c.hash)))];
  const texts = new Map<string, string>();
  if (hashes.length) {
    const chunks = await db.query<{ hash: string; content: string }>(
      'SELECT hash, content FROM codectx_chunks WHERE hash = ANY($1::text[])',
      [hashes],
    );
    for (const c of chunks) texts.set(c.hash, c.content);
  }
  const byKey = new Map<string, PreparedFile>();
  for (const r of found) {
    if (!r.file.chunks.every((c) => texts.has(c.hash))) continue;
    const chunks = r.file.chunks.map((c) => ({ ...c, content: texts.get(c.hash) as string }));
    byKey.set(key(r.language, r.hash), { ...r.file, chunks });
  }
  return files.map((f) => byKey.get(key(f.language, f.hash)));
}
