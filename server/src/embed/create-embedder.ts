// Builds the configured Embedder. The only place that knows every provider.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../chunk/grammar-loader.js';
import type { Embedder, EmbedderConfig } from './embedder.js';
import { HashEmbedder } from './hash-embedder.js';
import { HttpEmbedder } from './http-embedder.js';
import { EmbedderPool, TransformersEmbedder } from './transformers-embedder.js';
import type { ModelSpec } from './transformers-model.js';

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
    default: {
      const model = transformersModel(config);
      if (!model) {
        warn(`no embedding model in ${localModelDir(config)}: search is lexical only (npm install provides the model)`);
        return undefined;
      }
      return TransformersEmbedder.open(model.spec, model.id, inWorker);
    }
  }
}

/**
 * `threads` worker threads of the configured model for a long embedding pass (the CLI's index run), or undefined where
 * the provider is no local model (a remote service, the hash double: the caller keeps its embedder).
 */
export async function createEmbedderPool(config: EmbedderConfig, threads: number): Promise<Embedder | undefined> {
  const model = transformersModel(config);
  return model && EmbedderPool.open(model.spec, model.id, threads);
}

/** The transformers.js model of the `local` and `huggingface` providers and its id; undefined when there is none. */
function transformersModel(config: EmbedderConfig): { spec: ModelSpec; id: string } | undefined {
  if (config.provider === 'huggingface')
    return {
      spec: { model: config.model, cacheDir: config.cacheDir, pooling: config.pooling },
      id: `huggingface:${config.model}`,
    };
  if (config.provider !== 'local') return undefined;
  const dir = localModelDir(config);
  if (!existsSync(join(dir, 'config.json'))) return undefined;
  return { spec: { model: dir }, id: `local:${modelFingerprint(dir)}` };
}

function localModelDir(config: EmbedderConfig): string {
  return resolve((config.provider === 'local' && config.modelDir) || defaultModelDir());
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
