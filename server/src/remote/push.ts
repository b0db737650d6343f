// Push: a local index to the team index. Chunks, vectors and files go first, by content hash, in batches of multi-row
// inserts that skip what the server already has; the manifest of (repository name, commit) goes last, in one
// transaction. Invariant: a manifest is on the server only when every chunk it lists is, so a push killed anywhere
// leaves no half manifest, and the next push sends only what is still missing (every insert is idempotent).
import { ftsFields } from '../store/fts-fields.js';
import type { Store } from '../store/store.js';
import type { RemoteDb } from './remote-db.js';
import { signBits, vectorBase64 } from './vector-bits.js';

export interface PushOptions {
  repoName: string;
  commit: string;
  /** The embedding model whose vectors go along (from the local embedding cache); undefined: none. */
  model: string | undefined;
  /**
   * The chunking fingerprint every chunk of the index was cut by (prepare-file.ts); the files' rows go along under it.
   * Undefined: none go (the index holds chunks of older rules).
   */
  chunking?: string;
  /** Content hashes per round trip (default 500). */
  batchSize?: number;
  onProgress?: (p: PushProgress) => void;
}

export interface PushProgress {
  phase: 'chunks' | 'vectors' | 'files' | 'manifest';
  done: number;
  total: number;
}

export interface PushReport {
  repoName: string;
  commit: string;
  /** True when the server already had this manifest: only vectors and files' rows it lacked were sent. */
  alreadyThere: boolean;
  files: number;
  chunks: number;
  /** Rows this push sent (the rest the server had, from an earlier or another push). */
  chunksSent: number;
  vectorsSent: number;
  /** Files' rows (by chunking rules, language and content hash) this push sent. */
  filesSent: number;
  /** Bytes of the rows sent (their JSON), manifest included. */
  bytesSent: number;
  /** The index file sent as the repository name's snapshot (`--snapshot`): its size, and the bytes sent (gzip). */
  snapshot?: { bytes: number; sent: number };
}

/**
 * Pushes `store` to `db`: chunks, then the model's vectors, then the files' rows, then the manifest; what the server has
 * is not sent.
 */
export async function pushIndex(store: Store, db: RemoteDb, options: PushOptions): Promise<PushReport> {
  const { repoName, commit, model } = options;
  const batchSize = options.batchSize ?? 500;
  await db.migrate();
  const placements = store.placements();
  const report: PushReport = {
    repoName,
    commit,
    alreadyThere: false,
    files: new Set(placements.map((p) => p.path)).size,
    chunks: placements.length,
    chunksSent: 0,
    vectorsSent: 0,
    filesSent: 0,
    bytesSent: 0,
  };
  const existing = await db.query('SELECT 1 FROM codectx_manifests WHERE repo_name = $1 AND commit = $2', [repoName, commit]);
  const hashes = [...new Set(placements.map((p) => p.hash))];
  const batch = { size: batchSize, onProgress: options.onProgress };
  report.alreadyThere = existing.length > 0;
  // A commit already there has its chunks, but maybe not the vectors of this model or the files' rows of these
  // chunking rules (pushed by an older codectx, or with another model): those are sent, the manifest stays.
  if (!report.alreadyThere) await sendChunks(store, db, hashes, batch, report);
  if (model) await sendVectors(store, db, model, hashes, batch, report);
  if (options.chunking) await sendFiles(store, db, options.chunking, batch, report);
  if (!report.alreadyThere) await writeManifest(db, placements, model, batch, report);
  return report;
}

/** How a push goes in round trips: hashes per batch, and the progress callback. */
interface Batching {
  size: number;
  onProgress?: (p: PushProgress) => void;
}

/** The chunks of `hashes` that the server lacks, batch by batch, with their FTS text as a weighted tsvector. */
async function sendChunks(store: Store, db: RemoteDb, hashes: string[], batch: Batching, report: PushReport): Promise<void> {
  for (let i = 0; i < hashes.length; i += batch.size) {
    const some = hashes.slice(i, i + batch.size);
    const have = await db.query<{ hash: string }>('SELECT hash FROM codectx_chunks WHERE hash = ANY($1::text[])', [some]);
    const missing = without(some, have);
    if (missing.length) {
      const rows = [...store.chunksByHash(missing).values()].map((c) => {
        const fts = ftsFields(c);
        return {
          hash: c.hash,
          language: c.language,
          symbol: c.symbol,
          kind: c.kind,
          parent: c.parent,
          signature: c.signature,
          doc: c.doc,
          content: c.content,
          fts_symbol: fts.symbol,
          fts_sigdoc: fts.sigdoc,
          fts_body: fts.body,
        };
      });
      const json = JSON.stringify(rows);
      await db.query(
        `INSERT INTO codectx_chunks(hash, language, symbol, kind, parent, signature, doc, content, tsv)
         SELECT x.hash, x.language, x.symbol, x.kind, x.parent, x.signature, x.doc, x.content,
                setweight(to_tsvector('simple', x.fts_symbol), 'A') || setweight(to_tsvector('simple', x.fts_sigdoc), 'B')
                || setweight(to_tsvector('simple', x.fts_body), 'D')
         FROM jsonb_to_recordset($1::jsonb) AS x(hash text, language text, symbol text, kind text, parent text,
              signature text, doc text, content text, fts_symbol text, fts_sigdoc text, fts_body text)
         ON CONFLICT (hash) DO NOTHING`,
        [json],
      );
      report.chunksSent += rows.length;
      report.bytesSent += Buffer.byteLength(json);
    }
    batch.onProgress?.({ phase: 'chunks', done: Math.min(i + batch.size, hashes.length), total: hashes.length });
  }
}

/** The vectors of `model` for `hashes` that the server lacks and the local cache has (floats and sign bits). */
async function sendVectors(
  store: Store,
  db: RemoteDb,
  model: string,
  hashes: string[],
  batch: Batching,
  report: PushReport,
): Promise<void> {
  for (let i = 0; i < hashes.length; i += batch.size) {
    const some = hashes.slice(i, i + batch.size);
    const have = await db.query<{ hash: string }>(
      'SELECT hash FROM codectx_vectors WHERE model = $1 AND hash = ANY($2::text[])',
      [model, some],
    );
    const vectors = store.vectors.cachedVectors(model, without(some, have));
    if (vectors.size) {
      const rows = [...vectors].map(([hash, v]) => ({ hash, vector: vectorBase64(v), signs: signBits(v) }));
      const json = JSON.stringify(rows);
      await db.query(
        `INSERT INTO codectx_vectors(model, hash, vector, signs)
         SELECT $1, x.hash, decode(x.vector, 'base64'), x.signs::bit varying
         FROM jsonb_to_recordset($2::jsonb) AS x(hash text, vector text, signs text)
         ON CONFLICT (model, hash) DO NOTHING`,
        [model, json],
      );
      report.vectorsSent += rows.length;
      report.bytesSent += Buffer.byteLength(json);
    }
    batch.onProgress?.({ phase: 'vectors', done: Math.min(i + batch.size, hashes.length), total: hashes.length });
  }
}

/**
 * The rows of each file content the server lacks under these chunking rules (chunk places, names, referenced names,
 * symbols; never the path), so that a pull of the same content writes them instead of parsing the file.
 */
async function sendFiles(store: Store, db: RemoteDb, chunking: string, batch: Batching, report: PushReport): Promise<void> {
  const files = store.cutFileKeys();
  for (let i = 0; i < files.length; i += batch.size) {
    // One file per (language, content): two copies of a file are cut alike.
    const some = [...new Map(files.slice(i, i + batch.size).map((f) => [`${f.language}\0${f.hash}`, f])).values()];
    const have = await db.query<{ language: string; hash: string }>(
      'SELECT language, hash FROM codectx_files WHERE chunking = $1 AND hash = ANY($2::text[])',
      [chunking, some.map((f) => f.hash)],
    );
    const had = new Set(have.map((r) => `${r.language}\0${r.hash}`));
    const missing = some.filter((f) => !had.has(`${f.language}\0${f.hash}`));
    if (missing.length) {
      const cut = store.cutFiles(missing.map((f) => f.path));
      const rows = missing.flatMap((f) => {
        const file = cut.get(f.path);
        return file ? [{ language: f.language, hash: f.hash, file }] : [];
      });
      const json = JSON.stringify(rows);
      await db.query(
        `INSERT INTO codectx_files(chunking, language, hash, file)
         SELECT $1, x.language, x.hash, x.file FROM jsonb_to_recordset($2::jsonb) AS x(language text, hash text, file jsonb)
         ON CONFLICT DO NOTHING`,
        [chunking, json],
      );
      report.filesSent += rows.length;
      report.bytesSent += Buffer.byteLength(json);
    }
    batch.onProgress?.({ phase: 'files', done: Math.min(i + batch.size, files.length), total: files.length });
  }
}

/**
 * The manifest of (repository name, commit) with every chunk's place, in one transaction, last of all. A concurrent
 * push of the same commit that won leaves `report.alreadyThere` true and this one writes nothing.
 */
async function writeManifest(
  db: RemoteDb,
  placements: ReturnType<Store['placements']>,
  model: string | undefined,
  batch: Batching,
  report: PushReport,
): Promise<void> {
  await db.transaction(async () => {
    // A concurrent push of the same commit waits here on the unique key, then finds it taken: its manifest stands.
    const ids = await db.query<{ id: string }>(
      `INSERT INTO codectx_manifests(repo_name, commit, model, files, chunks) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (repo_name, commit) DO NOTHING RETURNING id`,
      [report.repoName, report.commit, model ?? null, report.files, report.chunks],
    );
    const id = ids[0]?.id;
    if (id === undefined) {
      report.alreadyThere = true;
      return;
    }
    const rows = 4 * batch.size;
    for (let i = 0; i < placements.length; i += rows) {
      const json = JSON.stringify(placements.slice(i, i + rows));
      await db.query(
        `INSERT INTO codectx_manifest_chunks(manifest_id, path, start_line, end_line, start_byte, end_byte, hash)
         SELECT $1, x.path, x."startLine", x."endLine", x."startByte", x."endByte", x.hash
         FROM jsonb_to_recordset($2::jsonb) AS x(path text, "startLine" integer, "endLine" integer, "startByte" integer,
              "endByte" integer, hash text)`,
        [id, json],
      );
      report.bytesSent += Buffer.byteLength(json);
      batch.onProgress?.({ phase: 'manifest', done: Math.min(i + rows, placements.length), total: placements.length });
    }
  });
}

function without(batch: string[], have: { hash: string }[]): string[] {
  const had = new Set(have.map((r) => r.hash));
  return batch.filter((h) => !had.has(h));
}
