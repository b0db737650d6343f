import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import cl100kApi from 'gpt-tokenizer/encoding/cl100k_base';
import o200kApi from 'gpt-tokenizer/encoding/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { describe, expect, it } from 'vitest';
import { counterOf, loadTokenizer } from './count-tokens.js';
import { cl100kPieceEnd, o200kPieceEnd, type PieceEncoder, type PieceEnd, pieceCounter } from './split-pieces.js';

const ENCODINGS = [
  { name: 'o200k', regex: O200K_TOKEN_SPLIT_REGEX, pieceEnd: o200kPieceEnd, api: o200kApi },
  { name: 'cl100k', regex: CL100K_TOKEN_SPLIT_REGEX, pieceEnd: cl100kPieceEnd, api: cl100kApi },
] as const;
const ORDINARY = { disallowedSpecial: new Set<string>() };

function split(text: string, pieceEnd: PieceEnd): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; ) {
    const end = pieceEnd(text, at);
    pieces.push(text.slice(at, end));
    at = end;
  }
  return pieces;
}

const regexSplit = (text: string, regex: RegExp): string[] => [...text.matchAll(regex)].map((m) => m[0]);

/** This repository's TypeScript sources, as the real text the pieces are checked on. */
function sources(): string[] {
  const dir = join(__dirname, '..');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts')) files.push(join(d, e.name));
    }
  };
  walk(dir);
  return files.map((f) => readFileSync(f, 'utf8'));
}

// Every ASCII class the regexes tell apart, and the sequences their alternatives turn on (contractions, runs of blanks
// before a line break, a space before punctuation, slashes after it).
const asciiPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'aZ9 \t\n\r\v\f\'sStTdDmMlLvVeErR/.,-_{}x"\\#\0') },
  { weight: 2, arbitrary: fc.constantFrom("'ll", "'VE", "'re", "n't", '    ', ' \n', '\n\n', ' //', '*/\n', 'ABc', 'aBC') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const asciiText = fc.array(asciiPiece, { maxLength: 24 }).map((parts) => parts.join('').replace(/[\u0080-\uffff]/g, '?'));

describe('split-pieces', () => {
  for (const { name, regex, pieceEnd, api } of ENCODINGS) {
    it(`cuts ASCII text where ${name}'s regex does (property)`, () => {
      fc.assert(
        fc.property(asciiText, (text) => {
          expect(split(text, pieceEnd)).toEqual(regexSplit(text, regex));
        }),
        { numRuns: 20_000 },
      );
    });

    it(`cuts this repository's sources where ${name}'s regex does`, () => {
      for (const source of sources()) {
        const text = source.replace(/[\u0080-\uffff]/g, '?');
        expect(split(text, pieceEnd)).toEqual(regexSplit(text, regex));
      }
    });

    it(`counts as ${name}'s own count does, any text (property)`, async () => {
      const count = await loadTokenizer(name);
      const text = fc.oneof(asciiText, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }));
      fc.assert(
        fc.property(text, (t) => {
          expect(count(t)).toBe(api.countTokens(t, ORDINARY));
        }),
        { numRuns: 5_000 },
      );
      for (const source of sources().slice(0, 40)) expect(count(source)).toBe(api.countTokens(source, ORDINARY));
    });
  }

  it("counts a special token's text as ordinary text instead of refusing it", async () => {
    const text = 'EOT = "<|endoftext|>"  # also <|fim_prefix|>';
    expect(() => o200kApi.countTokens(text)).toThrow(/special token/);
    for (const { name, api } of ENCODINGS) {
      const count = await loadTokenizer(name);
      expect(count(text)).toBe(api.countTokens(text, ORDINARY));
      expect(count(text)).toBeGreaterThan(count('EOT = ""  # also'));
    }
  });

  it('merges each distinct ASCII piece once, and counts other text with the encoder', () => {
    let lookups = 0;
    // Tokens: every character, ' {', ' }' and 'co'; no other.
    const encoder: PieceEncoder = {
      getBpeRankFromString: (text) => {
        lookups++;
        return text.length === 1 ? 1000 + text.charCodeAt(0) : ({ ' {': 1, ' }': 2, co: 3 } as const)[text];
      },
      countNative: (text) => 1000 + text.length,
      tokenSplitRegex: O200K_TOKEN_SPLIT_REGEX,
    };
    const count = pieceCounter(encoder, o200kPieceEnd);
    // The table of two-character tokens is built with the counter.
    expect(lookups).toBe(128 * 128);
    lookups = 0;
    const text = 'function compute() { compute(); }';
    expect(count(text)).toBe(8 + 7 + 2 + 1 + 7 + 3 + 1);
    // Its 6 distinct pieces of more than one character looked up; ' compute' merges 'co', then looks up ' co' and 'com'.
    expect(lookups).toBe(6 + 2);
    lookups = 0;
    expect(count(text)).toBe(29);
    expect(lookups).toBe(0);
    expect(count('compute compute')).toBe(13);
    // Only its new piece is looked up and merged: `compute`, then 'com'.
    expect(lookups).toBe(1 + 1);
    expect(count('café')).toBe(1004);
    expect(count(' café café')).toBe(2010);
  });

  it("falls back to the API's count where the encoder is not reachable", () => {
    const count = counterOf({ countTokens: (text, options) => text.length + options.disallowedSpecial.size }, o200kPieceEnd);
    expect(count('<|endoftext|>')).toBe(13);
  });
});
