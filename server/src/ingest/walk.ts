// Walks a repository: nested .gitignore and .codectxignore files, default ignores, never out of the root.
// Invariant: every file under the root is either returned or recorded as skipped with a reason (ignored folders count once).
import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
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

const IGNORE_FILES = ['.gitignore', '.codectxignore'];

/** Walks `root` depth-first in a stable (sorted) order. I/O errors on single entries are recorded, never thrown. */
export function walkRepository(root: string, options: WalkOptions): WalkResult {
  const realRoot = realpathSync(root);
  const files: WalkedFile[] = [];
  const skipped: Skipped[] = [];
  const rootRules = loadRules(realRoot, '');
  const exclude = readText(join(realRoot, '.git', 'info', 'exclude'));
  if (exclude) rootRules.unshift({ base: '', rules: ignore().add(exclude) });

  const visit = (dirAbs: string, dirRel: string, inherited: RuleSet[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch {
      skipped.push({ path: dirRel, reason: 'unreadable', dir: true });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rules = dirRel === '' ? inherited : [...inherited, ...loadRules(dirAbs, dirRel)];
    for (const entry of entries) {
      const abs = join(dirAbs, entry.name);
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = resolveLink(abs, realRoot);
        if (target === undefined) {
          skipped.push({ path: rel, reason: 'symlink-outside-root', dir: false });
          continue;
        }
        // A link to a folder inside the root would index the same files twice (or loop): only files are followed.
        if (target.isDirectory()) {
          skipped.push({ path: rel, reason: 'ignored', dir: true });
          continue;
        }
        isDir = false;
        isFile = target.isFile();
      }
      if (isDir) {
        if (DEFAULT_IGNORED_DIRS.has(entry.name) || isIgnored(rules, rel, true)) {
          skipped.push({ path: rel, reason: 'ignored', dir: true });
          continue;
        }
        visit(abs, rel, rules);
      } else if (isFile) {
        if (isIgnored(rules, rel, false)) {
          skipped.push({ path: rel, reason: 'ignored', dir: false });
          continue;
        }
        const byName = skipByName(entry.name);
        if (byName) {
          skipped.push({ path: rel, reason: byName, dir: false });
          continue;
        }
        try {
          const st = statSync(abs);
          if (st.size > options.maxFileBytes) skipped.push({ path: rel, reason: 'too-large', dir: false });
          else files.push({ path: rel, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
        } catch {
          // Vanished between readdir and stat: it is simply not there any more.
        }
      }
      // Sockets, FIFOs and devices are not files anyone wants indexed; they are not reported either.
    }
  };
  visit(realRoot, '', rootRules);
  return { files, skipped };
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

function resolveLink(abs: string, realRoot: string): ReturnType<typeof statSync> | undefined {
  try {
    const target = realpathSync(abs);
    const rel = relative(realRoot, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
    return statSync(target);
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return lstatSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
