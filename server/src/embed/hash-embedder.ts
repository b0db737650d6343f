// A deterministic test double: each word hashes to a few signed dimensions (feature hashing). Shared words make
// texts similar; no model, no I/O. Only for fast unit tests — never the only test of a feature.
import { type Embedder, normalize } from './embedder.js';

export class HashEmbedder implements Embedder {
  readonly id: string;
  calls = 0;
  embedded = 0;

  constructor(readonly dimensions = 64) {
    this.id = `hash-${dimensions}`;
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    this.embedded += texts.length;
    return texts.map((t) => this.vector(t));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.vector(text);
  }

  async close(): Promise<void> {}

  private vector(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    for (const word of text.split(/\s+/).filter(Boolean)) {
      let h = 2166136261;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
      const i = (h >>> 0) % this.dimensions;
      v[i] = (v[i] ?? 0) + (h & 1 ? 1 : -1);
    }
    return normalize(v);
  }
}
