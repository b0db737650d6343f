// Real GitHub issues as a dev suite (../shared/dev-issues: 52 SWE-bench Lite instances from six Python repositories,
// issue text → the files and functions the fix changed). For each instance: the repository's tree at `baseCommit` is
// written into one working folder per repository (git read-tree -u, so moving from one commit to the next rewrites only
// the files that differ and the re-index is incremental, as a branch switch would be), indexed with `codectx index`
// (embeddings on: the shipped local model), then
//  (a) `codectx search --batch --limit 50` with the issue text → file Acc@1/5/10 (every gold file among the first k
//      distinct files) and function Acc@10 (every gold `path::symbol` among the first 10 distinct (path, symbol)
//      pairs; results without a symbol and class chunks take a slot too), scored by eval/issue-metrics.ts (dist/lib.js),
//      as `codectx eval` scores an issue-style suite;
//  (b) `codectx context --batch` with one line per budget B in 2000, 4000, 8000 (one process: the model and index are
//      loaded once) → file recall (every gold file has a block in the packed context) and function recall, strict (every gold definition's lines, from the index's symbols table, are
//      all shown; trimmed lines do not count) and lenient (every gold definition is wholly shown or named by a block,
//      maybe trimmed to its signature and matching lines).
// Gold entries without a real symbol (`imports`, `impl`, an empty list) are left out of the function metrics, and an
// instance with none is left out of their denominators. Dev data only: nothing here runs in tests or CI, the trees and
// indexes live outside the repository (--work, default $TMPDIR/codectx-dev-issues).
//
// Usage: node bench/dev-issues.mjs [MIRROR_GIT_DIR…] [--suite FILE] [--repos psf/requests,pallets/flask]
//        [--modes hybrid,lexical] [--budgets 2000,4000,8000|none] [--work DIR] [--limit N] [--resume] [--out FILE]
//        [--variant NAME=JSON …] [--snapshots DIR | --replay DIR]
// --variant NAME=JSON (repeatable) also packs each instance's context in this process (dist/lib.js, Engine.context on
// the same index) with JSON as extra ContextOptions, e.g. --variant no-graph='{"graph":false}': variants are compared
// on the same checkouts and indexes in one run. The CLI's answer is the variant `cli`.
// --resume keeps the rows already in the output file and runs only the other instances (the results are written after
// every instance, so a run cut short can be resumed).
// --snapshots DIR keeps each instance's index (DIR/<id>/, with the tree it was built from); --replay DIR re-runs only
// the searches on those kept indexes (through dist/lib.js, no re-index: about a minute for all 52), so a ranking change
// is measured without indexing again. With budgets (not `--budgets none`), replay also packs context: the tree of each
// instance's commit is written again into the folder the index was built from (the run's --work, so pass the same one),
// and each variant is packed in process; the defaults are the variant `default` (in place of the CLI's `cli`).
// A mirror dir is a bare git dir (…/owner+name/repo, as the fetch tool writes under /work/.mirror); without any, each
// repository is looked up as /work/.mirror/owner+name/repo. Needs `npm run build` (dist/cli.js, dist/lib.js);
// `npm run eval:issues` builds and runs it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const cli = join(root, 'dist', 'cli.js');
const lib = pathToFileURL(join(root, 'dist', 'lib.js')).href;

function parseArgs(argv) {
  const opts = {
    suite: '/work/shared/dev-issues/swebench-lite-dev.jsonl',
    repos: null,
    modes: ['hybrid'],
    budgets: [2000, 4000, 8000],
    work: join(tmpdir(), 'codectx-dev-issues'),
    limit: 0,
    mirrors: [],
    out: join(root, 'bench', 'results', 'dev-issues.json'),
    variants: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--suite') opts.suite = next();
    else if (a === '--repos') opts.repos = next().split(',');
    else if (a === '--modes') opts.modes = next().split(',');
    else if (a === '--budgets') {
      const v = next();
      opts.budgets = v === 'none' ? [] : v.split(',').map(Number);
    } else if (a === '--snapshots') opts.snapshots = resolve(next());
    else if (a === '--replay') opts.replay = resolve(next());
    else if (a === '--work') opts.work = next();
    else if (a === '--limit') opts.limit = Number(next());
    else if (a === '--out') opts.out = next();
    else if (a === '--resume') opts.resume = true;
    else if (a === '--variant') {
      const v = next();
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error(`--variant needs NAME=JSON, got ${v}`);
      opts.variants.push({ name: v.slice(0, eq), options: JSON.parse(v.slice(eq + 1)) });
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.mirrors.push(a);
  }
  return opts;
}

const REAL_SYMBOL = (s) => s !== '' && !/^(imports|impl)(:\d+)?$/.test(s);

function mirrorFor(repo, mirrors) {
  const slug = repo.replace('/', '+');
  const given = mirrors.find((m) => m.includes(slug));
  const dir = given ?? `/work/.mirror/${slug}/repo`;
  return existsSync(dir) ? dir : null;
}

function run(args, input) {
  return execFileSync('node', [cli, ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function checkout(gitDir, tree, gitIndex, commit) {
  mkdirSync(tree, { recursive: true });
  execFileSync('git', [`--git-dir=${gitDir}`, `--work-tree=${tree}`, 'read-tree', '-u', '--reset', commit], {
    env: { ...process.env, GIT_INDEX_FILE: gitIndex },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Definition ranges of each gold symbol, from the index's symbols table (qualified names such as `Class.method`). */
function goldDefinitions(indexDir, gold) {
  const db = new Database(join(indexDir, 'index.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const q = db.prepare(
      'SELECT s.qualified, s.start_line AS start, s.end_line AS end FROM symbols s JOIN files f ON f.id = s.file_id WHERE f.path = ? AND s.qualified = ?',
    );
    const defs = [];
    for (const g of gold) {
      for (const sym of g.symbols.filter(REAL_SYMBOL)) {
        const rows = q.all(g.path, sym);
        defs.push({ path: g.path, symbol: sym, ranges: rows.map((r) => [r.start, r.end]) });
      }
    }
    return defs;
  } finally {
    db.close();
  }
}

const symbolMatches = (resultSymbol, gold) => resultSymbol === gold || resultSymbol.endsWith(`.${gold}`);

/** File Acc@1/5/10 and function Acc@10 with the ranks, by the same definitions as `codectx eval` (eval/issue-metrics.ts). */
function searchMetrics(scoreIssue, results, gold) {
  const s = scoreIssue(results, gold);
  const yes = (x) => (x === null ? null : x === 1);
  return {
    fileAcc1: yes(s.fileAcc1),
    fileAcc5: yes(s.fileAcc5),
    fileAcc10: yes(s.fileAcc10),
    fileRank: s.fileRank,
    funcAcc10: yes(s.funcAcc10),
    funcRank: s.funcRank,
  };
}

function covered(range, shown) {
  // every line of range inside the union of shown ranges
  const [s, e] = range;
  const sorted = [...shown].sort((a, b) => a[0] - b[0]);
  let next = s;
  for (const [a, b] of sorted) {
    if (a > next) break;
    if (b >= next) next = b + 1;
    if (next > e) return true;
  }
  return next > e;
}

function contextMetrics(ctx, gold, defs) {
  const files = new Set(ctx.chunks.map((c) => c.path));
  const fileRecall = gold.every((g) => files.has(g.path));
  const shownIn = (path) =>
    ctx.chunks
      .filter((c) => c.path === path)
      .flatMap((c) => (Array.isArray(c.shown) && c.shown.length ? c.shown : [[c.startLine, c.endLine]]));
  const named = (d) =>
    ctx.chunks.some((c) => c.path === d.path && [c.symbol, ...(c.symbols ?? [])].some((s) => s && symbolMatches(s, d.symbol)));
  const whole = (d) => d.ranges.length > 0 && d.ranges.some((r) => covered(r, shownIn(d.path)));
  return {
    fileRecall,
    funcRecallWhole: defs.length ? defs.every(whole) : null,
    funcRecallNamed: defs.length ? defs.every((d) => named(d) || whole(d)) : null,
    defs: defs.map((d) => ({ def: `${d.path}::${d.symbol}`, whole: whole(d), named: named(d) })),
    usedTokens: ctx.usedTokens,
    blocks: ctx.chunks.length,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.snapshots && opts.replay) throw new Error('--snapshots and --replay go apart');
  // Replay packs in process only: the defaults are a variant like the others.
  if (opts.replay && opts.budgets.length) opts.variants.unshift({ name: 'default', options: {} });
  const variantNames = opts.budgets.length ? [...(opts.replay ? [] : ['cli']), ...opts.variants.map((v) => v.name)] : [];
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const engineLib = await import(lib);
  let instances = readFileSync(opts.suite, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  if (opts.repos) {
    instances = instances.filter((x) => opts.repos.includes(x.repo));
    instances.sort((a, b) => opts.repos.indexOf(a.repo) - opts.repos.indexOf(b.repo));
  }
  const rows = [];
  const skipped = [];
  if (opts.resume && existsSync(opts.out)) {
    const done = JSON.parse(readFileSync(opts.out, 'utf8')).rows ?? [];
    rows.push(...done.filter((r) => instances.some((x) => x.id === r.id)));
    instances = instances.filter((x) => !rows.some((r) => r.id === x.id));
  }
  const save = () => {
    mkdirSync(dirname(opts.out), { recursive: true });
    const summary = summarize(rows, opts, variantNames);
    writeFileSync(
      opts.out,
      `${JSON.stringify({ suite: opts.suite, date: new Date().toISOString(), modes: opts.modes, budgets: opts.budgets, variants: opts.variants, summary, skipped, rows }, null, 1)}\n`,
    );
    return summary;
  };
  const byRepo = new Map();
  for (const x of instances) {
    if (!byRepo.has(x.repo)) byRepo.set(x.repo, []);
    byRepo.get(x.repo).push(x);
  }
  if (opts.replay) await replay(byRepo, opts, rows, skipped, engineLib);
  else await indexAndScore(byRepo, opts, rows, skipped, save, engineLib);
  const summary = save();
  process.stdout.write(table(summary, opts, variantNames));
  if (skipped.length) process.stdout.write(`\nSkipped: ${skipped.map((s) => `${s.id} (${s.reason})`).join(', ')}\n`);
}

function progress(row) {
  const h = row.search.hybrid ?? Object.values(row.search)[0];
  const first = row.context.cli ?? Object.values(row.context)[0];
  const c = first?.[8000] ?? Object.values(first ?? {}).at(-1);
  process.stderr.write(
    `${row.id}: file rank ${h?.fileRank ?? '-'}, func rank ${h?.funcRank ?? (row.missingDefinitions.length ? 'missing' : '-')}${c ? `, ctx file ${c.fileRecall} func ${c.funcRecallWhole}/${c.funcRecallNamed}` : ''} (${row.index ? `${row.index.filesIndexed} files re-indexed, ` : ''}${row.ms} ms)\n`,
  );
}

/** Searches the kept indexes of --snapshots again with the engine of dist/lib.js: no checkout, no index run. */
async function replay(byRepo, opts, rows, skipped, { Engine, makeConfig, scoreIssue }) {
  for (const [repo, list] of byRepo) {
    const gitDir = opts.budgets.length ? mirrorFor(repo, opts.mirrors) : null;
    for (const x of opts.limit ? list.slice(0, opts.limit) : list) {
      const dir = join(opts.replay, x.id);
      if (!existsSync(join(dir, 'snapshot.json'))) {
        skipped.push({ id: x.id, reason: `no snapshot in ${dir}` });
        continue;
      }
      const t0 = Date.now();
      const { tree } = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8'));
      const defs = goldDefinitions(dir, x.gold);
      const row = {
        id: x.id,
        repo,
        gold: x.gold,
        missingDefinitions: defs.filter((d) => d.ranges.length === 0).map((d) => `${d.path}::${d.symbol}`),
        search: {},
        context: {},
      };
      // For search the tree folder only has to exist (the index remembers it; chunks come from the index alone); context
      // shows the files' lines as indexed, so it needs the tree of the instance's commit.
      mkdirSync(tree, { recursive: true });
      if (opts.budgets.length) {
        if (!gitDir) throw new Error(`context in --replay needs the mirror of ${repo}`);
        checkout(gitDir, tree, join(opts.work, `${repo.replace('/', '+')}.gitindex`), x.baseCommit);
      }
      const engine = Engine.open(makeConfig(tree, { indexDir: dir }));
      try {
        for (const mode of opts.modes) {
          const out = await engine.search(x.query, { limit: 50, mode });
          row.search[mode] = { ...searchMetrics(scoreIssue, out.results, x.gold), tookMs: out.tookMs };
        }
        await packVariants(engine, x, defs, opts, row);
      } finally {
        await engine.close();
      }
      row.ms = Date.now() - t0;
      rows.push(row);
      progress(row);
    }
  }
}

async function indexAndScore(byRepo, opts, rows, skipped, save, { Engine, makeConfig, scoreIssue }) {
  mkdirSync(opts.work, { recursive: true });
  for (const [repo, list] of byRepo) {
    const gitDir = mirrorFor(repo, opts.mirrors);
    if (!gitDir) {
      for (const x of list) skipped.push({ id: x.id, reason: `no mirror of ${repo}` });
      continue;
    }
    const slug = repo.replace('/', '+');
    const tree = join(opts.work, 'trees', slug);
    const indexDir = join(opts.work, 'index', slug);
    const gitIndex = join(opts.work, `${slug}.gitindex`);
    const todo = opts.limit ? list.slice(0, opts.limit) : list;
    for (const x of todo) {
      const t0 = Date.now();
      try {
        checkout(gitDir, tree, gitIndex, x.baseCommit);
      } catch (e) {
        skipped.push({
          id: x.id,
          reason: `checkout failed: ${
            String(e.stderr ?? e.message)
              .trim()
              .split('\n')[0]
          }`,
        });
        continue;
      }
      const common = ['--repo', tree, '--index-dir', indexDir];
      const idx = JSON.parse(run(['index', ...common, '--json']));
      if (opts.snapshots) {
        // The index as this instance sees it, for --replay (the CLI process has closed it: no WAL left to copy).
        const dir = join(opts.snapshots, x.id);
        rmSync(dir, { recursive: true, force: true });
        cpSync(indexDir, dir, { recursive: true });
        writeFileSync(join(dir, 'snapshot.json'), `${JSON.stringify({ id: x.id, repo, baseCommit: x.baseCommit, tree })}\n`);
      }
      const defs = goldDefinitions(indexDir, x.gold);
      const row = {
        id: x.id,
        repo,
        gold: x.gold,
        missingDefinitions: defs.filter((d) => d.ranges.length === 0).map((d) => `${d.path}::${d.symbol}`),
        index: { filesIndexed: idx.filesIndexed, files: idx.files, chunks: idx.chunks, elapsedMs: idx.elapsedMs },
        search: {},
        context: {},
      };
      const batch = join(opts.work, 'query.jsonl');
      writeFileSync(batch, `${JSON.stringify({ id: x.id, query: x.query })}\n`);
      for (const mode of opts.modes) {
        const out = JSON.parse(
          run(['search', '--batch', batch, ...common, '--limit', '50', '--mode', mode])
            .trim()
            .split('\n')[0],
        );
        row.search[mode] = { ...searchMetrics(scoreIssue, out.results, x.gold), tookMs: out.tookMs };
      }
      // One context process for every budget (codectx context --batch).
      writeFileSync(batch, opts.budgets.map((budget) => `${JSON.stringify({ id: budget, query: x.query, budget })}\n`).join(''));
      if (opts.budgets.length) {
        row.context.cli = {};
        for (const line of run(['context', '--batch', batch, ...common])
          .trim()
          .split('\n')) {
          const ctx = JSON.parse(line);
          row.context.cli[ctx.id] = contextMetrics(ctx, x.gold, defs);
        }
      }
      if (opts.variants.length) {
        const engine = Engine.open(makeConfig(tree, { indexDir }));
        try {
          await packVariants(engine, x, defs, opts, row);
        } finally {
          await engine.close();
        }
      }
      row.ms = Date.now() - t0;
      rows.push(row);
      save();
      progress(row);
    }
  }
}

/** Each --variant's context at each budget, packed in this process on the instance's index. */
async function packVariants(engine, x, defs, opts, row) {
  for (const v of opts.variants) {
    row.context[v.name] = {};
    for (const budget of opts.budgets) {
      const ctx = await engine.context(x.query, { ...v.options, budgetTokens: budget });
      row.context[v.name][budget] = contextMetrics(ctx, x.gold, defs);
    }
  }
}

function share(rows, get) {
  const vals = rows.map(get).filter((v) => v !== null && v !== undefined);
  return { n: vals.length, pct: vals.length ? (100 * vals.filter(Boolean).length) / vals.length : null };
}

function summarize(rows, opts, variantNames) {
  const groups = new Map([['all', rows]]);
  for (const r of rows) {
    if (!groups.has(r.repo)) groups.set(r.repo, []);
    groups.get(r.repo).push(r);
  }
  const out = {};
  for (const [name, rs] of groups) {
    const g = { instances: rs.length, search: {}, context: {} };
    for (const mode of opts.modes) {
      g.search[mode] = {
        fileAcc1: share(rs, (r) => r.search[mode].fileAcc1),
        fileAcc5: share(rs, (r) => r.search[mode].fileAcc5),
        fileAcc10: share(rs, (r) => r.search[mode].fileAcc10),
        funcAcc10: share(rs, (r) => r.search[mode].funcAcc10),
      };
    }
    for (const v of variantNames) {
      g.context[v] = {};
      for (const b of opts.budgets) {
        g.context[v][b] = {
          fileRecall: share(rs, (r) => r.context[v][b].fileRecall),
          funcRecallWhole: share(rs, (r) => r.context[v][b].funcRecallWhole),
          funcRecallNamed: share(rs, (r) => r.context[v][b].funcRecallNamed),
        };
      }
    }
    out[name] = g;
  }
  return out;
}

function table(summary, opts, variantNames) {
  const f = (s) => (s.pct === null ? '–' : `${s.pct.toFixed(1)}`);
  const groups = Object.keys(summary).sort((a, b) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)));
  let md = '';
  for (const mode of opts.modes) {
    md += `\nSearch (${mode}, --limit 50), % of instances:\n\n| repo | n | file Acc@1 | file Acc@5 | file Acc@10 | function Acc@10 (n) |\n|---|---|---|---|---|---|\n`;
    for (const g of groups) {
      const s = summary[g].search[mode];
      md += `| ${g} | ${summary[g].instances} | ${f(s.fileAcc1)} | ${f(s.fileAcc5)} | ${f(s.fileAcc10)} | ${f(s.funcAcc10)} (${s.funcAcc10.n}) |\n`;
    }
  }
  for (const v of variantNames) {
    const how =
      v === 'cli'
        ? 'codectx context --batch'
        : `variant ${v}: ${JSON.stringify(opts.variants.find((x) => x.name === v).options)}`;
    md += `\nContext (${how}), % of instances: file recall / function recall, whole definition shown / named (maybe trimmed):\n\n| repo | ${opts.budgets.map((b) => `${b / 1000}k`).join(' | ')} |\n|---|${opts.budgets.map(() => '---|').join('')}\n`;
    for (const g of groups) {
      const c = summary[g].context[v];
      md += `| ${g} | ${opts.budgets.map((b) => `${f(c[b].fileRecall)} / ${f(c[b].funcRecallWhole)} / ${f(c[b].funcRecallNamed)}`).join(' | ')} |\n`;
    }
  }
  return md;
}

await main();
