// The commit a repository's working tree is on, read from its .git files (no git process): what names a pushed manifest.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The commit id at HEAD, or undefined when `repo` is not a git work tree (or HEAD names no commit yet). */
export function gitHead(repo: string): string | undefined {
  try {
    let gitDir = join(repo, '.git');
    if (!existsSync(gitDir)) return undefined;
    // A linked worktree or submodule: .git is a file naming the real folder.
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return undefined;
      gitDir = resolve(repo, (m[1] as string).trim());
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return undefined;
    // Refs of a linked worktree live in the common folder.
    const common = existsSync(join(gitDir, 'commondir'))
      ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = join(dir, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [id, name] = line.split(' ');
        if (name === ref && id) return id;
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}
