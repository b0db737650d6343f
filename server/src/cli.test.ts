// The CLI contract, run as a process against the built dist/cli.js (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from './chunk/grammar-loader.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
let repo: string;
let cache: string;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cache, CODECTX_INDEX_DIR: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does it first)`);
  repo = mkdtempSync(join(tmpdir(), 'codectx-cli-'));
  cache = mkdtempSync(join(tmpdir(), 'codectx-cache-'));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  put('lib/queue.js', '/** Pushes a job onto the queue. */\nexport function enqueueJob(queue, job) {\n  queue.push(job);\n}\n');
  put('README.md', '# Queue\n\nA tiny job queue.\n');
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

describe('codectx CLI', () => {
  it('search --json prints the documented result shape, indexing first with progress on stderr', () => {
    const r = run(['search', 'enqueue job', '--repo', repo, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/indexed 2\/2 files/);
    const { results } = JSON.parse(r.stdout);
    expect(Object.keys(results[0]).sort()).toEqual([
      'endLine',
      'kind',
      'language',
      'path',
      'score',
      'snippet',
      'startLine',
      'symbol',
    ]);
    expect(results[0]).toMatchObject({
      path: 'lib/queue.js',
      startLine: 1,
      endLine: 4,
      symbol: 'enqueueJob',
      kind: 'function',
      language: 'javascript',
    });
    expect(typeof results[0].score).toBe('number');
    expect(results[0].snippet).toContain('enqueueJob');
  });

  it('keeps the index under the user cache by default, outside the repository', () => {
    run(['index', '--repo', repo]);
    expect(readdirSync(join(cache, 'codectx')).some((d) => d.startsWith('codectx-cli-'))).toBe(true);
    expect(existsSync(join(repo, 'index.sqlite'))).toBe(false);
  });

  it('honours CODECTX_INDEX_DIR and --index-dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-envdir-'));
    try {
      expect(run(['index', '--repo', repo], { CODECTX_INDEX_DIR: join(dir, 'a') }).code).toBe(0);
      expect(existsSync(join(dir, 'a', 'index.sqlite'))).toBe(true);
      expect(run(['index', '--repo', repo, '--index-dir', join(dir, 'b')]).code).toBe(0);
      expect(existsSync(join(dir, 'b', 'index.sqlite'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('search prints scores that never increase down the list, in its order (the per-file cap moves results)', () => {
    const evalRepo = join(packageRoot(), 'fixtures', 'eval', 'repo');
    for (const mode of ['lexical', 'hybrid']) {
      const r = run(['search', 'job', '--repo', evalRepo, '--limit', '50', '--mode', mode, '--json']);
      expect(r.code).toBe(0);
      const scores = (JSON.parse(r.stdout).results as { score: number }[]).map((x) => x.score);
      expect(scores.length).toBeGreaterThan(20);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1] as number);
    }
    const shown = run(['search', 'job', '--repo', evalRepo, '--limit', '50', '--mode', 'lexical', '--explain']);
    expect(shown.stdout).toMatch(/own score \d+\.\d{3}/);
  });

  it("search --explain shows each result's rank and score in every stage (the shipped model: hybrid)", () => {
    const r = run(['search', 'enqueue job', '--repo', repo, '--explain']);
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n').find((l) => l.startsWith('    '));
    expect(first).toMatch(/bm25 \d+\.\d{3} \(#1 by BM25, #1 in --mode lexical\)/);
    expect(first).toMatch(/cosine -?\d\.\d{3} \(#\d+ by embeddings\)/);
    expect(first).toMatch(/fused 0\.\d\d×1\.000 \+ 0\.\d\d×/);
    expect(first).toMatch(/coverage 1\.00, rerank -?\d+\.\d{3} \(was #1\)/);
    expect(first).toMatch(/exactIdentifier|definition/);
    const lexical = run(['search', 'enqueue job', '--repo', repo, '--explain', '--mode', 'lexical']);
    expect(lexical.stdout).not.toMatch(/by embeddings|fused|rerank/);
  });

  it('--embeddings none searches lexically; a bad --embeddings value is a usage error', () => {
    const lexical = run(['search', 'enqueue job', '--repo', repo, '--explain', '--embeddings', 'none']);
    expect(lexical.code).toBe(0);
    expect(lexical.stdout).toMatch(/\(#1 by BM25\)/);
    expect(lexical.stdout).not.toMatch(/by embeddings|rerank/);
    const viaEnv = run(['search', 'enqueue job', '--repo', repo, '--explain'], { CODECTX_EMBEDDINGS: 'none' });
    expect(viaEnv.stdout).not.toMatch(/by embeddings/);
    const bad = run(['search', 'x', '--repo', repo, '--embeddings', '{"provider":"magic"}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--embeddings \(or CODECTX_EMBEDDINGS\) must be none, local, or JSON/);
  });

  it('a second search re-indexes nothing and stays quiet on stderr', () => {
    run(['index', '--repo', repo]);
    const r = run(['search', 'queue', '--repo', repo]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^lib\/queue\.js:1-4 {2}enqueueJob {2}function {2}\d+\.\d\d$/m);
  });

  it('exits 0 with no results', () => {
    const r = run(['search', 'zzzqqqxxx', '--repo', repo, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ results: [] });
  });

  it('search --batch answers JSON Lines in order, plain lines and JSON lines alike', () => {
    const file = join(cache, 'queries.txt');
    writeFileSync(file, 'enqueue job\n{"id":"q-2","query":"tiny queue"}\n\nzzzqqq\n');
    const r = run(['search', '--batch', file, '--repo', repo, '--limit', '1']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual([1, 'q-2', 3]);
    expect(lines[0].results[0].path).toBe('lib/queue.js');
    expect(lines[1].results[0].path).toBe('README.md');
    expect(lines[2].results).toEqual([]);
    expect(lines.every((l) => typeof l.tookMs === 'number' && l.results.length <= 1)).toBe(true);
  });

  it('context prints prompt-ready markdown within the budget; the summary goes to stderr', () => {
    const r = run(['context', 'enqueueJob pushes a job', '--repo', repo, '--budget', '500']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### lib\/queue\.js:1-4 enqueueJob\n```javascript\n\/\*\* Pushes a job onto the queue\. \*\/$/m);
    expect(r.stderr).toMatch(/^codectx: \d+ blocks from \d+ candidates, \d+ of 500 tokens \(o200k\)$/m);
  });

  it('context --json gives the documented shape; a budget too small for anything gives no text', () => {
    const r = run(['context', 'enqueueJob pushes a job', '--repo', repo, '--json', '--budget', '500']);
    expect(r.code).toBe(0);
    const bundle = JSON.parse(r.stdout);
    expect(Object.keys(bundle).sort()).toEqual(
      [
        'budgetTokens',
        'candidates',
        'chunks',
        'duplicates',
        'format',
        'omitted',
        'repoMap',
        'text',
        'tokenizer',
        'tookMs',
        'usedTokens',
      ].sort(),
    );
    expect(bundle).toMatchObject({ budgetTokens: 500, format: 'markdown', tokenizer: 'o200k' });
    expect(bundle.usedTokens).toBeLessThanOrEqual(500);
    const queue = bundle.chunks.find((c: { path: string }) => c.path === 'lib/queue.js');
    expect(Object.keys(queue).sort()).toEqual(
      [
        'citation',
        'content',
        'elided',
        'endLine',
        'language',
        'path',
        'rank',
        'ranks',
        'score',
        'shown',
        'startLine',
        'symbol',
        'symbols',
        'tokens',
      ].sort(),
    );
    expect(queue).toMatchObject({ citation: 'lib/queue.js:1-4', symbol: 'enqueueJob', shown: [[1, 4]], elided: false });
    const tiny = JSON.parse(run(['context', 'enqueueJob pushes a job', '--repo', repo, '--json', '--budget', '5']).stdout);
    expect(tiny).toMatchObject({ text: '', chunks: [], usedTokens: 0, budgetTokens: 5 });
  });

  it('context --format json and xml print those formats; --file --line takes the chunk there first', () => {
    const json = run(['context', 'jobs', '--repo', repo, '--format', 'json', '--budget', '400', '--tokenizer', 'cl100k']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).blocks.map((b: { path: string }) => b.path)).toContain('lib/queue.js');
    const xml = run(['context', 'jobs', '--repo', repo, '--format', 'xml', '--no-map']);
    expect(xml.stdout).toMatch(
      /^<context>\n<block path="README\.md"[\s\S]*\n<block path="lib\/queue\.js" lines="1-4" symbols="enqueueJob"/,
    );
    expect(xml.stdout.endsWith('</block>\n</context>\n')).toBe(true);
    const at = run(['context', 'a tiny queue', '--repo', repo, '--json', '--file', join(repo, 'lib/queue.js'), '--line', '3']);
    const first = JSON.parse(at.stdout).chunks.find((c: { rank: number }) => c.rank === 1);
    expect(first).toMatchObject({ path: 'lib/queue.js', score: null });
  });

  it('context --batch answers one --json object a line with its id, each line within its own budget', () => {
    const file = join(cache, 'questions.txt');
    writeFileSync(
      file,
      'enqueueJob pushes a job\n{"id":"small","query":"enqueueJob pushes a job","budget":60}\n\n{"query":"zzzqqq","budget":5}\n',
    );
    const r = run(['context', '--batch', file, '--repo', repo, '--budget', '700', '--no-map']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.budgetTokens])).toEqual([
      [1, 700],
      ['small', 60],
      [3, 5],
    ]);
    // The same answer as the single question with --json.
    const { tookMs: _single, ...single } = JSON.parse(
      run(['context', 'enqueueJob pushes a job', '--repo', repo, '--budget', '700', '--no-map', '--json']).stdout,
    );
    const { id: _id, tookMs: _first, ...first } = lines[0];
    expect(first).toEqual(single);
    expect(lines[0].chunks.find((c: { rank: number }) => c.rank === 1)).toMatchObject({
      citation: 'lib/queue.js:1-4',
      symbol: 'enqueueJob',
    });
    expect(lines[1].usedTokens).toBeLessThanOrEqual(60);
    expect(lines[1].usedTokens).toBeLessThan(lines[0].usedTokens);
    expect(lines[2]).toMatchObject({ chunks: [], usedTokens: 0 });
  });

  it('context --batch with a bad budget on a line exits 2 naming the line, before answering any', () => {
    const file = join(cache, 'bad-budget.txt');
    writeFileSync(file, 'enqueue\n{"id":"x","query":"queue","budget":0}\n');
    const r = run(['context', '--batch', file, '--repo', repo]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `codectx: --batch ${file} line 2: budget must be an integer from 1 to 1000000, got 0 (codectx --help shows the usage)\n`,
    );
  });

  it('--snapshot goes with push, --repo-name with push, index and search: one line and exit 2 elsewhere', () => {
    for (const [args, message] of [
      [['index', '--snapshot'], '--snapshot goes with push'],
      [['context', 'queue', '--repo-name', 'x'], '--repo-name goes with push, index and search'],
    ] as const) {
      const r = run([...args, '--repo', repo]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`codectx: ${message} (codectx --help shows the usage)\n`);
    }
  });

  it('--limit is an integer from 1 to 1000: one line and exit 2 outside it', () => {
    expect(run(['search', 'queue', '--repo', repo, '--limit', '1000', '--json']).code).toBe(0);
    for (const bad of ['0', '1001', '2.5']) {
      const r = run(['search', 'queue', '--repo', repo, '--limit', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `codectx: --limit must be an integer from 1 to 1000, got ${Number(bad)} (codectx --help shows the usage)\n`,
      );
    }
  });

  it('status --json counts files, chunks, languages and skipped files', () => {
    writeFileSync(join(repo, 'yarn.lock'), '# lock\n');
    run(['index', '--repo', repo]);
    const s = JSON.parse(run(['status', '--repo', repo, '--json']).stdout);
    expect(s).toMatchObject({ files: 2, languages: { javascript: 1, markdown: 1 }, skipped: { 'lock-file': 1 } });
    expect(s.chunks).toBeGreaterThanOrEqual(2);
    expect(s.indexBytes).toBeGreaterThan(0);
    expect(s.lastUpdate).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('status shows embedded/total per model and the rate of the last embedding pass', () => {
    const s = JSON.parse(run(['status', '--repo', repo, '--json']).stdout);
    expect(s.embeddings).toEqual([{ model: expect.stringMatching(/codectx-code-static/), dimensions: 256, embedded: s.chunks }]);
    const text = run(['status', '--repo', repo]).stdout;
    expect(text).toMatch(new RegExp(`^embeddings: ${s.chunks}/${s.chunks} chunks, model local:codectx-code-static`, 'm'));
    expect(text).toMatch(/^last embedding pass: \d{4}-.*, \d+ computed, \d+ from cache in \d+\.\ds \(\d+ chunks\/s\)$/m);
    // An object in the JSON, not JSON inside a string.
    expect(s.lastEmbeddingPass).toMatchObject({
      at: expect.any(String),
      computed: expect.any(Number),
      seconds: expect.any(Number),
    });
  });

  it('index prints its final "embedded" line once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-embedded-'));
    try {
      const r = run(['index', '--repo', repo, '--index-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      const done = r.stderr.split('\n').filter((l) => /^codectx: embedded (\d+)\/\1 chunks/.test(l));
      expect(done).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--version and -v print the version from package.json', () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`codectx ${version}\n`);
    }
  });

  const usage: [string, string[]][] = [
    ['no command', []],
    ['an unknown command', ['frobnicate']],
    ['an unknown flag', ['search', 'x', '--frob']],
    ['a bad --limit', ['search', 'x', '--limit', 'many']],
    ['search without a query', ['search']],
    ['--batch outside search and context', ['index', '--batch', 'f']],
    ['--batch beside a question', ['context', 'x', '--batch', 'f']],
    ['context without a question', ['context']],
    ['a bad --budget', ['context', 'x', '--budget', '0']],
    ['--budget outside context', ['search', 'x', '--budget', '10']],
    ['a bad --format', ['context', 'x', '--format', 'html']],
    ['a bad --tokenizer', ['context', 'x', '--tokenizer', 'p50k']],
    ['--line without --file', ['context', 'x', '--line', '3']],
    ['a bad --line', ['context', 'x', '--file', 'lib/queue.js', '--line', '0']],
    ['--file outside the repository', ['context', 'x', '--file', '/etc/passwd', '--line', '1']],
    ['--format outside context', ['search', 'x', '--format', 'xml']],
  ];
  for (const [what, args] of usage) {
    it(`exits 2 with a one-line message on ${what}`, () => {
      const r = run([...args, '--repo', repo]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^codectx: \S.* \(codectx --help shows the usage\)\n$/);
      expect(r.stdout).toBe('');
    });
  }

  it('--help prints the whole usage on stdout', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage:\n {2}codectx serve/);
    for (const command of ['index', 'search', 'status', 'eval', '--version']) expect(r.stdout).toContain(`codectx ${command}`);
  });

  it('exits 3 when the repository does not exist, saying what to do', () => {
    const r = run(['search', 'x', '--repo', join(repo, 'missing')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is not a folder: pass --repo DIR/);
  });

  it('exits 3 when the index belongs to another repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-shared-'));
    try {
      run(['index', '--repo', repo, '--index-dir', dir]);
      const r = run(['index', '--repo', cache, '--index-dir', dir]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/belongs to/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('codectx symbols', () => {
  it('prints where a name is defined and which chunks reference it (--json and text)', () => {
    const graphRepo = mkdtempSync(join(tmpdir(), 'codectx-graph-'));
    try {
      writeFileSync(
        join(graphRepo, 'queue.go'),
        'package q\n\nfunc enqueueJob(q []int, j int) []int {\n\treturn append(q, j)\n}\n',
      );
      writeFileSync(
        join(graphRepo, 'worker.go'),
        'package q\n\nfunc RunWorker(q []int) []int {\n\tq = enqueueJob(q, 1)\n\treturn q\n}\n',
      );
      const r = run(['symbols', 'enqueueJob', '--repo', graphRepo, '--json', '--embeddings', 'none']);
      expect(r.code, r.stderr).toBe(0);
      const graph = JSON.parse(r.stdout);
      expect(graph.definitions.map((d: { path: string; startLine: number }) => `${d.path}:${d.startLine}`)).toEqual([
        'queue.go:3',
      ]);
      expect(graph.references.map((d: { path: string; symbol: string }) => `${d.path} ${d.symbol}`)).toEqual([
        'worker.go RunWorker',
      ]);
      const text = run(['symbols', 'enqueueJob', '--repo', graphRepo, '--embeddings', 'none']);
      expect(text.stdout).toMatch(
        /definitions of enqueueJob:\n {2}queue\.go:3-5 {2}enqueueJob {2}function\nreferences to enqueueJob:\n {2}worker\.go:3-6 {2}RunWorker/,
      );
      const none = run(['symbols', 'nothingLikeThis', '--repo', graphRepo, '--embeddings', 'none']);
      expect(none.code).toBe(0);
      expect(none.stderr).toMatch(/no symbol named 'nothingLikeThis'/);
      expect(run(['symbols', '--repo', graphRepo]).code).toBe(2);
    } finally {
      rmSync(graphRepo, { recursive: true, force: true });
    }
  });
});
