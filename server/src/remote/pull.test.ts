// Pull and search against a real PostgreSQL 15 (test-postgres.ts): a fresh index of a pushed repository takes its
// files' rows (equal to a local index's) and vectors from the team index instead of the parser and the model; a server killed mid-pull, a wrong password, no server or a newer
// schema cost one warning each, and the model embeds the rest. A pushed commit is searched without a checkout, ranked
// as local search ranks the same index.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { makeConfig } from '../config.js';
import { EmbeddingsUnavailable, Engine, RemoteError, SignBitSearch } from '../engine.js';
import { REMOTE_SCHEMA_VERSION } from './remote-schema.js';
import { freePort, startPostgres, type TestPostgres } from './test-postgres.js';

let server: TestPostgres;
let repo: string;
const temps: string[] = [];
/** Distinct chunk texts of the repository (24 handlers and the shared helper). */
const TEXTS = 25;

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function open(remote: string | undefined, warnings: string[] = [], root = repo): Engine {
  return Engine.open(
    makeConfig(root, { indexDir: temp('codectx-pull-index-'), embedder: { provider: 'hash', dimensions: 32 }, remote }),
    (m) => warnings.push(m),
  );
}

/** Every row an index holds per file (chunks, symbols, referenced names), by path and line, ids left out. */
function rowsOf(engine: Engine): unknown {
  const db = new Database(engine.status().indexPath, { readonly: true });
  try {
    return {
      files: db.prepare('SELECT path, size, hash, language, lines, parse_failed FROM files ORDER BY path').all(),
      chunks: db
        .prepare(
          `SELECT f.path, c.start_line, c.end_line, c.start_byte, c.end_byte, c.symbol, c.kind, c.parent, c.signature, c.doc,
                  c.content, c.hash FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.id`,
        )
        .all(),
      symbols: db
        .prepare(
          'SELECT f.path, s.name, s.qualified, s.kind, s.start_line, s.end_line, s.parent FROM symbols s JOIN files f ON f.id = s.file_id ORDER BY f.path, s.id',
        )
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
}

/** Lexical and hybrid answers with their scores: equal FTS rows and vectors give equal answers. */
async function answers(engine: Engine): Promise<string[]> {
  const out: string[] = [];
  for (const query of ['handler7', 'shared_helper', 'Answers request 12', 'respond request', 'main']) {
    for (const mode of ['lexical', 'hybrid'] as const) {
      const { results } = await engine.search(query, { mode, limit: 10 });
      out.push(...results.map((r) => `${query} ${mode} ${r.path}:${r.startLine} ${r.score.toFixed(6)}`));
    }
  }
  return out;
}

async function sql(text: string): Promise<void> {
  const client = new pg.Client(server.url);
  await client.connect();
  await client.query(text);
  await client.end();
}

/** The dense answer to a fixed question, as paths and lines: equal vectors give equal answers. */
async function denseAnswer(engine: Engine): Promise<string[]> {
  const { results } = await engine.search('respond to request', { mode: 'dense', limit: 10 });
  return results.map((r) => `${r.path}:${r.startLine}`);
}

beforeAll(async () => {
  server = await startPostgres();
  repo = temp('codectx-pull-repo-');
  for (let i = 0; i < 24; i++) {
    const abs = join(repo, `pkg${i % 4}`, `mod${i}.py`);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(
      abs,
      `def handler${i}(request):\n    """Answers request ${i}."""\n    return respond(request, ${i})\n\n\ndef shared_helper(x):\n    return x * 2\n`,
    );
  }
  const ci = open(server.url);
  await ci.index();
  await ci.embed();
  expect((await ci.push({ repoName: 'pulled', commit: 'p1' })).vectorsSent).toBe(TEXTS);
  await ci.close();
  await sql("CREATE ROLE reader LOGIN PASSWORD 'r'");
  await sql('GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader');
});

afterAll(() => {
  server?.remove();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('pull', () => {
  it('a fresh index takes every vector from the team index (a read-only role) and embeds nothing', async () => {
    const warnings: string[] = [];
    const engine = open(server.urlOf('reader', 'r'), warnings);
    expect((await engine.index()).filesPulled).toBe(24);
    const progress = await engine.embed();
    expect(warnings).toEqual([]);
    expect(engine.lastPull).toMatchObject({ asked: TEXTS, pulled: TEXTS });
    expect(progress).toMatchObject({ computed: 0, fromCache: engine.status().chunks, embedded: engine.status().chunks });
    const local = open(undefined);
    await local.index();
    expect((await local.embed())?.computed).toBe(local.status().chunks);
    expect(await denseAnswer(engine)).toEqual(await denseAnswer(local));
    // Nothing waits any more: the next pass asks the server for nothing.
    await engine.embed();
    expect(engine.lastPull).toEqual({ asked: 0, pulled: 0, bytes: 0 });
    await Promise.all([engine.close(), local.close()]);
  });

  it('a fresh index writes the rows of every file the team index has (parsing none), equal to a local index', async () => {
    const warnings: string[] = [];
    const engine = open(server.urlOf('reader', 'r'), warnings);
    const report = await engine.index();
    expect(warnings).toEqual([]);
    expect(report).toMatchObject({ filesIndexed: 24, filesPulled: 24, parseFailures: 0 });
    await engine.embed();
    const local = open(undefined);
    expect((await local.index()).filesPulled).toBe(0);
    await local.embed();
    expect(rowsOf(engine)).toEqual(rowsOf(local));
    expect(await answers(engine)).toEqual(await answers(local));
    await Promise.all([engine.close(), local.close()]);
  });

  it('a file changed or added after the push is chunked here; the rest comes from the team index', async () => {
    const clone = temp('codectx-pull-clone-');
    cpSync(repo, clone, { recursive: true });
    writeFileSync(join(clone, 'pkg1', 'mod5.py'), 'def handler5(request):\n    return respond(request, "changed")\n');
    writeFileSync(join(clone, 'main.go'), 'package main\n\nfunc main() {\n\tprintln(shared())\n}\n');
    const engine = open(server.url, [], clone);
    expect(await engine.index()).toMatchObject({ filesIndexed: 25, filesPulled: 23 });
    const local = open(undefined, [], clone);
    await local.index();
    await Promise.all([engine.embed(), local.embed()]);
    expect(rowsOf(engine)).toEqual(rowsOf(local));
    expect(await answers(engine)).toEqual(await answers(local));
    expect((await engine.search('changed', { mode: 'lexical' })).results[0]).toMatchObject({ path: 'pkg1/mod5.py' });
    await Promise.all([engine.close(), local.close()]);
  });

  it('codectx index --remote --json says how many files came from the team index', () => {
    const r = spawnSync(
      process.execPath,
      [join(packageRoot(), 'dist', 'cli.js'), 'index', '--repo', repo, '--remote', server.urlOf('reader', 'r'), '--json'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          CODECTX_INDEX_DIR: temp('codectx-pull-cli-'),
          CODECTX_EMBEDDINGS: 'none',
          CODECTX_REMOTE: '',
        },
      },
    );
    expect(r.stderr).not.toMatch(/warning|team index|Deprecation/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      files: 24,
      filesIndexed: 24,
      filesPulledFromRemote: 24,
      parseFailures: 0,
    });
  });

  it('a server killed mid-pull: one warning, what came is kept, the model embeds the rest', async () => {
    const warnings: string[] = [];
    const engine = open(server.url, warnings);
    await engine.index();
    let batches = 0;
    const progress = await engine.embed({
      pull: {
        batchSize: 10,
        onBatch: () => {
          if (++batches === 1) server.stop('immediate');
        },
      },
    });
    await server.start();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^the team index at codectx@127\.0\.0\.1:\d+\/postgres (cannot be reached|dropped the connection).*; embedding locally$/,
    );
    expect(warnings[0]).not.toContain(server.password);
    const chunks = engine.status().chunks;
    expect(progress?.embedded).toBe(chunks);
    // The first batch's 10 texts came from the server (the shared helper's, if among them, for 24 chunks).
    expect(progress?.fromCache).toBeGreaterThanOrEqual(10);
    expect(progress?.computed).toBeGreaterThan(0);
    expect((progress?.computed ?? 0) + (progress?.fromCache ?? 0)).toBe(chunks);
    expect(engine.status().embeddings).toEqual([expect.objectContaining({ embedded: chunks })]);
    expect((await engine.search('handler3', { limit: 3 })).results[0]?.symbol).toBe('handler3');
    await engine.close();
  });

  it('two clients pull while CI pushes the next commit: both complete, both manifests whole', async () => {
    const next = temp('codectx-pull-next-');
    for (let i = 0; i < 30; i++)
      writeFileSync(join(next, `next${i}.py`), `def next_handler${i}(request):\n    return respond(request, ${i})\n`);
    const ci = Engine.open(
      makeConfig(next, {
        indexDir: temp('codectx-pull-index-'),
        embedder: { provider: 'hash', dimensions: 32 },
        remote: server.url,
      }),
    );
    await ci.index();
    await ci.embed();
    const warnings: string[] = [];
    const [a, b] = [open(server.url, warnings), open(server.url, warnings)];
    await Promise.all([a.index(), b.index()]);
    const [pushed, pa, pb] = await Promise.all([
      ci.push({ repoName: 'pulled-next', commit: 'p2', batchSize: 3 }),
      a.embed({ pull: { batchSize: 4 } }),
      b.embed({ pull: { batchSize: 4 } }),
    ]);
    expect(warnings).toEqual([]);
    expect(pushed).toMatchObject({ alreadyThere: false, chunksSent: 30 });
    for (const [engine, progress] of [
      [a, pa],
      [b, pb],
    ] as const) {
      expect(progress).toMatchObject({ computed: 0, embedded: engine.status().chunks });
      expect(engine.lastPull?.pulled).toBe(TEXTS);
    }
    const client = new pg.Client(server.url);
    await client.connect();
    const rows = await client.query(
      `SELECT s.commit, s.chunks, count(m.hash)::int AS listed, count(c.hash)::int AS present FROM codectx_manifests s
       JOIN codectx_manifest_chunks m ON m.manifest_id = s.id LEFT JOIN codectx_chunks c ON c.hash = m.hash
       WHERE s.repo_name IN ('pulled', 'pulled-next') GROUP BY s.id ORDER BY s.commit`,
    );
    await client.end();
    expect(rows.rows).toEqual([
      { commit: 'p1', chunks: a.status().chunks, listed: a.status().chunks, present: a.status().chunks },
      { commit: 'p2', chunks: 30, listed: 30, present: 30 },
    ]);
    await Promise.all([ci.close(), a.close(), b.close()]);
  });

  it('a wrong password, no server, a newer or older schema: one warning each, and the index is built locally', async () => {
    const cases: [string, RegExp, () => Promise<void>, () => Promise<void>][] = [
      [server.urlOf('codectx', 'wrong-pw'), /refused the credentials/, async () => {}, async () => {}],
      [`postgres://codectx:pw@127.0.0.1:${await freePort()}/postgres`, /cannot be reached/, async () => {}, async () => {}],
      [
        server.url,
        new RegExp(
          `has schema 99, newer than this codectx's ${REMOTE_SCHEMA_VERSION}: upgrade codectx; chunking and embedding locally$`,
        ),
        () => sql('UPDATE codectx_schema SET version = 99'),
        () => sql(`UPDATE codectx_schema SET version = ${REMOTE_SCHEMA_VERSION}`),
      ],
      [
        server.url,
        /has schema 1 and this codectx reads 2 or later: a codectx push of this version upgrades it; chunking and embedding locally$/,
        () => sql('UPDATE codectx_schema SET version = 1'),
        () => sql(`UPDATE codectx_schema SET version = ${REMOTE_SCHEMA_VERSION}`),
      ],
    ];
    for (const [url, message, before, after] of cases) {
      await before();
      const warnings: string[] = [];
      const engine = open(url, warnings);
      try {
        expect((await engine.index()).filesPulled).toBe(0);
        const progress = await engine.embed();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(message);
        expect(warnings[0]).toMatch(/^the team index at /);
        expect(warnings[0]).not.toMatch(/wrong-pw|:pw@/);
        expect(progress).toMatchObject({ computed: engine.status().chunks, embedded: engine.status().chunks });
      } finally {
        await after();
        await engine.close();
      }
    }
  });
});

describe('search a pushed commit', () => {
  const config = (remote = server.url) =>
    makeConfig(repo, { indexDir: join(tmpdir(), 'codectx-never-made'), embedder: { provider: 'hash', dimensions: 32 }, remote });
  let local: Engine;

  beforeAll(async () => {
    local = open(undefined);
    await local.index();
    await local.embed();
  });
  afterAll(() => local?.close());

  it('finds what local search finds, lexically and densely, by the same ranking', async () => {
    for (const query of ['handler7', 'shared_helper', 'Answers request 12', 'respond request']) {
      const remote = await Engine.searchRemote(config(), query, { repoName: 'pulled', mode: 'lexical', limit: 5 });
      const here = await local.search(query, { mode: 'lexical', limit: 5 });
      expect(remote.commit).toBe('p1');
      expect(remote.results[0]?.symbol).toBe(here.results[0]?.symbol);
      expect(remote.results[0]).toMatchObject({ path: here.results[0]?.path, startLine: here.results[0]?.startLine });
    }
    // Dense: the shortlist holds every vector here, so the exact re-score gives the local scores (ties aside, in order).
    const remote = await Engine.searchRemote(config(), 'respond to request', { repoName: 'pulled', mode: 'dense', limit: 10 });
    const here = await local.search('respond to request', { mode: 'dense', limit: 10 });
    expect(remote.results.map((r) => r.score)).toEqual(here.results.map((r) => r.score));
    const hybrid = await Engine.searchRemote(config(), 'handler3 request', { repoName: 'pulled', commit: 'p1' });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.results[0]?.symbol).toBe('handler3');
    expect(existsSync(config().indexDir)).toBe(false);
  });

  it('a shortlist of one still answers with exact scores; query text is never a tsquery error', async () => {
    const one = await Engine.searchRemote(config(), 'respond', {
      repoName: 'pulled',
      mode: 'dense',
      limit: 3,
      vectorSearch: new SignBitSearch(1, 0),
    });
    expect(one.results.length).toBeGreaterThan(0);
    for (const query of ["&|!():*' <-> \\", 'a:*', '"unclosed', '<->']) {
      const r = await Engine.searchRemote(config(), query, { repoName: 'pulled', mode: 'lexical' });
      expect(Array.isArray(r.results)).toBe(true);
    }
  });

  it('an unknown repository, another model, a wrong password: clear errors', async () => {
    const missing = (await Engine.searchRemote(config(), 'x', { repoName: 'nope' }).catch((e: unknown) => e)) as RemoteError;
    expect(missing).toBeInstanceOf(RemoteError);
    expect(missing.message).toMatch(/has no push of nope \(codectx push --repo-name nope\)$/);
    const other = makeConfig(repo, { embedder: { provider: 'hash', dimensions: 16 }, remote: server.url });
    const dense = await Engine.searchRemote(other, 'x', { repoName: 'pulled', mode: 'dense' }).catch((e: unknown) => e);
    expect(dense).toBeInstanceOf(EmbeddingsUnavailable);
    expect((dense as Error).message).toMatch(/was pushed with the model hash.*, not hash/);
    expect((await Engine.searchRemote(other, 'handler3', { repoName: 'pulled' })).mode).toBe('lexical');
    const auth = (await Engine.searchRemote(config(server.urlOf('codectx', 'wrong-pw')), 'x', { repoName: 'pulled' }).catch(
      (e: unknown) => e,
    )) as RemoteError;
    expect(auth.code).toBe('auth');
  });

  it('codectx search --remote --repo-name prints the results of the pushed commit', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(packageRoot(), 'dist', 'cli.js'),
        'search',
        'handler5',
        '--remote',
        server.url,
        '--repo-name',
        'pulled',
        '--mode',
        'lexical',
        '--json',
      ],
      { encoding: 'utf8', cwd: tmpdir() },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: { path: string; symbol: string }[] }).results;
    expect(results[0]).toMatchObject({ path: 'pkg1/mod5.py', symbol: 'handler5' });
  });
});
