// Index snapshots in the team index: the whole SQLite file of a pushed commit (store/snapshot.ts), in gzip parts, so that
// a fresh checkout starts from a built index instead of writing every row itself; the ordinary index run then brings it
// to the work tree. One snapshot per repository name is kept (the newest complete one). Invariant: a snapshot is
// listed for readers (`complete`) only once every part is on the server; a push killed half-way leaves one no reader
// takes, removed by a later push.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RemoteDb } from './remote-db.js';
import { RemoteError } from './remote-error.js';

/** Bytes of the file per part (before gzip). */
const PART_BYTES = 16 * 1024 * 1024;

/** What a snapshot is: whose, of which commit, cut by which rules, for which local schema. */
export interface SnapshotKey {
  repoName: string;
  commit: string;
  /** The chunking fingerprint of the index (a reader with other rules would re-cut every file: it takes none). */
  chunking: string;
  /** The local index's schema version (a reader takes only its own). */
  schema: number;
  model: string | undefined;
}

export interface SnapshotPush {
  /** The file's size. */
  bytes: number;
  /** Bytes sent (gzip). */
  sent: number;
}

/** Sends the snapshot file `file` as the newest of `key.repoName`; older ones of that name are removed. */
export async function pushSnapshot(db: RemoteDb, file: string, key: SnapshotKey): Promise<SnapshotPush> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO codectx_snapshots(repo_name, commit, chunking, schema, model) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [key.repoName, key.commit, key.chunking, key.schema, key.model ?? null],
  );
  const id = row?.id;
  const report: SnapshotPush = { bytes: 0, sent: 0 };
  let seq = 0;
  for await (const part of createReadStream(file, { highWaterMark: PART_BYTES })) {
    const data = gzipSync(part as Buffer, { level: 1 });
    await db.query('INSERT INTO codectx_snapshot_parts(snapshot_id, seq, data) VALUES ($1, $2, $3)', [id, seq++, data]);
    report.bytes += (part as Buffer).byteLength;
    report.sent += data.byteLength;
  }
  await db.transaction(async () => {
    await db.query('UPDATE codectx_snapshots SET complete = true, parts = $2, bytes = $3 WHERE id = $1', [id, seq, report.bytes]);
    // Readers take the newest; an unfinished push an hour old is dead.
    await db.query(
      `DELETE FROM codectx_snapshots WHERE repo_name = $1 AND id <> $2
       AND (complete OR pushed_at < now() - interval '1 hour')`,
      [key.repoName, id],
    );
  });
  return report;
}

/** A snapshot found for a reader. */
export interface FoundSnapshot {
  id: string;
  commit: string;
  parts: number;
  bytes: number;
}

/**
 * The snapshot of `repoName` under these chunking rules and schema: the one of `commit` when there is one, else the
 * newest. Undefined when there is none.
 */
export async function findSnapshot(
  db: RemoteDb,
  repoName: string,
  chunking: string,
  schema: number,
  commit: string | undefined,
): Promise<FoundSnapshot | undefined> {
  const rows = await db.query<{ id: string; commit: string; parts: number; bytes: string }>(
    `SELECT id, commit, parts, bytes FROM codectx_snapshots
     WHERE repo_name = $1 AND chunking = $2 AND schema = $3 AND complete
     ORDER BY commit = $4 DESC, pushed_at DESC LIMIT 1`,
    [repoName, chunking, schema, commit ?? ''],
  );
  const row = rows[0];
  return row && { id: row.id, commit: row.commit, parts: row.parts, bytes: Number(row.bytes) };
}

/** Writes `snapshot` to `file`, part by part. Throws RemoteError when a part is missing or damaged. */
export async function pullSnapshot(db: RemoteDb, snapshot: FoundSnapshot, file: string): Promise<void> {
  const out = createWriteStream(file);
  try {
    for (let seq = 0; seq < snapshot.parts; seq++) {
      const [row] = await db.query<{ data: Buffer }>(
        'SELECT data FROM codectx_snapshot_parts WHERE snapshot_id = $1 AND seq = $2',
        [snapshot.id, seq],
      );
      const data = row?.data;
      if (!data) throw new RemoteError('failed', `part ${seq} of a snapshot is missing at ${db.where}`);
      let part: Buffer;
      try {
        part = gunzipSync(data);
      } catch (error) {
        throw new RemoteError('failed', `part ${seq} of a snapshot at ${db.where} is damaged: ${(error as Error).message}`);
      }
      if (!out.write(part)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  if (out.bytesWritten !== snapshot.bytes)
    throw new RemoteError(
      'failed',
      `a snapshot at ${db.where} has ${out.bytesWritten} bytes, not the ${snapshot.bytes} it lists`,
    );
}
