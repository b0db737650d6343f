// Brings the index up to date with the working tree: walk, compare (size + mtime, then content hash), chunk, write.
// Invariant: one bad or vanishing file is recorded and skipped, never fatal; each batch of files commits atomically.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkFile } from '../chunk/chunk-file.js';
import type { GrammarLoader, LoadedGrammar } from '../chunk/grammar-loader.js';
import { detectLanguage } from '../chunk/languages.js';
import type { Config } from '../config.js';
import { skipByContent } from '../ingest/ignore-rules.js';
import { classifyPaths, walkRepository } from '../ingest/walk.js';
import type { SkipReason } from '../model.js';
import { ftsFields } from '../search/fts-text.js';
import type { FileWrite, SkippedFile, Store } from '../store/store.js';
import type { ChunkPool } from './chunk-pool.js';

/** Progress of an index run, reported after the walk and after every batch. */
export interface IndexProgress {
  phase: 'walk' | 'index' | 'done';
  /** Files found by the walk, and how many of them have been checked so far. */
  filesTotal: number;
  filesDone: number;
  /** Files (re)chunked so far, and the chunks they produced. */
  filesIndexed: number;
  chunks: number;
  elapsedMs: number;
}

/** What an index run did. */
export interface IndexReport {
  filesSeen: number;
  filesIndexed: number;
  filesUnchanged: number;
  filesDeleted: number;
  chunksWritten: number;
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
}

/** Files in flight at the chunker: enough to keep it busy while this thread reads and writes. */
const CHUNKER_DEPTH = 4;

export async function updateIndex(
  config: Config,
  store: Store,
  grammars: GrammarLoader,
  onProgress: (p: IndexProgress) => void = () => {},
  options: UpdateOptions = {},
): Promise<IndexReport> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const targeted = options.paths !== undefined;
  // Chunks cut by other rules (an upgrade that changed the chunker or a tags query, other budgets) are stale although
  // their files are not: a full run re-chunks every file then (vectors come back from the embedding cache).
  // Only a full run compares them: a watcher's batch of a few files is no time to re-cut the repository.
  const fingerprint = targeted ? '' : chunkingFingerprint(config, grammars);
  let rechunk = !targeted && store.getMeta('chunking') !== fingerprint;
  const known = store.fileStates();
  if (rechunk && known.size === 0) {
    // An empty index: whatever this run writes, even if it is cut short, is cut by the current rules.
    store.setMeta('chunking', fingerprint);
    rechunk = false;
  }
  const force = options.force || rechunk;
  const walk = targeted
    ? classifyPaths(config.repo, options.paths ?? [], { maxFileBytes: config.maxFileBytes })
    : { ...walkRepository(config.repo, { maxFileBytes: config.maxFileBytes }), missing: [] };
  const skipped: SkippedFile[] = [...walk.skipped];
  const judged = store.skippedByContent();
  const seen = new Set(walk.files.map((f) => f.path));
  // A removed folder (or one that became ignored) takes every indexed file below it along.
  const under = (dir: string): string[] => [...known.keys()].filter((p) => p.startsWith(`${dir}/`));
  const gone = targeted
    ? [...walk.missing, ...walk.skipped.map((s) => s.path)].flatMap((p) => [p, ...under(p)])
    : [...known.keys()].filter((p) => !seen.has(p));
  const deleted = gone.filter((p) => known.has(p) && !options.skip?.(p) && !heldByOtherServer(known.get(p)?.overlay ?? 0));
  const report: IndexReport = {
    filesSeen: walk.files.length,
    filesIndexed: 0,
    filesUnchanged: 0,
    filesDeleted: deleted.length,
    chunksWritten: 0,
    parseFailures: 0,
    skipped: 0,
    errors: [],
    elapsedMs: 0,
    recut: rechunk,
  };
  const progress = (phase: IndexProgress['phase'], filesDone: number): void =>
    onProgress({
      phase,
      filesTotal: walk.files.length,
      filesDone,
      filesIndexed: report.filesIndexed,
      chunks: report.chunksWritten,
      elapsedMs: elapsed(),
    });
  progress('walk', 0);

  let writes: FileWrite[] = [];
  let touched: { path: string; size: number; mtimeMs: number }[] = [];
  let batchBytes = 0;
  let batchChunks = 0;
  let lastFlush = performance.now();
  let lastYield = performance.now();
  const flush = (): void => {
    if (writes.length || touched.length || deleted.length) {
      store.writeBatch({ writes, touched, deleted: deleted.splice(0) });
    }
    writes = [];
    touched = [];
    batchBytes = 0;
    batchChunks = 0;
    lastFlush = performance.now();
  };
  const drop = (path: string): void => {
    if (!known.has(path)) return;
    deleted.push(path);
    report.filesDeleted++;
  };
  let done = 0;
  const add = (write: FileWrite, bytes: number): void => {
    writes.push(write);
    report.filesIndexed++;
    report.chunksWritten += write.chunks.length;
    batchBytes += bytes;
    batchChunks += write.chunks.length;
    const due = options.flushEveryMs !== undefined && performance.now() - lastFlush > options.flushEveryMs;
    const full = options.flushChunks !== undefined && batchChunks >= options.flushChunks;
    if (writes.length >= config.batchFiles || batchBytes > 8 * 1024 * 1024 || due || full) {
      flush();
      progress('index', done);
    }
  };
  const here = (path: string, text: string, state: { size: number; mtimeMs: number; hash: string }) =>
    prepareFile(config, grammars, path, text, state, report);
  const prepare = async (path: string, text: string, state: { size: number; mtimeMs: number; hash: string }) => {
    if (!options.chunker) return here(path, text, state);
    try {
      const prepared = await options.chunker.prepare(config, path, text, state);
      for (const e of prepared.errors) if (!report.errors.includes(e)) report.errors.push(e);
      if (prepared.write.parseFailed) report.parseFailures++;
      return prepared.write;
    } catch {
      return here(path, text, state);
    }
  };
  const inflight = new Set<Promise<void>>();

  for (const file of walk.files) {
    if (options.signal?.aborted) break;
    done++;
    if (options.yieldEveryMs && performance.now() - lastYield > options.yieldEveryMs) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    const old = known.get(file.path);
    if (options.skip?.(file.path) || heldByOtherServer(old?.overlay ?? 0)) continue;
    if (!force && old && !old.overlay && old.size === file.size && old.mtimeMs === file.mtimeMs) {
      report.filesUnchanged++;
      continue;
    }
    const verdict = judged.get(file.path);
    if (!old && verdict && verdict.size === file.size && verdict.mtimeMs === file.mtimeMs) {
      skipped.push(verdict);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(config.repo, file.path));
    } catch (error) {
      // Vanished or unreadable since the walk: whatever the index had for it is gone too.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') skipped.push({ path: file.path, reason: 'unreadable', dir: false });
      drop(file.path);
      continue;
    }
    const content = contentVerdict(bytes);
    if ('reason' in content) {
      skipped.push({ path: file.path, reason: content.reason, dir: false, size: file.size, mtimeMs: file.mtimeMs });
      drop(file.path);
      continue;
    }
    const { hash } = content;
    if (!force && old && old.hash === hash) {
      touched.push({ path: file.path, size: bytes.length, mtimeMs: file.mtimeMs });
      report.filesUnchanged++;
      continue;
    }
    const size = bytes.length;
    const job = prepare(file.path, decoder.decode(bytes), { size, mtimeMs: file.mtimeMs, hash }).then((write) => {
      inflight.delete(job);
      add(write, size);
    });
    inflight.add(job);
    // In this thread, one file at a time; with a chunker, a few in flight while this thread reads the next ones.
    if (inflight.size >= (options.chunker ? CHUNKER_DEPTH : 1)) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  flush();
  if (targeted) store.updateSkipped(skipped, [...seen, ...walk.missing]);
  else if (!options.signal?.aborted) {
    store.setSkipped(skipped);
    if (rechunk) store.setMeta('chunking', fingerprint);
  }
  if (!targeted && (report.filesIndexed > 0 || report.filesDeleted > 0)) store.checkpoint();
  report.skipped = skipped.length;
  report.elapsedMs = elapsed();
  progress('done', done);
  return report;
}

/** What a file's bytes say: skipped for a reason (binary, generated, a secret…), or indexable with this content hash. */
function contentVerdict(bytes: Buffer): { reason: SkipReason } | { hash: string } {
  const reason = skipByContent(bytes);
  return reason ? { reason } : { hash: createHash('sha1').update(bytes).digest('hex') };
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

/**
 * Bump when a change to the chunker's code changes the chunks of unchanged files (the tags queries and the budgets
 * count by themselves). 2: /** *\/ docs one blank line above, packed skeleton parts, Markdown heading text.
 * 3: a declared object with member chunks is a container, never merged with its neighbours.
 */
export const CHUNKER_VERSION = 3;

/** The rules chunks were cut by: chunker version, tags queries, budgets. */
export function chunkingFingerprint(config: Config, grammars: GrammarLoader): string {
  const budgets = [config.maxChunkLines, config.maxChunkChars, config.minChunkLines, config.windowLines].join(',');
  return createHash('sha1').update(`${CHUNKER_VERSION}\0${budgets}\0${grammars.queriesText()}`).digest('hex').slice(0, 16);
}

/** Chunks one file's text into the row, chunks and symbols the store writes. Problems go into `report`, never thrown. */
export async function prepareFile(
  config: Config,
  grammars: GrammarLoader,
  path: string,
  text: string,
  state: { size: number; mtimeMs: number; hash: string; overlay?: number },
  report: Pick<IndexReport, 'errors' | 'parseFailures'>,
): Promise<FileWrite> {
  const language = detectLanguage(path, text.slice(0, text.indexOf('\n') >>> 0));
  let grammar: LoadedGrammar | undefined;
  const pending = grammars.get(language);
  if (pending) {
    try {
      grammar = await pending;
    } catch (error) {
      const message = `grammar ${language} failed to load: ${(error as Error).message}`;
      if (!report.errors.includes(message)) report.errors.push(message);
    }
  }
  const chunked = chunkFile(path, language, text, grammar, {
    maxLines: config.maxChunkLines,
    maxChars: config.maxChunkChars,
    minLines: config.minChunkLines,
    windowLines: config.windowLines,
  });
  const parseFailed = chunked.parseFailed || (pending !== undefined && grammar === undefined);
  if (parseFailed) report.parseFailures++;
  report.errors.push(...chunked.errors);
  return {
    path,
    ...state,
    overlay: state.overlay ?? 0,
    language,
    lines: text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    parseFailed,
    chunks: chunked.chunks.map((chunk) => ({ chunk, fts: ftsFields(chunk) })),
    symbols: chunked.symbols,
  };
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
