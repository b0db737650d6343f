// The fresh proof on a real index: recorded by a full run that found everything as indexed, trusted by the next run
// only while the walk and `files_epoch` are the same; any change on disk or to the file rows is still found.
import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { walkRepository } from '../ingest/walk.js';
import { Store } from '../store/store.js';
import { FRESH_PROOF_KEY, parseProof, walkDigest } from './fresh-proof.js';
import type { IndexReport } from './update-index.js';

let repo: string;
let indexDir: string;
let engine: Engine;

function put(rel: string, content: string | Uint8Array): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), content);
}

/** A value of the index's meta table, read by a connection of its own. */
function meta(key: string): string | undefined {
  const db = new Database(join(indexDir, 'index.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined;
  } finally {
    db.close();
  }
}

/** The report without its time. */
const counts = (r: IndexReport) => ({ ...r, elapsedMs: 0 });

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-fresh-'));
  indexDir = mkdtempSync(join(tmpdir(), 'codectx-fresh-index-'));
  put('.gitignore', 'build/\n');
  put('src/app.ts', 'export function launchRocket() { return 1; }\n');
  put('src/util.ts', 'export const helperValue = 2;\n');
  put('lib/deep/mod.py', 'def parse_orbit():\n    return 3\n');
  put('build/out.ts', 'export const ignoredBuild = 1;\n');
  put('src/blob.ts', new Uint8Array([137, 80, 78, 71, 0, 0, 1, 2]));
  engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await engine.close();
  rmSync(repo, { recursive: true, force: true });
  rmSync(indexDir, { recursive: true, force: true });
});

/** Runs until a run records the proof (the first writes rows; a later one finds them all as indexed). */
async function proven(): Promise<IndexReport> {
  let report = await engine.index();
  for (let i = 0; i < 3 && !meta(FRESH_PROOF_KEY); i++) report = await engine.index();
  expect(parseProof(meta(FRESH_PROOF_KEY))).toBeDefined();
  return report;
}

const found = async (query: string) => (await engine.search(query, { mode: 'lexical' })).results.map((r) => r.path);

describe('the fresh proof', () => {
  it('is recorded at the epoch with the walk digest, and a run that trusts it reads no file rows and reports the same', async () => {
    const proving = await proven();
    const proof = parseProof(meta(FRESH_PROOF_KEY));
    expect(proof?.epoch).toBe(Number(meta('files_epoch')));
    const walk = walkRepository(repo, { maxFileBytes: engine.config.maxFileBytes });
    expect(proof?.digest).toBe(walkDigest(engine.config.repo, walk));
    expect(proof).toMatchObject({ files: 4, judged: 1 });

    const rows = vi.spyOn(Store.prototype, 'fileStates');
    const trusted = await engine.index();
    expect(rows).not.toHaveBeenCalled();
    expect(counts(trusted)).toEqual(counts(proving));
    expect(trusted).toMatchObject({ filesSeen: 5, filesUnchanged: 4, filesIndexed: 0, skipped: proving.skipped });
    // Nothing was written: the epoch and the proof are as they were.
    expect(meta('files_epoch')).toBe(String(proof?.epoch));
    expect(parseProof(meta(FRESH_PROOF_KEY))).toEqual(proof);
  });

  it('still finds a file changed, added or removed on disk', async () => {
    await proven();
    put('src/app.ts', 'export function launchRocket() { return "changedPayload"; }\n');
    let r = await engine.index();
    expect(r.filesIndexed).toBe(1);
    expect(await found('changedPayload')).toEqual(['src/app.ts']);

    await proven();
    put('src/new.ts', 'export const freshlyAddedThing = 5;\n');
    r = await engine.index();
    expect(r.filesIndexed).toBe(1);
    expect(await found('freshlyAddedThing')).toEqual(['src/new.ts']);

    await proven();
    unlinkSync(join(repo, 'src/util.ts'));
    r = await engine.index();
    expect(r.filesDeleted).toBe(1);
    expect(await found('helperValue')).toEqual([]);

    // A change of the rules: a file newly ignored leaves the index.
    await proven();
    put('.gitignore', 'build/\nlib/\n');
    r = await engine.index();
    expect(r.filesDeleted).toBe(1);
    expect(await found('parse_orbit')).toEqual([]);
  });

  it('finds a file whose mtime alone changed, and a new file left out by its content', async () => {
    const proving = await proven();
    const st = statSync(join(repo, 'src/util.ts'));
    utimesSync(join(repo, 'src/util.ts'), st.atime, new Date(st.mtimeMs + 5000));
    const rows = vi.spyOn(Store.prototype, 'fileStates');
    const r = await engine.index();
    expect(rows).toHaveBeenCalled();
    expect(r).toMatchObject({ filesIndexed: 0, filesUnchanged: 4 });

    await proven();
    put('src/other.ts', new Uint8Array([0, 1, 2, 3]));
    expect((await engine.index()).skipped).toBe(proving.skipped + 1);
    expect(await proven()).toMatchObject({ skipped: proving.skipped + 1 });
    expect(parseProof(meta(FRESH_PROOF_KEY))).toMatchObject({ files: 4, judged: 2 });
  });

  it('is not trusted once a file row was written by anyone else (the epoch moved on)', async () => {
    await proven();
    const epoch = Number(meta('files_epoch'));
    // Another writer (an older run, a server) marks a row stale behind the proof's back: as if indexed from other bytes.
    const db = new Database(join(indexDir, 'index.sqlite'));
    db.prepare("UPDATE files SET size = 1, hash = 'other' WHERE path = 'src/app.ts'").run();
    db.close();
    expect(Number(meta('files_epoch'))).toBe(epoch + 1);
    const rows = vi.spyOn(Store.prototype, 'fileStates');
    const r = await engine.index();
    expect(rows).toHaveBeenCalled();
    // Trusting the proof would have left the row as it was; the run re-read the file and wrote it again.
    expect(r.filesIndexed).toBe(1);
    expect(await found('launchRocket')).toEqual(['src/app.ts']);
  });

  it('is not trusted by a forced run, and a stored proof that cannot be read is none', async () => {
    await proven();
    const forced = await engine.index(undefined, { force: true });
    expect(forced.filesIndexed).toBe(4);
    expect(parseProof('not json')).toBeUndefined();
    expect(parseProof('{"epoch":-1,"digest":"x","files":1,"judged":0}')).toBeUndefined();
    expect(parseProof('{"epoch":1,"digest":"x","files":1,"judged":0}')).toEqual({ epoch: 1, digest: 'x', files: 1, judged: 0 });
  });
});

describe('files_epoch', () => {
  it('counts every row written to or deleted from files and skipped, and gates setMetaAtEpoch', () => {
    const store = Store.open(mkdtempSync(join(tmpdir(), 'codectx-epoch-')), repo);
    try {
      expect(store.filesEpoch()).toBe(0);
      store.setSkipped([{ path: 'a.bin', reason: 'binary', dir: false, size: 3, mtimeMs: 4 }]);
      expect(store.filesEpoch()).toBe(1);
      expect(store.sameSkipped([{ path: 'a.bin', reason: 'binary', dir: false, size: 3, mtimeMs: 4 }])).toBe(true);
      expect(store.sameSkipped([{ path: 'a.bin', reason: 'binary', dir: false, size: 3, mtimeMs: 5 }])).toBe(false);
      expect(store.sameSkipped([])).toBe(false);
      store.setSkipped([]);
      expect(store.filesEpoch()).toBe(2);
      expect(store.setMetaAtEpoch('k', 'v', 2)).toBe(true);
      expect(store.getMeta('k')).toBe('v');
      store.updateSkipped([{ path: 'b', reason: 'ignored', dir: true }], []);
      expect(store.filesEpoch()).toBe(3);
      expect(store.setMetaAtEpoch('k', 'w', 2)).toBe(false);
      expect(store.getMeta('k')).toBe('v');
    } finally {
      store.close();
    }
  });
});
