// Watches a repository and hands over changed paths in debounced batches (a branch switch is one batch).
// Invariant: the watcher never throws into its owner; failures arrive through `onError`, and the owner falls back.
// One `fs.watch` per folder (inotify reports what happens to a folder's entries), none per file: chokidar watched every
// file too, which cost ~120 MB of memory for the Go standard library and Django together; folders alone cost ~13 MB.
import { type Dirent, type FSWatcher, watch } from 'node:fs';
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

/** Watches `root`: one `fs.watch` per folder below it (ignored folders and symbolic links left out). */
export function watchRepository(root: string, options: WatchOptions): Watcher {
  return new FolderWatcher(root, options);
}

/** The folders watched, the paths pending for the next batch, and the debounce timer. */
class FolderWatcher implements Watcher {
  readonly ready: Promise<void>;
  private readonly pending = new Set<string>();
  private readonly folders = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failed = false;

  constructor(
    private readonly root: string,
    private readonly options: WatchOptions,
  ) {
    this.ready = this.watchTree('').catch((error) => this.fail(error as Error));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending.size === 0 || this.closed) return;
    const paths = [...this.pending];
    this.pending.clear();
    this.options.onBatch(paths);
  }

  /** The first failure goes to the owner, once; the owner falls back (a periodic rescan). */
  private fail(error: Error): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.options.onError(error);
  }

  /** Stops watching folder `rel` and every folder below it. */
  private unwatch(rel: string): void {
    for (const [dir, watcher] of this.folders) {
      if (dir !== rel && !dir.startsWith(`${rel}/`)) continue;
      watcher.close();
      this.folders.delete(dir);
    }
  }

  private onEvent(dir: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null) return;
    const rel = dir ? `${dir}/${name.toString()}` : name.toString();
    if (ignored(rel)) return;
    this.pending.add(rel);
    // Debounce: a burst of events (a checkout, a formatter over the tree) becomes one batch after a quiet period.
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs);
    // A folder that appeared is watched from now on (what it already holds is found by the run, which walks it);
    // one that went away takes its watchers along.
    lstat(join(this.root, rel)).then(
      (st) => {
        if (st.isDirectory() && !this.folders.has(rel)) void this.watchTree(rel);
      },
      () => this.unwatch(rel),
    );
  }

  /** Watches folder `rel` and every folder below it (symbolic links are not followed). */
  private async watchTree(rel: string): Promise<void> {
    if (this.closed || this.failed || this.folders.has(rel)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(join(this.root, rel), { persistent: true }, (_event, name) => this.onEvent(rel, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone or replaced by a file meanwhile: nothing to watch. Anything else (ENOSPC: out of inotify watches) fails.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.fail(error as Error);
      return;
    }
    watcher.on('error', (error) => {
      // A watched folder that was removed reports an error on some platforms; only a live folder's error counts.
      lstat(join(this.root, rel)).then(
        () => this.fail(error),
        () => this.unwatch(rel),
      );
    });
    this.folders.set(rel, watcher);
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || DEFAULT_IGNORED_DIRS.has(entry.name)) continue;
      await this.watchTree(rel ? `${rel}/${entry.name}` : entry.name);
    }
  }
}

/** A path inside an ignored folder (node_modules, .git, …): its events are dropped. */
function ignored(rel: string): boolean {
  return rel.split('/').some((part) => DEFAULT_IGNORED_DIRS.has(part));
}
