// Pure. The text an embedding model sees, for chunks and for queries: the one normalization that training mirrors
// (training/normalize.py must give the same words for fixtures/embed/normalize-cases.json).
import { splitIdentifier } from '../tokens/code-tokens.js';

const WORD = /[\p{L}\p{N}_]+/gu;
const HAS_PARTS = /_|\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u;

/** At most this many words of a chunk are embedded (static models average over words: more only blurs). */
export const MAX_CHUNK_WORDS = 256;
export const MAX_QUERY_WORDS = 64;

/**
 * Lowercased words; a compound identifier becomes its parts (`getUserName` → `get user name`, `MAX_SIZE` →
 * `max size`); punctuation and operators are dropped.
 */
export function normalizeWords(text: string, maxWords = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    if (word.length > 2 && HAS_PARTS.test(word)) {
      for (const part of splitIdentifier(word)) {
        out.push(part);
        if (out.length >= maxWords) return out;
      }
    } else {
      const lower = word.replace(/^_+|_+$/g, '').toLowerCase();
      if (lower) out.push(lower);
      if (out.length >= maxWords) return out;
    }
  }
  return out;
}

/** What a chunk is embedded as: its path, qualified name, signature and doc comment first, then its text. */
export function chunkEmbeddingText(chunk: {
  path: string;
  symbol: string;
  signature: string;
  doc: string;
  content: string;
}): string {
  const head = [chunk.path.replace(/[/\\.-]+/g, ' '), chunk.symbol, chunk.signature, chunk.doc].filter(Boolean).join('\n');
  return normalizeWords(`${head}\n${chunk.content}`, MAX_CHUNK_WORDS).join(' ');
}

export function queryEmbeddingText(query: string): string {
  return normalizeWords(query, MAX_QUERY_WORDS).join(' ');
}
