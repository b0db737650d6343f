import { describe, expect, it } from 'vitest';
import { quantize } from '../store/int8-codes.js';
import { seededRandom } from '../store/test-random.js';
import { VectorIndex } from './vector-index.js';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const s = 1 / Math.sqrt(n);
  return v.map((x) => x * s);
}

function randomVectors(n: number, dims: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => unit(Float32Array.from({ length: dims }, () => gaussian(r))));
}

/** Vectors around a few centres, as embeddings of code are: neighbours are close and many are near-ties. */
function clusteredVectors(n: number, dims: number, clusters: number, spread: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  const centres = randomVectors(clusters, dims, seed + 1);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * clusters)] as Float32Array;
    return unit(c.map((x) => x + spread * gaussian(r)));
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

function exactTop(vectors: Map<number, Float32Array>, q: Float32Array, k: number, accept = (_: number) => true): number[] {
  return [...vectors]
    .filter(([id]) => accept(id))
    .map(([id, v]) => ({ id, s: cosine(v, q) }))
    .sort((a, b) => b.s - a.s || a.id - b.id)
    .slice(0, k)
    .map((x) => x.id);
}

/** Mean recall@k of the index's top k against brute force over `queries`. */
function recall(index: VectorIndex, vectors: Map<number, Float32Array>, queries: Float32Array[], k: number, shortlist: number) {
  let found = 0;
  for (const q of queries) {
    const truth = new Set(exactTop(vectors, q, k));
    found += index.search(q, k, shortlist).filter((a) => truth.has(a.id)).length;
  }
  return found / (k * queries.length);
}

function build(vectors: Float32Array[]): { index: VectorIndex; byId: Map<number, Float32Array> } {
  const index = new VectorIndex(vectors[0]?.length ?? 0);
  const byId = new Map<number, Float32Array>();
  vectors.forEach((v, i) => {
    index.add(i + 1, v);
    byId.set(i + 1, v);
  });
  return { index, byId };
}

describe('quantize', () => {
  it('maps the largest component to ±127 and keeps signs', () => {
    expect([...quantize(Float32Array.from([0.5, -1, 0.25, 0]))]).toEqual([64, -127, 32, 0]);
    expect([...quantize(new Float32Array(3))]).toEqual([0, 0, 0]);
  });
});

describe('VectorIndex', () => {
  it('finds a stored vector first when queried with it, with cosine ≈ 1', () => {
    const { index } = build(randomVectors(500, 64, 7));
    const q = randomVectors(500, 64, 7)[123] as Float32Array;
    const [best] = index.search(q, 1, 50);
    expect(best?.id).toBe(124);
    expect(best?.similarity).toBeCloseTo(1, 2);
  });

  const cases: { name: string; vectors: Float32Array[]; queries: Float32Array[] }[] = [
    { name: 'random', vectors: randomVectors(4000, 256, 1), queries: randomVectors(30, 256, 2) },
    {
      name: 'clustered',
      vectors: clusteredVectors(4000, 256, 20, 0.08, 3),
      queries: clusteredVectors(30, 256, 20, 0.08, 3).map((v, i) => (i % 2 ? v : unit(v.map((x, j) => x + 0.01 * j)))),
    },
  ];
  for (const c of cases) {
    it(`has recall@10 and @100 ≥ 0.95 against brute force on ${c.name} vectors with a half shortlist`, () => {
      const { index, byId } = build(c.vectors);
      // A shortlist drawn at random would hold half of the true neighbours; sign bits must do far better.
      expect(recall(index, byId, c.queries, 10, 2000)).toBeGreaterThanOrEqual(0.95);
      expect(recall(index, byId, c.queries, 100, 2000)).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('keeps the brute-force best near the top when the shortlist holds everything', () => {
    const vectors = randomVectors(300, 32, 11);
    const { index, byId } = build(vectors);
    const q = randomVectors(1, 32, 12)[0] as Float32Array;
    // int8 codes move cosines by ~1e-3: the exact top 3 must be among the first 8.
    const got = index.search(q, 300, 300);
    expect(got).toHaveLength(300);
    const truth = exactTop(byId, q, 5);
    for (const id of truth.slice(0, 3)) expect(got.slice(0, 8).map((a) => a.id)).toContain(id);
  });

  it('stays in step with adds, replacements and removals', () => {
    const vectors = randomVectors(200, 32, 21);
    const { index, byId } = build(vectors);
    expect(index.size).toBe(200);
    // Remove every third id, replace some others with new vectors, add new ids.
    const fresh = randomVectors(60, 32, 22);
    for (let id = 1; id <= 200; id += 3) {
      index.remove(id);
      byId.delete(id);
    }
    index.remove(9999);
    fresh.slice(0, 30).forEach((v, i) => {
      index.add(2 + 3 * i, v);
      byId.set(2 + 3 * i, v);
    });
    fresh.slice(30).forEach((v, i) => {
      index.add(1000 + i, v);
      byId.set(1000 + i, v);
    });
    expect(index.size).toBe(byId.size);
    for (let id = 1; id <= 200; id += 3) expect(index.has(id)).toBe(false);
    // Every remaining vector is found first when it is the query (its slot may have moved).
    for (const [id, v] of byId) expect(index.search(v, 1, 20)[0]?.id).toBe(id);
    const all = index.search(randomVectors(1, 32, 23)[0] as Float32Array, 1000, 1000);
    expect(new Set(all.map((a) => a.id))).toEqual(new Set(byId.keys()));
  });

  it('scores only accepted ids, and still fills k from them', () => {
    const vectors = clusteredVectors(2000, 64, 5, 0.1, 31);
    const { index, byId } = build(vectors);
    const accept = (id: number): boolean => id % 7 === 0;
    const q = vectors[10] as Float32Array;
    const got = index.search(q, 20, 200, accept);
    expect(got).toHaveLength(20);
    expect(got.every((a) => accept(a.id))).toBe(true);
    const truth = new Set(exactTop(byId, q, 20, accept));
    expect(got.filter((a) => truth.has(a.id)).length).toBeGreaterThanOrEqual(18);
  });

  it('refuses codes of the wrong length and answers nothing when empty', () => {
    const index = new VectorIndex(8);
    expect(() => index.addCodes(1, new Int8Array(4))).toThrow(/4 dimensions, index has 8/);
    expect(index.search(new Float32Array(8).fill(1), 5, 10)).toEqual([]);
  });
});
