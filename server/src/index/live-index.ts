// One workspace folder kept fresh for the language server: an index run at start, a watcher, editor buffers, and
// the writer/reader split when several servers share one index.
// Invariant: index writes never overlap (one queue); searches never wait for a run (runs yield between files).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { IGNORE_FILES } from '../ingest/walk.js';
import { type Watcher, watchRepository } from '../ingest/watch.js';
import type { ChunkPool } from './chunk-pool.js';
import type { EmbedOptions, EmbedProgress } from './embed-pass.js';
import { RunLockAborted } from './run-lock.js';
import { heldByOtherServer, type IndexProgress, type IndexReport, type UpdateOptions, type UrgentPaths } from './update-index.js';

export type FolderState = 'starting' | 'indexing' | 'ready' | 'error';

/**
 * What the live index needs of an open index: the Engine (engine.ts) has all of it. The index stage sits below the
 * engine and never imports it; the engine hands itself over through `Engine.live`.
 */
export interface LiveTarget {
  index(onProgress?: (p: IndexProgress) => void, options?: UpdateOptions): Promise<IndexReport>;
  indexBuffer(path: string, text: string): Promise<boolean>;
  dropBuffer(path: string): Promise<void>;
  embed(options?: EmbedOptions): Promise<EmbedProgress | undefined>;
  readonly embedderProblem: string | undefined;
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  status(): object;
  close(): Promise<void>;
  /** The index was not closed cleanly last time and no check has run since. */
  readonly needsCheck: boolean;
  /** The integrity check after an unclean shutdown; damage is moved aside and rebuilt. Returns the problems found. */
  checkAfterUncleanShutdown(): Promise<string[]>;
}

export interface LiveIndexOptions {
  /** Use our own file watcher (else rely on the client's didChangeWatchedFiles). */
  watch: boolean;
  debounceMs: number;
  log: (message: string) => void;
  /** Called when a run starts, progresses and ends. */
  onProgress?: (progress: IndexProgress) => void;
  /** Parses and chunks the files of large runs off this thread (a worker); small watcher batches are chunked here. */
  chunker?: ChunkPool;
}

/** A batch of changed paths larger than this is handled as a full walk (a branch switch, say). */
const FULL_RUN_THRESHOLD = 5000;
/** How often a reader checks whether the writer is gone; how often to rescan when the watcher failed. */
const READER_POLL_MS = 2000;
const RESCAN_MS = 30_000;
const WATCHER_READY_MS = 10_000;
/** A watcher batch of more files than this goes to the chunker (a save or two is chunked here, sooner). */
const CHUNKER_ABOVE_FILES = 16;
/** Chunks per write transaction: a transaction of this size holds the thread for a few tens of milliseconds. */
const FLUSH_CHUNKS = 500;

export class LiveIndex<E extends LiveTarget = LiveTarget> {
  state: FolderState = 'starting';
  role: 'writer' | 'reader' = 'reader';
  watcherStatus = 'off';
  error: string | undefined;
  progress: IndexProgress | undefined;
  lastReport: IndexReport | undefined;
  readonly buffers = new Set<string>();
  /** Chunks with a vector of the current model; `embeddings` says why there are none when there are none. */
  embedded = 0;
  embeddings = 'starting';
  private embedding: { controller: AbortController; done: Promise<void> } | undefined;
  /** Buffers whose latest text is not in the index yet: the folder is not ready while there are any. */
  private readonly unwritten = new Set<string>();
  /** Bumped by every new text of a buffer, so that an older write does not mark a newer text written. */
  private readonly bufferVersions = new Map<string, number>();
  /** Buffer writes, one after the other (a newer text of a buffer is never overwritten by an older one). */
  private bufferWrites: Promise<unknown> = Promise.resolve();
  private opened: E | undefined;
  private readonly firstRun: Promise<E | undefined>;
  private firstRunDone: (engine: E | undefined) => void = () => {};
  private watcher: Watcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private running: AbortController | undefined;
  /** The full run in progress, and the watcher batches handed to it (filesChanged), not taken yet. */
  private fullRun: AbortController | undefined;
  private urgent: UrgentPaths[] = [];
  private disposed = false;

  /** `open` opens the index (Engine.open, after a team index's snapshot is taken); it is called once, by `start`. */
  constructor(
    readonly config: Config,
    private readonly options: LiveIndexOptions,
    private readonly open: () => E | Promise<E>,
  ) {
    this.firstRun = new Promise((resolve) => {
      this.firstRunDone = resolve;
    });
  }

  /** Opens the index and, as the writer, starts the first run and the watcher. Never throws: errors become state. */
  async start(): Promise<void> {
    try {
      // Opened at once (answers during the first run), unless a team index's snapshot is fetched first.
      const opening = this.open();
      this.opened = opening instanceof Promise ? await opening : opening;
    } catch (error) {
      this.state = 'error';
      this.error = (error as Error).message;
      this.options.log(`codectx: ${this.config.repo}: ${this.error}`);
      this.firstRunDone(undefined);
      return;
    }
    if (this.tryBecomeWriter()) await this.startWriting();
    else {
      this.state = 'ready';
      this.options.log(`codectx: ${this.config.repo}: another codectx server writes this index; following it`);
      this.timers.push(setInterval(() => void this.pollWriter(), READER_POLL_MS));
    }
    this.firstRunDone(this.opened);
  }

  /**
   * The open index, at once: during the first run it answers from what is indexed so far (`partial` says so).
   * Undefined before `start` and when the index could not be opened.
   */
  get engine(): E | undefined {
    return this.opened;
  }

  /**
   * Resolves when the first index run is over (at once for a reader, which follows another server's index), with the
   * index, or undefined when it could not be opened or the live index was disposed first.
   */
  ready(): Promise<E | undefined> {
    return this.firstRun;
  }

  /** True while results may be missing files that are still being indexed, or an editor buffer's latest text. */
  get partial(): boolean {
    return (
      this.state === 'starting' ||
      this.state === 'indexing' ||
      this.unwritten.size > 0 ||
      (this.role === 'reader' && this.opened?.meta('state') === 'indexing')
    );
  }

  /** A full run (walk everything, re-read what changed, or everything with `full`), queued behind any other run. */
  reindex(full = false): Promise<void> {
    if (this.role !== 'writer' || !this.opened) return Promise.resolve();
    // A new full run supersedes the one in progress.
    this.running?.abort();
    return this.enqueue(() => this.run({ force: full }));
  }

  /** Changed paths from a watcher (ours or the client's). */
  filesChanged(paths: string[]): Promise<void> {
    if (this.role !== 'writer' || !this.opened || paths.length === 0) return Promise.resolve();
    const rulesChanged = paths.some((p) => IGNORE_FILES.includes(p.slice(p.lastIndexOf('/') + 1)));
    if (rulesChanged || paths.length > FULL_RUN_THRESHOLD) return this.enqueue(() => this.run({}));
    // A save during a full run would wait for all of it (the first run of the Linux kernel takes many minutes): the run
    // takes these paths between two files and writes them before it goes on (UpdateOptions.urgent), every save alike;
    // what it did not take before it ended is written right after it (run).
    if (this.fullRun) return new Promise((done) => this.urgent.push({ paths, done }));
    return this.enqueue(() => this.run({ paths }));
  }

  /**
   * An editor buffer changed and its text will follow (the caller debounces): from now on the folder is not ready
   * until that text is indexed, and index runs leave the file to the buffer.
   */
  noteBuffer(path: string): void {
    this.buffers.add(path);
    this.unwritten.add(path);
    this.bufferVersions.set(path, (this.bufferVersions.get(path) ?? 0) + 1);
  }

  /** An editor buffer's text replaces the file on disk in the index until the buffer closes. */
  async setBuffer(path: string, text: string): Promise<void> {
    if (!this.buffers.has(path) || !this.unwritten.has(path)) this.noteBuffer(path);
    const version = this.bufferVersions.get(path);
    const engine = this.opened;
    const write = this.bufferWrites.then(async () => {
      if (!engine || this.disposed || !this.buffers.has(path)) return;
      try {
        await engine.indexBuffer(path, text);
      } catch (error) {
        this.options.log(`codectx: cannot index the buffer of ${path}: ${(error as Error).message}`);
      }
    });
    this.bufferWrites = write;
    await write;
    if (this.bufferVersions.get(path) === version) this.unwritten.delete(path);
  }

  async closeBuffer(path: string): Promise<void> {
    this.unwritten.delete(path);
    this.bufferVersions.set(path, (this.bufferVersions.get(path) ?? 0) + 1);
    if (!this.opened || !this.buffers.delete(path)) return;
    const engine = this.opened;
    await this.bufferWrites;
    await this.enqueue(() => engine.dropBuffer(path));
  }

  status(): (ReturnType<E['status']> & { state: FolderState; role: 'writer' | 'reader' }) | undefined {
    if (!this.opened) return undefined;
    const status = this.opened.status() as ReturnType<E['status']>;
    return { ...status, state: this.partial ? 'indexing' : this.state, role: this.role };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.running?.abort();
    this.embedding?.controller.abort();
    for (const t of this.timers) clearInterval(t);
    await this.watcher?.close();
    await this.queue.catch(() => {});
    await this.bufferWrites;
    // The embedding pass finishes its batch in flight before the store closes under it.
    await this.embedding?.done;
    if (this.role === 'writer') this.releaseLock();
    await this.opened?.close();
    this.opened = undefined;
    this.firstRunDone(undefined);
  }

  private async startWriting(): Promise<void> {
    this.role = 'writer';
    if (this.options.watch) {
      this.startWatcher();
      // A change made while the watcher still scans would be lost: watch first, then walk. A watcher that takes
      // too long is not waited for (the run itself sees the files; later edits arrive when it is ready).
      await Promise.race([this.watcher?.ready, new Promise((r) => setTimeout(r, WATCHER_READY_MS))]);
    }
    // Killed or crashed last time: check the index in the queue before the first run (answers go on meanwhile).
    if (this.opened?.needsCheck) void this.enqueue(() => this.checkIntegrity());
    await this.enqueue(() => this.run({}));
  }

  private async checkIntegrity(): Promise<void> {
    const engine = this.opened;
    if (!engine || this.disposed) return;
    const repo = this.config.repo;
    this.options.log(`codectx: ${repo}: the index was not closed cleanly last time (a killed or crashed process): checking it`);
    const started = performance.now();
    try {
      const problems = await engine.checkAfterUncleanShutdown();
      const ms = Math.round(performance.now() - started);
      this.options.log(
        problems.length === 0
          ? `codectx: ${repo}: integrity check after the unclean shutdown: ok (${ms} ms)`
          : `codectx: ${repo}: integrity check after the unclean shutdown found damage (${problems[0]}): rebuilding the index`,
      );
    } catch (error) {
      this.options.log(`codectx: ${repo}: the integrity check failed: ${(error as Error).message}`);
    }
  }

  private startWatcher(): void {
    this.watcherStatus = 'on';
    this.watcher = watchRepository(this.config.repo, {
      debounceMs: this.options.debounceMs,
      onBatch: (paths) => void this.filesChanged(paths),
      onError: (error) => {
        if (this.watcherStatus.startsWith('failed')) return;
        // Too many folders for inotify, a permissions problem: keep serving, rescan on a timer instead.
        this.watcherStatus = `failed: ${error.message}; rescanning every ${RESCAN_MS / 1000}s`;
        this.options.log(
          `codectx: the file watcher of ${this.config.repo} failed (${error.message}); rescanning every ${RESCAN_MS / 1000}s instead`,
        );
        void this.watcher?.close();
        this.timers.push(setInterval(() => void this.enqueue(() => this.run({})), RESCAN_MS));
      },
    });
  }

  private async run(options: UpdateOptions): Promise<void> {
    await this.runOnce(options);
    // Batches handed to a full run after it took its last ones (or stopped): written now, before anything queued after.
    while (this.urgent.length > 0) {
      const left = this.urgent.splice(0);
      try {
        await this.runOnce({ paths: left.flatMap((b) => b.paths) });
      } finally {
        for (const b of left) b.done();
      }
    }
  }

  private async runOnce(options: UpdateOptions): Promise<void> {
    const engine = this.opened;
    if (!engine || this.disposed) return;
    const controller = new AbortController();
    this.running = controller;
    const full = options.paths === undefined;
    if (full) {
      this.fullRun = controller;
      this.state = 'indexing';
      engine.setMeta('state', 'indexing');
    }
    const chunker = full || (options.paths?.length ?? 0) > CHUNKER_ABOVE_FILES ? this.options.chunker : undefined;
    const release = chunker?.hold?.();
    try {
      this.lastReport = await engine.index(
        (p) => {
          if (!full) return;
          this.progress = p;
          this.options.onProgress?.(p);
        },
        {
          ...options,
          skip: (p) => this.buffers.has(p),
          signal: controller.signal,
          yieldEveryMs: 10,
          flushEveryMs: 250,
          flushChunks: FLUSH_CHUNKS,
          chunker,
          onWait: this.sayWaiting,
          urgent: full ? () => (this.urgent.length > 0 ? this.urgent.splice(0) : undefined) : undefined,
        },
      );
      for (const e of this.lastReport.errors.slice(0, 20)) this.options.log(`codectx: ${e}`);
      if (full && !controller.signal.aborted) {
        this.state = 'ready';
        engine.setMeta('state', 'ready');
      }
      this.startEmbedding();
    } catch (error) {
      // Given up while another process's run held the index: the run that superseded it (or none, disposed) follows.
      if (error instanceof RunLockAborted) return;
      // An I/O failure in one run: say so, keep the index and the server; the next change retries.
      this.error = (error as Error).message;
      this.options.log(`codectx: indexing ${this.config.repo} failed: ${this.error}`);
      if (full) this.state = 'ready';
    } finally {
      release?.();
      if (this.running === controller) this.running = undefined;
      if (this.fullRun === controller) this.fullRun = undefined;
    }
  }

  /**
   * Embeds what has no vector yet, beside the index runs (not in their queue: a file saved during a long embedding
   * pass is searchable lexically at once). The pass picks up chunks written while it runs.
   */
  private startEmbedding(): void {
    const engine = this.opened;
    if (!engine || this.embedding || this.disposed) return;
    const controller = new AbortController();
    const done = engine
      .embed({
        signal: controller.signal,
        onWait: this.sayWaiting,
        onProgress: (p) => {
          this.embedded = p.embedded;
          this.embeddings = p.embedded >= p.total ? 'ready' : 'embedding';
        },
      })
      .then(
        (done) => {
          if (!done) this.embeddings = `off: ${engine.embedderProblem ?? 'no model'}`;
        },
        (error) => {
          if (error instanceof RunLockAborted) return;
          this.embeddings = `failed: ${(error as Error).message}`;
          this.options.log(`codectx: embedding ${this.config.repo} failed: ${(error as Error).message}`);
        },
      )
      .finally(() => {
        if (this.embedding?.controller === controller) this.embedding = undefined;
      });
    this.embedding = { controller, done };
  }

  /** Index runs and embedding passes wait while another process (a CLI `codectx index`) runs one on this index. */
  private readonly sayWaiting = (pid: number): void =>
    this.options.log(`codectx: ${this.config.repo}: another codectx process (pid ${pid}) is indexing; waiting for it`);

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  }

  private async pollWriter(): Promise<void> {
    if (this.role === 'writer' || this.disposed || !this.tryBecomeWriter()) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.options.log(`codectx: ${this.config.repo}: the other server is gone; this one now writes the index`);
    await this.startWriting();
  }

  private lockFile(): string {
    return join(this.config.indexDir, 'writer.lock');
  }

  /** One writer per index: a lock file with the writer's pid; a lock whose process is gone is taken over. */
  private tryBecomeWriter(): boolean {
    const file = this.lockFile();
    mkdirSync(this.config.indexDir, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
        const pid = Number.parseInt(readText(file), 10);
        if (pid === process.pid) return true;
        if (Number.isFinite(pid) && heldByOtherServer(pid)) return false;
        rmSync(file, { force: true });
      }
    }
    return false;
  }

  private releaseLock(): void {
    if (readText(this.lockFile()) === String(process.pid)) rmSync(this.lockFile(), { force: true });
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
