// The grep baseline: files ranked by how many distinct query words ripgrep finds in them, ties by total matches.
// Invariant: results are whole files (line 1 to the last line); the ranking is deterministic (ties end by path).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from './metrics.js';

/** ripgrep is not installed (or not runnable); the eval command exits 3 and says how to install it. */
export class ToolMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolMissingError';
  }
}

/** English function words and question words that say nothing about where code is. */
const STOP_WORDS = new Set(
  (
    'the and for are but not you all any can has have had its into was were one our out use who how may must that this ' +
    'with from they them then than there these those such will would should could been being also only when what which ' +
    'where while whose does did done each other some more most same very just over under upon whether why'
  ).split(' '),
);

/** The words ripgrep searches for: lowercase runs of [a-z0-9_] of ≥ 3 characters, stop words removed, first-seen order. */
export function queryWords(query: string): string[] {
  const words = query.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  return [...new Set(words.filter((w) => w.length >= 3 && !STOP_WORDS.has(w)))];
}

/** Throws ToolMissingError when `bin --version` does not run. */
export function checkRipgrep(bin = 'rg'): void {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0)
    throw new ToolMissingError(
      `ripgrep ('${bin}') is needed by the grep mode and did not run: install ripgrep: apt-get install ripgrep`,
    );
}

interface FileCount {
  path: string;
  words: Set<string>;
  matches: number;
}

/** Orders files by distinct words found, then total matches, then path (code-unit order, not locale). */
export function rankFiles(counts: FileCount[]): FileCount[] {
  return counts
    .slice()
    .sort((a, b) => b.words.size - a.words.size || b.matches - a.matches || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function lineCount(file: string): number {
  try {
    const text = readFileSync(file, 'utf8');
    if (text === '') return 1;
    const n = text.split('\n').length;
    return text.endsWith('\n') ? n - 1 : n;
  } catch {
    return 1;
  }
}

/**
 * Runs one ripgrep over `repo` for all the query's words (fixed strings, case-insensitive, `-o` so every match is a
 * line) and returns the top `k` files as whole-file spans. ripgrep's own defaults decide which files it reads
 * (hidden and binary files skipped; no ignore files above `repo`).
 */
export function grepFiles(repo: string, query: string, k: number, bin = 'rg'): Promise<Span[]> {
  const words = queryWords(query);
  if (words.length === 0) return Promise.resolve([]);
  const byWord = new Map(words.map((w) => [w, w]));
  const args = ['--no-config', '--no-ignore-parent', '--no-messages', '--color', 'never', '-i', '-F', '-o', '--null'];
  args.push('--with-filename', '--no-heading', '--no-line-number');
  for (const w of words) args.push('-e', w);
  args.push('.');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
    const files = new Map<string, FileCount>();
    let rest = '';
    const take = (line: string) => {
      const nul = line.indexOf('\0');
      if (nul < 0) return;
      const path = line.slice(0, nul).replace(/^\.\//, '');
      const word = byWord.get(line.slice(nul + 1).toLowerCase());
      let f = files.get(path);
      if (!f) {
        f = { path, words: new Set(), matches: 0 };
        files.set(path, f);
      }
      f.matches++;
      if (word) f.words.add(word);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) take(line);
    });
    child.on('error', (error) =>
      reject(new ToolMissingError(`ripgrep ('${bin}') did not run (${error.message}): install ripgrep: apt-get install ripgrep`)),
    );
    child.on('close', () => {
      if (rest) take(rest);
      // Exit 1 means no match; 2 means some file could not be read, and the matches found still count.
      const ranked = rankFiles([...files.values()]).slice(0, k);
      resolve(ranked.map((f) => ({ path: f.path, startLine: 1, endLine: lineCount(join(repo, f.path)) })));
    });
  });
}
