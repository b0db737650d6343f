// The benchmark corpora (real code shipped by Debian packages), their installation, and plain file/line counts.
// Invariant: walks are sorted and never follow symbolic links, so counts and query samples are reproducible.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { extractGo, extractPython } from './queries.mjs';

export const CORPORA = {
  go: {
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
  },
  django: {
    name: 'django',
    title: 'Django 3.2',
    path: '/usr/lib/python3/dist-packages/django',
    pkg: 'python3-django',
    ext: '.py',
    language: 'Python',
    extract: extractPython,
    sampleFile: (rel) => rel.endsWith('.py') && !rel.endsWith('.py-tpl'),
  },
};

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Install from Debian whatever of the corpora, ripgrep and GNU time is missing. Returns the packages installed. */
export function ensureInstalled(corpora, log) {
  const missing = [];
  for (const c of corpora) if (!existsSync(c.path)) missing.push(c.pkg);
  if (!onPath('rg')) missing.push('ripgrep');
  if (!existsSync('/usr/bin/time')) missing.push('time');
  if (missing.length === 0) {
    log(`corpora and tools present: ${corpora.map((c) => c.path).join(', ')}, rg, /usr/bin/time`);
    return [];
  }
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
  for (const c of corpora) if (!existsSync(c.path)) throw new Error(`${c.pkg} installed but ${c.path} is missing`);
  return missing;
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
 * and the main language's source files (by extension) and their lines.
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
    if (f.rel.endsWith(corpus.ext)) {
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
