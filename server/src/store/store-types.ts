// The rows the store writes and reads, as the rest of the server sees them.
import type { Chunk, SkipReason, SymbolDef } from '../model.js';
import type { TextColumns } from './chunk-text.js';
import type { FtsFields } from './fts-fields.js';

export interface FileWrite {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  language: string;
  lines: number;
  parseFailed: boolean;
  /** pid of the server whose editor buffer this is, 0 for the file on disk. */
  overlay: number;
  /**
   * Each chunk with its FTS texts, the names it references (the code graph's edges) and, when already made (on a
   * worker thread), its texts as the chunks table keeps them (store/chunk-text.ts: packChunk); the store packs them otherwise.
   */
  chunks: { chunk: Chunk; fts: FtsFields; refs: string[]; stored?: TextColumns }[];
  symbols: SymbolDef[];
}

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  dir: boolean;
  /** Size and mtime when the content was judged (content reasons only). */
  size?: number;
  mtimeMs?: number;
}

export interface FileState {
  size: number;
  mtimeMs: number;
  hash: string;
  overlay: number;
}

export interface StoredSymbol extends SymbolDef {
  path: string;
}

export interface StoredChunk extends Chunk {
  id: number;
}

export interface StoreStatus {
  files: number;
  chunks: number;
  symbols: number;
  lines: number;
  parseFailures: number;
  languages: Record<string, number>;
  skipped: Record<string, number>;
  skippedDirs: number;
  indexBytes: number;
  lastUpdate: string | undefined;
  /** Per embedding model: chunks with a vector (of `chunks`), from the pending lists: no model is loaded. */
  embeddings: { model: string; dimensions: number; embedded: number }[];
  /** The last embedding pass that did any work (embed-pass.ts), or undefined. */
  lastEmbeddingPass: LastEmbeddingPass | undefined;
}

/** What the last embedding pass that did any work did (kept in meta by index/embed-pass.ts). */
export interface LastEmbeddingPass {
  model: string;
  at: string;
  computed: number;
  fromCache: number;
  seconds: number;
  chunksPerSecond: number;
}

/**
 * One file's rows as chunking cut them, without its path or the chunks' texts (kept by content hash): what the team
 * index keeps per file content, and what a pull turns back into a FileWrite.
 */
export interface CutFile {
  lines: number;
  chunks: CutChunk[];
  symbols: SymbolDef[];
}

/** A chunk of a CutFile: its place, names and referenced names; its text is the one whose hash it names. */
export type CutChunk = Omit<Chunk, 'path' | 'language' | 'content'> & { refs: string[] };

/** A CutFile with its chunks' texts: a file cut elsewhere by the same rules (the team index), ready to be written. */
export interface PreparedFile extends CutFile {
  chunks: (CutChunk & { content: string })[];
}
