// Candidates from a pushed commit of the team index, without a checkout: lexical by PostgreSQL full-text search
// (ts_rank over the `simple` tsvector of the same code-aware tokens), dense through a RemoteVectorSearch. Ranking is the
// engine's (engine-remote.ts), the same code as local search. Invariant: every tsquery is built from word characters
// joined by `|`, so no query text is a tsquery syntax error.
import type { Chunk } from '../model.js';
import type { RemoteDb } from './remote-db.js';
import { RemoteError } from './remote-error.js';
import { signBits, vectorOf } from './vector-bits.js';

/** One pushed commit. */
export interface Manifest {
  id: string;
  repoName: string;
  commit: string;
  model: string | null;
  chunks: number;
}

/** The manifest of `repoName` at `commit`, or its latest push when no commit is given. Throws RemoteError not-found. */
export async function findManifest(db: RemoteDb, repoName: string, commit?: string): Promise<Manifest> {
  const rows = await db.query<{ id: string; commit: string; model: string | null; chunks: number }>(
    `SELECT id, commit, model, chunks FROM codectx_manifests WHERE repo_name = $1 AND ($2::text IS NULL OR commit = $2)
     ORDER BY pushed_at DESC, id DESC LIMIT 1`,
    [repoName, commit ?? null],
  );
  const row = rows[0];
  if (!row)
    throw new RemoteError(
      'not-found',
      `the team index at ${db.where} has no push of ${repoName}${commit ? `@${commit}` : ''} (codectx push --repo-name ${repoName})`,
    );
  return { id: row.id, repoName, commit: row.commit, model: row.model, chunks: row.chunks };
}

/** The tsquery text of a query's terms and phrases: words only, OR-ed; undefined when there are none. */
export function tsQueryText(terms: string[], phrases: string[][]): string | undefined {
  const words = (text: string): string[] => text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const parts = [...terms.map((t) => words(t).join(' <-> ')), ...phrases.map((p) => words(p.join(' ')).join(' <-> '))].filter(
    (p) => p.length > 0,
  );
  return parts.length ? [...new Set(parts)].join(' | ') : undefined;
}

const CHUNK_COLUMNS = `m.path, m.start_line AS "startLine", m.end_line AS "endLine", m.start_byte AS "startByte",
  m.end_byte AS "endByte", c.hash, c.language, c.symbol, c.kind, c.parent, c.signature, c.doc, c.content`;

/** The best `limit` chunks of the manifest by ts_rank, best first. */
export async function remoteLexical(
  db: RemoteDb,
  manifest: Manifest,
  tsquery: string,
  limit: number,
): Promise<(Chunk & { rank: number })[]> {
  return db.query<Chunk & { rank: number }>(
    `SELECT ${CHUNK_COLUMNS}, ts_rank(c.tsv, q) AS rank
     FROM to_tsquery('simple', $2) q, codectx_manifest_chunks m JOIN codectx_chunks c ON c.hash = m.hash
     WHERE m.manifest_id = $1 AND c.tsv @@ q ORDER BY rank DESC, m.path, m.start_line LIMIT $3`,
    [manifest.id, tsquery, limit],
  );
}

/** Where the manifest places chunks of these hashes (every place of each). */
export async function placedChunks(db: RemoteDb, manifest: Manifest, hashes: string[]): Promise<Chunk[]> {
  if (hashes.length === 0) return [];
  return db.query<Chunk>(
    `SELECT ${CHUNK_COLUMNS} FROM codectx_manifest_chunks m JOIN codectx_chunks c ON c.hash = m.hash
     WHERE m.manifest_id = $1 AND m.hash = ANY($2::text[])`,
    [manifest.id, hashes],
  );
}

/**
 * Nearest chunk texts of a manifest to a query vector, by cosine, best first. The interface a deployment with pgvector
 * would implement with its own index; PostgreSQL 15 alone has SignBitSearch.
 */
export interface RemoteVectorSearch {
  nearest(
    db: RemoteDb,
    manifest: Manifest,
    model: string,
    query: Float32Array,
    k: number,
  ): Promise<{ hash: string; similarity: number }[]>;
}

/**
 * Dense search with what PostgreSQL 15 has: a shortlist by the Hamming distance of sign bits (`bit_count(signs # q)`
 * over the manifest's vectors), re-scored exactly by cosine over the shortlist's floats here. The shortlist is at least
 * `shortlist` vectors and grows with the commit (`share` of its chunks): a fixed 400 fell to recall@10 0.910 on the
 * Go standard library's 94k chunks, where 1,600 gave 0.990 (docs/benchmarks.md).
 */
export class SignBitSearch implements RemoteVectorSearch {
  constructor(
    readonly shortlist = 400,
    readonly share = 0.02,
  ) {}

  /** How many vectors the shortlist of a commit of `chunks` chunks holds, for `k` results. */
  sizeFor(chunks: number, k: number): number {
    return Math.max(this.shortlist, k, Math.ceil(chunks * this.share));
  }

  async nearest(
    db: RemoteDb,
    manifest: Manifest,
    model: string,
    query: Float32Array,
    k: number,
  ): Promise<{ hash: string; similarity: number }[]> {
    const rows = await db.query<{ hash: string; vector: Buffer }>(
      `SELECT v.hash, v.vector
       FROM (SELECT DISTINCT hash FROM codectx_manifest_chunks WHERE manifest_id = $1) m
       JOIN codectx_vectors v ON v.model = $2 AND v.hash = m.hash
       ORDER BY bit_count(v.signs # $3::bit varying), v.hash LIMIT $4`,
      [manifest.id, model, signBits(query), this.sizeFor(manifest.chunks, k)],
    );
    return rows
      .map((r) => ({ hash: r.hash, similarity: cosine(query, vectorOf(r.vector)) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k);
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
