#!/usr/bin/env node
// `npm run eval:corpora`: builds the docstring → code suites from real corpora, runs `codectx eval` on them and on the
// fixture suite (modes lexical, dense, hybrid and grep), writes bench/results/eval-corpora.json and, with --write-docs, docs/eval.md.
// Invariant: suites are rebuilt from pristine copies under .eval/ with a fixed seed; only the marked doc section changes.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goCandidates, jsCandidates, pythonCandidates, removeDocs, sample } from './eval-suites.mjs';
import { readOptions } from './options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, '.eval');
const START = '<!-- eval:start -->';
const END = '<!-- eval:end -->';

const JS_PACKAGE = { name: 'three', version: '0.176.0' };

/** The corpora. `copy` lists what of the source goes into the indexed copy; `sampleFile` which files are sampled. */
const SUITES = {
  go: {
    title: 'Go 1.19 standard library',
    source: '/usr/share/go-1.19/src',
    pkg: 'golang-1.19-src',
    extract: goCandidates,
    // testdata/ holds fixtures and vendor/ other people's code; tests are not documented API.
    sampleFile: (rel) => rel.endsWith('.go') && !rel.endsWith('_test.go') && !/(^|\/)(testdata|vendor)\//.test(rel),
  },
  django: {
    title: 'Django 3.2',
    source: '/usr/lib/python3/dist-packages/django',
    pkg: 'python3-django',
    extract: pythonCandidates,
    sampleFile: (rel) => rel.endsWith('.py'),
  },
  js: {
    title: `three.js ${JS_PACKAGE.version} (npm \`${JS_PACKAGE.name}@${JS_PACKAGE.version}\`, \`src/\`)`,
    source: null, // fetched with npm pack
    extract: jsCandidates,
    sampleFile: (rel) => rel.endsWith('.js'),
  },
};

const USAGE = `usage: npm run eval:corpora -- [options]
  --suite go|django|js|fixture|all   which suites (default all)
  --queries N        questions per corpus suite (default 500)
  --seed TEXT        seed of the sample (default codectx-eval)
  --modes LIST       modes to run (default lexical,dense,hybrid,grep)
  --cli PATH         the codectx CLI (default dist/cli.js: npm run build)
  --write-docs       also rewrite the generated section of docs/eval.md
  --docs-only        only rewrite docs/eval.md from bench/results/eval-corpora.json`;

function parseOptions(argv) {
  const o = {
    suite: 'all',
    queries: 500,
    seed: 'codectx-eval',
    modes: 'lexical,dense,hybrid,grep',
    cli: null,
    writeDocs: false,
    docsOnly: false,
    ...readOptions(
      argv,
      {
        '--suite': String,
        '--queries': Number,
        '--seed': String,
        '--modes': String,
        '--cli': resolve,
        '--write-docs': true,
        '--docs-only': true,
      },
      USAGE,
      fail,
    ),
  };
  if (!Number.isInteger(o.queries) || o.queries < 1) fail('--queries must be a positive integer');
  const all = [...Object.keys(SUITES), 'fixture'];
  o.suites = o.suite === 'all' ? all : o.suite.split(',');
  for (const s of o.suites) if (!all.includes(s)) fail(`unknown suite ${s}; suites: ${all.join(', ')}`);
  return o;
}

function fail(message) {
  process.stderr.write(`eval-corpora: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const log = (message) => process.stderr.write(`eval-corpora: ${message}\n`);
const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** apt-get install whatever of the corpora and ripgrep is missing (root only; apt-get update once if needed). */
function ensureInstalled(suites) {
  const missing = suites.flatMap((s) => (SUITES[s]?.pkg && !existsSync(SUITES[s].source) ? [SUITES[s].pkg] : []));
  if (!onPath('rg')) missing.push('ripgrep');
  if (missing.length === 0) return;
  if (process.getuid && process.getuid() !== 0)
    throw new Error(`missing ${missing.join(' ')}; run as root or: sudo apt-get install -y ${missing.join(' ')}`);
  const install = () => {
    log(`apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    return spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status;
  };
  if (install() !== 0) {
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2] });
    if (install() !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

/** Regular files under root, sorted, as repository-relative paths; symbolic links are not followed. */
function walk(root) {
  const files = [];
  const visit = (dir, rel) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(join(dir, e.name), r);
      else if (e.isFile()) files.push(r);
    }
  };
  visit(root, '');
  return files;
}

/** The pristine source of the JS suite: `npm pack` of the pinned version, unpacked once under .eval/. */
function fetchJsPackage() {
  const dir = join(WORK, 'npm', `${JS_PACKAGE.name}-${JS_PACKAGE.version}`);
  if (existsSync(join(dir, 'package', 'src'))) return join(dir, 'package', 'src');
  mkdirSync(dir, { recursive: true });
  log(`npm pack ${JS_PACKAGE.name}@${JS_PACKAGE.version}`);
  const pack = spawnSync('npm', ['pack', `${JS_PACKAGE.name}@${JS_PACKAGE.version}`, '--silent'], { cwd: dir, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = pack.stdout.trim().split('\n').pop();
  if (spawnSync('tar', ['xzf', tarball], { cwd: dir, stdio: 'inherit' }).status !== 0)
    throw new Error(`cannot unpack ${tarball}`);
  return join(dir, 'package', 'src');
}

/** Copies the corpus, samples documented functions, cuts their doc comments from the copy, writes the suite JSONL. */
function prepareSuite(name, options) {
  const suite = SUITES[name];
  const source = suite.source ?? fetchJsPackage();
  const dir = join(WORK, name);
  const repo = join(dir, 'repo');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`${name}: copying ${source}`);
  cpSync(source, repo, { recursive: true, verbatimSymlinks: true });
  const files = walk(repo);
  const candidates = [];
  for (const rel of files) {
    if (!suite.sampleFile(rel)) continue;
    candidates.push(...suite.extract(readFileSync(join(repo, rel), 'utf8'), rel));
  }
  const { chosen, unique } = sample(candidates, options.queries, `${options.seed}:${name}`);
  if (chosen.length < options.queries) log(`${name}: only ${chosen.length} questions could be drawn`);
  const byFile = new Map();
  for (const c of chosen) byFile.set(c.path, [...(byFile.get(c.path) ?? []), c]);
  const questions = [];
  for (const [path, list] of byFile) {
    const file = join(repo, path);
    const cut = removeDocs(readFileSync(file, 'utf8'), list, `${name}:`);
    writeFileSync(file, cut.text);
    questions.push(...cut.questions);
  }
  const dataset = join(dir, 'questions.jsonl');
  writeFileSync(
    dataset,
    questions
      .map((q) => JSON.stringify(q))
      .join('\n')
      .concat('\n'),
  );
  log(
    `${name}: ${files.length} files, ${candidates.length} documented functions (${unique} with a unique first sentence), ${questions.length} questions`,
  );
  return { name, title: suite.title, dataset, repo, files: files.length, candidates: candidates.length, unique };
}

/** The codectx CLI: `--cli PATH`, else dist/cli.js (built by `npm run build`). */
function resolveCli(option) {
  if (option) return option;
  const dist = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(dist)) throw new Error(`${relative(ROOT, dist)} is missing: run npm run build`);
  return dist;
}

/**
 * Runs `codectx eval … --json` and returns the parsed result; stderr (progress) passes through. A failed run rejects with
 * an error whose `status` is the CLI's exit code.
 */
export function runEval(cli, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'eval', ...args, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      if (code !== 0) reject(Object.assign(new Error(`codectx eval exited ${code}`), { status: code }));
      else resolvePromise(JSON.parse(out));
    });
  });
}

function machine() {
  const cpu = cpus();
  return `${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
}

function commit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'server', 'grammars'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  return dirty ? `${head} + uncommitted changes` : head;
}

const num = (x) => (x == null ? 'n/a' : x.toFixed(3));
const ms = (x) => (x == null ? '–' : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);

/** The generated section of docs/eval.md: run details, one table with every suite and mode, the fixture's kinds. */
export function renderDocs(summary) {
  const out = [];
  out.push(`Generated by \`npm run eval:corpora -- --write-docs\` on ${summary.date.slice(0, 10)}, commit ${summary.commit}.`);
  out.push(`Machine: ${summary.machine}.`, '');
  out.push(
    '| suite | questions | mode | hit@1 | hit@5 | hit@10 | MRR@10 | nDCG@10 | file hit@1 | file hit@10 | file MRR@10 | p50 | p95 |',
  );
  out.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of summary.suites)
    for (const [mode, t] of Object.entries(s.modes)) {
      const c = t.chunk;
      out.push(
        `| ${s.name} | ${s.questions} | ${mode} | ${num(c?.hit1)} | ${num(c?.hit5)} | ${num(c?.hit10)} | ${num(c?.mrr10)} | ${num(c?.ndcg10)} | ${num(t.file.hit1)} | ${num(t.file.hit10)} | ${num(t.file.mrr10)} | ${ms(t.latencyMs?.p50)} | ${ms(t.latencyMs?.p95)} |`,
      );
    }
  out.push('', '| suite | corpus | files in the copy | documented functions | unique first sentences | sampled |');
  out.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const s of summary.suites) {
    if (s.name === 'fixture') out.push(`| fixture | ${s.title} | ${s.files} | – | – | ${s.questions} (hand-written) |`);
    else out.push(`| ${s.name} | ${s.title} | ${s.files} | ${s.candidates} | ${s.unique} | ${s.questions} |`);
  }
  const withRescue = summary.suites.filter((s) => s.rescued && Object.keys(s.rescued).length);
  if (withRescue.length) {
    const modes = Object.keys(withRescue[0].rescued);
    out.push(
      '',
      'What embeddings add: of the questions lexical misses (no chunk hit in its top 10), how many each mode finds; and',
      'question by question, how many each mode ranks above lexical and below it (rank within the top 10):',
      '',
    );
    out.push(
      `| suite | lexical misses | ${modes.map((m) => `${m} finds`).join(' | ')} | ${modes.map((m) => `${m} above / below lexical`).join(' | ')} |`,
    );
    out.push(`| --- | ---: | ${modes.map(() => '---:').join(' | ')} | ${modes.map(() => '---:').join(' | ')} |`);
    for (const s of withRescue) {
      const cells = modes.map((m) => {
        const r = s.rescued[m];
        return r ? `${r.found} (${r.missed ? Math.round((100 * r.found) / r.missed) : 0}%)` : '–';
      });
      const versus = modes.map((m) => {
        const v = s.versus?.[m];
        return v ? `${v.better} / ${v.worse}` : '–';
      });
      out.push(`| ${s.name} | ${s.rescued[modes[0]]?.missed ?? 0} | ${cells.join(' | ')} | ${versus.join(' | ')} |`);
    }
  }
  const fixture = summary.suites.find((s) => s.name === 'fixture');
  if (fixture?.byKind) {
    const modes = Object.keys(fixture.byKind);
    const kinds = Object.keys(fixture.byKind[modes[0]] ?? {});
    out.push('', 'Fixture suite per kind (hit@10 · MRR@10; chunk level for lexical, file level for grep):', '');
    out.push(`| kind | n | ${modes.join(' | ')} |`, `| --- | ---: | ${modes.map(() => '---:').join(' | ')} |`);
    for (const kind of kinds) {
      const cells = modes.map((m) => {
        const t = fixture.byKind[m][kind];
        const s = t.chunk ?? t.file;
        return `${num(s.hit10)} · ${num(s.mrr10)}`;
      });
      out.push(`| ${kind} | ${fixture.byKind[modes[0]][kind].n} | ${cells.join(' | ')} |`);
    }
  }
  return out.join('\n');
}

function writeDocs(summary) {
  const file = join(ROOT, 'docs', 'eval.md');
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} lacks the ${START} … ${END} markers`);
  writeFileSync(file, `${text.slice(0, a + START.length)}\n${renderDocs(summary)}\n${text.slice(b)}`);
  log(`rewrote the generated section of ${relative(ROOT, file)}`);
}

const summaryFile = join(ROOT, 'bench', 'results', 'eval-corpora.json');

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.docsOnly) {
    writeDocs(JSON.parse(readFileSync(summaryFile, 'utf8')));
    return;
  }
  ensureInstalled(options.suites);
  const cli = resolveCli(options.cli);
  const previous = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : { suites: [] };
  const suites = [];
  for (const name of options.suites) {
    let info;
    if (name === 'fixture') {
      const repo = join(ROOT, 'fixtures', 'eval', 'repo');
      info = {
        name,
        title: 'fixtures/eval/repo (hand-written: TypeScript, Python, Go, Markdown)',
        dataset: join(ROOT, 'fixtures', 'eval', 'questions.jsonl'),
        repo,
        files: walk(repo).length,
      };
    } else info = prepareSuite(name, options);
    const indexDir = join(WORK, 'index', name);
    rmSync(indexDir, { recursive: true, force: true });
    log(`${name}: codectx eval --modes ${options.modes}`);
    const result = await runEval(cli, [info.dataset, '--repo', info.repo, '--index-dir', indexDir, '--modes', options.modes]);
    writeFileSync(join(WORK, `result-${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const modes = Object.fromEntries(Object.entries(result.modes).map(([m, r]) => [m, r.total]));
    const entry = {
      name,
      title: info.title,
      questions: result.questions,
      files: info.files,
      modes,
      // `codectx eval --json` counts, per other mode, the questions lexical misses that it finds.
      rescued: Object.fromEntries((result.rescued ?? []).map((r) => [r.mode, { missed: r.missed, found: r.found }])),
      // And, question by question, how many it ranks above lexical and below it.
      versus: Object.fromEntries((result.versusLexical ?? []).map((v) => [v.mode, { better: v.better, worse: v.worse.length }])),
    };
    if (info.candidates !== undefined) Object.assign(entry, { candidates: info.candidates, unique: info.unique });
    if (name === 'fixture') entry.byKind = Object.fromEntries(Object.entries(result.modes).map(([m, r]) => [m, r.byKind]));
    suites.push(entry);
    for (const [m, t] of Object.entries(modes)) {
      const s = t.chunk ?? t.file;
      log(
        `${name} ${m}: MRR@10 ${num(s.mrr10)}, hit@10 ${num(s.hit10)} (${t.chunk ? 'chunk' : 'file'} level); file MRR@10 ${num(t.file.mrr10)}`,
      );
    }
  }
  // Suites not run this time keep their previous numbers, so a partial run does not drop rows from the docs.
  const order = [...Object.keys(SUITES), 'fixture'];
  const merged = order.map((n) => suites.find((s) => s.name === n) ?? previous.suites.find((s) => s.name === n)).filter(Boolean);
  const summary = { date: new Date().toISOString(), commit: commit(), machine: machine(), seed: options.seed, suites: merged };
  mkdirSync(dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  log(`wrote ${relative(ROOT, summaryFile)}`);
  if (options.writeDocs) writeDocs(summary);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    log(error?.stack ?? String(error));
    process.exit(1);
  });
}
