// The benchmark corpora (real code shipped by Debian packages), their installation, and plain file/line counts.
// Invariant: walks are sorted and never follow symbolic links, so counts and query samples are reproducible.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildQueries, extractC, extractGo, extractPython, hashSeed, prng, shuffle } from './queries.mjs';

/** The bench's work folder (git-ignored): queries, logs, kept indexes, and the trees of combined corpora. */
export const WORK = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), '.bench');

const go = {
  name: 'go',
  title: 'Go 1.19 standard library',
  // golang-1.19-src installs the tree under /usr/share/go-1.19; /usr/lib/go-1.19/src (a symlink to it) exists only
  // when golang-1.19-go is installed too, so the bench uses the real path.
  path: '/usr/share/go-1.19/src',
  pkg: 'golang-1.19-src',
  ext: '.go',
  language: 'Go',
  extract: extractGo,
  // testdata/ holds fixtures, not package code; tests would crowd the sample with TestXxx names; vendor/ is
  // vendored code, which codectx skips by default like other dependency folders.
  sampleFile: (rel) => rel.endsWith('.go') && !rel.endsWith('_test.go') && !/(^|\/)(testdata|vendor)\//.test(rel),
};

const django = {
  name: 'django',
  title: 'Django 3.2',
  path: '/usr/lib/python3/dist-packages/django',
  pkg: 'python3-django',
  ext: '.py',
  language: 'Python',
  extract: extractPython,
  sampleFile: (rel) => rel.endsWith('.py') && !rel.endsWith('.py-tpl'),
};

/**
 * The Linux kernel from Debian's `linux-source-6.1` (a tarball, not a tree): unpacked once into .bench/ by
 * `ensureInstalled`. Opt-in (`optIn`): `--corpus all` leaves it out, and neither `npm test` nor .ci/run runs it.
 * Source files are C (`.c` and `.h`); `tools/` is user-space code with its own copies of kernel headers, left out of the
 * query sample.
 */
const linux = {
  name: 'linux',
  title: 'Linux 6.1 kernel',
  path: join(WORK, 'corpus-linux'),
  tarball: '/usr/src/linux-source-6.1.tar.xz',
  pkg: 'linux-source-6.1',
  ext: '.c/.h',
  language: 'C',
  optIn: true,
  isSource: (rel) => rel.endsWith('.c') || rel.endsWith('.h'),
  extract: extractC,
  sampleFile: (rel) => rel.endsWith('.c') && !/^(tools|scripts|samples)\//.test(rel),
};

/**
 * A folder of a corpus as a corpus of its own (`--subdir fs`: the kernel's fs/, ~2k files), for a sample that a loaded
 * machine measures in minutes. Paths are relative to the folder; the tree is the parent's, installed as for it.
 */
export function subdirCorpus(corpus, subdir) {
  const dir = subdir.replace(/^\/+|\/+$/g, '');
  if (!dir || dir.split('/').includes('..')) throw new Error(`--subdir must be a folder inside the corpus: ${subdir}`);
  return {
    ...corpus,
    name: `${corpus.name}-${dir.replaceAll('/', '-')}`,
    title: `${corpus.title}, ${dir}/ only`,
    path: join(corpus.path, dir),
    subdir: dir,
    of: corpus,
  };
}

/**
 * A corpus made of other corpora (`parts`), to have one index larger than any of them: each part's tree is copied
 * (`cp -a`) into its own folder under one root in .bench/. Its source files, lines and queries are its parts', with
 * paths prefixed by the part's folder.
 */
function combined(name, title, parts) {
  return {
    name,
    title,
    path: join(WORK, `corpus-${name}`),
    parts,
    ext: parts.map((p) => p.corpus.ext).join(' + '),
    language: parts.map((p) => p.corpus.language).join(' + '),
  };
}

export const CORPORA = {
  go,
  django,
  'go+django': combined('go+django', 'Go 1.19 standard library + Django 3.2 in one index', [
    { dir: 'go', corpus: go },
    { dir: 'django', corpus: django },
  ]),
  linux,
};

/** The corpora whose trees come from a package: the corpus itself, or the parts of a combined one. */
function packaged(corpora) {
  return [...new Set(corpora.flatMap((c) => (c.parts ? c.parts.map((p) => p.corpus) : [c.of ?? c])))].filter((c) => !c.tarball);
}

/** The part of a combined corpus that holds `rel`, with the path inside that part; null outside every part. */
function partOf(corpus, rel) {
  const p = corpus.parts.find((x) => rel.startsWith(`${x.dir}/`));
  return p ? { corpus: p.corpus, dir: p.dir, rel: rel.slice(p.dir.length + 1) } : null;
}

/** Whether `rel` is a file of the corpus's main language (in a combined corpus: of its part's, in its part's folder). */
export function isSourceFile(corpus, rel) {
  if (corpus.isSource) return corpus.isSource(rel);
  if (!corpus.parts) return rel.endsWith(corpus.ext);
  const p = partOf(corpus, rel);
  return p ? isSourceFile(p.corpus, p.rel) : false;
}

/**
 * The corpus's queries (see buildQueries) from its walk's `files`. A combined corpus gets its parts' own queries, the
 * count split evenly between them (each part's are the first of those that corpus gets alone with the same seed),
 * source paths prefixed by the part's folder, shuffled together and numbered again.
 */
export function corpusQueries(corpus, files, count, seed) {
  if (!corpus.parts) {
    return buildQueries({
      files: files.filter((f) => corpus.sampleFile(f.rel)),
      extract: corpus.extract,
      count,
      seed: `${seed}:${corpus.name}`,
    });
  }
  const n = corpus.parts.length;
  const built = corpus.parts.map((p, i) => {
    const own = files.filter((f) => f.rel.startsWith(`${p.dir}/`)).map((f) => ({ ...f, rel: f.rel.slice(p.dir.length + 1) }));
    const b = corpusQueries(p.corpus, own, Math.floor(count / n) + (i < count % n ? 1 : 0), seed);
    return { ...b, queries: b.queries.map((q) => ({ ...q, source: { ...q.source, path: `${p.dir}/${q.source.path}` } })) };
  });
  const all = shuffle(
    built.flatMap((b) => b.queries),
    prng(hashSeed(`${seed}:${corpus.name}`)),
  );
  return {
    candidates: {
      identifier: built.reduce((a, b) => a + b.candidates.identifier, 0),
      natural: built.reduce((a, b) => a + b.candidates.natural, 0),
    },
    queries: all.map((q, k) => ({ ...q, id: `q${String(k + 1).padStart(4, '0')}` })),
  };
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Install from Debian whatever of the corpora, ripgrep and GNU time is missing, then copy the trees of combined
 * corpora that are not there yet. Returns the packages installed.
 */
export function ensureInstalled(corpora, log) {
  const trees = packaged(corpora);
  const missing = [];
  for (const c of trees) if (!existsSync(c.path)) missing.push(c.pkg);
  if (!onPath('rg')) missing.push('ripgrep');
  if (!existsSync('/usr/bin/time')) missing.push('time');
  if (missing.length === 0) {
    const present = [...trees.map((c) => c.path), ...corpora.filter((c) => (c.of ?? c).tarball).map((c) => (c.of ?? c).tarball)];
    log(`corpora and tools present: ${[...new Set(present), 'rg', '/usr/bin/time'].join(', ')}`);
  } else {
    if (process.getuid && process.getuid() !== 0) {
      throw new Error(
        `missing ${missing.join(' ')}; run as root or: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
      );
    }
    const install = () => {
      const args = ['install', '-y', '--no-install-recommends', ...missing];
      log(`running: apt-get ${args.join(' ')}`);
      // apt's output goes to stderr, so stdout stays free.
      return spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
        .status;
    };
    if (install() !== 0) {
      log('install failed; running: apt-get update, then trying again');
      spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2] });
      if (install() !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
    }
    for (const c of trees) if (!existsSync(c.path)) throw new Error(`${c.pkg} installed but ${c.path} is missing`);
  }
  for (const c of corpora) if (c.parts) copyParts(c, log);
  for (const c of new Set(corpora.map((x) => x.of ?? x))) if (c.tarball) unpackTarball(c, log);
  return missing;
}

/**
 * Unpack a corpus's tarball (its one top folder stripped) beside `corpus.path` and rename it into place, unless the
 * tree is there. The kernel's top-level .gitignore ends with Debian's packaging block (`/*` then `!/debian/`), which
 * ignores the whole tree for git and codectx alike; it is cut, upstream's rules stay.
 */
function unpackTarball(corpus, log) {
  if (existsSync(corpus.path)) return;
  if (!existsSync(corpus.tarball)) {
    throw new Error(`${corpus.tarball} is missing; run as root: apt-get install -y --no-install-recommends ${corpus.pkg}`);
  }
  const tmp = join(dirname(corpus.path), `.unpacking-${corpus.name}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`unpacking ${corpus.tarball} into ${corpus.path}`);
  const r = spawnSync('tar', ['-xJf', corpus.tarball, '-C', tmp, '--strip-components=1'], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`tar -xJf ${corpus.tarball} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  }
  const gitignore = join(tmp, '.gitignore');
  if (existsSync(gitignore)) writeFileSync(gitignore, withoutDebianBlock(readFileSync(gitignore, 'utf8')));
  renameSync(tmp, corpus.path);
}

/** The text of a .gitignore without a trailing Debian packaging block (its comment, `/*` and `!/debian/`). */
export function withoutDebianBlock(text) {
  const at = text.search(/\n#\n# Debian packaging:[\s\S]*?\n\/\*\n!\/debian\/\n?$/);
  return at === -1 ? text : `${text.slice(0, at)}\n`;
}

/**
 * Copy each part's tree into its folder of the combined corpus's root with `cp -a` (symbolic links stay links, never
 * followed), unless that folder exists. The copy is made beside the root and renamed into place when complete.
 */
function copyParts(corpus, log) {
  for (const p of corpus.parts) {
    const dest = join(corpus.path, p.dir);
    if (existsSync(dest)) continue;
    const tmp = join(dirname(corpus.path), `.copying-${corpus.name}-${p.dir}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(corpus.path, { recursive: true });
    const src = realpathSync(p.corpus.path);
    log(`copying ${src} to ${dest}`);
    const r = spawnSync('cp', ['-a', src, tmp], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`cp -a ${src} ${tmp} failed: ${(r.stderr || r.error?.message || '').trim()}`);
    }
    renameSync(tmp, dest);
  }
}

/** All regular files under root (sorted, depth first), with repository-relative paths; symlinks are counted, not followed. */
export function walk(root) {
  const files = [];
  let symlinks = 0;
  const visit = (dir, relDir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isSymbolicLink()) symlinks++;
      else if (e.isDirectory()) visit(abs, rel);
      else if (e.isFile()) files.push({ abs, rel });
    }
  };
  visit(realpathSync(root), '');
  return { files, symlinks };
}

function isBinary(buf) {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

function countLines(buf) {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
  return n;
}

/**
 * Count the corpus: all files, text files (no NUL byte in the first 8000 bytes, as git decides) and their lines,
 * and the main language's source files (by extension; a combined corpus: each part's in its folder) and their lines.
 */
export function countCorpus(corpus) {
  const { files, symlinks } = walk(corpus.path);
  const out = {
    files: files.length,
    symlinks,
    bytes: 0,
    textFiles: 0,
    textLines: 0,
    sourceFiles: 0,
    sourceLines: 0,
    sourceBytes: 0,
  };
  for (const f of files) {
    const buf = readFileSync(f.abs);
    out.bytes += buf.length;
    if (isSourceFile(corpus, f.rel)) {
      out.sourceFiles++;
      out.sourceBytes += buf.length;
      out.sourceLines += countLines(buf);
    }
    if (!isBinary(buf)) {
      out.textFiles++;
      out.textLines += countLines(buf);
    }
  }
  return { counts: out, files };
}
