import { describe, expect, it } from 'vitest';
import { expandForIndex, expandPath, splitIdentifier } from './code-tokens.js';

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
});
