// Push to a real PostgreSQL 15 (test-postgres.ts): rows by content, the manifest last, a killed push resumed, a second
// push instant, two pushes at once, and the errors a user meets (wrong password, no server, a newer schema, a role that
// may only read).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { makeConfig } from '../config.js';
import { Engine, RemoteError } from '../engine.js';
import { REMOTE_SCHEMA_VERSION } from './remote-schema.js';
import { freePort, startPostgres, type TestPostgres } from './test-postgres.js';

let server: TestPostgres;
const temps: string[] = [];

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A repository of `files` small Python files (two functions each, one of them shared by every file). */
function makeRepo(files: number, seed = 'a'): string {
  const repo = temp('codectx-remote-repo-');
  for (let i = 0; i < files; i++) {
    const abs = join(repo, `pkg${i % 3}`, `mod_${seed}${i}.py`);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(
      abs,
      `def handler_${seed}${i}(request):\n    """Answers request ${i} of ${seed}."""\n    return respond(request, ${i})\n\n\ndef shared_helper(x):\n    return x * 2\n`,
    );
  }
  return repo;
}

async function indexed(repo: string, remote: string = server.url): Promise<Engine> {
  const engine = Engine.open(
    makeConfig(repo, { indexDir: temp('codectx-remote-index-'), embedder: { provider: 'hash', dimensions: 32 }, remote }),
  );
  await engine.index();
  await engine.embed();
  return engine;
}

async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = [], url = server.url): Promise<R[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const count = async (table: string): Promise<number> =>
  Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(() => {
  server?.remove();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('push', () => {
  it('writes chunks and vectors once per content hash, and the manifest with the paths; a second push sends nothing', async () => {
    const engine = await indexed(makeRepo(6));
    const report = await engine.push({ repoName: 'demo', commit: 'c1' });
    const chunks = engine.status().chunks;
    // Six files of six contents: six files' rows.
    expect(report).toMatchObject({ alreadyThere: false, files: 6, chunks, vectorsSent: 7, filesSent: 6 });
    // Six handlers and one shared helper: the helper's text is one row, listed six times in the manifest.
    expect(report.chunksSent).toBe(7);
    expect(await count('codectx_chunks')).toBe(7);
    expect(await count('codectx_vectors')).toBe(7);
    const manifest = await sql<{ files: number; chunks: number; model: string }>(
      "SELECT files, chunks, model FROM codectx_manifests WHERE repo_name = 'demo' AND commit = 'c1'",
    );
    expect(manifest).toEqual([{ files: 6, chunks, model: expect.stringMatching(/^hash/) }]);
    const paths = await sql<{ path: string }>(
      'SELECT DISTINCT path FROM codectx_manifest_chunks m JOIN codectx_manifests s ON s.id = m.manifest_id ORDER BY path',
    );
    expect(paths.map((p) => p.path)).toEqual([
      'pkg0/mod_a0.py',
      'pkg0/mod_a3.py',
      'pkg1/mod_a1.py',
      'pkg1/mod_a4.py',
      'pkg2/mod_a2.py',
      'pkg2/mod_a5.py',
    ]);
    // Paths live in manifests only: not in a column of the other tables, nor in a file's rows.
    const columns = await sql<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name IN ('codectx_chunks', 'codectx_vectors', 'codectx_files')",
    );
    expect(columns.map((c) => c.column_name)).not.toContain('path');
    const files = await sql<{ file: string }>('SELECT file::text AS file FROM codectx_files');
    expect(files).toHaveLength(6);
    for (const f of files) expect(f.file).not.toMatch(/"path"|pkg\d|mod_a/);
    expect(JSON.parse(files[0]?.file ?? '{}')).toMatchObject({
      lines: 7,
      chunks: [expect.objectContaining({ symbol: expect.stringMatching(/^handler_a\d$/), refs: ['respond'] }), expect.anything()],
      symbols: [expect.objectContaining({ kind: 'function' }), expect.objectContaining({ name: 'shared_helper' })],
    });
    const again = await engine.push({ repoName: 'demo', commit: 'c1' });
    expect(again).toMatchObject({ alreadyThere: true, chunksSent: 0, vectorsSent: 0, filesSent: 0, bytesSent: 0 });
    // A commit pushed by an older codectx (no files' rows) or with another model: a push of it sends what it lacks.
    await sql("DELETE FROM codectx_files WHERE file->'chunks'->0->>'symbol' IN ('handler_a0', 'handler_a1')");
    await sql('DELETE FROM codectx_vectors WHERE hash IN (SELECT hash FROM codectx_vectors ORDER BY hash LIMIT 3)');
    const upgraded = await engine.push({ repoName: 'demo', commit: 'c1' });
    expect(upgraded).toMatchObject({ alreadyThere: true, chunksSent: 0, vectorsSent: 3, filesSent: 2 });
    expect(await count('codectx_files')).toBe(6);
    expect(await count('codectx_vectors')).toBe(7);
    expect(await sql("SELECT 1 FROM codectx_manifests WHERE repo_name = 'demo'")).toHaveLength(1);
    // Another commit of the same content sends only its manifest.
    const next = await engine.push({ repoName: 'demo', commit: 'c2' });
    expect(next).toMatchObject({ alreadyThere: false, chunksSent: 0, vectorsSent: 0, filesSent: 0 });
    expect(next.bytesSent).toBeGreaterThan(0);
    await engine.close();
  });

  it('a server killed mid-push leaves no manifest; the next push resumes and sends only what is missing', async () => {
    const engine = await indexed(makeRepo(40, 'k'));
    let batches = 0;
    const killed = engine.push({
      repoName: 'killed',
      commit: 'k1',
      batchSize: 8,
      onProgress: (p) => {
        if (p.phase === 'chunks' && ++batches === 2) server.stop('immediate');
      },
    });
    const error = await killed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('unreachable');
    expect((error as Error).message).not.toContain(server.password);
    await server.start();
    expect(await sql("SELECT 1 FROM codectx_manifests WHERE repo_name = 'killed'")).toEqual([]);
    const resumed = await engine.push({ repoName: 'killed', commit: 'k1', batchSize: 8 });
    // 41 distinct texts (40 handlers and the helper); the first two batches of 8 were on the server already.
    expect(resumed.alreadyThere).toBe(false);
    expect(resumed.chunksSent).toBe(41 - 16);
    const listed = await sql<{ missing: string }>(
      `SELECT count(*) AS missing FROM codectx_manifest_chunks m JOIN codectx_manifests s ON s.id = m.manifest_id
       LEFT JOIN codectx_chunks c ON c.hash = m.hash WHERE s.repo_name = 'killed' AND c.hash IS NULL`,
    );
    expect(listed).toEqual([{ missing: '0' }]);
    await engine.close();
  });

  it('two pushes of one commit at once write each row once and one manifest', async () => {
    const repo = makeRepo(30, 'c');
    const [a, b] = await Promise.all([indexed(repo), indexed(repo)]);
    const before = await count('codectx_chunks');
    const [ra, rb] = await Promise.all([
      a.push({ repoName: 'twice', commit: 't1', batchSize: 4 }),
      b.push({ repoName: 'twice', commit: 't1', batchSize: 4 }),
    ]);
    expect(await count('codectx_chunks')).toBe(before + 30);
    expect([ra.alreadyThere, rb.alreadyThere].sort()).toEqual([false, true]);
    const manifests = await sql<{ chunks: number; n: string }>(
      `SELECT s.chunks, count(*) AS n FROM codectx_manifests s JOIN codectx_manifest_chunks m ON m.manifest_id = s.id
       WHERE s.repo_name = 'twice' GROUP BY s.id`,
    );
    expect(manifests).toEqual([{ chunks: a.status().chunks, n: String(a.status().chunks) }]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a wrong password, no server, and a role that may only read: one clear line each, never the password', async () => {
    const repo = makeRepo(2, 'e');
    const wrong = await indexed(repo, server.urlOf('codectx', 'not-the-password'));
    const auth = (await wrong.push({ commit: 'e1' }).catch((e: unknown) => e)) as RemoteError;
    expect(auth.code).toBe('auth');
    expect(auth.message).toMatch(/^the team index at codectx@127\.0\.0\.1:\d+\/postgres refused the credentials/);
    expect(auth.message).not.toContain('not-the-password');
    expect(auth.message).not.toContain('\n');
    await wrong.close();

    const nowhere = await indexed(repo, `postgres://codectx:secret@127.0.0.1:${await freePort()}/postgres`);
    const down = (await nowhere.push({ commit: 'e1' }).catch((e: unknown) => e)) as RemoteError;
    expect(down.code).toBe('unreachable');
    expect(down.message).toMatch(/cannot be reached \(.*ECONNREFUSED/);
    expect(down.message).not.toContain('secret');
    await nowhere.close();

    await sql("CREATE ROLE reader LOGIN PASSWORD 'r'");
    await sql('GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader');
    const reader = await indexed(repo, server.urlOf('reader', 'r'));
    const denied = (await reader.push({ commit: 'e1' }).catch((e: unknown) => e)) as RemoteError;
    expect(denied.code).toBe('permission');
    expect(denied.message).toMatch(/does not allow this role to write/);
    expect(await sql("SELECT 1 FROM codectx_manifests WHERE commit = 'e1'")).toEqual([]);
    await reader.close();
  });

  it('refuses a server of a newer schema and leaves it as it is', async () => {
    const engine = await indexed(makeRepo(2, 's'));
    await sql('UPDATE codectx_schema SET version = 99');
    try {
      const error = (await engine.push({ commit: 's1' }).catch((e: unknown) => e)) as RemoteError;
      expect(error.code).toBe('schema');
      expect(error.message).toMatch(`has schema 99, newer than this codectx's ${REMOTE_SCHEMA_VERSION}: upgrade codectx`);
      expect(await sql('SELECT version FROM codectx_schema')).toEqual([{ version: 99 }]);
    } finally {
      await sql(`UPDATE codectx_schema SET version = ${REMOTE_SCHEMA_VERSION}`);
    }
    await engine.close();
  });
});

describe('codectx push (the built CLI)', () => {
  const cli = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'cli.js'), ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CODECTX_INDEX_DIR: temp('codectx-remote-cli-'),
        CODECTX_EMBEDDINGS: 'none',
        CODECTX_REMOTE: '',
        ...env,
      },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('pushes a commit, says so in one line, and exits 3 with one line when the server is not there', async () => {
    const repo = makeRepo(3, 'p');
    const ok = cli(['push', '--repo', repo, '--remote', server.url, '--repo-name', 'cli', '--commit', 'abc123']);
    expect(ok.stderr).not.toMatch(/warning|error|failed/);
    expect(ok.stdout).toMatch(/^pushed cli@abc123: 3 files, \d+ chunks \(\d+ chunks and 0 vectors sent, [\d.]+ MiB\)\n$/);
    expect(ok.code).toBe(0);
    const again = cli(['push', '--repo', repo, '--commit', 'abc123', '--repo-name', 'cli'], { CODECTX_REMOTE: server.url });
    expect(again.stdout).toBe('cli@abc123 was already in the team index: nothing sent\n');
    const down = cli([
      'push',
      '--repo',
      repo,
      '--commit',
      'x',
      '--remote',
      `postgres://u:hunter2@127.0.0.1:${await freePort()}/db`,
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^codectx: the team index at u@127\.0\.0\.1:\d+\/db cannot be reached \([^\n]*\)$/m);
    expect(down.stderr).not.toContain('hunter2');
    const usage = cli(['push', '--repo', repo]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^codectx: push needs --remote URL/);
    const scheme = cli(['push', '--repo', repo, '--remote', 'https://u:hunter2@example.com/']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/--remote must be a postgres:\/\/ URL, got one starting 'https:'/);
    expect(scheme.stderr).not.toContain('hunter2');
  });
});
