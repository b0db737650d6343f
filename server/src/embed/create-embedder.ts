// Builds the configured Embedder. The only place that knows every provider.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../chunk/grammar-loader.js';
import type { Embedder, EmbedderConfig } from './embedder.js';
import { HashEmbedder } from './hash-embedder.js';
import { HttpEmbedder } from './http-embedder.js';
import { EmbedderPool, TransformersEmbedder } from './transformers-embedder.js';

/** The model that ships with codectx (built by training/, committed under models/). */
export function defaultModelDir(): string {
  return join(packageRoot(), 'models', 'code-static');
}

/**
 * The embedder for `config`, or undefined when embeddings are off or the model is missing (search stays lexical;
 * `warn` says why). Throws only for a configured remote provider that cannot be reached.
 */
export async function createEmbedder(
  config: EmbedderConfig,
  inWorker: boolean,
  warn: (m: string) => void,
): Promise<Embedder | undefined> {
  switch (config.provider) {
    case 'none':
      return undefined;
    case 'hash':
      return new HashEmbedder(config.dimensions);
    case 'openai-compatible':
      warn(`embeddings come from ${config.baseUrl}: the text of your code is sent there (provider openai-compatible)`);
      return new HttpEmbedder(config.baseUrl, config.model, config.apiKey, config.dimensions).init();
    case 'huggingface': {
      const id = `huggingface:${config.model}`;
      return TransformersEmbedder.open({ model: config.model, cacheDir: config.cacheDir, pooling: config.pooling }, id, inWorker);
    }
    case 'local': {
      const dir = resolve(config.modelDir ?? defaultModelDir());
      if (!existsSync(join(dir, 'config.json'))) {
        warn(`no embedding model in ${dir}: search is lexical only (npm install provides the model)`);
        return undefined;
      }
      return TransformersEmbedder.open({ model: dir }, `local:${modelFingerprint(dir)}`, inWorker);
    }
  }
}

/**
 * `threads` worker threads of the configured model for a long embedding pass (the CLI's index run), or undefined where
 * the provider is no local model (a remote service, the hash double: the caller keeps its embedder).
 */
export async function createEmbedderPool(config: EmbedderConfig, threads: number): Promise<Embedder | undefined> {
  switch (config.provider) {
    case 'huggingface':
      return EmbedderPool.open(
        { model: config.model, cacheDir: config.cacheDir, pooling: config.pooling },
        `huggingface:${config.model}`,
        threads,
      );
    case 'local': {
      const dir = resolve(config.modelDir ?? defaultModelDir());
      if (!existsSync(join(dir, 'config.json'))) return undefined;
      return EmbedderPool.open({ model: dir }, `local:${modelFingerprint(dir)}`, threads);
    }
    default:
      return undefined;
  }
}

/** Changes whenever the model's files change, so vectors of two builds of a model are never mixed. */
function modelFingerprint(dir: string): string {
  const h = createHash('sha1');
  for (const f of ['config.json', 'codectx.json', 'tokenizer.json', 'onnx/model.onnx']) {
    const file = join(dir, f);
    if (!existsSync(file)) continue;
    const st = statSync(file);
    h.update(`${f}:${st.size}`);
    if (st.size < 4 * 1024 * 1024) h.update(readFileSync(file));
  }
  const name = existsSync(join(dir, 'codectx.json'))
    ? (JSON.parse(readFileSync(join(dir, 'codectx.json'), 'utf8')).name as string)
    : 'model';
  return `${name ?? 'model'}@${h.digest('hex').slice(0, 12)}`;
}
