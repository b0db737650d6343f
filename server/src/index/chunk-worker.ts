// Worker thread entry (dist/chunk-worker.js): parses and chunks files off the language server's main thread.
// Answers {id, config, path, text, state} with {id, write, errors}; it never touches the index.
import { parentPort } from 'node:worker_threads';
import { GrammarLoader } from '../chunk/grammar-loader.js';
import type { Config } from '../config.js';
import { prepareFile } from './prepare-file.js';

interface Job {
  id: number;
  config: Config;
  path: string;
  text: string;
  state: { size: number; mtimeMs: number; hash: string; overlay?: number };
}

const port = parentPort;
if (port) {
  const grammars = new GrammarLoader();
  port.on('message', async ({ id, config, path, text, state }: Job) => {
    try {
      const report = { errors: [] as string[], parseFailures: 0 };
      const write = await prepareFile(config, grammars, path, text, state, report);
      port.postMessage({ id, write, errors: report.errors });
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message });
    }
  });
}
