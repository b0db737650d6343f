// Runs a feature-extraction model with @huggingface/transformers (ONNX Runtime), from a local folder or a Hugging Face
// id. Used in a worker thread by the language server and in-process by the CLI. Never downloads unless allowed.
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { normalize } from './embedder.js';

export interface ModelSpec {
  /** A model folder (config.json, tokenizer.json, onnx/model.onnx), or a Hugging Face id. */
  model: string;
  /** Where downloaded models are kept (ids only). Without it, ids are not downloaded. */
  cacheDir?: string;
  /** Pooling when the model has no `sentence_embedding` output. */
  pooling?: 'mean' | 'cls';
  /** ONNX Runtime threads for one inference (default 1: the index and the server share two cores). */
  threads?: number;
}

export interface LoadedModel {
  dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

interface Tensor {
  data: Float32Array | BigInt64Array;
  dims: number[];
}

export async function loadTransformersModel(spec: ModelSpec): Promise<LoadedModel> {
  const { AutoModel, AutoTokenizer, env } = await import('@huggingface/transformers');
  const isFolder = isAbsolute(spec.model) || spec.model.startsWith('.') || existsSync(spec.model);
  let id = spec.model;
  if (isFolder) {
    const dir = resolve(spec.model);
    if (!existsSync(resolve(dir, 'config.json'))) throw new Error(`no model in ${dir}: config.json is missing`);
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${dirname(dir)}/`;
    id = basename(dir);
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = spec.cacheDir !== undefined;
    if (spec.cacheDir) env.cacheDir = spec.cacheDir;
  }
  const options = {
    dtype: 'fp32' as const,
    local_files_only: isFolder || spec.cacheDir === undefined,
    session_options: { intraOpNumThreads: spec.threads ?? 1, interOpNumThreads: 1 },
  };
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  let model: Awaited<ReturnType<typeof AutoModel.from_pretrained>>;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(id, options);
    model = await AutoModel.from_pretrained(id, options);
  } catch (error) {
    const hint = isFolder ? '' : ' (a Hugging Face id is downloaded once when online; offline it must be in the cache already)';
    throw new Error(`cannot load the embedding model ${spec.model}${hint}: ${(error as Error).message}`);
  }
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: 512 });
    const output = (await model(inputs)) as Record<string, Tensor>;
    const pooled = output.sentence_embedding;
    if (pooled) return rows(pooled).map(normalize);
    const hidden = output.last_hidden_state;
    if (!hidden) throw new Error(`the model ${spec.model} has neither sentence_embedding nor last_hidden_state outputs`);
    return pool(hidden, inputs.attention_mask as Tensor, spec.pooling ?? 'mean').map(normalize);
  };
  const probe = await run(['dimensions']);
  return { dimensions: probe[0]?.length ?? 0, embed: run };
}

function rows(t: Tensor): Float32Array[] {
  const [n = 0, d = 0] = t.dims;
  const data = t.data as Float32Array;
  return Array.from({ length: n }, (_, i) => Float32Array.from(data.subarray(i * d, (i + 1) * d)));
}

function pool(hidden: Tensor, mask: Tensor, how: 'mean' | 'cls'): Float32Array[] {
  const [n = 0, s = 0, d = 0] = hidden.dims;
  const h = hidden.data as Float32Array;
  const m = mask.data as BigInt64Array;
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(d);
    if (how === 'cls') v.set(h.subarray(i * s * d, i * s * d + d));
    else {
      let count = 0;
      for (let j = 0; j < s; j++) {
        if (m[i * s + j] === 0n) continue;
        count++;
        const base = (i * s + j) * d;
        for (let k = 0; k < d; k++) v[k] = (v[k] ?? 0) + (h[base + k] ?? 0);
      }
      if (count) for (let k = 0; k < d; k++) v[k] = (v[k] ?? 0) / count;
    }
    out.push(v);
  }
  return out;
}
