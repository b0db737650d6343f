// Parses and chunks files in worker threads (dist/chunk-worker.js), so that tree-sitter never holds the caller's thread:
// the language server's main thread, or the CLI's, which writes the index meanwhile. The workers start on first use
// and end after they have been idle a while (freeing their memory).
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../chunk/grammar-loader.js';
import type { Config } from '../config.js';
import type { FileWrite } from '../store/store.js';

/** What a file's chunking gives: the store's write and the problems met (never thrown). */
export interface PreparedFile {
  write: FileWrite;
  errors: string[];
}

/** Chunks files somewhere else than the caller's thread. Rejects only when that place failed (the caller falls back). */
export interface ChunkPool {
  prepare(
    config: Config,
    path: string,
    text: string,
    state: { size: number; mtimeMs: number; hash: string; overlay?: number },
  ): Promise<PreparedFile>;
  /** Keeps the chunker ready for a run; the returned function lets it go (a worker stops when nobody holds it). */
  hold?(): () => void;
  /** How many files it chunks at once (its threads); 1 when absent. */
  readonly threads?: number;
}

type Reply = { id: number; write?: FileWrite; errors?: string[]; error?: string };

/**
 * A chunk worker's old-generation heap, MiB. Chunking a file at the 1 MiB size limit keeps ~55 MiB live (a generated
 * register header: 18k `#define`s); without a limit V8 let each worker's heap grow to ~250 MiB of garbage between full
 * collections on the kernel's headers. A file that needs more stops its worker; the run chunks it on its own thread.
 */
export const CHUNK_WORKER_HEAP_MB = 256;

/** One worker thread and the number of its jobs in flight. */
interface Slot {
  worker: Worker;
  jobs: number;
}

export class WorkerChunkPool implements ChunkPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, { slot: Slot; resolve: (r: PreparedFile) => void; reject: (e: Error) => void }>();
  private idle: NodeJS.Timeout | undefined;
  private holders = 0;
  /** Files the workers have chunked (for status and tests). */
  filesChunked = 0;
  readonly threads: number;

  /**
   * `idleMs`: how long the workers may wait for work, when no run holds them, before they are stopped. `threads`: how
   * many worker threads chunk at once (each started when a file finds the others busy). `heapMb`: each worker's
   * old-generation heap limit.
   */
  constructor(
    private readonly idleMs = 5000,
    threads = 1,
    private readonly heapMb = CHUNK_WORKER_HEAP_MB,
  ) {
    this.threads = Math.max(1, Math.floor(threads));
  }

  prepare(
    config: Config,
    path: string,
    text: string,
    state: { size: number; mtimeMs: number; hash: string; overlay?: number },
  ): Promise<PreparedFile> {
    const slot = this.pick();
    const id = this.nextId++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    return new Promise<PreparedFile>((resolve, reject) => {
      this.waiting.set(id, { slot, resolve, reject });
      slot.jobs++;
      slot.worker.ref();
      slot.worker.postMessage({ id, config, path, text, state });
    });
  }

  /** True while a worker thread exists. */
  get running(): boolean {
    return this.slots.length > 0;
  }

  /** Worker threads started now. */
  get started(): number {
    return this.slots.length;
  }

  hold(): () => void {
    this.holders++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.holders--;
      // The last run is over: its memory (grammars, parse trees) goes now, not after the idle delay.
      if (this.holders === 0 && this.waiting.size === 0) void this.close();
    };
  }

  /** Stops the workers (a later prepare starts others). */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** The least busy worker; a new one while fewer than `threads` run and every running one has work. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.jobs < best.jobs) best = s;
    if (best && (best.jobs === 0 || this.slots.length >= this.threads)) return best;
    return this.start();
  }

  private start(): Slot {
    const worker = new Worker(join(packageRoot(), 'dist', 'chunk-worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
    const slot: Slot = { worker, jobs: 0 };
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (waiter) waiter.slot.jobs--;
      if (reply.error || !reply.write) waiter?.reject(new Error(reply.error ?? 'the chunk worker returned nothing'));
      else {
        this.filesChunked++;
        waiter?.resolve({ write: reply.write, errors: reply.errors ?? [] });
      }
      if (slot.jobs === 0) worker.unref();
      if (this.waiting.size === 0) this.rest();
    });
    const fail = (error: Error): void => {
      this.slots = this.slots.filter((s) => s !== slot);
      // Only this worker's jobs: a stopped worker exits while its successor may already have work.
      for (const [id, w] of this.waiting) {
        if (w.slot !== slot) continue;
        this.waiting.delete(id);
        w.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the chunk worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  /** No work in flight: let the process exit, and stop the workers if none comes for `idleMs`. */
  private rest(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.waiting.size === 0 && this.holders === 0) void this.close();
    }, this.idleMs);
    this.idle.unref();
  }
}
