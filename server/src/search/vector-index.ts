// An in-memory copy of one model's vectors as int8 codes and sign bits, searched in two passes: Hamming distance over
// all of them, then an int8 dot product over the best. Invariant: it holds exactly what add/remove gave it, by id.
// No SQLite here: dense-search.ts loads it from the store, keeps it in step with the store's writes, and re-scores the
// survivors exactly.
import { quantize } from '../store/int8-codes.js';

/** Bits set in each 16-bit value: two lookups count a 32-bit word. */
const POPCOUNT16 = (() => {
  const t = new Uint8Array(65536);
  for (let i = 1; i < 65536; i++) t[i] = (t[i >> 1] as number) + (i & 1);
  return t;
})();

export interface Approximate {
  id: number;
  /** Cosine of the query with the int8 codes (their own norm divided out). */
  similarity: number;
}

export class VectorIndex {
  private readonly words: number;
  private capacity = 0;
  private count = 0;
  private ids = new Float64Array(0);
  private codes = new Int8Array(0);
  private bits = new Uint32Array(0);
  private invNorms = new Float32Array(0);
  private readonly slotOf = new Map<number, number>();

  constructor(readonly dimensions: number) {
    this.words = Math.ceil(dimensions / 32);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** Makes room for `n` vectors in all, so that loading a table of known size allocates once. */
  reserve(n: number): void {
    if (n > this.capacity) this.grow(n);
  }

  /** Adds or replaces the vector of `id`. */
  add(id: number, vector: Float32Array): void {
    this.addCodes(id, quantize(vector));
  }

  /** Adds or replaces the vector of `id` from its int8 codes (as `quantize` made them). */
  addCodes(id: number, codes: Int8Array): void {
    if (codes.length !== this.dimensions) throw new Error(`vector of ${codes.length} dimensions, index has ${this.dimensions}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      if (this.count === this.capacity) this.grow();
      slot = this.count++;
      this.slotOf.set(id, slot);
      this.ids[slot] = id;
    }
    const d = this.dimensions;
    const w = this.words;
    this.codes.set(codes, slot * d);
    let norm = 0;
    for (let j = 0; j < w; j++) {
      let word = 0;
      for (let i = j * 32, end = Math.min(d, i + 32); i < end; i++) {
        const c = codes[i] as number;
        norm += c * c;
        if (c > 0) word |= 1 << (i & 31);
      }
      this.bits[slot * w + j] = word;
    }
    this.invNorms[slot] = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  }

  /** Forgets `id`; the last slot moves into its place. */
  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    const last = --this.count;
    if (slot !== last) {
      const d = this.dimensions;
      const w = this.words;
      const moved = this.ids[last] as number;
      this.ids[slot] = moved;
      this.codes.copyWithin(slot * d, last * d, last * d + d);
      this.bits.copyWithin(slot * w, last * w, last * w + w);
      this.invNorms[slot] = this.invNorms[last] as number;
      this.slotOf.set(moved, slot);
    }
  }

  /**
   * The `n` best ids for `query` by int8 cosine, best first, among the `shortlist` closest by Hamming distance of the
   * sign bits. `accept`, when given, is asked about every id before it is scored.
   */
  search(query: Float32Array, n: number, shortlist: number, accept?: (id: number) => boolean): Approximate[] {
    const count = this.count;
    const d = this.dimensions;
    const w = this.words;
    const qbits = new Uint32Array(w);
    let qnorm = 0;
    for (let i = 0; i < d; i++) {
      const x = query[i] as number;
      qnorm += x * x;
      if (x > 0) qbits[i >>> 5] = ((qbits[i >>> 5] as number) | (1 << (i & 31))) >>> 0;
    }
    if (count === 0 || n <= 0 || qnorm === 0) return [];
    // Pass 1: Hamming distances, and their histogram, from which the distance that admits `shortlist` ids follows.
    const rejected = d + 1;
    const dist = hammingAll(this.bits, count, w, qbits);
    if (accept) for (let s = 0; s < count; s++) if (!accept(this.ids[s] as number)) dist[s] = rejected;
    const histogram = new Uint32Array(d + 2);
    for (let s = 0; s < count; s++) histogram[dist[s] as number] = (histogram[dist[s] as number] as number) + 1;
    let limit = 0;
    let admitted = 0;
    while (limit < rejected && admitted + (histogram[limit] as number) <= shortlist) admitted += histogram[limit++] as number;
    // Ids closer than `limit` all pass; ids at exactly `limit` fill the rest of the shortlist in slot order.
    let atLimit = limit < rejected ? shortlist - admitted : 0;
    const slots = new Uint32Array(Math.min(count, shortlist));
    let m = 0;
    for (let s = 0; s < count && m < slots.length; s++) {
      const h = dist[s] as number;
      if (h < limit || (h === limit && atLimit-- > 0)) slots[m++] = s;
    }
    // Pass 2: int8 dot products of the shortlist, then the best n of them.
    const scores = dotAll(this.codes, slots.subarray(0, m), d, query, this.invNorms);
    const cut = n >= m ? Number.NEGATIVE_INFINITY : (Float32Array.from(scores).sort()[m - n] as number);
    const out: Approximate[] = [];
    const scale = 1 / Math.sqrt(qnorm);
    for (let i = 0; i < m; i++)
      if ((scores[i] as number) >= cut)
        out.push({ id: this.ids[slots[i] as number] as number, similarity: (scores[i] as number) * scale });
    return out.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, n);
  }

  private grow(atLeast = 0): void {
    const capacity = Math.max(1024, this.capacity * 2, atLeast);
    const d = this.dimensions;
    const w = this.words;
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    const codes = new Int8Array(capacity * d);
    codes.set(this.codes);
    const bits = new Uint32Array(capacity * w);
    bits.set(this.bits);
    const invNorms = new Float32Array(capacity);
    invNorms.set(this.invNorms);
    this.ids = ids;
    this.codes = codes;
    this.bits = bits;
    this.invNorms = invNorms;
    this.capacity = capacity;
  }
}

/** Hamming distance of every vector's sign bits (`words` 32-bit words each) to `qbits`. */
function hammingAll(bits: Uint32Array, count: number, words: number, qbits: Uint32Array): Uint16Array {
  const dist = new Uint16Array(count);
  const table = POPCOUNT16;
  for (let s = 0, o = 0; s < count; s++) {
    let h = 0;
    for (let j = 0; j < words; j++, o++) {
      const x = (bits[o] as number) ^ (qbits[j] as number);
      h += (table[x & 0xffff] as number) + (table[x >>> 16] as number);
    }
    dist[s] = h;
  }
  return dist;
}

/** int8 codes · float query for the given slots, each divided by its code vector's norm. */
function dotAll(codes: Int8Array, slots: Uint32Array, d: number, query: Float32Array, invNorms: Float32Array): Float32Array {
  const scores = new Float32Array(slots.length);
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k] as number;
    const o = s * d;
    let a = 0;
    let b = 0;
    let c = 0;
    let e = 0;
    let i = 0;
    for (; i + 3 < d; i += 4) {
      a += (codes[o + i] as number) * (query[i] as number);
      b += (codes[o + i + 1] as number) * (query[i + 1] as number);
      c += (codes[o + i + 2] as number) * (query[i + 2] as number);
      e += (codes[o + i + 3] as number) * (query[i + 3] as number);
    }
    for (; i < d; i++) a += (codes[o + i] as number) * (query[i] as number);
    scores[k] = (a + b + c + e) * (invNorms[s] as number);
  }
  return scores;
}
