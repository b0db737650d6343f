// Fills in the vectors of chunks that have none for the active model: cache first (by content hash), then the model.
// Invariant: a chunk's text is embedded at most once per model; a run can stop anywhere and resume where it stopped.

import { chunkEmbeddingText } from '../embed/embed-text.js';
import type { Embedder } from '../embed/embedder.js';
import type { Chunk } from '../model.js';
import type { Store } from '../store/store.js';
import type { LastEmbeddingPass } from '../store/store-types.js';

export interface EmbedProgress {
  embedded: number;
  total: number;
  /** Vectors computed by the model in this run (the rest came from the cache). */
  computed: number;
  fromCache: number;
  elapsedMs: number;
}

export interface EmbedOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: EmbedProgress) => void;
  /** Told once that another process's run holds the index's run lock (its pid); the pass waits for it (Engine.embed). */
  onWait?: (pid: number) => void;
}

/** The last embedding pass that did any work, as `codectx status` shows it. */
export type { LastEmbeddingPass };

/** Cached vectors stored per transaction. */
const CACHE_SLICE = 128;

export async function embedPending(store: Store, embedder: Embedder, options: EmbedOptions = {}): Promise<EmbedProgress> {
  const started = performance.now();
  const table = store.vectors.vectorTable(embedder.id, embedder.dimensions);
  // 16 texts per model call: as fast as 64 with the shipped model, and ONNX Runtime keeps ~50 MB less (measured).
  const batchSize = options.batchSize ?? 16;
  const total = (): number => store.vectors.chunkCount();
  const progress: EmbedProgress = {
    embedded: store.vectors.embeddedCount(table),
    total: total(),
    computed: 0,
    fromCache: 0,
    elapsedMs: 0,
  };
  let lastReport = 0;
  for (;;) {
    if (options.signal?.aborted) break;
    const pending = store.vectors.chunksToEmbed(table, Math.max(batchSize * 8, 512));
    if (pending.length === 0) break;
    const cached = store.vectors.cachedVectors(embedder.id, [...new Set(pending.map((c) => c.hash))]);
    const hits = pending.filter((c) => cached.has(c.hash));
    // Cache hits in slices, with a turn of the event loop between them: no write holds the thread long.
    for (let i = 0; i < hits.length; i += CACHE_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) break;
      const slice = hits.slice(i, i + CACHE_SLICE);
      store.vectors.putVectors(
        table,
        embedder.id,
        slice.map((c) => ({ id: c.id, hash: c.hash, vector: cached.get(c.hash) as Float32Array, cached: true })),
      );
      progress.fromCache += slice.length;
    }
    const misses = pending.filter((c) => !cached.has(c.hash));
    await embedMisses(store, table, embedder, misses, batchSize, options.signal, progress);
    // Cache hits never await: give the event loop a turn so that requests are answered between batches.
    await new Promise((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) break;
    progress.elapsedMs = performance.now() - started;
    if (performance.now() - lastReport > 500) {
      lastReport = performance.now();
      // Counted when reported, not every round: a COUNT over the chunks takes ~11 ms at the kernel's 1.3M.
      progress.embedded = store.vectors.embeddedCount(table);
      progress.total = total();
      options.onProgress?.({ ...progress });
    }
  }
  progress.elapsedMs = performance.now() - started;
  // Stopped: the caller may close the store as soon as this returns, so it is not read again.
  if (options.signal?.aborted) return progress;
  progress.embedded = store.vectors.embeddedCount(table);
  progress.total = total();
  store.vectors.pruneVectorCache(embedder.id);
  // What `codectx status` reports as the last pass (and its rate) when this one did any work.
  if (progress.computed + progress.fromCache > 0) {
    const seconds = progress.elapsedMs / 1000;
    const pass: LastEmbeddingPass = {
      model: embedder.id,
      at: new Date().toISOString(),
      computed: progress.computed,
      fromCache: progress.fromCache,
      seconds: Math.round(seconds * 10) / 10,
      chunksPerSecond: seconds > 0 ? Math.round((progress.computed + progress.fromCache) / seconds) : 0,
    };
    store.setMeta('last_embedding_pass', JSON.stringify(pass));
  }
  options.onProgress?.({ ...progress });
  return progress;
}

/**
 * Embeds `misses` (chunks no cache has) in batches of `batchSize`: up to twice `embedder.parallel` batches at the model
 * at once (a pool of workers), written in order as they come back.
 */
async function embedMisses(
  store: Store,
  table: string,
  embedder: Embedder,
  misses: (Chunk & { id: number })[],
  batchSize: number,
  signal: AbortSignal | undefined,
  progress: EmbedProgress,
): Promise<void> {
  const parallel = Math.max(1, embedder.parallel ?? 1);
  const inflight: { batch: typeof misses; vectors: Promise<Float32Array[]> }[] = [];
  const writeOldest = async (): Promise<void> => {
    const { batch, vectors } = inflight.shift() as (typeof inflight)[number];
    const computed = await vectors;
    // Stopped while the model worked (the store may be closing): drop the batch, it is computed again next time.
    if (signal?.aborted) return;
    store.vectors.putVectors(
      table,
      embedder.id,
      batch.map((c, j) => ({ id: c.id, hash: c.hash, vector: computed[j] as Float32Array, cached: false })),
    );
    progress.computed += batch.length;
  };
  try {
    for (let i = 0; i < misses.length && !signal?.aborted; i += batchSize) {
      const batch = misses.slice(i, i + batchSize);
      inflight.push({ batch, vectors: embedder.embedDocuments(batch.map(chunkEmbeddingText)) });
      // Two batches a model thread: one it computes, one waiting, so that it never waits for this thread's write.
      if (inflight.length >= 2 * parallel) await writeOldest();
    }
    while (inflight.length > 0) await writeOldest();
  } finally {
    // A failed batch leaves the others in flight: settled here, not reported as unhandled.
    for (const f of inflight) f.vectors.catch(() => {});
  }
}
