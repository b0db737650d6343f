// The Embedder interface: turns normalized texts into unit vectors. Providers: local (transformers.js, worker
// thread), huggingface (any feature-extraction model by id or folder), openai-compatible (HTTP), and a test double.

/** A model that embeds texts. Vectors are L2-normalized, `dimensions` long. */
export interface Embedder {
  /** Identifies the model and its output: a different id means vectors that must never be mixed. */
  readonly id: string;
  readonly dimensions: number;
  /** Embeds chunk texts (already normalized by embed-text.ts). */
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  /** Embeds one query text (already normalized). */
  embedQuery(text: string): Promise<Float32Array>;
  /** How many `embedDocuments` calls this embedder computes at once (a pool of worker threads); 1 when absent. */
  readonly parallel?: number;
  close(): Promise<void>;
}

export type { EmbedderConfig, UserEmbedderConfig } from '../config.js';

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number);
  const n = Math.sqrt(sum);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}
