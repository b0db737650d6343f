// Exact token counts from a real BPE tokenizer (gpt-tokenizer), never estimated from characters.
// The encoding's tables (2.4 MB for o200k) load on first use only, so a CLI command that packs nothing never pays for them.

import { cl100kPieceEnd, isAscii, o200kPieceEnd, type PieceEncoder, type PieceEnd, pieceCounter } from './split-pieces.js';

/** Counts the tokens of a text exactly. The pure packing stage receives one of these as a parameter. */
export type CountTokens = (text: string) => number;

/** Encodings the packer can count with: o200k (GPT-4o, GPT-5, o-series; the default) and cl100k (GPT-4, GPT-3.5). */
export const ENCODINGS = ['o200k', 'cl100k'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export function isEncoding(value: unknown): value is Encoding {
  return typeof value === 'string' && (ENCODINGS as readonly string[]).includes(value);
}

const loaded = new Map<Encoding, Promise<CountTokens>>();

/**
 * The token counter of an encoding, loaded once per process (lazily: its import is dynamic). Text that spells a special
 * token (`<|endoftext|>` in a tokenizer's source) is counted as the ordinary text it is in a prompt, never refused.
 */
export function loadTokenizer(encoding: Encoding = 'o200k'): Promise<CountTokens> {
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = newTokenizer(encoding);
    loaded.set(encoding, counter);
  }
  return counter;
}

/** A counter of its own, with nothing counted yet (what a new process has; bench:pack times it). */
export async function newTokenizer(encoding: Encoding = 'o200k'): Promise<CountTokens> {
  const m = await (encoding === 'cl100k'
    ? import('gpt-tokenizer/encoding/cl100k_base')
    : import('gpt-tokenizer/encoding/o200k_base'));
  return counterOf(m.default, encoding === 'cl100k' ? cl100kPieceEnd : o200kPieceEnd);
}

/** Special tokens' text allowed as ordinary text. */
const ORDINARY = { disallowedSpecial: new Set<string>() };

/**
 * A text with characters other than ASCII counted segment by segment (atLineStarts, exact), so that only its segments
 * with such characters are cut by the encoder's regex, the rest by the scan of character codes.
 */
function bySegments(pieces: CountTokens): CountTokens {
  return (text) => {
    if (isAscii(text)) return pieces(text);
    let total = 0;
    let start = 0;
    for (const end of atLineStarts(text)) {
      total += pieces(text.slice(start, end));
      start = end;
    }
    return total + pieces(start === 0 ? text : text.slice(start));
  };
}

/**
 * A counter by pieces (split-pieces.ts) over gpt-tokenizer's byte-pair encoder, which its API does not expose; should a
 * later version hide it, the API's own count, slower and the same.
 */
export function counterOf(api: { countTokens(text: string, options: typeof ORDINARY): number }, pieceEnd: PieceEnd): CountTokens {
  const encoder = (api as unknown as { bytePairEncodingCoreProcessor?: Partial<PieceEncoder> }).bytePairEncodingCoreProcessor;
  if (
    typeof encoder?.getBpeRankFromString === 'function' &&
    typeof encoder.countNative === 'function' &&
    encoder.tokenSplitRegex instanceof RegExp &&
    encoder.tokenSplitRegex.global
  )
    return bySegments(pieceCounter(encoder as PieceEncoder, pieceEnd));
  return (text) => api.countTokens(text, ORDINARY);
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
 * tokens (tested against the tokenizers). Also after an escaped line break (`\` then `n`, as JSON writes one) followed
 * by an ASCII character that is not a letter nor an apostrophe: a piece with letters ends at the last one, unless a
 * letter, a mark or a contraction's `'` follows; so the lines of a JSON string are segments too.
 */
export function* atLineStarts(text: string): Generator<number> {
  let br = text.indexOf('\n');
  let escaped = text.indexOf('\\n');
  while (br !== -1 || escaped !== -1) {
    if (escaped === -1 || (br !== -1 && br < escaped)) {
      if (br < text.length - 1 && startsPiece(text, br + 1)) yield br + 1;
      br = text.indexOf('\n', br + 1);
    } else {
      if (escaped + 2 < text.length && endsWord(text.charCodeAt(escaped + 2))) yield escaped + 2;
      escaped = text.indexOf('\\n', escaped + 1);
    }
  }
}

/** True for an ASCII character after which a run of letters has ended in both encodings: not a letter nor `'`. */
function endsWord(c: number): boolean {
  return c < 128 && ASCII[c] !== LETTER && ASCII[c] !== APOSTROPHE;
}

/** After a line break at `at - 1`: true unless `[\r\n/]` or white space holding a line break comes next. */
function startsPiece(text: string, at: number): boolean {
  for (let j = at; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return false;
    if (j === at && c === 47) return false;
    if (!SPACE_RE.test(text[j] as string)) return true;
  }
  return true;
}

/**
 * A lower bound of a text's tokens in both encodings, from its characters alone (nothing counted): pieces their
 * splitting regex must cut, each at least one token, no two the same. A run of letters, marks and apostrophes that holds
 * a letter is at least one piece (a letter is in no other kind); a run of digits one a three. A run of other characters
 * (no mark nor apostrophe in it, not just after a line break, where o200k's `[\r\n/]*` may take it into the piece before)
 * is one when two long or not followed by a letter, which it could lead. A run of white space is one when two long
 * without a line break, or with one after a letter, a digit or nothing (after punctuation the line break may end its
 * piece). Tested against both tokenizers. Code has about 1.2 tokens to each; a length over characters a token has no
 * such guarantee (a run of blanks can be one token).
 */
export function lowTokens(text: string): number {
  return lowTokensWithin(text, false, false);
}

/**
 * lowTokens of a part of a longer text: with `openStart` (`openEnd`), the runs at its start (end), which may run on
 * into the text around it, are not counted. The others are runs of the longer text too, with the same neighbours: the
 * sum of this over parts of a text is a lower bound of the text's tokens.
 */
export function lowTokensWithin(text: string, openStart: boolean, openEnd: boolean): number {
  let n = 0;
  // The open run of each kind: its length (0: none), whether it opened the text, and what it holds so far.
  let word = 0;
  let wordFirst = false;
  let wordLetter = false;
  let digits = 0;
  let digitsFirst = false;
  let other = 0;
  let otherFirst = false;
  let otherPure = false;
  let otherAfterBreak = false;
  let blank = 0;
  let blankFirst = false;
  let blankBreak = false;
  let blankAfter = LETTER;
  let previous = LETTER;
  for (let i = 0; i <= text.length; i++) {
    const first = openStart && i === 0;
    let c = END;
    if (i < text.length) {
      const code = text.charCodeAt(i);
      if (code < 128) c = ASCII[code] as number;
      else {
        const point = text.codePointAt(i) as number;
        if (point > 0xffff) i++;
        c = classOf(String.fromCodePoint(point));
      }
    }
    // A run that the end of an open part closes is not counted.
    const cut = openEnd && c === END;
    if ((WORD >> c) & 1) {
      if (!word) wordFirst = first;
      word++;
      wordLetter ||= c === LETTER;
    } else if (word) {
      if (wordLetter && !wordFirst && !cut) n++;
      word = 0;
      wordLetter = false;
    }
    if (c === DIGIT) {
      if (!digits) digitsFirst = first;
      digits++;
    } else if (digits) {
      if (!digitsFirst && !cut) n += Math.ceil(digits / 3);
      digits = 0;
    }
    if ((PUNCT >> c) & 1) {
      if (!other) {
        otherFirst = first;
        otherPure = true;
        otherAfterBreak = previous === BREAK;
      }
      other++;
      otherPure &&= c === OTHER;
    } else if (other) {
      if (otherPure && !otherFirst && !cut && !otherAfterBreak && (other >= 2 || c !== LETTER)) n++;
      other = 0;
    }
    if (c === BLANK || c === BREAK) {
      if (!blank) {
        blankFirst = first;
        blankAfter = previous;
      }
      blank++;
      blankBreak ||= c === BREAK;
    } else if (blank) {
      if (!blankFirst && !cut && (blankBreak ? blankAfter === LETTER || blankAfter === DIGIT : blank >= 2)) n++;
      blank = 0;
      blankBreak = false;
    }
    previous = c;
  }
  return n;
}

const LETTER = 0;
const MARK = 1;
const APOSTROPHE = 2;
const DIGIT = 3;
const OTHER = 4;
const BLANK = 5;
/** `\r` or `\n`. */
const BREAK = 6;
/** Past the end of the text. */
const END = 7;
const WORD = (1 << LETTER) | (1 << MARK) | (1 << APOSTROPHE);
const PUNCT = (1 << OTHER) | (1 << MARK) | (1 << APOSTROPHE);

/** A character's class as the splitting regexes see it (`\s`, `\p{L}`, `\p{N}`, `\p{M}`). */
function classOf(ch: string): number {
  return SPACE_RE.test(ch) ? BLANK : LETTER_RE.test(ch) ? LETTER : DIGIT_RE.test(ch) ? DIGIT : MARK_RE.test(ch) ? MARK : OTHER;
}

const SPACE_RE = /\s/u;
const LETTER_RE = /\p{L}/u;
const DIGIT_RE = /\p{N}/u;
const MARK_RE = /\p{M}/u;
const ASCII = Uint8Array.from({ length: 128 }, (_, c) => {
  if (c === 10 || c === 13) return BREAK;
  if (c === 32 || (c >= 9 && c <= 12)) return BLANK;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return LETTER;
  if (c >= 48 && c <= 57) return DIGIT;
  return c === 39 ? APOSTROPHE : OTHER;
});
