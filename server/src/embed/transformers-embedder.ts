// The local and huggingface providers: a transformers.js model, in this thread or in a worker thread (so that the
// language server keeps answering while chunks are embedded).

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../chunk/grammar-loader.js';
import type { Embedder } from './embedder.js';
import { type LoadedModel, loadTransformersModel, type ModelSpec } from './transformers-model.js';

type Reply = { id: number; vectors?: Float32Array[]; error?: string; dimensions?: number };

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
