// Watches a repository and hands over changed paths in debounced batches (a branch switch is one batch).
// Invariant: the watcher never throws into its owner; failures arrive through `onError`, and the owner falls back.
// One `fs.watch` per folder (inotify reports what happens to a folder's entries), none per file: chokidar watched every
// file too, which cost ~120 MB of memory for the Go standard library and Django together; folders alone cost ~13 MB.
import { type FSWatcher, watch } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_IGNORED_DIRS } from './ignore-rules.js';

export interface WatchOptions {
  debounceMs: number;
  /** Repository-relative paths that were added, changed or removed (files or folders). */
  onBatch: (paths: string[]) => void;
  onError: (error: Error) => void;
}

export interface Watcher {
  /** Resolves once every folder is watched and events flow. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchRepository(root: string, options: WatchOptions): Watcher {
  const pending = new Set<string>();
  const folders = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failed = false;
  const flush = (): void => {
    timer = undefined;
    if (pending.size === 0 || closed) return;
    const paths = [...pending];
    pending.clear();
    options.onBatch(paths);
  };
  const fail = (error: Error): void => {
    if (failed || closed) return;
    failed = true;
    options.onError(error);
  };
  const ignored = (rel: string): boolean => rel.split('/').some((part) => DEFAULT_IGNORED_DIRS.has(part));
  const unwatch = (rel: string): void => {
    for (const [dir, watcher] of folders) {
      if (dir !== rel && !dir.startsWith(`${rel}/`)) continue;
      watcher.close();
      folders.delete(dir);
    }
  };

  const onEvent = (dir: string, name: string | Buffer | null): void => {
    if (closed) return;
    if (name === null) return;
    const rel = dir ? `${dir}/${name.toString()}` : name.toString();
    if (ignored(rel)) return;
    pending.add(rel);
    // Debounce: a burst of events (a checkout, a formatter over the tree) becomes one batch after a quiet period.
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs);
    // A folder that appeared is watched from now on (what it already holds is found by the run, which walks it);
    // one that went away takes its watchers along.
    lstat(join(root, rel)).then(
      (st) => {
        if (st.isDirectory() && !folders.has(rel)) void watchTree(rel);
      },
      () => unwatch(rel),
    );
  };

  /** Watches folder `rel` and every folder below it (symbolic links are not followed). */
  const watchTree = async (rel: string): Promise<void> => {
    if (closed || failed || folders.has(rel)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(join(root, rel), { persistent: true }, (_event, name) => onEvent(rel, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone or replaced by a file meanwhile: nothing to watch. Anything else (ENOSPC: out of inotify watches) fails.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') fail(error as Error);
      return;
    }
    watcher.on('error', (error) => {
      // A watched folder that was removed reports an error on some platforms; only a live folder's error counts.
      lstat(join(root, rel)).then(
        () => fail(error),
        () => unwatch(rel),
      );
    });
    folders.set(rel, watcher);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || DEFAULT_IGNORED_DIRS.has(entry.name)) continue;
      await watchTree(rel ? `${rel}/${entry.name}` : entry.name);
    }
  };

  const ready = watchTree('').catch((error) => fail(error as Error));
  return {
    ready,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of folders.values()) watcher.close();
      folders.clear();
    },
  };
}
