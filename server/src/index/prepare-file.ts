// One file's text → the rows the store writes (file, chunks with their FTS texts, symbols), by the current chunking
// rules; used by the index run, editor buffers and the chunk worker alike. Problems are reported, never thrown.
import { createHash } from 'node:crypto';
import { chunkFile } from '../chunk/chunk-file.js';
import type { GrammarLoader, LoadedGrammar } from '../chunk/grammar-loader.js';
import { detectLanguage } from '../chunk/languages.js';
import type { Config } from '../config.js';
import { packChunk } from '../store/chunk-text.js';
import { ftsFields } from '../store/fts-fields.js';
import type { FileWrite, PreparedFile } from '../store/store.js';
import type { IndexReport } from './update-index.js';

/** The content hash of files and chunks: SHA-1, hex. */
export function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * Bump when a change to the chunker's code changes the chunks of unchanged files (the tags queries and the budgets
 * count by themselves). 2: /** *\/ docs one blank line above, packed skeleton parts, Markdown heading text.
 * 3: a declared object with member chunks is a container, never merged with its neighbours.
 * 4: each chunk's referenced names (the refs table), which older indexes lack.
 */
export const CHUNKER_VERSION = 4;

/** The rules chunks were cut by: chunker version, tags queries, budgets. */
export function chunkingFingerprint(config: Config, grammars: GrammarLoader): string {
  const budgets = [config.maxChunkLines, config.maxChunkChars, config.minChunkLines, config.windowLines].join(',');
  return createHash('sha1').update(`${CHUNKER_VERSION}\0${budgets}\0${grammars.queriesText()}`).digest('hex').slice(0, 16);
}

/** A file's language, by its name, else by its first line (a shebang). */
export function languageOf(path: string, text: string): string {
  return detectLanguage(path, text.slice(0, text.indexOf('\n') >>> 0));
}

/**
 * The rows of a file that was cut elsewhere by the same rules (the team index), for this path: what `prepareFile` gives
 * for the same text, without parsing it.
 */
export function preparedWrite(
  path: string,
  language: string,
  state: { size: number; mtimeMs: number; hash: string },
  file: PreparedFile,
): FileWrite {
  return {
    path,
    ...state,
    overlay: 0,
    language,
    lines: file.lines,
    parseFailed: false,
    chunks: file.chunks.map(({ refs, ...cut }) => {
      const chunk = { ...cut, path, language };
      return { chunk, fts: ftsFields(chunk), refs };
    }),
    symbols: file.symbols,
  };
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
  const language = languageOf(path, text);
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
  const budget = {
    maxLines: config.maxChunkLines,
    maxChars: config.maxChunkChars,
    minLines: config.minChunkLines,
    windowLines: config.windowLines,
  };
  const chunked = chunkFile(path, language, text, grammar, budget, sha1);
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
    // Packed here, on the worker threads of an index run, not on the main thread that writes.
    chunks: chunked.chunks.map((chunk, i) => ({
      chunk,
      fts: ftsFields(chunk),
      refs: chunked.refs[i] ?? [],
      stored: packChunk(chunk),
    })),
    symbols: chunked.symbols,
  };
}
