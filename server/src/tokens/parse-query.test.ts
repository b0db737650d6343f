import { describe, expect, it } from 'vitest';
import { parseQuery } from './parse-query.js';

describe('parseQuery', () => {
  it('keeps identifiers whole and by parts, drops stop words', () => {
    const q = parseQuery('where is getUserName called');
    // 'get' is a stop word on its own; the whole identifier still carries it.
    expect(q.terms).toEqual(['getusername', 'user', 'name', 'called']);
    expect(q.identifiers).toContain('getUserName');
    // In a sentence, plain words are weak evidence of a name; in a one- or two-word query they are names.
    expect(q.identifiers).not.toContain('called');
    expect(q.nameWords).toEqual(['called']);
    expect(parseQuery('parseargs').identifiers).toEqual(['parseargs']);
  });
  it('a short query names a qualified symbol; a sentence only refers to one', () => {
    expect(parseQuery('node.rebalance').qualified).toEqual(['node.rebalance']);
    expect(parseQuery('std::vector push_back').qualified).toEqual(['std::vector']);
    expect(parseQuery('Class#method').qualified).toEqual(['Class#method']);
    // Its parts stay names: `PerspectiveCamera#filmGauge` is a property defined in the class's own chunk.
    expect(parseQuery('node.rebalance').identifiers).toEqual(['node', 'rebalance']);
    expect(parseQuery('Overwrites the default Node#customCacheKey implementation').qualified).toEqual([]);
    // A file name is a path, and prose abbreviations are no names.
    expect(parseQuery('engine.ts').qualified).toEqual([]);
    expect(parseQuery('see e.g').qualified).toEqual([]);
  });
  it('finds command-line flags, not hyphenated words or minus signs', () => {
    expect(parseQuery('what does the -tx-max-size flag do').flags).toEqual(['tx-max-size']);
    expect(parseQuery('turn --dry-run or --no-cache into a key').flags).toEqual(['dry-run', 'no-cache']);
    expect(parseQuery('a well-known e-mail costs -5 or x - y, run -v').flags).toEqual([]);
  });
  it('finds quoted phrases and paths', () => {
    const q = parseQuery('error "connection reset by peer" in src/net/conn.go');
    expect(q.phrases).toContainEqual(['connection', 'reset', 'by', 'peer']);
    expect(q.paths).toContain('src/net/conn.go');
  });
  it('caps the number of terms for a pasted stack trace', () => {
    const trace = Array.from({ length: 200 }, (_, i) => `    at handler${i} (/app/src/module${i}/file${i}.ts:${i}:7)`).join('\n');
    const q = parseQuery(`TypeError: Cannot read properties of undefined\n${trace}`);
    // The paste is issue-shaped: its first line's words are terms beyond the cap of 32.
    expect(q.terms.length).toBeLessThanOrEqual(32 + 4);
    expect(q.terms).toEqual(expect.arrayContaining(['typeerror', 'properties', 'undefined']));
    expect(q.issue?.title).toEqual(['typeerror', 'cannot', 'read', 'properties', 'of', 'undefined']);
  });
});

describe('parseQuery of a pasted issue', () => {
  const issue = `Wrong Content-Type with JSON bodies
When I post JSON with the HTTP adapter, the header is wrong. I looked at prepare_body and it seems fine.

\`\`\`
r = requests.post(url, json=payload)
print(r.request.headers)
\`\`\`
It prints the form header instead of the JSON one, every time, with the adapter from the README and any session.`;

  it('reads ALL-CAPS words as English, and knows which identifiers only its sentences name', () => {
    const q = parseQuery(issue);
    expect(q.identifiers).not.toContain('JSON');
    expect(q.identifiers).not.toContain('HTTP');
    expect(q.identifiers).toContain('prepare_body');
    expect(q.issue?.proseOnly).toContain('prepare_body');
    expect(q.issue?.proseOnly).not.toContain('payload');
    // A question of one line keeps them as identifiers, and has no issue hints.
    const question = parseQuery('where does the HTTP adapter set the JSON content type header');
    expect(question.identifiers).toEqual(expect.arrayContaining(['HTTP', 'JSON']));
    expect(question.issue).toBeUndefined();
  });
});
