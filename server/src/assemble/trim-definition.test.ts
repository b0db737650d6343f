import { describe, expect, it } from 'vitest';
import type { NumberedLines } from './candidate-lines.js';
import { trimDefinition } from './trim-definition.js';

const numbered = (lines: string[]): NumberedLines => lines.map((t, i): [number, string] => [i + 1, t]);
const fn = numbered([
  '/**',
  ' * Logs in.',
  ' */',
  'export function login(',
  '  user: string,',
  '  password: string,',
  '): Session {',
  '  const hash = digest(password);',
  '  if (!user) throw new Error("no user");',
  '  return open(user, hash);',
  '}',
]);
const doc = '/**\n * Logs in.\n */';
const signature = 'export function login( user: string, password: string, ): Session {';

describe('trimDefinition', () => {
  it.each<[string, string[], number, number[]]>([
    ['doc, signature over several lines, and the closing line', [], Infinity, [1, 2, 3, 4, 5, 6, 7, 11]],
    ['and the lines matching a term, case-insensitively', ['HASH'], Infinity, [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]],
    ['at most maxMatched matching lines', ['hash'], 1, [1, 2, 3, 4, 5, 6, 7, 8, 11]],
    ['one-letter terms match nothing', ['u'], Infinity, [1, 2, 3, 4, 5, 6, 7, 11]],
  ])('keeps %s', (_name, terms, maxMatched, kept) => {
    expect(trimDefinition(fn, doc, signature, terms, maxMatched).map(([n]) => n)).toEqual(kept);
  });
  it('returns the lines unchanged when every line would be kept', () => {
    const short = numbered(['def f():', '    pass']);
    expect(trimDefinition(short, '', 'def f():', ['pass'])).toBe(short);
  });
  it('keeps the first line (and a short closing one) when there is no signature', () => {
    expect(trimDefinition(numbered(['x = [', '  1,', '  2,', ']']), '', '', []).map(([n]) => n)).toEqual([1, 4]);
  });
});
