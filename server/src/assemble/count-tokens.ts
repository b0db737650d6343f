// Exact token counts from a real BPE tokenizer (gpt-tokenizer), never estimated from characters.
// The encoding's tables (2.4 MB for o200k) load on first use only, so a CLI command that packs nothing never pays for them.

/** Counts the tokens of a text exactly. The pure packing stage receives one of these as a parameter. */
export type CountTokens = (text: string) => number;

/** Encodings the packer can count with: o200k (GPT-4o, GPT-5, o-series; the default) and cl100k (GPT-4, GPT-3.5). */
export const ENCODINGS = ['o200k', 'cl100k'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export function isEncoding(value: unknown): value is Encoding {
  return typeof value === 'string' && (ENCODINGS as readonly string[]).includes(value);
}

const loaded = new Map<Encoding, Promise<CountTokens>>();

/** The token counter of an encoding, loaded once per process (lazily: its import is dynamic). */
export function loadTokenizer(encoding: Encoding = 'o200k'): Promise<CountTokens> {
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = (
      encoding === 'cl100k' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base')
    ).then((m) => (text: string) => m.countTokens(text));
    loaded.set(encoding, counter);
  }
  return counter;
}

/**
 * Remembers the counts of recent lines: a chunk packed again (merged into a block, in the whole text, at the next
 * question) is not counted again, only looked up line by line. Exact like the counter it wraps, which must count a text
 * as the sum of its line segments (atLineStarts); the encodings' counters do. At most `capacity` segments are kept; the
 * oldest go first.
 */
export function memoizeCount(count: CountTokens, capacity = 50_000): CountTokens {
  const seen = new Map<string, number>();
  const segment = (text: string): number => {
    const known = seen.get(text);
    if (known !== undefined) return known;
    const n = count(text);
    if (seen.size >= capacity) {
      const oldest = seen.keys().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    seen.set(text, n);
    return n;
  };
  return (text) => {
    let total = 0;
    let start = 0;
    for (const end of atLineStarts(text)) {
      total += segment(text.slice(start, end));
      start = end;
    }
    return total + segment(start === 0 ? text : text.slice(start));
  };
}

/**
 * Where the tokenizers always start a new pre-token: after a line break followed by neither a line break, a carriage
 * return nor a slash, nor by blanks and then a line break. In both encodings' splitting regex, a piece that holds a line
 * break ends with the last one of its run of white space (`\s*[\r\n]+`) or runs on over line breaks and slashes only
 * (a punctuation run's `[\r\n/]*`); no other piece holds one, and nothing looks behind. So each piece of the text is a
 * piece of one segment, the same as when that segment is split alone: a text's tokens are the sum of its segments'
 * tokens (tested against the tokenizers).
 */
export function* atLineStarts(text: string): Generator<number> {
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) {
    if (startsPiece(text, i + 1)) yield i + 1;
  }
}

/** After a line break at `at - 1`: true unless `[\r\n/]` or white space holding a line break comes next. */
function startsPiece(text: string, at: number): boolean {
  for (let j = at; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return false;
    if (j === at && c === 47) return false;
    if (!WHITE.test(text[j] as string)) return true;
  }
  return true;
}

const WHITE = /\s/;
