// Watches a repository with chokidar and hands over changed paths in debounced batches (a branch switch is one batch).
// Invariant: the watcher never throws into its owner; failures arrive through `onError`, and the owner falls back.
import { relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { DEFAULT_IGNORED_DIRS } from './ignore-rules.js';

export interface WatchOptions {
  debounceMs: number;
  /** Repository-relative paths that were added, changed or removed (files or folders). */
  onBatch: (paths: string[]) => void;
  onError: (error: Error) => void;
}

export interface Watcher {
  /** Resolves once the initial scan is done and events flow. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchRepository(root: string, options: WatchOptions): Watcher {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const toRel = (abs: string): string => relative(root, abs).split(sep).join('/');
  const flush = (): void => {
    timer = undefined;
    if (pending.size === 0) return;
    const paths = [...pending];
    pending.clear();
    options.onBatch(paths);
  };
  const onEvent = (abs: string): void => {
    const rel = toRel(abs);
    if (!rel || rel.startsWith('..')) return;
    pending.add(rel);
    // Debounce: a burst of events (a checkout, a formatter over the tree) becomes one batch after a quiet period.
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(root, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: false,
      // Cheap structural filter only; .gitignore rules are applied to each batch by the index run.
      ignored: (path: string) => {
        const rel = toRel(path);
        return rel !== '' && rel.split('/').some((part) => DEFAULT_IGNORED_DIRS.has(part));
      },
    });
  } catch (error) {
    options.onError(error as Error);
    return { ready: Promise.resolve(), close: async () => {} };
  }
  for (const event of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) watcher.on(event, onEvent);
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
