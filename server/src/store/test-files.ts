// Test support: a file as Store.writeBatch takes it, one one-line chunk per text (its content, hash and FTS body).
import type { Chunk } from '../model.js';
import type { FileWrite } from './store.js';

export function fileWrite(path: string, language: string, texts: string[]): FileWrite {
  const chunks = texts.map((text, i) => ({
    chunk: {
      path,
      language,
      symbol: `f${i}`,
      kind: 'function',
      startLine: i + 1,
      endLine: i + 1,
      startByte: 0,
      endByte: 1,
      parent: '',
      signature: '',
      doc: '',
      content: text,
      hash: text,
    } as Chunk,
    fts: { symbol: `f${i}`, sigdoc: '', body: text, path },
    refs: [] as string[],
  }));
  return { path, size: 1, mtimeMs: 1, hash: path, language, lines: 1, parseFailed: false, overlay: 0, chunks, symbols: [] };
}

/**
 * A Go file for code-graph tests: chunk i holds `texts[i]`, is named `names[i]` (`f<i>` by default) with a function
 * definition of that name, and references `refs[i]`.
 */
export function graphFileWrite(path: string, texts: string[], refs: string[][], names = texts.map((_, i) => `f${i}`)): FileWrite {
  const w = fileWrite(path, 'go', texts);
  w.chunks.forEach((c, i) => {
    c.chunk.symbol = names[i] as string;
    c.refs = refs[i] ?? [];
  });
  w.symbols = w.chunks.map((c) => ({
    name: c.chunk.symbol,
    qualified: c.chunk.symbol,
    kind: 'function',
    startLine: c.chunk.startLine,
    endLine: c.chunk.endLine,
    parent: '',
  }));
  return w;
}
