// Pure. How a vector is stored for search: int8 codes, scaled so that its largest component is ±127.

/** A vector as int8 codes, scaled so that its largest component is ±127 (cosine needs no scale: it divides norms out). */
export function quantize(vector: Float32Array): Int8Array {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i] as number));
  const codes = new Int8Array(vector.length);
  if (max === 0) return codes;
  const scale = 127 / max;
  for (let i = 0; i < vector.length; i++) codes[i] = Math.round((vector[i] as number) * scale);
  return codes;
}

/** A float32 vector over a copy of a blob's bytes (a Buffer's offset need not be 4-aligned). */
export function floats(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
