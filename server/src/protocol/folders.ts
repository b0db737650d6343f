// The registry of workspace folders: each folder's live index (through Engine.live), its progress report, and which
// folder a URI belongs to. One chunking worker serves every folder: started by a large run, stopped when idle.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkDoneProgressReporter, WorkspaceFolder } from 'vscode-languageserver/node';
import { ConfigError } from '../config.js';
import { Engine, type LiveIndex, WorkerChunkPool } from '../engine.js';
import { pathInside, uriToPath } from './conversions.js';
import type { ServerSettings } from './requests.js';
import { folderConfig } from './settings.js';

/** One workspace folder and its live index. */
export interface Folder {
  uri: string;
  /** The folder's real path: the repository root of its index. */
  root: string;
  live: LiveIndex<Engine>;
  reporter?: WorkDoneProgressReporter;
}

/** A file inside a workspace folder: the folder and the repository-relative path. */
export interface Located {
  folder: Folder;
  path: string;
}

/** What the registry needs from the connection. */
export interface FolderHooks {
  log(message: string): void;
  warn(message: string): void;
  /** A new progress report in the client, or undefined when the client takes none. */
  createProgress(): Promise<WorkDoneProgressReporter> | undefined;
  /** A folder's first run is over (buffers opened before it can now be indexed). */
  onStarted(folder: Folder): void;
}

export class FolderRegistry {
  private readonly folders = new Map<string, Folder>();
  private readonly pool = new WorkerChunkPool();
  settings: ServerSettings = {};

  constructor(private readonly hooks: FolderHooks) {}

  /** Every folder, in the order they were added. */
  all(): Folder[] {
    return [...this.folders.values()];
  }

  get(uri: string): Folder | undefined {
    return this.folders.get(uri);
  }

  /** True while some folder answers from a partial index. */
  get partial(): boolean {
    return this.all().some((f) => f.live.partial);
  }

  /** Starts indexing a folder; a URI that is not a folder on this machine is reported and left out. */
  add(workspaceFolder: WorkspaceFolder): void {
    if (this.folders.has(workspaceFolder.uri)) return;
    let root: string;
    let config: ReturnType<typeof folderConfig>;
    try {
      root = realpathSync(fileURLToPath(workspaceFolder.uri));
      config = folderConfig(root, this.settings);
    } catch (error) {
      const why = error instanceof ConfigError ? error.message : 'not a folder on this machine';
      this.hooks.warn(`codectx: cannot index ${workspaceFolder.uri}: ${why}`);
      return;
    }
    const folder: Folder = { uri: workspaceFolder.uri, root, live: undefined as unknown as LiveIndex<Engine> };
    folder.live = Engine.live(config, {
      watch: this.settings.watch !== false,
      debounceMs: this.settings.debounceMs ?? 150,
      log: (message) => {
        this.hooks.log(message);
        if (/watcher .* failed/.test(message)) this.hooks.warn(message);
      },
      onProgress: (p) => void this.reportProgress(folder, p.phase, p.filesDone, p.filesTotal),
      chunker: this.pool,
    });
    this.folders.set(folder.uri, folder);
    void folder.live.start().then(() => this.hooks.onStarted(folder));
  }

  async remove(uri: string): Promise<void> {
    const folder = this.folders.get(uri);
    if (!folder) return;
    this.folders.delete(uri);
    folder.reporter?.done();
    await folder.live.dispose();
  }

  /** Closes and reopens every folder (after a setting that changes the index or the watcher). */
  async restart(): Promise<void> {
    const current = this.all().map((f) => ({ uri: f.uri, name: f.root }));
    for (const f of current) await this.remove(f.uri);
    for (const f of current) this.add(f);
  }

  /** Closes every folder and stops the chunking worker. */
  async close(): Promise<void> {
    for (const uri of [...this.folders.keys()]) await this.remove(uri);
    await this.pool.close();
  }

  /** The innermost folder holding a file URI, with the file's repository-relative path; undefined outside them all. */
  locate(uri: string): Located | undefined {
    const abs = uriToPath(uri);
    if (!abs) return undefined;
    let best: Located | undefined;
    for (const folder of this.folders.values()) {
      const path = pathInside(folder.root, abs);
      if (path !== undefined && (!best || folder.root.length > best.folder.root.length)) best = { folder, path };
    }
    return best;
  }

  /** A deleted file no longer resolves through realpath: match it lexically. */
  locateDeleted(uri: string): Located | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const abs = resolve(fileURLToPath(uri));
    for (const folder of this.folders.values()) {
      const path = pathInside(folder.root, abs);
      if (path !== undefined) return { folder, path };
    }
    return undefined;
  }

  private async reportProgress(folder: Folder, phase: string, done: number, total: number): Promise<void> {
    if (phase === 'walk' && !folder.reporter) {
      const reporter = await this.hooks.createProgress();
      if (!reporter) return;
      folder.reporter = reporter;
      reporter.begin(`codectx: indexing ${folder.root}`, 0, `${total} files`, false);
      return;
    }
    if (!folder.reporter) return;
    if (phase === 'done') {
      folder.reporter.done();
      folder.reporter = undefined;
    } else folder.reporter.report(total ? Math.round((done / total) * 100) : 0, `${done}/${total} files`);
  }
}
