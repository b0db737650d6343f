import { describe, expect, it } from 'vitest';
import type { Chunk } from '../model.js';
import { longestRun, phraseWords, stringLiterals } from '../tokens/code-tokens.js';
import { parseQuery } from '../tokens/parse-query.js';
import { params } from './params.js';
import {
  type Candidate,
  capPerFile,
  denseWeight,
  diversify,
  diversityFor,
  type Explanation,
  type RankMode,
  rankCandidates,
  scoresInListOrder,
} from './rank-candidates.js';

const chunk = (path: string, symbol: string, content = '', kind: Chunk['kind'] = 'function'): Chunk => ({
  path,
  language: 'typescript',
  symbol,
  kind,
  startLine: 1,
  endLine: 3,
  startByte: 0,
  endByte: content.length,
  parent: '',
  signature: '',
  doc: '',
  content,
  hash: symbol,
});

const top = (query: string, candidates: Candidate[], mode: RankMode = 'lexical') =>
  rankCandidates(candidates, parseQuery(query), params, mode).map((r) => r.chunk.symbol);

describe('denseWeight', () => {
  const check = (query: string, expected: number) =>
    it(`${JSON.stringify(query)} → ${expected}`, () => expect(denseWeight(parseQuery(query), params)).toBe(expected));
  check('how do we decide a cached entry is stale', params.denseWeightProse);
  check('getUserName', params.denseWeightCode);
  check('where is MAX_RETRIES read', params.denseWeightCode);
  check('src/store/store.ts', params.denseWeightCode);
  check('node.rebalance', params.denseWeightCode);
  check('what does --dry-run change', params.denseWeightCode);
  check('"connection reset by peer"', params.denseWeightCode);
  check(`TypeError: x is undefined ${'at frame '.repeat(20)}`, params.denseWeightCode);
  // A pasted issue with inline code reads as plain language.
  check(
    `Calling \`Session.request()\` with a list drops the hooks\n${'the session should keep every hook it was given. '.repeat(6)}\nSteps: call \`register_hook("response", f)\` twice`,
    params.denseWeightProse,
  );
});

describe('rankCandidates', () => {
  it('lexical: BM25 orders, boosts multiply (exact symbol beats a higher BM25)', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('a.ts', 'loadConfigFile') },
      { id: 2, bm25: 6, lexicalRank: 2, chunk: chunk('b.ts', 'parseArgs') },
    ];
    expect(top('parseArgs', cands)).toEqual(['parseArgs', 'loadConfigFile']);
  });

  it('a long question keeps a share of the exact-symbol and exact-identifier boosts in lexical and hybrid, all of them in dense', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, similarity: 0.5, denseRank: 1, chunk: chunk('a.ts', 'applyRetries', 'parseArgs(x)') },
      { id: 2, bm25: 6, lexicalRank: 2, similarity: 0.5, denseRank: 2, chunk: chunk('b.ts', 'parseArgs') },
    ];
    const boosts = (query: string, mode: RankMode) =>
      Object.fromEntries(rankCandidates(cands, parseQuery(query), params, mode).map((r) => [r.chunk.symbol, r.explain.boosts]));
    const long = 'why does the retry loop give up early when parseArgs gets a count of attempts from the command line';
    expect(long.split(' ').length).toBeGreaterThanOrEqual(params.sentenceMinWords);
    const part = (f: number) => 1 + params.sentenceBoostShare * (f - 1);
    for (const mode of ['lexical', 'hybrid'] as const) {
      const b = boosts(long, mode);
      expect(b.parseArgs?.exactSymbol).toBeCloseTo(part(params.exactSymbol * params.exactSymbolCaseBonus));
      expect(b.applyRetries?.exactIdentifier).toBeCloseTo(part(params.exactIdentifier));
    }
    const dense = boosts(long, 'dense');
    expect(dense.parseArgs?.exactSymbol).toBeCloseTo(params.exactSymbol * params.exactSymbolCaseBonus);
    expect(dense.applyRetries?.exactIdentifier).toBe(params.exactIdentifier);
    // A short question keeps them whole.
    const short = boosts('where is parseArgs called', 'lexical');
    expect(short.parseArgs?.exactSymbol).toBeCloseTo(params.exactSymbol * params.exactSymbolCaseBonus);
    expect(short.applyRetries?.exactIdentifier).toBe(params.exactIdentifier);
  });

  it('a qualified query name boosts the member of its own owner; the same name elsewhere is a name match', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('bucket.go', 'Bucket.rebalance') },
      { id: 2, bm25: 9, lexicalRank: 2, chunk: chunk('node.go', 'node.rebalance') },
      { id: 3, bm25: 8, lexicalRank: 3, chunk: chunk('util/node.go', 'rebalance') },
    ];
    const ranked = rankCandidates(cands, parseQuery('node.rebalance'), params, 'lexical');
    const boosts = (symbol: string) => ranked.find((r) => r.chunk.symbol === symbol)?.explain.boosts;
    expect(boosts('node.rebalance')?.exactSymbol).toBeGreaterThan(1);
    // A function without an owner keeps the boost when its file is named like the owner (Go: node.go).
    expect(boosts('rebalance')?.exactSymbol).toBeGreaterThan(1);
    expect(boosts('Bucket.rebalance')?.exactSymbol).toBeUndefined();
    expect(boosts('Bucket.rebalance')?.nameWord).toBe(params.nameWord);
    expect(ranked[2]?.chunk.symbol).toBe('Bucket.rebalance');
    // Unqualified, every `rebalance` is the symbol asked for.
    expect(top('rebalance', cands)).toEqual(['Bucket.rebalance', 'node.rebalance', 'rebalance']);
  });

  it('dense: cosine orders', () => {
    const cands: Candidate[] = [
      { id: 1, similarity: 0.2, denseRank: 2, chunk: chunk('a.ts', 'alpha') },
      { id: 2, similarity: 0.9, denseRank: 1, chunk: chunk('b.ts', 'beta') },
    ];
    expect(top('something vague', cands, 'dense')).toEqual(['beta', 'alpha']);
  });

  // Hybrid: a chunk found only by embeddings against one found only lexically, for the two kinds of query.
  const mixed = (): Candidate[] => [
    { id: 1, bm25: 8, lexicalRank: 1, chunk: chunk('lex.ts', 'lexOnly') },
    { id: 2, bm25: 2, lexicalRank: 2, chunk: chunk('weak.ts', 'weakLex') },
    { id: 3, similarity: 0.8, denseRank: 1, chunk: chunk('dense.ts', 'denseOnly') },
    { id: 4, similarity: 0.3, denseRank: 2, chunk: chunk('far.ts', 'farDense') },
  ];
  it('hybrid: both sides are normalized and fused; each side keeps its own order', () => {
    const r = rankCandidates(mixed(), parseQuery('how are things stored'), params, 'hybrid');
    const by = new Map(r.map((x) => [x.chunk.symbol, x]));
    expect(by.get('lexOnly')?.explain.fusion).toMatchObject({ lexical: 1, dense: 0 });
    expect(by.get('denseOnly')?.explain.fusion).toMatchObject({ lexical: 0, dense: 1 });
    expect(r.findIndex((x) => x.chunk.symbol === 'lexOnly')).toBeLessThan(r.findIndex((x) => x.chunk.symbol === 'weakLex'));
    expect(r.findIndex((x) => x.chunk.symbol === 'denseOnly')).toBeLessThan(r.findIndex((x) => x.chunk.symbol === 'farDense'));
  });
  it('hybrid: a chunk both sides agree on beats one side alone', () => {
    const cands = [
      ...mixed(),
      { id: 5, bm25: 6, lexicalRank: 3, similarity: 0.7, denseRank: 3, chunk: chunk('both.ts', 'both') },
    ];
    expect(top('how are things stored', cands, 'hybrid')[0]).toBe('both');
  });
  it('hybrid: each lexical candidate carries its position in lexical search alone (boosts and per-file cap included)', () => {
    const query = 'parse the config file';
    const cands: Candidate[] = [
      // Four of one file: lexical search lets three lead and puts the fourth after every other file's results.
      ...[0, 1, 2, 3].map((i) => ({
        id: 10 + i,
        bm25: 10 - i / 2,
        lexicalRank: 1 + i,
        similarity: 0.1 * i,
        denseRank: 5 - i,
        chunk: chunk('src/big.ts', `part${i}`),
      })),
      // A lower BM25 that boosts (its name and its file's stem are words of the query) lift over the others.
      { id: 20, bm25: 8, lexicalRank: 5, chunk: chunk('src/config.ts', 'parse') },
      { id: 21, bm25: 4, lexicalRank: 6, similarity: 0.9, denseRank: 1, chunk: chunk('docs/config.md', 'Config', '', 'section') },
      { id: 30, similarity: 0.95, denseRank: 2, chunk: chunk('src/dense.ts', 'denseOnly') },
    ];
    const q = parseQuery(query);
    const found = cands.filter((c) => c.bm25 !== undefined);
    const lexical = capPerFile(rankCandidates(found, q, params, 'lexical'), params.resultsPerFile);
    const hybrid = rankCandidates(cands, q, params, 'hybrid');
    const positions = new Map(hybrid.map((r) => [r.id, r.explain.lexicalPosition]));
    expect(lexical.map((r) => positions.get(r.id))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lexical.map((r) => r.chunk.symbol)).toEqual(['parse', 'part0', 'part1', 'part2', 'Config', 'part3']);
    expect(positions.get(30)).toBeUndefined();
    // Lexical and dense search have no use for it.
    expect(rankCandidates(cands, q, params, 'lexical').some((r) => r.explain.lexicalPosition)).toBe(false);
  });
  it('hybrid without lexical hits is dense', () => {
    const cands = mixed().filter((c) => c.similarity !== undefined);
    const r = rankCandidates(cands, parseQuery('zzz'), params, 'hybrid');
    expect(r[0]?.explain.fusion?.denseWeight).toBe(1);
  });

  const boosts: [string, string, Chunk, string][] = [
    ['exactSymbol', 'parseArgs', chunk('a.ts', 'Cli.parseArgs'), 'exactSymbol'],
    ['exactPath', 'src/store/store.ts open', chunk('src/store/store.ts', 'Store.open'), 'exactPath'],
    ['fileStem', 'store open', chunk('src/store/store.ts', 'x'), 'fileStem'],
    ['testPenalty', 'open the store', chunk('src/store/store.test.ts', 'x'), 'testPenalty'],
    ['no testPenalty when asked for tests', 'store tests', chunk('src/store/store.test.ts', 'x', '', 'block'), ''],
    ['testPenalty: a declaration file', 'parse the options', chunk('typings/index.d.ts', 'Command.parseOptions'), 'testPenalty'],
    ['no testPenalty when asked for typings', 'parse options typings', chunk('typings/index.d.ts', 'Command.parseOptions'), ''],
    [
      'exactIdentifier',
      'JOBQ_LEASE_SECONDS',
      chunk('c.ts', 'loadConfig', 'const s = env.JOBQ_LEASE_SECONDS;'),
      'exactIdentifier',
    ],
    ['nameWord in a sentence', 'clone the camera settings', chunk('c.ts', 'Camera.clone'), 'nameWord'],
    ['symbolWords', 'get user name', chunk('u.ts', 'getUserName'), 'symbolWords'],
    [
      'exactPhrase: a pasted error message, placeholders filled in',
      "JOBQ_PORT must be an integer between 1 and 65535, got 'abc'",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      chunk('c.ts', 'port', 'throw new Error(`JOBQ_PORT must be an integer between 1 and 65535, got ${raw}`);'),
      'exactPhrase',
    ],
  ];
  for (const [what, query, c, boost] of boosts) {
    it(`boost: ${what}`, () => {
      const [r] = rankCandidates([{ id: 1, bm25: 1, lexicalRank: 1, chunk: c }], parseQuery(query), params);
      if (boost) expect(Object.keys(r?.explain.boosts ?? {})).toContain(boost);
      else expect(Object.keys(r?.explain.boosts ?? {})).not.toContain('testPenalty');
    });
  }

  it('hybrid: a message found verbatim in a string literal makes the query lean lexical', () => {
    const query = 'jobctl: server returned 500: internal error';
    const cands: Candidate[] = [
      {
        id: 1,
        bm25: 4,
        lexicalRank: 1,
        similarity: 0.3,
        denseRank: 2,
        chunk: chunk('c.go', 'do', 'fmt.Errorf("server returned %d: %s", code, msg)'),
      },
      { id: 2, similarity: 0.6, denseRank: 1, chunk: chunk('m.go', 'fatal', 'os.Exit(3)') },
    ];
    const found = rankCandidates(cands, parseQuery(query), params, 'hybrid');
    expect(found[0]?.explain.fusion?.denseWeight).toBe(params.denseWeightCode);
    // The same words in a comment are no message found: the question stays plain language.
    const comment = chunk('c.go', 'do', '// server returned an internal error');
    const prose = rankCandidates(
      [{ ...cands[1], id: 3, bm25: 4, lexicalRank: 1, chunk: comment }],
      parseQuery(query),
      params,
      'hybrid',
    );
    expect(prose[0]?.explain.fusion?.denseWeight).toBe(params.denseWeightProse);
  });

  // Words of the query in the chunk, but not as one verbatim run covering half of the query: no phrase.
  const noPhrase: [string, string][] = [
    ['scattered words', 'integer must be a port between 1 and 65535'],
    ['a short run in a long sentence', 'the worker must be an integer of seconds when we start jobs from the queue again'],
    ['too few words', 'must be'],
    ['the words in a comment, not a string', 'the port of the server must be an integer'],
  ];
  for (const [what, query] of noPhrase) {
    it(`no exactPhrase: ${what}`, () => {
      const c = chunk(
        'c.ts',
        'port',
        '// the port of the server must be an integer\nif (!ok) throw new Error(`port must be an integer between 1 and 65535`);',
      );
      const [r] = rankCandidates([{ id: 1, bm25: 1, lexicalRank: 1, chunk: c }], parseQuery(query), params);
      expect(r?.explain.boosts.exactPhrase).toBeUndefined();
    });
  }

  it('exactPhrase: a message quoted in a long question, measured against the literal (placeholders for 1-3 words)', () => {
    const query = 'after the upgrade the service fails with could not open the socket file at /run/app.sock on boot, why';
    const raising = chunk('s.go', 'listen', 'return fmt.Errorf("could not open the socket file at %s", path)');
    // A literal written as a name, not as words, is not a message a question quotes.
    const named = chunk('s.go', 'load', 'require("./could-not-open-the-socket-file")');
    const [a, b] = [raising, named].map(
      (c) => rankCandidates([{ id: 1, bm25: 1, lexicalRank: 1, chunk: c }], parseQuery(query), params)[0]?.explain.boosts,
    );
    expect(a).toHaveProperty('exactPhrase');
    expect(b).not.toHaveProperty('exactPhrase');
  });

  it('longestRun counts consecutive query words found in order', () => {
    const q = phraseWords('server returned 500: internal error');
    expect(longestRun(q, 'fmt.Errorf("server returned %d: %s", code, msg) // internal error')).toBe(2);
    expect(longestRun(q, 'log("server returned 500: internal error")')).toBe(5);
    expect(longestRun(q, 'error internal 500 returned server')).toBe(1);
    expect(longestRun(q, '')).toBe(0);
  });

  it('a placeholder of a message template stands for one word inside a run, never starts one', () => {
    const q = phraseWords("JOBQ_PORT must be an integer between 1 and 65535, got 'abc'");
    const literal = stringLiterals(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      "throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);",
    );
    expect(longestRun(q, literal)).toBe(10); // JOBQ_PORT stands at the start: nothing to continue yet
    expect(longestRun(phraseWords('port 8080 is taken'), stringLiterals('f("%s %d %s %s")'))).toBe(0);
    expect(longestRun(phraseWords('cannot read settings: denied'), stringLiterals('"cannot read {}: {}"'))).toBe(4);
  });

  it('stringLiterals keeps quoted text and leaves docstrings out', () => {
    const src =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      'def f():\n    """Return the port."""\n    raise ValueError(f"bad port {p}: \\"x\\"")\n    log(\'it\\\'s ok\', `a ${b}`)';
    const lits = stringLiterals(src).split(' \u0000 ');
    expect(lits).toEqual(['bad port  ⁂ : \\"x\\"', "it\\'s ok", 'a  ⁂ ']);
  });

  it('scoresInListOrder: scores never increase down the list, the order stays, a moved result keeps its own score', () => {
    const rows = [3, 5, 1, 4].map((score, i) => ({ score, i, explain: { coverage: 1, boosts: {} } as Explanation }));
    const shown = scoresInListOrder(rows);
    expect(shown.map((r) => r.i)).toEqual([0, 1, 2, 3]);
    expect(shown.map((r) => r.score)).toEqual([5, 4, 3, 1]);
    expect(shown.map((r) => r.explain.ownScore)).toEqual([3, 5, 1, 4]);
    // A list already in score order is left as it is, explanations included.
    const sorted = scoresInListOrder(shown.map((r) => ({ ...r, explain: { coverage: 1, boosts: {} } as Explanation })));
    expect(sorted.map((r) => r.explain.ownScore)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('capPerFile lets N per file first, keeps the rest after', () => {
    const ranked = ['a', 'a', 'a', 'b', 'a'].map((p, i) => ({ chunk: { path: p }, i }));
    expect(capPerFile(ranked, 2).map((r) => r.i)).toEqual([0, 1, 3, 2, 4]);
  });

  it('diversify: the next result of a file competes at score × decay^(results of that file taken), in its order', () => {
    const scored = (rows: [string, number][]) => rows.map(([path, score], i) => ({ chunk: { path }, score, i }));
    const ranked = scored([
      ['a', 10],
      ['a', 9.5],
      ['a', 9],
      ['b', 8],
      ['a', 8.9],
      ['c', 1],
    ]);
    // a: 10, then 9.5 × 0.9 = 8.55 beats b's 8; then 9 × 0.81 = 7.29 loses to b; then 7.29 beats c; 8.9 × 0.729 = 6.5.
    expect(diversify(ranked, 0.9).map((r) => r.i)).toEqual([0, 1, 3, 2, 4, 5]);
    // A hard cap would have sent a's third to the end, below c's 1; no diversity keeps the order.
    expect(diversify(ranked, 1).map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5]);
    // Negative scores fall too.
    const neg = scored([
      ['a', -1],
      ['a', -1.05],
      ['b', -1.1],
    ]);
    expect(diversify(neg, 0.9).map((r) => r.i)).toEqual([0, 2, 1]);
  });

  it('diversityFor: lexical search caps a question, demotes a pasted issue softly', () => {
    const ranked = [10, 9.9, 9.8, 9.7, 1].map((score, i) => ({ chunk: { path: i < 4 ? 'a' : 'b' }, score, i }));
    // A question: a's fourth result goes behind b's far weaker one; an issue: 9.7 × 0.9³ = 7.1 still beats 1.
    expect(diversityFor(ranked, 'lexical', params).map((r) => r.i)).toEqual([0, 1, 2, 4, 3]);
    expect(diversityFor(ranked, 'lexical', params, true).map((r) => r.i)).toEqual([0, 1, 2, 3, 4]);
    expect(diversityFor(ranked, 'dense', params, true).map((r) => r.i)).toEqual([0, 1, 2, 4, 3]);
  });
});

describe('rankCandidates on a pasted issue', () => {
  const issue = (body: string) =>
    `Something breaks on save\n${'We save documents through the storage layer every few seconds and something goes wrong. '.repeat(3)}\n${body}\n`;
  const boostsOf = (query: string, cands: Candidate[]) =>
    Object.fromEntries(
      rankCandidates(cands, parseQuery(query), params, 'lexical').map((r) => [r.chunk.symbol, r.explain.boosts]),
    );

  it('weighs docs, CI and configuration files down unless the issue names them; a question keeps them', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('.github/ISSUE_TEMPLATE/bug.md', 'template', '', 'section') },
      { id: 2, bm25: 9, lexicalRank: 2, chunk: chunk('setup.cfg', 'config', '', 'window') },
      { id: 3, bm25: 6, lexicalRank: 3, chunk: chunk('src/storage.py', 'save') },
    ];
    expect(top(issue('Versions: python 3.9, os linux.'), cands)).toEqual(['save', 'template', 'config']);
    expect(boostsOf(issue('See setup.cfg for the options.'), cands).config).not.toHaveProperty('nonSource');
    expect(top('something goes wrong when documents are saved through the storage layer', cands)[0]).toBe('template');
  });

  it('weighs vendored third-party code down in an issue; a monorepo package and a question keep it', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('requests/packages/urllib3/response.py', 'read') },
      { id: 2, bm25: 9, lexicalRank: 2, chunk: chunk('sklearn/externals/joblib/disk.py', 'dump') },
      { id: 3, bm25: 8, lexicalRank: 3, chunk: chunk('packages/storage/src/index.py', 'open_store') },
      { id: 4, bm25: 6, lexicalRank: 4, chunk: chunk('src/storage.py', 'save') },
    ];
    const b = boostsOf(issue('The response is read twice.'), cands);
    expect(b.read?.vendored).toBe(params.issue.vendored);
    expect(b.dump?.vendored).toBe(params.issue.vendored);
    expect(b.open_store).not.toHaveProperty('vendored');
    expect(top(issue('The response is read twice.'), cands).slice(0, 2).sort()).toEqual(['open_store', 'save']);
    expect(boostsOf('why is the response read twice when documents are saved', cands).read).not.toHaveProperty('vendored');
  });

  it('demotes tests, a testing/ folder and conftest.py in an issue that talks of tests; a question that asks keeps them', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('testing/test_storage.py', 'test_save') },
      { id: 2, bm25: 9, lexicalRank: 2, chunk: chunk('testing/helpers.py', 'helper') },
      { id: 3, bm25: 8, lexicalRank: 3, chunk: chunk('conftest.py', 'fixture_store') },
      { id: 4, bm25: 6, lexicalRank: 4, chunk: chunk('src/storage.py', 'save') },
    ];
    const b = boostsOf(issue('My test fails when the storage saves twice.'), cands);
    for (const name of ['test_save', 'helper', 'fixture_store'])
      expect(b[name]).toHaveProperty('testPenalty', params.issue.testPenalty);
    expect(b.save).not.toHaveProperty('testPenalty');
    expect(top(issue('My test fails when the storage saves twice.'), cands)[0]).toBe('save');
    expect(top('which test covers saving documents twice in the storage', cands)[0]).toBe('test_save');
  });

  it("lifts the files a traceback's frames name (matched by file and folder)", () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('src/store/other.py', 'other') },
      { id: 2, bm25: 9, lexicalRank: 2, chunk: chunk('src/store/storage.py', 'save') },
      { id: 3, bm25: 9, lexicalRank: 3, chunk: chunk('src/cache/storage.py', 'flush') },
    ];
    const trace = 'Traceback (most recent call last):\n  File "/venv/lib/store/storage.py", line 3, in save\nOSError: disk full';
    const b = boostsOf(issue(trace), cands);
    expect(b.save).toHaveProperty('tracebackFile', params.issue.tracebackFile);
    expect(b.flush).not.toHaveProperty('tracebackFile');
    expect(b.other).not.toHaveProperty('tracebackFile');
  });

  it('boosts a name the issue only writes in a sentence at half strength, one in its code at full', () => {
    const cands: Candidate[] = [
      { id: 1, bm25: 10, lexicalRank: 1, chunk: chunk('a.py', 'flush_buffer', 'def flush_buffer(): pass') },
      { id: 2, bm25: 9, lexicalRank: 2, chunk: chunk('b.py', 'write_page', 'def write_page(): pass') },
    ];
    const b = boostsOf(issue('I think flush_buffer is involved.\n```\nstore.write_page(doc)\n```'), cands);
    expect(b.write_page?.exactSymbol).toBeCloseTo(params.exactSymbol * params.exactSymbolCaseBonus);
    expect(b.flush_buffer?.exactSymbol).toBeCloseTo(
      1 + params.issue.proseBoostShare * (params.exactSymbol * params.exactSymbolCaseBonus - 1),
    );
  });

  it('finds an error message in a literal whose placeholders stand for one to three words', () => {
    const raising = (id: number, template: string): Candidate => ({
      id,
      bm25: 1,
      lexicalRank: 150 + id,
      chunk: chunk(`m${id}.py`, `f${id}`, `raise ValueError("${template}")`),
    });
    const cands = [
      raising(1, 'cannot save %s: the page %(page)s is locked'),
      raising(2, 'cannot save {}: the page is locked'),
      raising(3, 'disk quota exceeded'),
    ];
    const b = boostsOf(issue('ValueError: cannot save report final draft: the page 12 is locked'), cands);
    expect(b.f1).toHaveProperty('exactPhrase');
    // Four words for one placeholder is more than a placeholder stands for.
    expect(boostsOf(issue('ValueError: cannot save my long final draft: the page is locked'), cands).f2).not.toHaveProperty(
      'exactPhrase',
    );
    expect(b.f2).not.toHaveProperty('exactPhrase');
    expect(b.f3).not.toHaveProperty('exactPhrase');
  });
});
