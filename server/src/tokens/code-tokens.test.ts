import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { expandForIndex, expandPath, splitIdentifier, WORD } from './code-tokens.js';

describe('splitIdentifier', () => {
  const check = (input: string, expected: string[]) =>
    it(`${input} → ${expected.join(' ')}`, () => expect(splitIdentifier(input)).toEqual(expected));
  check('getUserName', ['get', 'user', 'name']);
  check('GetUserName', ['get', 'user', 'name']);
  check('snake_case_name', ['snake', 'case', 'name']);
  check('SCREAMING_CASE', ['screaming', 'case']);
  check('HTTPServer', ['http', 'server']);
  check('parseHTTPResponse2xx', ['parse', 'http', 'response', '2', 'xx']);
  check('__init__', ['init']);
  check('x', ['x']);
  check('utf8Decoder', ['utf', '8', 'decoder']);
});

describe('expandForIndex', () => {
  const check = (input: string, expected: string) =>
    it(JSON.stringify(input), () => expect(expandForIndex(input)).toBe(expected));
  check('getUserName(id)', 'getusername get user name id');
  check('MAX_RETRY_COUNT = 3', 'max_retry_count max retry count 3');
  check('plain words stay', 'plain words stay');
  check('déjà vu ünïcode', 'déjà vu ünïcode');
  check('', '');
  it('paths split by segment and identifier', () => {
    expect(expandPath('server/src/HttpClient.ts')).toBe('server src httpclient http client ts');
  });

  // What expandForIndex wrote before it kept recent words' expansions: each word expanded afresh. Its output must stay
  // exactly this, word for word, whatever the text and whatever words came before it.
  const afresh = (text: string): string => {
    const out: string[] = [];
    for (const match of text.matchAll(WORD)) {
      const word = match[0];
      const lower = word.toLowerCase();
      out.push(lower);
      if (word.length > 2 && /_|\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u.test(word)) {
        for (const part of splitIdentifier(word)) if (part !== lower) out.push(part);
      }
    }
    return out.join(' ');
  };
  it('gives each word its expansion afresh, on every chunk fixture and on random text', () => {
    const fixtures = join(packageRoot(), 'fixtures', 'chunk');
    for (const lang of readdirSync(fixtures))
      for (const file of readdirSync(join(fixtures, lang))) {
        const text = readFileSync(join(fixtures, lang, file), 'utf8');
        expect(expandForIndex(text)).toBe(afresh(text));
      }
    // ASCII text takes a path of its own (words cut by char codes), so half the texts are ASCII only.
    const word = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/), fc.stringMatching(/^[A-Za-z0-9_ÄäßÉé]{1,12}$/));
    const ascii = fc.array(
      fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/), fc.constantFrom(' ', '.', '(', '\n', '->', '\t', '~')),
      {
        maxLength: 60,
      },
    );
    const mixed = fc.array(fc.oneof(word, fc.constantFrom(' ', '.', '(', '\n', '->')), { maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(ascii, mixed), (parts) => {
        const text = parts.join('');
        expect(expandForIndex(text)).toBe(afresh(text));
        // Twice: the second time every word's expansion is a remembered one.
        expect(expandForIndex(text)).toBe(afresh(text));
      }),
      { seed: 21, numRuns: 500 },
    );
  });
});
