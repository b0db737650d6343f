// Worker thread entry (dist/embed-worker.js): loads the model once, then answers {id, texts} with {id, vectors}.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTransformersModel, type ModelSpec } from './transformers-model.js';

const port = parentPort;
if (port) {
  loadTransformersModel(workerData as ModelSpec).then(
    (model) => {
      port.postMessage({ id: 0, dimensions: model.dimensions });
      port.on('message', async ({ id, texts }: { id: number; texts: string[] }) => {
        try {
          const vectors = await model.embed(texts);
          port.postMessage(
            { id, vectors },
            vectors.map((v) => v.buffer as ArrayBuffer),
          );
        } catch (error) {
          port.postMessage({ id, error: (error as Error).message });
        }
      });
    },
    (error) => port.postMessage({ id: 0, error: (error as Error).message }),
  );
}
