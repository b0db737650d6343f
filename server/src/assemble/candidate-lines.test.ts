import { describe, expect, it } from 'vitest';
import { candidateLines, type NumberedLines } from './candidate-lines.js';
import type { ContextCandidate } from './context-types.js';

const source = ['class A {', '  f() {', '    return 1;', '  }', '', '  g() {', '    return 2;', '  }', '}'];

function check(
  content: string[],
  startLine: number,
  endLine: number,
  src: string[] | undefined,
  expected: NumberedLines | undefined,
) {
  const c: ContextCandidate = {
    folder: '',
    path: 'a.ts',
    language: 'typescript',
    symbol: 'A',
    kind: 'class',
    startLine,
    endLine,
    content: content.join('\n'),
    signature: '',
    doc: '',
    score: 1,
    source: src,
  };
  expect(candidateLines(c)).toEqual(expected);
}

describe('candidateLines', () => {
  it.each<[string, string[], number, number, string[] | undefined, NumberedLines | undefined]>([
    [
      'source lines, with the source',
      source.slice(1, 4),
      2,
      4,
      source,
      [
        [2, '  f() {'],
        [3, '    return 1;'],
        [4, '  }'],
      ],
    ],
    [
      'source lines, without it',
      source.slice(1, 3),
      2,
      3,
      undefined,
      [
        [2, '  f() {'],
        [3, '    return 1;'],
      ],
    ],
    [
      'a skeleton: its real lines, markers left out',
      ['class A {', '  f() {', '    …', '', '  g() {', '    …', '}'],
      1,
      9,
      source,
      [
        [1, 'class A {'],
        [2, '  f() {'],
        [5, ''],
        [6, '  g() {'],
        [9, '}'],
      ],
    ],
    ['a skeleton without the source: unknown', ['class A {', '  …', '}'], 1, 9, undefined, undefined],
    [
      'a part headed by its definition’s first line, from above',
      ['class A {', '    return 2;', '  }'],
      7,
      8,
      source,
      [
        [1, 'class A {'],
        [7, '    return 2;'],
        [8, '  }'],
      ],
    ],
  ])('%s', (_name, content, start, end, src, expected) => check(content, start, end, src, expected));
});
