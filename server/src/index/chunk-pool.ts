// Parses and chunks files in a worker thread (dist/chunk-worker.js), so that tree-sitter never holds the language
// server's main thread. The worker starts on first use and ends after it has been idle a while (freeing its memory).
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
}

type Reply = { id: number; write?: FileWrite; errors?: string[]; error?: string };

export class WorkerChunkPool implements ChunkPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { worker: Worker; resolve: (r: PreparedFile) => void; reject: (e: Error) => void }
  >();
  private idle: NodeJS.Timeout | undefined;
  private holders = 0;
  /** Files the worker has chunked (for status and tests). */
  filesChunked = 0;

  /** `idleMs`: how long the worker may wait for work, when no run holds it, before it is stopped. */
  constructor(private readonly idleMs = 5000) {}

  prepare(
    config: Config,
    path: string,
    text: string,
    state: { size: number; mtimeMs: number; hash: string; overlay?: number },
  ): Promise<PreparedFile> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    return new Promise<PreparedFile>((resolve, reject) => {
      this.waiting.set(id, { worker, resolve, reject });
      worker.ref();
      worker.postMessage({ id, config, path, text, state });
    });
  }

  /** True while the worker thread exists. */
  get running(): boolean {
    return this.worker !== undefined;
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

  /** Stops the worker (a later prepare starts another). */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(join(packageRoot(), 'dist', 'chunk-worker.js'));
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error || !reply.write) waiter?.reject(new Error(reply.error ?? 'the chunk worker returned nothing'));
      else {
        this.filesChunked++;
        waiter?.resolve({ write: reply.write, errors: reply.errors ?? [] });
      }
      if (this.waiting.size === 0) this.rest(worker);
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      // Only this worker's jobs: a stopped worker exits while its successor may already have work.
      for (const [id, w] of this.waiting) {
        if (w.worker !== worker) continue;
        this.waiting.delete(id);
        w.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the chunk worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** No work in flight: let the process exit, and stop the worker if none comes for `idleMs`. */
  private rest(worker: Worker): void {
    worker.unref();
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.worker === worker && this.waiting.size === 0 && this.holders === 0) void this.close();
    }, this.idleMs);
    this.idle.unref();
  }
}
