// The MCP server: registers the tools of tools.ts over one repository's live index (the language server's LiveIndex,
// so the index, its writer lock and its file watcher are shared with every other codectx process on that repository).
// Invariant: the repository is `repo` when given, else the client's first file:// root, else the working folder; tool
// calls never wait for indexing, only for that choice (made once, right after the client's `initialized`).
import { realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Config } from '../config.js';
import { Engine, WorkerChunkPool } from '../engine.js';
import { type RepoIndex, TOOLS } from './tools.js';

export interface McpServerOptions {
  /** The repository given on the command line; without it, the client's roots or `cwd`. */
  repo?: string;
  cwd: string;
  /** The configuration of a repository (index folder, embedder, limits). */
  configFor: (repo: string) => Config;
  log: (message: string) => void;
  /** Watch the repository for changes (default true). */
  watch?: boolean;
}

/** How long to wait for the client's answer to roots/list before using the working folder. */
const ROOTS_TIMEOUT_MS = 5000;

const INSTRUCTIONS = `codectx indexes this repository locally (nothing leaves the machine) and keeps the index fresh as files change.
Use \`search\` to find where something is (ranked chunks with path:start-end), \`symbols\` to find a definition by name,
\`context\` to get the relevant code for a task packed into a token budget, and \`status\` to see how complete the index is.
Every answer starts with \`partial: true|false\`: true means indexing was still running and results may miss files.`;

export class CodectxMcpServer {
  readonly mcp: McpServer;
  private index: Promise<RepoIndex> | undefined;
  private readonly pool = new WorkerChunkPool();
  private live: RepoIndex['live'] | undefined;
  private closed = false;

  constructor(private readonly options: McpServerOptions) {
    this.mcp = new McpServer({ name: 'codectx', version: '0.1.0' }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
    for (const tool of TOOLS) {
      this.mcp.registerTool(
        tool.name,
        {
          title: tool.title,
          description: tool.description,
          inputSchema: tool.inputSchema,
          annotations: { title: tool.title, readOnlyHint: true, openWorldHint: false },
        },
        // The SDK validated the arguments against the schema; the handler never throws (errors become isError results).
        async (args: unknown) =>
          (tool.handler as (i: RepoIndex, a: unknown) => ReturnType<typeof tool.handler>)(await this.repoIndex(), args),
      );
    }
    // With --repo the index starts now, before the client has even initialized: the first search comes sooner.
    if (options.repo) this.index = Promise.resolve(this.open(options.repo));
    else this.mcp.server.oninitialized = () => void this.repoIndex();
  }

  /** The repository's index, opened on first need. */
  repoIndex(): Promise<RepoIndex> {
    this.index ??= this.chooseRepo().then((root) => this.open(root));
    return this.index;
  }

  /** Stops indexing, releases the writer lock and closes the index. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.live?.dispose();
    await this.pool.close();
    await this.mcp.close().catch(() => {});
  }

  private open(root: string): RepoIndex {
    const config = this.options.configFor(root);
    const live = Engine.live(config, {
      watch: this.options.watch !== false,
      debounceMs: 150,
      log: this.options.log,
      chunker: this.pool,
    });
    this.live = live;
    this.options.log(`codectx: serving ${config.repo} (index ${config.indexDir})`);
    // Never awaited: the first run goes on while tools answer from what is indexed so far.
    void live.start();
    return { root: config.repo, live };
  }

  /** The client's first file:// root that is a folder, else the working folder. */
  private async chooseRepo(): Promise<string> {
    if (this.mcp.server.getClientCapabilities()?.roots) {
      try {
        const { roots } = await this.mcp.server.listRoots(undefined, { timeout: ROOTS_TIMEOUT_MS });
        const folders = roots.flatMap((r) => {
          const path = folderOf(r.uri);
          return path ? [path] : [];
        });
        if (folders.length > 1)
          this.options.log(`codectx: the client has ${folders.length} roots; serving the first, ${folders[0]}`);
        if (folders[0]) return folders[0];
        this.options.log(`codectx: no root of the client is a local folder; serving ${this.options.cwd}`);
      } catch (error) {
        this.options.log(`codectx: roots/list failed (${(error as Error).message}); serving ${this.options.cwd}`);
      }
    }
    return this.options.cwd;
  }
}

/** The local folder of a file:// URI, or undefined (another scheme, or not a folder on this machine). */
export function folderOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    const path = realpathSync(fileURLToPath(uri));
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}
