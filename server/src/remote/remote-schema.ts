// The team index's tables on the PostgreSQL server, as numbered migrations. Invariant: rows of chunks and vectors are
// keyed by content (a chunk's hash; a vector's model and hash), never by path: manifests are the only place paths appear.
// A migration is never edited once released; add a new one.

export const REMOTE_MIGRATIONS: string[] = [
  // 1: chunks by content hash (with the tsvector of their code-aware tokens: symbol A, signature and doc B, body D),
  // vectors by model and content hash (float32 bytes, and their sign bits for the bit_count shortlist), and one
  // manifest per pushed (repository name, commit), listing where each chunk sits.
  `
  CREATE TABLE codectx_chunks (
    hash text PRIMARY KEY,
    language text NOT NULL,
    symbol text NOT NULL,
    kind text NOT NULL,
    parent text NOT NULL,
    signature text NOT NULL,
    doc text NOT NULL,
    content text NOT NULL,
    tsv tsvector NOT NULL
  );
  CREATE INDEX codectx_chunks_tsv ON codectx_chunks USING gin (tsv);
  CREATE TABLE codectx_vectors (
    model text NOT NULL,
    hash text NOT NULL,
    vector bytea NOT NULL,
    signs bit varying NOT NULL,
    PRIMARY KEY (model, hash)
  );
  CREATE TABLE codectx_manifests (
    id bigserial PRIMARY KEY,
    repo_name text NOT NULL,
    commit text NOT NULL,
    model text,
    files integer NOT NULL,
    chunks integer NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repo_name, commit)
  );
  CREATE TABLE codectx_manifest_chunks (
    manifest_id bigint NOT NULL REFERENCES codectx_manifests(id) ON DELETE CASCADE,
    path text NOT NULL,
    start_line integer NOT NULL,
    end_line integer NOT NULL,
    start_byte integer NOT NULL,
    end_byte integer NOT NULL,
    hash text NOT NULL
  );
  CREATE INDEX codectx_manifest_chunks_manifest ON codectx_manifest_chunks (manifest_id, hash);
  `,
  // 2: files by the rules that cut them (the chunking fingerprint), their language and content hash, never their path:
  // each chunk's place, names and referenced names and the file's symbols (the text stays in codectx_chunks), so a
  // pull writes the rows of a file the server has instead of parsing it.
  `
  CREATE TABLE codectx_files (
    chunking text NOT NULL,
    language text NOT NULL,
    hash text NOT NULL,
    file jsonb NOT NULL,
    PRIMARY KEY (chunking, language, hash)
  );
  `,
  // 3: index snapshots: the whole local index file of a pushed commit (its schema and chunking rules named), in gzip
  // parts, the newest complete one per repository name, so that a fresh checkout starts from a built index.
  `
  CREATE TABLE codectx_snapshots (
    id bigserial PRIMARY KEY,
    repo_name text NOT NULL,
    commit text NOT NULL,
    chunking text NOT NULL,
    schema integer NOT NULL,
    model text,
    parts integer NOT NULL DEFAULT 0,
    bytes bigint NOT NULL DEFAULT 0,
    complete boolean NOT NULL DEFAULT false,
    pushed_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX codectx_snapshots_name ON codectx_snapshots (repo_name, chunking, schema);
  CREATE TABLE codectx_snapshot_parts (
    snapshot_id bigint NOT NULL REFERENCES codectx_snapshots(id) ON DELETE CASCADE,
    seq integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (snapshot_id, seq)
  );
  ALTER TABLE codectx_snapshot_parts ALTER COLUMN data SET STORAGE EXTERNAL;
  `,
];

export const REMOTE_SCHEMA_VERSION = REMOTE_MIGRATIONS.length;
/** The oldest schema a reader takes: the files' rows and vectors as read today (later migrations only add tables). */
export const REMOTE_READS_FROM = 2;
/** The schema with index snapshots (a reader of an older server takes rows only). */
export const SNAPSHOT_REMOTE_SCHEMA = 3;
