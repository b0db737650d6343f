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
 * Remembers the counts of recent texts: a chunk packed again (another budget, the next question) is not counted again.
 * Exact like the counter it wraps. At most `capacity` texts are kept; the oldest go first.
 */
export function memoizeCount(count: CountTokens, capacity = 20_000): CountTokens {
  const seen = new Map<string, number>();
  return (text) => {
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
}
