// Index snapshots against a real PostgreSQL 15 (test-postgres.ts): `push --snapshot` sends the whole index file; a fresh
// checkout elsewhere (other path, some files changed) starts from it and, after the ordinary run, holds the rows a local
// index of that checkout holds. The snapshot carries no path of the machine that pushed it; it is taken only where no
// index exists, only under the same chunking rules, and a server that is not there costs one warning.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { REMOTE_SCHEMA_VERSION } from './remote-schema.js';
import { startPostgres, type TestPostgres } from './test-postgres.js';

let server: TestPostgres;
let repo: string;
const temps: string[] = [];

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function configOf(root: string, remote: string | undefined, indexDir = temp('codectx-snap-index-')) {
  return makeConfig(root, { indexDir, embedder: { provider: 'hash', dimensions: 32 }, remote });
}

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client(server.url);
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Every row of an index by path and line (ids left out), and its BM25 and dense answers with their scores. */
async function contentsOf(engine: Engine): Promise<unknown> {
  const db = new Database(engine.status().indexPath, { readonly: true });
  let rows: unknown;
  try {
    rows = {
      files: db.prepare('SELECT path, size, hash, language, lines, parse_failed FROM files ORDER BY path').all(),
      chunks: db
        .prepare(
          `SELECT f.path, c.start_line, c.end_line, c.symbol, c.kind, c.signature, c.content, c.hash
           FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.start_line`,
        )
        .all(),
      symbols: db
        .prepare('SELECT f.path, s.name, s.start_line FROM symbols s JOIN files f ON f.id = s.file_id ORDER BY 1, 2, 3')
        .all(),
      refs: db
        .prepare(
          'SELECT f.path, c.start_line, r.name FROM refs r JOIN chunks c ON c.id = r.chunk_id JOIN files f ON f.id = c.file_id ORDER BY 1, 2, 3',
        )
        .all(),
    };
  } finally {
    db.close();
  }
  const answers: string[] = [];
  for (const query of ['handler7', 'shared_helper', 'Answers request 12', 'respond to request', 'brand new'])
    for (const mode of ['lexical', 'dense', 'hybrid'] as const) {
      const { results } = await engine.search(query, { mode, limit: 10 });
      // Ties keep the order of chunk ids, which differ where a file was re-indexed: equal scores are sorted by path.
      const ranked = results.map((r) => ({ score: r.score.toFixed(6), at: `${r.path}:${r.startLine}` }));
      ranked.sort((a, b) => Number(b.score) - Number(a.score) || a.at.localeCompare(b.at));
      answers.push(...ranked.map((r) => `${query} ${mode} ${r.at} ${r.score}`));
    }
  return { rows, answers };
}

beforeAll(async () => {
  server = await startPostgres();
  repo = temp('codectx-snap-repo-');
  for (let i = 0; i < 24; i++) {
    const abs = join(repo, `pkg${i % 4}`, `mod${i}.py`);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, `def handler${i}(request):\n    """Answers request ${i}."""\n    return respond(request, ${i})\n`);
  }
  const ci = Engine.open(configOf(repo, server.url));
  await ci.index();
  await ci.embed();
  const pushed = await ci.push({ repoName: 'snap', commit: 's1', snapshot: true });
  expect(pushed.snapshot?.bytes).toBeGreaterThan(0);
  // gzip level 1 of an index of small files: well under the file's size.
  expect(pushed.snapshot?.sent).toBeLessThan(pushed.snapshot?.bytes ?? 0);
  // Pushed again: still one snapshot of the name (the newest).
  await ci.push({ repoName: 'snap', commit: 's1', snapshot: true });
  expect(await sql("SELECT complete FROM codectx_snapshots WHERE repo_name = 'snap'")).toEqual([{ complete: true }]);
  await ci.close();
  await sql("CREATE ROLE reader LOGIN PASSWORD 'r'");
  await sql('GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader');
});

afterAll(() => {
  server?.remove();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('index snapshots', () => {
  it('a fresh checkout elsewhere starts from the snapshot and ends as a local index of it (a read-only role)', async () => {
    const clone = temp('codectx-snap-clone-');
    cpSync(repo, clone, { recursive: true });
    writeFileSync(join(clone, 'pkg0', 'mod0.py'), 'def handler0(request):\n    return brand_new(request)\n');
    rmSync(join(clone, 'pkg1', 'mod1.py'));
    writeFileSync(join(clone, 'pkg2', 'extra.py'), 'def brand_new(request):\n    """A brand new helper."""\n    return 1\n');
    const config = configOf(clone, server.urlOf('reader', 'r'));
    const warnings: string[] = [];
    const found: string[] = [];
    const took = await Engine.pullSnapshot(config, { repoName: 'snap', onFound: (f) => found.push(f.commit) }, (m) =>
      warnings.push(m),
    );
    expect(warnings).toEqual([]);
    expect(found).toEqual(['s1']);
    expect(took).toMatchObject({ repoName: 'snap', commit: 's1' });
    const file = join(config.indexDir, 'index.sqlite');
    // Nothing of the machine that pushed it: its repository's path is nowhere in the file, and only the index is left.
    expect(readFileSync(file).includes(Buffer.from(repo))).toBe(false);
    expect(readdirSync(config.indexDir)).toEqual(['index.sqlite']);
    const engine = Engine.open(config, (m) => warnings.push(m));
    const report = await engine.index();
    expect(report).toMatchObject({ filesIndexed: 2, filesDeleted: 1, filesUnchanged: 22, filesPulled: 0 });
    // Only the changed files' chunks wait for vectors (the new helper, the edited handler).
    expect(await engine.embed()).toMatchObject({ computed: 2 });
    const local = Engine.open(configOf(clone, undefined));
    await local.index();
    await local.embed();
    expect(await contentsOf(engine)).toEqual(await contentsOf(local));
    expect(warnings).toEqual([]);
    await Promise.all([engine.close(), local.close()]);
  });

  it("the language server's live index starts from it too (the folder's name is the repository name)", async () => {
    const clone = join(temp('codectx-snap-live-'), 'snap');
    cpSync(repo, clone, { recursive: true });
    writeFileSync(join(clone, 'pkg3', 'mod3.py'), 'def handler3(request):\n    return 3\n');
    const log: string[] = [];
    const live = Engine.live(configOf(clone, server.urlOf('reader', 'r')), {
      watch: false,
      debounceMs: 10,
      log: (m) => log.push(m),
    });
    try {
      await live.start();
      const engine = await live.ready();
      expect(log.filter((m) => /warning|not taken/.test(m))).toEqual([]);
      expect(log.some((m) => m.includes("started from the team index's snapshot of snap@s1"))).toBe(true);
      expect(live.lastReport).toMatchObject({ filesIndexed: 1, filesUnchanged: 23 });
      expect((await engine?.search('handler3', { mode: 'lexical', limit: 1 }))?.results[0]?.path).toBe('pkg3/mod3.py');
    } finally {
      await live.dispose();
    }
  });

  it('through the CLI: push --snapshot says what it sent; a first index --repo-name starts from it and says so', () => {
    const cli = (args: string[], indexDir: string) =>
      spawnSync(process.execPath, [join(packageRoot(), 'dist', 'cli.js'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, CODECTX_INDEX_DIR: indexDir, CODECTX_EMBEDDINGS: 'none', CODECTX_REMOTE: '' },
      });
    const ciDir = temp('codectx-snap-cli-ci-');
    expect(cli(['index', '--repo', repo], ciDir).status).toBe(0);
    const push = cli(
      ['push', '--repo', repo, '--remote', server.url, '--repo-name', 'snap-cli', '--commit', 'c1', '--snapshot'],
      ciDir,
    );
    expect(push.stderr).toBe('');
    expect(push.stdout).toMatch(/^pushed snap-cli@c1: 24 files, .*; snapshot of the index \d+\.\d MiB \(\d+\.\d MiB sent\)\n$/);
    const clone = temp('codectx-snap-cli-clone-');
    cpSync(repo, clone, { recursive: true });
    const args = ['index', '--repo', clone, '--remote', server.urlOf('reader', 'r'), '--repo-name', 'snap-cli', '--json'];
    const first = cli(args, temp('codectx-snap-cli-dev-'));
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/taking the team index's snapshot of snap-cli@c1 \(\d+\.\d MiB\)/);
    expect(first.stderr).not.toMatch(/warning/);
    expect(JSON.parse(first.stdout)).toMatchObject({ files: 24, filesIndexed: 0, filesUnchanged: 24 });
  });

  it('is taken only where no index exists, and only of the same chunking rules', async () => {
    const config = configOf(repo, server.url);
    const engine = Engine.open(config);
    await engine.index();
    await engine.close();
    expect(await Engine.pullSnapshot(config, { repoName: 'snap' })).toBeUndefined();
    // Other chunk budgets cut files otherwise: the snapshot is not theirs.
    const other = { ...configOf(repo, server.url), maxChunkLines: 7 };
    const warnings: string[] = [];
    expect(await Engine.pullSnapshot(other, { repoName: 'snap' }, (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(existsSync(join(other.indexDir, 'index.sqlite'))).toBe(false);
    // A push killed half-way (a newer snapshot with a part, not complete) is not taken: the complete one is.
    await sql(`INSERT INTO codectx_snapshots(repo_name, commit, chunking, schema, parts, bytes)
               SELECT repo_name, 's2', chunking, schema, 0, 0 FROM codectx_snapshots WHERE repo_name = 'snap'`);
    await sql(`INSERT INTO codectx_snapshot_parts(snapshot_id, seq, data)
               SELECT id, 0, 'not gzip'::bytea FROM codectx_snapshots WHERE commit = 's2'`);
    const half = await Engine.pullSnapshot(configOf(repo, server.url), { repoName: 'snap' }, (m) => warnings.push(m));
    expect(half).toMatchObject({ commit: 's1' });
    // Listed complete but damaged on the server: one warning, and no file is left where the index goes.
    await sql("UPDATE codectx_snapshots SET complete = true, parts = 1, bytes = 8 WHERE commit = 's2'");
    const damaged = configOf(repo, server.url);
    const said: string[] = [];
    expect(await Engine.pullSnapshot(damaged, { repoName: 'snap' }, (m) => said.push(m))).toBeUndefined();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/part 0 of a snapshot at .* is damaged: .*; indexing locally$/);
    expect(existsSync(damaged.indexDir) ? readdirSync(damaged.indexDir) : []).toEqual([]);
    await sql("DELETE FROM codectx_snapshots WHERE commit = 's2'");
    // No snapshot of that name: nothing.
    expect(await Engine.pullSnapshot(configOf(repo, server.url), { repoName: 'nobody' })).toBeUndefined();
    // A server of the schema before snapshots: none, without a warning (the index run still takes its rows).
    await sql('UPDATE codectx_schema SET version = 2');
    try {
      expect(
        await Engine.pullSnapshot(configOf(repo, server.url), { repoName: 'snap' }, (m) => warnings.push(m)),
      ).toBeUndefined();
      expect(warnings).toEqual([]);
    } finally {
      await sql(`UPDATE codectx_schema SET version = ${REMOTE_SCHEMA_VERSION}`);
    }
    expect(await Engine.pullSnapshot(configOf(repo, server.url), { repoName: 'snap' })).toMatchObject({ commit: 's1' });
  });

  it('a server that is not there costs one warning and leaves no file behind', async () => {
    server.stop('immediate');
    try {
      const config = configOf(repo, server.url);
      const warnings: string[] = [];
      expect(await Engine.pullSnapshot(config, { repoName: 'snap' }, (m) => warnings.push(m))).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/snapshot was not taken .*indexing locally/);
      expect(warnings[0]).not.toContain(server.password);
      expect(existsSync(config.indexDir) ? readdirSync(config.indexDir) : []).toEqual([]);
    } finally {
      await server.start();
    }
  });
});
