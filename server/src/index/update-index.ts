// Brings the index up to date with the working tree: walk, compare (size + mtime, then content hash), chunk, write.
// Invariant: one bad or vanishing file is recorded and skipped, never fatal; each batch of files commits atomically.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GrammarLoader } from '../chunk/grammar-loader.js';
import type { Config } from '../config.js';
import { skipByContent } from '../ingest/ignore-rules.js';
import { classifyPaths, type WalkResult, walkRepository } from '../ingest/walk.js';
import { WALK_MEMO_FILE } from '../ingest/walk-memo.js';
import type { SkipReason, WalkedFile } from '../model.js';
import type { FileWrite, SkippedFile, Store } from '../store/store.js';
import type { ChunkPool } from './chunk-pool.js';
import { FRESH_PROOF_KEY, type FreshProof, parseProof, walkDigest } from './fresh-proof.js';
import { chunkingFingerprint, languageOf, preparedWrite, prepareFile, sha1 } from './prepare-file.js';
import { type PreparedFiles, PreparedLookup } from './prepared-lookup.js';

/** Progress of an index run, reported after the walk and after every batch. */
export interface IndexProgress {
  phase: 'walk' | 'index' | 'done';
  /** Files found by the walk, and how many of them have been checked so far. */
  filesTotal: number;
  filesDone: number;
  /** Files (re)chunked so far, and the chunks they produced. */
  filesIndexed: number;
  /** Files the walk found that their content left out so far (binary, minified, a secret, unreadable). */
  filesLeftOut: number;
  chunks: number;
  elapsedMs: number;
}

/**
 * How the last full index run stands (`meta.index_run`): `in progress` while its process runs it, `incomplete` when it
 * was stopped, failed or its process died (killed: the index holds what it committed), `complete` when it ran through.
 */
export interface IndexRunRecord {
  status: 'complete' | 'in progress' | 'incomplete';
  pid: number;
  startedAt: string;
  endedAt?: string;
}

/** The stored record, with a run `in progress` of a process that is gone read as `incomplete`. */
export function indexRunOf(raw: string | undefined): IndexRunRecord | undefined {
  if (!raw) return undefined;
  let record: IndexRunRecord;
  try {
    record = JSON.parse(raw) as IndexRunRecord;
  } catch {
    return undefined;
  }
  if (record.status === 'in progress' && record.pid !== process.pid && !heldByOtherServer(record.pid))
    return { ...record, status: 'incomplete' };
  return record;
}

/** What an index run did. */
export interface IndexReport {
  filesSeen: number;
  filesIndexed: number;
  filesUnchanged: number;
  filesDeleted: number;
  chunksWritten: number;
  /** Files whose rows came from `UpdateOptions.prepared` (the team index) instead of being chunked here. */
  filesPulled: number;
  parseFailures: number;
  skipped: number;
  errors: string[];
  elapsedMs: number;
  /** Every file was cut again: the index's chunks were cut by other rules (an upgrade, an edited tags query). */
  recut: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** How an index run may be narrowed and interleaved with other work (the language server uses all of these). */
export interface UpdateOptions {
  /** Only these repository-relative paths (from a watcher); a full walk when absent. */
  paths?: string[];
  /** Paths to leave alone this run (unsaved editor buffers indexed by the caller). */
  skip?: (path: string) => boolean;
  /** Re-read and re-chunk every file, changed or not. */
  force?: boolean;
  /** Stops the run at the next file; what is committed stays committed. */
  signal?: AbortSignal;
  /** Yield to the event loop after this much work, so requests are answered during a long run (0: never). */
  yieldEveryMs?: number;
  /** Commit at least this often, so a long run becomes searchable as it goes. */
  flushEveryMs?: number;
  /** Commit once a batch holds this many chunks, so that no write transaction holds the thread long (default: none). */
  flushChunks?: number;
  /**
   * Parse and chunk elsewhere (a worker thread), with a few files in flight, so that this thread only reads, hashes and
   * writes. A file the chunker fails on is chunked here instead.
   */
  chunker?: ChunkPool;
  /**
   * Files in flight per chunker thread (default CHUNKER_DEPTH, 4: a save handed to a language server's run waits for
   * them). The CLI's run keeps 64, so that the threads go on chunking while its main thread writes a batch (fs/ of the
   * kernel: 16.0-16.7 s -> 13.1-13.8 s wall, same rows).
   */
  chunkerDepth?: number;
  /**
   * Files already cut by the same rules (the team index): a changed file whose content and language it has is written
   * from its rows instead of being chunked. Full runs only (a watcher's batch asks nobody).
   */
  prepared?: PreparedFiles;
  /**
   * A full run of an empty index builds the secondary indexes on random keys (chunk hash, symbol and reference names)
   * once at its end instead of row by row (Store.deferIndexes): the CLI does; the language server, which answers
   * symbol lookups during its first run, does not.
   */
  deferIndexes?: boolean;
  /** Told once that another process's run holds the index's run lock (its pid); this run waits for it (Engine.index). */
  onWait?: (pid: number) => void;
  /**
   * Paths a watcher reported while this full run goes on (saves; LiveIndex.filesChanged): taken between two files and
   * written before the walk goes on, each batch's `done` called once its paths are committed, so that a save during a
   * run of many minutes waits for a few files, not for the run. Full runs only.
   */
  urgent?: () => UrgentPaths[] | undefined;
}

/** A watcher's batch handed to a full run in progress (UpdateOptions.urgent). */
export interface UrgentPaths {
  paths: string[];
  /** Called once the paths are written (or the run failed while writing them). */
  done: () => void;
}

/** Files in flight at the chunker: enough to keep it busy while this thread reads and writes. */
const CHUNKER_DEPTH = 4;
/**
 * Bytes of files in flight per chunker thread at most. A file's rows take ~4-6x its bytes (a register header's 18k
 * symbols), held twice while in flight (built there, received here): 2 MiB bounds that and still keeps a thread ~100
 * average kernel files ahead.
 */
const INFLIGHT_BYTES = 2 * 1024 * 1024;
/** A write batch is flushed at this many bytes of source (or `Config.batchFiles` files), bounding the rows it holds. */
const BATCH_BYTES = 2 * 1024 * 1024;

/** Brings the index of `config.repo` up to date: a full walk, or just `options.paths`. One bad file never stops it. */
export function updateIndex(
  config: Config,
  store: Store,
  grammars: GrammarLoader,
  onProgress: (p: IndexProgress) => void = () => {},
  options: UpdateOptions = {},
): Promise<IndexReport> {
  return new IndexRun(config, store, grammars, onProgress, options).execute();
}

type FileStateMap = ReturnType<Store['fileStates']>;

/** One index run: its plan (what the walk found, what is gone), its batch of writes, and its report. */
class IndexRun {
  private readonly started = performance.now();
  private readonly targeted: boolean;
  private readonly fingerprint: string;
  private readonly rechunk: boolean;
  private readonly force: boolean;
  private readonly known: FileStateMap;
  private readonly walk: WalkResult & { missing: string[] };
  private readonly skipped: SkippedFile[];
  private readonly judged: Map<string, SkippedFile>;
  private readonly seen: Set<string>;
  private readonly deleted: string[];
  private readonly report: IndexReport;
  private writes: FileWrite[] = [];
  private touched: { path: string; size: number; mtimeMs: number }[] = [];
  private batchBytes = 0;
  private batchChunks = 0;
  private lastFlush = performance.now();
  private lastYield = performance.now();
  private done = 0;
  /** Files written by this run (UpdateOptions.urgent: a file this run wrote can be gone by the time a save says so). */
  private readonly written = new Set<string>();
  /** Files being chunked, in the walk's order, with their sizes (at most INFLIGHT_BYTES a chunker thread of them). */
  private readonly inflight: { job: Promise<{ write: FileWrite; size: number }>; bytes: number }[] = [];
  private inflightTotal = 0;
  private readonly lookup: PreparedLookup | undefined;
  /** This run dropped the deferred indexes (UpdateOptions.deferIndexes) and builds them at its end. */
  private deferred = false;
  /** `files_epoch` before this run read any row (full runs of an index that counts them). */
  private readonly epoch: number | undefined;
  /** A proof that the index is as this walk finds the files (fresh-proof.ts): nothing to read, re-index or write. */
  private readonly proof: FreshProof | undefined;
  private walkDigestMemo: string | undefined;
  /** Files whose size and mtime were as indexed, and files left out again by their content as judged before. */
  private matched = 0;
  private judgedAgain = 0;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly grammars: GrammarLoader,
    private readonly onProgress: (p: IndexProgress) => void,
    private readonly options: UpdateOptions,
  ) {
    this.targeted = options.paths !== undefined;
    // Chunks cut by other rules (an upgrade that changed the chunker or a tags query, other budgets) are stale although
    // their files are not: a full run re-chunks every file then (vectors come back from the embedding cache).
    // Only a full run compares them: a watcher's batch of a few files is no time to re-cut the repository.
    this.fingerprint = this.targeted ? '' : chunkingFingerprint(config, grammars);
    // Read before any row: a write after it moves it on, and no proof recorded at it holds any more.
    this.epoch = this.targeted ? undefined : store.filesEpoch();
    let rechunk = !this.targeted && store.getMeta('chunking') !== this.fingerprint;
    this.walk = this.targeted
      ? classifyPaths(config.repo, options.paths ?? [], { maxFileBytes: config.maxFileBytes })
      : {
          ...walkRepository(config.repo, { maxFileBytes: config.maxFileBytes, memoFile: join(config.indexDir, WALK_MEMO_FILE) }),
          missing: [],
        };
    this.proof = options.force || rechunk ? undefined : this.provenFresh();
    // Proven fresh, the 76.6k rows of the kernel's files are not read (0.1-0.3 s and their garbage).
    // A run over a few paths reads their rows only (and those below a removed or ignored folder).
    this.known = this.proof
      ? new Map()
      : this.targeted
        ? store.fileStatesAt([
            ...this.walk.files.map((f) => f.path),
            ...this.walk.missing,
            ...this.walk.skipped.map((f) => f.path),
          ])
        : store.fileStates();
    if (rechunk && this.known.size === 0) {
      // An empty index: whatever this run writes, even if it is cut short, is cut by the current rules.
      store.setMeta('chunking', this.fingerprint);
      rechunk = false;
    }
    this.rechunk = rechunk;
    this.lookup = options.prepared && !this.targeted ? new PreparedLookup(options.prepared, this.fingerprint) : undefined;
    this.force = options.force || rechunk;
    this.skipped = [...this.walk.skipped];
    this.judged = this.proof ? new Map() : store.skippedByContent();
    this.seen = this.proof ? new Set() : new Set(this.walk.files.map((f) => f.path));
    this.deleted = this.proof
      ? []
      : this.gone().filter((p) => this.known.has(p) && !options.skip?.(p) && !heldByOtherServer(this.known.get(p)?.overlay ?? 0));
    this.report = {
      filesSeen: this.walk.files.length,
      filesIndexed: 0,
      filesUnchanged: 0,
      filesDeleted: this.deleted.length,
      chunksWritten: 0,
      filesPulled: 0,
      parseFailures: 0,
      skipped: 0,
      errors: [],
      elapsedMs: 0,
      recut: rechunk,
    };
  }

  /** The walk's digest (fresh-proof.ts), computed once. */
  private digest(): string {
    this.walkDigestMemo ??= walkDigest(this.config.repo, this.walk);
    return this.walkDigestMemo;
  }

  /** The stored proof, when it was recorded at the current epoch for a walk like this one; else undefined. */
  private provenFresh(): FreshProof | undefined {
    if (this.targeted || this.epoch === undefined) return undefined;
    const proof = parseProof(this.store.getMeta(FRESH_PROOF_KEY));
    if (!proof || proof.epoch !== this.epoch) return undefined;
    // A path left to an editor buffer is not counted as unchanged: the report would differ.
    const skip = this.options.skip;
    if (skip && this.walk.files.some((f) => skip(f.path))) return undefined;
    return proof.digest === this.digest() ? proof : undefined;
  }

  /**
   * True when this full run found every walked file as indexed (its size and mtime, or its content verdict) and every
   * indexed file among them, and wrote no file: the index is as the walk finds the files.
   */
  private foundAllFresh(): boolean {
    const { report } = this;
    return (
      this.epoch !== undefined &&
      !this.force &&
      report.filesIndexed === 0 &&
      report.filesDeleted === 0 &&
      this.matched === this.known.size &&
      this.matched + this.judgedAgain === this.walk.files.length
    );
  }

  async execute(): Promise<IndexReport> {
    if (!this.targeted) this.record('in progress');
    this.deferred = !this.targeted && !this.proof && this.options.deferIndexes === true && this.known.size === 0;
    if (this.deferred) this.store.deferIndexes();
    try {
      return await this.steps();
    } catch (error) {
      try {
        if (!this.targeted) this.record('incomplete');
        if (this.deferred) this.store.buildIndexes();
      } catch {
        // The index cannot take even this (a full disk): a run of a process that is gone reads as incomplete anyway,
        // and the next writer to open the index builds the indexes.
      }
      throw error;
    }
  }

  /** `meta.index_run`: how the last full run stands (`indexRunOf` reads it). */
  private record(status: IndexRunRecord['status']): void {
    const at = new Date().toISOString();
    const started = status === 'in progress' ? at : (indexRunOf(this.store.getMeta('index_run'))?.startedAt ?? at);
    const record: IndexRunRecord = { status, pid: process.pid, startedAt: started };
    if (status !== 'in progress') record.endedAt = at;
    this.store.setMeta('index_run', JSON.stringify(record));
  }

  private async steps(): Promise<IndexReport> {
    this.progress('walk', 0);
    if (this.proof) {
      // The proof's run found these files unchanged; the tables are as it left them (the epoch says so).
      this.done = this.walk.files.length;
      this.report.filesUnchanged = this.proof.files;
      this.finish();
      return this.report;
    }
    // In this thread, one file at a time; with a chunker, a few per thread in flight while this thread reads the next
    // ones and writes; with prepared files, two batches of lookups while this thread reads on.
    const { chunker } = this.options;
    const threads = chunker?.threads ?? 1;
    const depth = this.lookup ? 2 * this.lookup.size : chunker ? (this.options.chunkerDepth ?? CHUNKER_DEPTH) * threads : 1;
    // Large files in flight hold their text, parse and rows at once (the kernel's generated register headers, ~1 MiB
    // each and next to each other in the walk): bounded by bytes too, whatever the depth.
    const byteBudget = chunker ? INFLIGHT_BYTES * threads : Number.POSITIVE_INFINITY;
    for (const file of this.walk.files) {
      if (this.options.signal?.aborted) break;
      if (this.options.urgent) await this.takeUrgent(this.options.urgent());
      this.done++;
      if (this.options.yieldEveryMs && performance.now() - this.lastYield > this.options.yieldEveryMs) {
        await new Promise((resolve) => setImmediate(resolve));
        this.lastYield = performance.now();
      }
      const job = this.visit(file);
      if (!job) continue;
      // Settled in order (settleOldest); a failure waits there to be thrown, not reported as unhandled meanwhile.
      job.catch(() => {});
      this.pushInflight(job, file.size);
      if (this.inflight.length >= depth || this.inflightTotal >= byteBudget) {
        this.lookup?.flush();
        while (this.inflight.length > 0 && (this.inflight.length >= depth || this.inflightTotal >= byteBudget))
          await this.settleOldest();
      }
    }
    await this.settleAll();
    this.finish();
    return this.report;
  }

  /**
   * Writes the oldest file in flight once it is ready: files are written in the walk's order whatever thread chunked
   * them, so rows get the same ids as in a run on one thread.
   */
  private async settleOldest(): Promise<void> {
    const oldest = this.inflight.shift();
    if (!oldest) return;
    this.inflightTotal -= oldest.bytes;
    const { write, size } = await oldest.job;
    this.add(write, size);
  }

  /**
   * Writes the paths of watcher batches that came during this full run, now: what is in flight first (a file read before
   * the save is written before it), then these paths as a run over them would (re-read, or dropped with what lay below
   * them when missing or skipped), committed at once. The walk goes on after; a path it reaches later is then unchanged
   * or re-read from disk, never older than what was written here.
   */
  private async takeUrgent(batches: UrgentPaths[] | undefined): Promise<void> {
    if (!batches || batches.length === 0 || this.targeted) return;
    try {
      await this.settleAll();
      const found = classifyPaths(
        this.config.repo,
        batches.flatMap((b) => b.paths),
        { maxFileBytes: this.config.maxFileBytes },
      );
      for (const p of [...found.missing, ...found.skipped.map((s) => s.path)]) {
        for (const q of [p, ...this.indexedBelow(p)]) if (!this.options.skip?.(q)) this.drop(q);
      }
      for (const file of found.files) {
        const job = this.visit(file);
        if (!job) continue;
        job.catch(() => {});
        this.pushInflight(job, file.size);
      }
      await this.settleAll();
    } finally {
      for (const b of batches) b.done();
    }
  }

  private pushInflight(job: Promise<{ write: FileWrite; size: number }>, bytes: number): void {
    this.inflight.push({ job, bytes });
    this.inflightTotal += bytes;
  }

  /** Writes every file in flight and commits. */
  private async settleAll(): Promise<void> {
    this.lookup?.flush();
    while (this.inflight.length > 0) await this.settleOldest();
    this.flush();
  }

  /** Indexed paths that are gone: not walked (a full run), or missing or skipped now with what lay below them. */
  private gone(): string[] {
    if (!this.targeted) return [...this.known.keys()].filter((p) => !this.seen.has(p));
    // A removed folder (or one that became ignored) takes every indexed file below it along.
    return [...this.walk.missing, ...this.walk.skipped.map((s) => s.path)].flatMap((p) => [p, ...this.indexedBelow(p)]);
  }

  /** The files below `dir` that the index holds: indexed before this run, or written by it (UpdateOptions.urgent). */
  private indexedBelow(dir: string): string[] {
    const prefix = `${dir}/`;
    return [...new Set([...this.known.keys(), ...this.written])].filter((p) => p.startsWith(prefix));
  }

  /** Checks one walked file; returns the job chunking it when it changed, else settles it here. */
  private visit(file: WalkedFile): Promise<{ write: FileWrite; size: number }> | undefined {
    const old = this.known.get(file.path);
    if (this.options.skip?.(file.path) || heldByOtherServer(old?.overlay ?? 0)) return undefined;
    if (!this.force && old && !old.overlay && old.size === file.size && old.mtimeMs === file.mtimeMs) {
      this.report.filesUnchanged++;
      this.matched++;
      return undefined;
    }
    const verdict = this.judged.get(file.path);
    if (!old && verdict && verdict.size === file.size && verdict.mtimeMs === file.mtimeMs) {
      this.skipped.push(verdict);
      this.judgedAgain++;
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.config.repo, file.path));
    } catch (error) {
      // Vanished or unreadable since the walk: whatever the index had for it is gone too.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.skipped.push({ path: file.path, reason: 'unreadable', dir: false });
      this.drop(file.path);
      return undefined;
    }
    const content = contentVerdict(bytes);
    if ('reason' in content) {
      this.skipped.push({ path: file.path, reason: content.reason, dir: false, size: file.size, mtimeMs: file.mtimeMs });
      this.drop(file.path);
      return undefined;
    }
    const { hash } = content;
    if (!this.force && old && old.hash === hash) {
      this.touched.push({ path: file.path, size: bytes.length, mtimeMs: file.mtimeMs });
      this.report.filesUnchanged++;
      return undefined;
    }
    const size = bytes.length;
    return this.prepare(file.path, decoder.decode(bytes), { size, mtimeMs: file.mtimeMs, hash }).then((write) => ({
      write,
      size,
    }));
  }

  /**
   * A file's rows: from the prepared files when they have its content, else chunked at the chunker when there is one
   * (in this thread when it fails), else here.
   */
  private async prepare(path: string, text: string, state: { size: number; mtimeMs: number; hash: string }) {
    if (this.lookup) {
      const language = languageOf(path, text);
      const found = await this.lookup.get(state.hash, language);
      if (found) {
        this.report.filesPulled++;
        return preparedWrite(path, language, state, found);
      }
    }
    const here = () => prepareFile(this.config, this.grammars, path, text, state, this.report);
    if (!this.options.chunker) return here();
    try {
      const prepared = await this.options.chunker.prepare(this.config, path, text, state);
      for (const e of prepared.errors) if (!this.report.errors.includes(e)) this.report.errors.push(e);
      if (prepared.write.parseFailed) this.report.parseFailures++;
      return prepared.write;
    } catch {
      return here();
    }
  }

  private add(write: FileWrite, bytes: number): void {
    this.writes.push(write);
    if (this.options.urgent) this.written.add(write.path);
    this.report.filesIndexed++;
    this.report.chunksWritten += write.chunks.length;
    this.batchBytes += bytes;
    this.batchChunks += write.chunks.length;
    const { flushEveryMs, flushChunks } = this.options;
    const due = flushEveryMs !== undefined && performance.now() - this.lastFlush > flushEveryMs;
    const full = flushChunks !== undefined && this.batchChunks >= flushChunks;
    if (this.writes.length >= this.config.batchFiles || this.batchBytes > BATCH_BYTES || due || full) {
      this.flush();
      this.progress('index', this.done);
    }
  }

  /** A file gone: indexed before this run, or written by it (UpdateOptions.urgent). */
  private drop(path: string): void {
    if (!this.known.has(path) && !this.written.delete(path)) return;
    this.deleted.push(path);
    this.report.filesDeleted++;
  }

  private flush(): void {
    if (this.writes.length || this.touched.length || this.deleted.length) {
      this.store.writeBatch({ writes: this.writes, touched: this.touched, deleted: this.deleted.splice(0) });
    }
    this.writes = [];
    this.touched = [];
    this.batchBytes = 0;
    this.batchChunks = 0;
    this.lastFlush = performance.now();
  }

  /** Records the skipped files and the chunking rules (after a whole run only), and reports. */
  private finish(): void {
    const { store, report } = this;
    if (this.targeted) store.updateSkipped(this.skipped, [...this.seen, ...this.walk.missing]);
    else if (!this.options.signal?.aborted) {
      // Written only when it changed: a write moves files_epoch on, and the proof below needs it where it was.
      if (this.proof) {
        // The proof's run left the skipped files as this walk finds them.
      } else if (!store.sameSkipped(this.skipped)) store.setSkipped(this.skipped);
      else if (this.foundAllFresh() && this.epoch !== undefined) {
        const proof: FreshProof = { epoch: this.epoch, digest: this.digest(), files: this.matched, judged: this.judgedAgain };
        store.setMetaAtEpoch(FRESH_PROOF_KEY, JSON.stringify(proof), this.epoch);
      }
      if (this.rechunk) store.setMeta('chunking', this.fingerprint);
    }
    if (this.deferred) this.store.buildIndexes();
    if (!this.targeted) this.record(this.options.signal?.aborted ? 'incomplete' : 'complete');
    if (!this.targeted && (report.filesIndexed > 0 || report.filesDeleted > 0)) store.checkpoint();
    report.skipped = this.skipped.length + (this.proof?.judged ?? 0);
    report.elapsedMs = this.elapsed();
    this.progress('done', this.done);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  private progress(phase: IndexProgress['phase'], filesDone: number): void {
    this.onProgress({
      phase,
      filesTotal: this.walk.files.length,
      filesDone,
      filesIndexed: this.report.filesIndexed,
      filesLeftOut: this.skipped.length - this.walk.skipped.length + (this.proof?.judged ?? 0),
      chunks: this.report.chunksWritten,
      elapsedMs: this.elapsed(),
    });
  }
}

/** What a file's bytes say: skipped for a reason (binary, generated, a secret…), or indexable with this content hash. */
function contentVerdict(bytes: Buffer): { reason: SkipReason } | { hash: string } {
  const reason = skipByContent(bytes);
  return reason ? { reason } : { hash: sha1(bytes) };
}

/**
 * Indexes an editor buffer in place of the file on disk, by the walk's rules: a path the walk would skip (ignored,
 * too large, binary, a secret) is not indexed (false); a buffer equal to what is indexed writes nothing.
 * The row carries `overlay: process.pid`, so index runs and other servers leave it to this buffer.
 */
export async function indexBuffer(
  config: Config,
  store: Store,
  grammars: GrammarLoader,
  path: string,
  text: string,
): Promise<boolean> {
  const walk = classifyPaths(config.repo, [path], { maxFileBytes: config.maxFileBytes });
  if (walk.files.length === 0 && walk.missing.length === 0) return false;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > config.maxFileBytes) return false;
  const verdict = contentVerdict(bytes);
  if ('reason' in verdict) return false;
  const stored = store.fileState(path);
  if (stored && stored.hash === verdict.hash) return true;
  const report = { errors: [] as string[], parseFailures: 0 };
  const state = { size: -1, mtimeMs: -1, hash: verdict.hash, overlay: process.pid };
  store.writeFile(await prepareFile(config, grammars, path, text, state, report));
  return true;
}

/** True when `pid` is another live process (a second language server whose editor buffer is in the index). */
export function heldByOtherServer(pid: number): boolean {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
