// Brings the index up to date with the working tree: walk, compare (size + mtime, then content hash), chunk, write.
// Invariant: one bad or vanishing file is recorded and skipped, never fatal; each batch of files commits atomically.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkFile } from './chunk/chunk-file.js';
import type { GrammarLoader, LoadedGrammar } from './chunk/grammar-loader.js';
import { detectLanguage } from './chunk/languages.js';
import type { Config } from './config.js';
import { skipByContent } from './ingest/ignore-rules.js';
import { walkRepository } from './ingest/walk.js';
import { ftsFields } from './search/fts-text.js';
import type { FileWrite, SkippedFile, Store } from './store/store.js';

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
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export async function updateIndex(
  config: Config,
  store: Store,
  grammars: GrammarLoader,
  onProgress: (p: IndexProgress) => void = () => {},
): Promise<IndexReport> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const walk = walkRepository(config.repo, { maxFileBytes: config.maxFileBytes });
  const skipped: SkippedFile[] = [...walk.skipped];
  const known = store.fileStates();
  const judged = store.skippedByContent();
  const seen = new Set(walk.files.map((f) => f.path));
  const deleted = [...known.keys()].filter((p) => !seen.has(p));
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
  const flush = (): void => {
    if (writes.length || touched.length || deleted.length) {
      store.writeBatch({ writes, touched, deleted: deleted.splice(0) });
    }
    writes = [];
    touched = [];
    batchBytes = 0;
  };
  const drop = (path: string): void => {
    if (!known.has(path)) return;
    deleted.push(path);
    report.filesDeleted++;
  };

  let done = 0;
  for (const file of walk.files) {
    done++;
    const old = known.get(file.path);
    if (old && old.size === file.size && old.mtimeMs === file.mtimeMs) {
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
    const reason = skipByContent(bytes);
    if (reason) {
      skipped.push({ path: file.path, reason, dir: false, size: file.size, mtimeMs: file.mtimeMs });
      drop(file.path);
      continue;
    }
    const hash = createHash('sha1').update(bytes).digest('hex');
    if (old && old.hash === hash) {
      touched.push({ path: file.path, size: bytes.length, mtimeMs: file.mtimeMs });
      report.filesUnchanged++;
      continue;
    }
    const text = decoder.decode(bytes);
    const language = detectLanguage(file.path, text.slice(0, text.indexOf('\n') >>> 0));
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
    const chunked = chunkFile(file.path, language, text, grammar, {
      maxLines: config.maxChunkLines,
      maxChars: config.maxChunkChars,
      minLines: config.minChunkLines,
      windowLines: config.windowLines,
    });
    if (chunked.parseFailed || (pending && !grammar)) report.parseFailures++;
    report.errors.push(...chunked.errors);
    writes.push({
      path: file.path,
      size: bytes.length,
      mtimeMs: file.mtimeMs,
      hash,
      language,
      lines: text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
      parseFailed: chunked.parseFailed || (pending !== undefined && grammar === undefined),
      chunks: chunked.chunks.map((chunk) => ({ chunk, fts: ftsFields(chunk) })),
      symbols: chunked.symbols,
    });
    report.filesIndexed++;
    report.chunksWritten += chunked.chunks.length;
    batchBytes += bytes.length;
    if (writes.length >= config.batchFiles || batchBytes > 8 * 1024 * 1024) {
      flush();
      progress('index', done);
    }
  }
  flush();
  store.setSkipped(skipped);
  if (report.filesIndexed > 0 || report.filesDeleted > 0) store.checkpoint();
  report.skipped = skipped.length;
  report.elapsedMs = elapsed();
  progress('done', done);
  return report;
}
