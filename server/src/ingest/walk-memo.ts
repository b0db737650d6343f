// What a walk remembers of each folder between runs, in a file beside the index (`walk-memo.json`), so that a folder
// whose listing and ignore rules are unchanged is neither listed nor matched again. Invariant: a broken, foreign or
// outdated memo file reads as no memo (the walk lists everything); writing it never fails a run.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { RULES_FINGERPRINT } from './ignore-rules.js';

/**
 * One folder as a walk judged it: its mtime then (an entry added, removed or renamed changes it), the ignore files that
 * judged it (`rulesKey`: their paths, mtimes and sizes, from the root down), and its entries in walk order, each with
 * its verdict: `f` a file (stat'ed again every walk: a changed file does not change its folder), `d` a folder walked,
 * `l` a symbolic link (judged again every walk: its target can change), `ignored/` an ignored folder, or the skip
 * reason of a file (`ignored`, `binary`, `secret`, …).
 */
export interface FolderMemo {
  mtimeMs: number;
  rulesKey: string;
  /** The entries' names and their verdicts, index by index. */
  names: string[];
  verdicts: string[];
}

/** The memo's file name in the index folder. */
export const WALK_MEMO_FILE = 'walk-memo.json';

/** Repository-relative folder ('' for the root) → what the walk found in it. */
export type WalkMemo = Map<string, FolderMemo>;

/**
 * Bumped when the file's shape changes; the rules' own changes are in RULES_FINGERPRINT. Format 2 keeps a folder's
 * names in one string (joined by `/`, which no name holds) and its verdicts in another (joined by `,`): format 1's
 * pair per entry was 83k small arrays on the kernel, parsed and then carried through every scavenge of a search.
 */
const FORMAT = 2;
const RULES = createHash('sha1').update(RULES_FINGERPRINT).digest('hex');

interface MemoFile {
  format: number;
  rules: string;
  root: string;
  folders: [dir: string, mtimeMs: number, rulesKey: string, names: string, verdicts: string][];
}

/** The memo written for the repository at `realRoot`, or undefined (none, unreadable, or for other rules or another root). */
export function loadWalkMemo(path: string, realRoot: string): WalkMemo | undefined {
  let file: MemoFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as MemoFile;
  } catch {
    return undefined;
  }
  if (file?.format !== FORMAT || file.rules !== RULES || file.root !== realRoot || !Array.isArray(file.folders)) return undefined;
  const memo: WalkMemo = new Map();
  for (const [dir, mtimeMs, rulesKey, names, verdicts] of file.folders) {
    const m = { mtimeMs, rulesKey, names: splitList(names, '/'), verdicts: splitList(verdicts, ',') };
    if (m.names.length !== m.verdicts.length) return undefined;
    memo.set(dir, m);
  }
  return memo;
}

/** Whether `next` holds the same folders as `previous`, each as recorded then (nothing to write). */
export function sameMemo(previous: WalkMemo | undefined, next: WalkMemo): boolean {
  if (!previous || previous.size !== next.size) return false;
  for (const [dir, m] of next) if (previous.get(dir) !== m) return false;
  return true;
}

/** Writes the memo (a temporary file renamed over the old one). Returns false when it could not be written. */
export function saveWalkMemo(path: string, realRoot: string, memo: WalkMemo): boolean {
  const file: MemoFile = {
    format: FORMAT,
    rules: RULES,
    root: realRoot,
    folders: [...memo].map(([dir, m]) => [dir, m.mtimeMs, m.rulesKey, m.names.join('/'), m.verdicts.join(',')]),
  };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(file));
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // A folder this process cannot write: there is no temporary file to remove either.
    }
    return false;
  }
}

/** The items of a list joined by `separator` (an empty string is no item). */
function splitList(text: string, separator: string): string[] {
  return typeof text === 'string' && text !== '' ? text.split(separator) : [];
}
