// Walks a repository: nested .gitignore and .codectxignore files, default ignores, never out of the root.
// Invariant: every file under the root is either returned or recorded as skipped with a reason (ignored folders count once).
import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkipReason, WalkedFile } from '../model.js';
import { DEFAULT_IGNORED_DIRS, skipByName } from './ignore-rules.js';

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
}

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
  walker.visit('', walker.rulesFor(''));
  return walker.result;
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
  private readonly rules = new Map<string, RuleSet[]>();

  constructor(
    root: string,
    private readonly options: WalkOptions,
  ) {
    this.realRoot = realpathSync(root);
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

  visit(dirRel: string, rules: RuleSet[]): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(this.realRoot, dirRel), { withFileTypes: true });
    } catch {
      this.result.skipped.push({ path: dirRel, reason: 'unreadable', dir: true });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      this.entry(rel, e.name, e.isDirectory(), e.isFile(), e.isSymbolicLink(), rules);
    }
  }

  /** Judges one entry of a folder whose rules are `rules`: a file to index, a skip with its reason, or a folder to walk. */
  entry(rel: string, name: string, isDir: boolean, isFile: boolean, isLink: boolean, rules: RuleSet[]): void {
    const { files, skipped } = this.result;
    if (isLink) {
      const target = resolveLink(join(this.realRoot, rel), this.realRoot);
      if (typeof target === 'string') {
        skipped.push({ path: rel, reason: target, dir: false });
        return;
      }
      // A link to a folder inside the root would index the same files twice (or loop): only files are followed.
      if (target.isDirectory()) {
        skipped.push({ path: rel, reason: 'ignored', dir: true });
        return;
      }
      isDir = false;
      isFile = target.isFile();
    }
    if (isDir) {
      if (DEFAULT_IGNORED_DIRS.has(name) || isIgnored(rules, rel, true)) {
        skipped.push({ path: rel, reason: 'ignored', dir: true });
        return;
      }
      this.visit(rel, this.rulesFor(rel));
      return;
    }
    // Sockets, FIFOs and devices are not files anyone wants indexed; they are not reported either.
    if (!isFile) return;
    if (isIgnored(rules, rel, false)) {
      skipped.push({ path: rel, reason: 'ignored', dir: false });
      return;
    }
    const byName = skipByName(name);
    if (byName) {
      skipped.push({ path: rel, reason: byName, dir: false });
      return;
    }
    try {
      const st = statSync(join(this.realRoot, rel));
      if (st.size > this.options.maxFileBytes) skipped.push({ path: rel, reason: 'too-large', dir: false });
      else files.push({ path: rel, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
    } catch {
      // Vanished between readdir and stat: it is simply not there any more.
    }
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
