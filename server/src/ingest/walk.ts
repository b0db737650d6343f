// Walks a repository: nested .gitignore and .codectxignore files, default ignores, never out of the root.
// Invariant: every file under the root is either returned or recorded as skipped with a reason (ignored folders count once).
import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkipReason, WalkedFile } from '../model.js';
import { DEFAULT_IGNORED_DIRS, skipByName } from './ignore-rules.js';
import { type FolderMemo, loadWalkMemo, sameMemo, saveWalkMemo, type WalkMemo } from './walk-memo.js';

export interface Skipped {
  path: string;
  reason: SkipReason;
  /** True when a whole folder was skipped (its files are not counted one by one). */
  dir: boolean;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: Skipped[];
}

export interface WalkOptions {
  maxFileBytes: number;
  /**
   * A file for the walk's memo (walk-memo.ts): read before, written after when it changed. Folders whose listing and
   * ignore rules are as the previous walk recorded are not listed and judged again.
   */
  memoFile?: string;
}

/**
 * A folder or ignore file changed less than this long before the walk started is not remembered: a change within the
 * same tick of the file system's clock would leave its mtime as recorded (git's "racy" entries).
 */
const RACY_MS = 2000;

interface RuleSet {
  /** Repository-relative folder the rules were written in ('' for the root). */
  base: string;
  rules: Ignore;
}

/** The files whose change means the ignore rules changed. */
export const IGNORE_FILES = ['.gitignore', '.codectxignore'];

/** Walks `root` depth-first in a stable (sorted) order. I/O errors on single entries are recorded, never thrown. */
export function walkRepository(root: string, options: WalkOptions): WalkResult {
  const walker = new Walker(root, options);
  const file = options.memoFile;
  if (file) walker.previous = loadWalkMemo(file, walker.realRoot);
  walker.visit('', { changed: false, racy: false });
  if (file && !sameMemo(walker.previous, walker.memo)) saveWalkMemo(file, walker.realRoot, walker.memo);
  return walker.result;
}

/** What the folders above one say of its ignore rules. */
interface Above {
  /** An ignore file above changed since the memo (or is not known): no memo below can be trusted. */
  changed: boolean;
  /** An ignore file above changed too recently to record anything below (RACY_MS). */
  racy: boolean;
}

/**
 * Judges only the given repository-relative paths (from a file watcher) by the same rules as a walk; a path that is now
 * a folder is walked. Paths that no longer exist are returned as `missing`; paths under ignored folders are dropped.
 */
export function classifyPaths(root: string, paths: string[], options: WalkOptions): WalkResult & { missing: string[] } {
  const walker = new Walker(root, options);
  const missing: string[] = [];
  for (const rel of [...new Set(paths)].sort()) {
    const parts = rel.split('/');
    const dirs = parts.slice(0, -1);
    if (rel === '' || parts.some((p) => p === '..' || p === '') || dirs.some((d) => DEFAULT_IGNORED_DIRS.has(d))) continue;
    let ignoredAbove = false;
    for (let i = 1; i <= dirs.length && !ignoredAbove; i++) {
      const dir = dirs.slice(0, i).join('/');
      ignoredAbove = isIgnored(walker.rulesFor(dirs.slice(0, i - 1).join('/')), dir, true);
    }
    if (ignoredAbove) continue;
    let st: Stats;
    try {
      st = lstatSync(join(walker.realRoot, rel));
    } catch {
      missing.push(rel);
      continue;
    }
    walker.entry(
      rel,
      parts[parts.length - 1] ?? rel,
      st.isDirectory(),
      st.isFile(),
      st.isSymbolicLink(),
      walker.rulesFor(dirs.join('/')),
    );
  }
  return { ...walker.result, missing };
}

class Walker {
  readonly realRoot: string;
  readonly result: WalkResult = { files: [], skipped: [] };
  /** What this walk found, folder by folder, for the next one (folders changed too recently are left out). */
  readonly memo: WalkMemo = new Map();
  /** The previous walk's memo, if any. */
  previous: WalkMemo | undefined;
  private readonly rules = new Map<string, RuleSet[]>();
  private readonly started = Date.now();

  constructor(
    root: string,
    private readonly options: WalkOptions,
  ) {
    this.realRoot = realpathSync(root);
  }

  /** The given ignore files' paths, mtimes and sizes (those that are files), as one text; racy when one changed just now. */
  private ignoreFilesKey(rels: string[]): { key: string; racy: boolean } {
    let key = '';
    let racy = false;
    for (const rel of rels) {
      const st = lstatSync(join(this.realRoot, rel), { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      key += `${rel}@${st.mtimeMs}:${st.size}\n`;
      if (st.mtimeMs > this.started - RACY_MS) racy = true;
    }
    return { key, racy };
  }

  /** The rule sets that apply inside folder `dirRel`: the root's, then each folder's down to it. */
  rulesFor(dirRel: string): RuleSet[] {
    const cached = this.rules.get(dirRel);
    if (cached) return cached;
    let sets: RuleSet[];
    if (dirRel === '') {
      sets = loadRules(this.realRoot, '');
      const exclude = readText(join(this.realRoot, '.git', 'info', 'exclude'));
      if (exclude) sets.unshift({ base: '', rules: ignore().add(exclude) });
    } else {
      const parent = dirRel.includes('/') ? dirRel.slice(0, dirRel.lastIndexOf('/')) : '';
      sets = [...this.rulesFor(parent), ...loadRules(join(this.realRoot, dirRel), dirRel)];
    }
    this.rules.set(dirRel, sets);
    return sets;
  }

  /**
   * Walks folder `dirRel`: from its memo when the folder and the ignore files in and above it are as recorded (its
   * files are stat'ed, its links judged again), else by listing and judging every entry.
   */
  visit(dirRel: string, above: Above): void {
    const abs = dirRel ? `${this.realRoot}${sep}${dirRel}` : this.realRoot;
    let st: Stats | undefined;
    try {
      st = statSync(abs, { throwIfNoEntry: false });
    } catch {
      // Listed below, where an unreadable folder is reported.
    }
    const old = this.previous?.get(dirRel);
    if (st && old && !above.changed && old.mtimeMs === st.mtimeMs) {
      const own = this.ownRules(dirRel, old.names);
      if (own.key === old.rulesKey) {
        const racy = above.racy || own.racy;
        if (!racy) this.memo.set(dirRel, old);
        this.replay(dirRel, old, { changed: false, racy });
        return;
      }
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      this.result.skipped.push({ path: dirRel, reason: 'unreadable', dir: true });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const own = this.ownRules(
      dirRel,
      entries.map((e) => e.name),
    );
    const below: Above = { changed: above.changed || own.key !== old?.rulesKey, racy: above.racy || own.racy };
    const rules = this.rulesFor(dirRel);
    const names: string[] = [];
    const verdicts: string[] = [];
    for (const e of entries) {
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      const verdict = this.entry(rel, e.name, e.isDirectory(), e.isFile(), e.isSymbolicLink(), rules, below);
      const recorded = e.isSymbolicLink() ? 'l' : verdict;
      if (recorded) {
        names.push(e.name);
        verdicts.push(recorded);
      }
    }
    if (st && !below.racy && st.mtimeMs <= this.started - RACY_MS)
      this.memo.set(dirRel, { mtimeMs: st.mtimeMs, rulesKey: own.key, names, verdicts });
  }

  /** Folder `dirRel`'s own ignore files among `names` (its listing); the root's include `.git/info/exclude`. */
  private ownRules(dirRel: string, names: string[]): { key: string; racy: boolean } {
    const own = IGNORE_FILES.filter((f) => names.includes(f)).map((f) => (dirRel ? `${dirRel}/${f}` : f));
    return this.ignoreFilesKey(dirRel ? own : ['.git/info/exclude', ...own]);
  }

  /** A folder's entries as its memo records them: the verdicts by name and rules stand; files and links are looked at. */
  private replay(dirRel: string, memo: FolderMemo, below: Above): void {
    const { skipped } = this.result;
    // Each folder's prefixes once: a file's path and its absolute path are one concatenation each (76.6k on the kernel).
    const prefix = dirRel ? `${dirRel}/` : '';
    const absPrefix = `${this.realRoot}${sep}${prefix}`;
    const { names, verdicts } = memo;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const verdict = verdicts[i] as string;
      const rel = prefix + name;
      if (verdict === 'f') this.file(rel, absPrefix + name);
      else if (verdict === 'd') this.visit(rel, below);
      else if (verdict === 'l') this.entry(rel, name, false, false, true, this.rulesFor(dirRel), below);
      else if (verdict === 'ignored/') skipped.push({ path: rel, reason: 'ignored', dir: true });
      else skipped.push({ path: rel, reason: verdict as SkipReason, dir: false });
    }
  }

  /**
   * Judges one entry of a folder whose rules are `rules` (and its ignore files `own`): a file to index, a skip with its
   * reason, or a folder to walk. Returns the verdict a memo records (see FolderMemo), undefined for what is not reported.
   */
  entry(
    rel: string,
    name: string,
    isDir: boolean,
    isFile: boolean,
    isLink: boolean,
    rules: RuleSet[],
    below: Above = { changed: true, racy: true },
  ): string | undefined {
    const { skipped } = this.result;
    if (isLink) {
      const target = resolveLink(join(this.realRoot, rel), this.realRoot);
      if (typeof target === 'string') {
        skipped.push({ path: rel, reason: target, dir: false });
        return target;
      }
      // A link to a folder inside the root would index the same files twice (or loop): only files are followed.
      if (target.isDirectory()) {
        skipped.push({ path: rel, reason: 'ignored', dir: true });
        return 'ignored/';
      }
      isDir = false;
      isFile = target.isFile();
    }
    if (isDir) {
      if (DEFAULT_IGNORED_DIRS.has(name) || isIgnored(rules, rel, true)) {
        skipped.push({ path: rel, reason: 'ignored', dir: true });
        return 'ignored/';
      }
      this.visit(rel, below);
      return 'd';
    }
    // Sockets, FIFOs and devices are not files anyone wants indexed; they are not reported either.
    if (!isFile) return undefined;
    if (isIgnored(rules, rel, false)) {
      skipped.push({ path: rel, reason: 'ignored', dir: false });
      return 'ignored';
    }
    const byName = skipByName(name);
    if (byName) {
      skipped.push({ path: rel, reason: byName, dir: false });
      return byName;
    }
    this.file(rel);
    return 'f';
  }

  /** A file that passed the rules (its absolute path `abs`, when the caller has it): its size and mtime, or too large. */
  private file(rel: string, abs?: string): void {
    let st: Stats | undefined;
    try {
      // Concatenated, not join()ed: `rel` is already normal, and join's parsing was 6% of a search process on the kernel.
      st = statSync(abs ?? `${this.realRoot}${sep}${rel}`, { throwIfNoEntry: false });
    } catch {
      // Unreadable (a folder above lost its permissions): as if vanished.
    }
    // Vanished between readdir and stat: it is simply not there any more.
    if (!st) return;
    if (st.size > this.options.maxFileBytes) this.result.skipped.push({ path: rel, reason: 'too-large', dir: false });
    else this.result.files.push({ path: rel, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
  }
}

function loadRules(dirAbs: string, dirRel: string): RuleSet[] {
  const sets: RuleSet[] = [];
  for (const name of IGNORE_FILES) {
    const text = readText(join(dirAbs, name));
    if (text) sets.push({ base: dirRel, rules: ignore().add(text) });
  }
  return sets;
}

function isIgnored(sets: RuleSet[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const set of sets) {
    const local = set.base ? rel.slice(set.base.length + 1) : rel;
    // Later (deeper) files override earlier ones, negations included, as git does.
    const result = set.rules.test(isDir ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/** A link's target inside the root, or why it is not followed: it points nowhere, or out of the root. */
function resolveLink(abs: string, realRoot: string): Stats | 'symlink-dangling' | 'symlink-outside-root' {
  let target: string;
  try {
    target = realpathSync(abs);
  } catch {
    // realpath fails for a missing target (or a loop of links): nothing to read either way.
    return 'symlink-dangling';
  }
  const rel = relative(realRoot, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return 'symlink-outside-root';
  try {
    return statSync(target);
  } catch {
    return 'symlink-dangling';
  }
}

function readText(path: string): string | undefined {
  try {
    return lstatSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
