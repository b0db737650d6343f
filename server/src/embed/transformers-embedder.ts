// The local and huggingface providers: a transformers.js model, in this thread or in a worker thread (so that the
// language server keeps answering while chunks are embedded).

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../chunk/grammar-loader.js';
import type { Embedder } from './embedder.js';
import { type LoadedModel, loadTransformersModel, type ModelSpec } from './transformers-model.js';

type Reply = { id: number; vectors?: Float32Array[]; error?: string; dimensions?: number };

/**
 * Several worker threads, each with its own copy of the model, for an index run's embedding pass in the CLI (the
 * shipped static model's time is its tokenizer, in JavaScript: one thread per core embeds that many batches at once).
 * The same vectors as one model: every worker runs the same model on one ONNX thread.
 */
export class EmbedderPool implements Embedder {
  readonly parallel: number;
  private readonly busy: number[];

  private constructor(
    readonly id: string,
    readonly dimensions: number,
    private readonly members: TransformersEmbedder[],
  ) {
    this.parallel = members.length;
    this.busy = members.map(() => 0);
  }

  /** `threads` workers of `spec`'s model, loaded at once; closes those loaded when one fails. */
  static async open(spec: ModelSpec, id: string, threads: number): Promise<EmbedderPool> {
    const loading = Array.from({ length: threads }, () => TransformersEmbedder.open(spec, id, true));
    const settled = await Promise.allSettled(loading);
    const members = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed || members.length === 0) {
      await Promise.all(members.map((m) => m.close()));
      throw failed?.reason ?? new Error('no embedding worker started');
    }
    return new EmbedderPool(id, members[0]?.dimensions ?? 0, members);
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    // The least busy worker (ties: the first).
    const i = this.busy.indexOf(Math.min(...this.busy));
    this.busy[i] = (this.busy[i] ?? 0) + 1;
    try {
      return await (this.members[i] as TransformersEmbedder).embedDocuments(texts);
    } finally {
      this.busy[i] = (this.busy[i] ?? 1) - 1;
    }
  }

  embedQuery(text: string): Promise<Float32Array> {
    return (this.members[0] as TransformersEmbedder).embedQuery(text);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()));
  }
}

export class TransformersEmbedder implements Embedder {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void }>();

  private constructor(
    readonly id: string,
    readonly dimensions: number,
    private readonly model: LoadedModel | undefined,
    private readonly worker: Worker | undefined,
  ) {
    worker?.on('message', (reply: Reply) => {
      this.waiting.get(reply.id)?.resolve(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async open(spec: ModelSpec, id: string, inWorker: boolean): Promise<TransformersEmbedder> {
    if (!inWorker) {
      const model = await loadTransformersModel(spec);
      return new TransformersEmbedder(id, model.dimensions, model, undefined);
    }
    const worker = new Worker(join(packageRoot(), 'dist', 'embed-worker.js'), { workerData: spec });
    const ready = await new Promise<Reply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (ready.error) {
      await worker.terminate();
      throw new Error(ready.error);
    }
    worker.unref();
    return new TransformersEmbedder(id, ready.dimensions ?? 0, undefined, worker);
  }

  embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return this.run(texts);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [v] = await this.run([text]);
    if (!v) throw new Error('the model returned no vector');
    return v;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    if (this.model) return this.model.embed(texts);
    const worker = this.worker as Worker;
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      this.waiting.set(id, { resolve });
      worker.ref();
      worker.postMessage({ id, texts });
    });
    if (this.waiting.size === 0) worker.unref();
    if (reply.error) throw new Error(reply.error);
    return reply.vectors ?? [];
  }
}
