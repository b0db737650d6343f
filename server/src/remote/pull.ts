// Pull: vectors from the team index into the local embedding cache, by content hash, so that the embedding pass takes
// them instead of running the model. Invariant: each batch is cached in one local transaction as it arrives; a pull
// stopped anywhere (a dropped connection, a killed server) keeps what came and leaves the rest to the model.
import type { Store } from '../store/store.js';
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
