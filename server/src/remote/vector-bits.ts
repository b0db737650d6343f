// Vectors as the team index stores them: float32 bytes (little-endian), and their sign bits as a bit string.

/** The float32 bytes of a vector, as PostgreSQL's decode(…, 'base64') takes them. */
export function vectorBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** A bytea from the server (a Buffer) as floats; copied, so that the result is aligned. */
export function vectorOf(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** '1' for each positive component, '0' else: a `bit varying` literal for the bit_count shortlist. */
export function signBits(vector: Float32Array): string {
  let out = '';
  for (const x of vector) out += x > 0 ? '1' : '0';
  return out;
}
