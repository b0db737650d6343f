// Starts the bundled codectx language server in a separate Node process for the workspace folders and talks to it.
// Invariant: at most MAX_RESTARTS restarts within RESTART_WINDOW_MS after crashes; then it stops and says why.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import {
  type ContextParams,
  ContextRequest,
  type ContextResponse,
  ReindexRequest,
  type SearchParams,
  SearchRequest,
  type SearchResponse,
  StatusRequest,
  type StatusResponse,
} from '../../server/src/protocol/requests.js';
import { e2eLog } from './e2e-log.js';
import { chooseNode, type NodeChoice, type NodeProbe } from './node-runtime.js';
import { nodeSetting, serverSettings } from './settings.js';

const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 3 * 60_000;
/** How many lines of the server's log to keep, to say why it stopped. */
const TAIL_LINES = 40;

/** Runs `command` as Node and reports its version and native-module ABI. */
function probeNode(command: string): Promise<NodeProbe | { error: string }> {
  const script = 'process.stdout.write(JSON.stringify([process.version, process.versions.modules, process.versions.electron]))';
  return new Promise((resolve) => {
    execFile(
      command,
      ['-e', script],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 10_000 },
      (error, stdout) => {
        if (error) return resolve({ error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.message });
        try {
          const [version, abi, electron] = JSON.parse(stdout) as [string, string, string | undefined];
          resolve({ version, abi, electron });
        } catch {
          resolve({ error: `unexpected output ${JSON.stringify(stdout.slice(0, 80))}` });
        }
      },
    );
  });
}

/**
 * Where the server lives: `server/dist/cli.js` inside the packaged extension (with one better-sqlite3 build per Node ABI
 * in `native/`), or the repository's dist/ when the extension runs from a checkout (extension/).
 */
export function serverLayout(extensionPath: string): { cli: string; nativeDir: string; packaged: boolean } | undefined {
  const packaged = join(extensionPath, 'server', 'dist', 'cli.js');
  if (existsSync(packaged)) return { cli: packaged, nativeDir: join(extensionPath, 'native', 'better-sqlite3'), packaged: true };
  const checkout = join(extensionPath, '..', 'dist', 'cli.js');
  if (existsSync(checkout)) return { cli: checkout, nativeDir: '', packaged: false };
  return undefined;
}

/** The last lines of the server's log (its stderr), to say why it stopped. */
class LogTail {
  private readonly lines: string[] = [];
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }
  /** The last error-looking line, to quote when the server keeps crashing. */
  lastError(): string | undefined {
    return [...this.lines].reverse().find((l) => /error|cannot|failed|exception/i.test(l));
  }
}

/** The extension's side of the language server: start, restart, stop, and the codectx/* requests. */
export class CodectxClient implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private readonly tail = new LogTail();
  private client: LanguageClient | undefined;
  private crashes: number[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the client starts, stops or fails; the status bar listens. */
  readonly onDidChange = this.changed.event;
  /** Why the server is not running, when it is not. */
  failure: string | undefined;
  node: NodeChoice | undefined;
  /** The server bundle (dist/cli.js) this extension runs; also what `codectx mcp` runs. */
  serverCli: string | undefined;

  constructor(private readonly extensionPath: string) {
    this.output = vscode.window.createOutputChannel('codectx', { log: true });
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<void> {
    this.failure = undefined;
    const layout = serverLayout(this.extensionPath);
    if (!layout)
      return this.fail(`the server bundle (server/dist/cli.js) is missing from ${this.extensionPath}: reinstall the extension`);
    this.serverCli = layout.cli;
    const shippedAbis =
      layout.packaged && existsSync(layout.nativeDir)
        ? readdirSync(layout.nativeDir).map((d) => d.replace(/^node-v(\d+).*/, '$1'))
        : [];
    const bindingFor = (abi: string): string | null => {
      if (!layout.packaged) return '';
      const file = join(layout.nativeDir, `node-v${abi}-linux-x64`, 'better_sqlite3.node');
      return process.platform === 'linux' && process.arch === 'x64' && existsSync(file) ? file : null;
    };
    const choice = await chooseNode({
      setting: nodeSetting(),
      execPath: process.execPath,
      hostVersion: process.version,
      hostAbi: process.versions.modules,
      hostElectron: process.versions.electron,
      bindingFor,
      shippedAbis,
      probe: probeNode,
    });
    if ('error' in choice) return this.fail(choice.error);
    this.node = choice;
    this.output.info(`running the server with ${choice.command} (Node ${choice.version}, ABI ${choice.abi}): ${choice.why}`);

    const serverOptions: ServerOptions = {
      command: choice.command,
      args: [layout.cli, 'serve', '--stdio'],
      options: { env: { ...process.env, ...choice.env } },
    };
    const clientOptions: LanguageClientOptions = {
      // The server indexes the workspace folders itself; it needs no document selector to do so, and sees open
      // buffers of every file type through text document sync.
      documentSelector: [{ scheme: 'file' }],
      initializationOptions: serverSettings(),
      outputChannel: this.output,
      // The server logs its progress and problems on stderr: into the channel, and the last lines kept to explain a crash.
      stdioOptions: {
        stdout: () => undefined,
        stderr: (input, channel) => {
          createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
            this.tail.push(line);
            channel.info(line);
          });
        },
      },
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: (): CloseHandlerResult => this.closed(),
      },
    };
    const client = new LanguageClient('codectx', 'codectx', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState(() => this.changed.fire());
    try {
      await client.start();
    } catch (error) {
      return this.fail(`the server did not start: ${(error as Error).message}`);
    }
    this.changed.fire();
  }

  private closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.crashes.length <= MAX_RESTARTS) {
      this.output.warn(`the server stopped; restarting (${this.crashes.length} of ${MAX_RESTARTS})`);
      return { action: CloseAction.Restart, handled: true };
    }
    const why = this.tail.lastError() ?? 'see the codectx output for its log';
    void this.fail(
      `the server stopped ${this.crashes.length} times in ${RESTART_WINDOW_MS / 60_000} minutes and was not restarted: ${why}`,
    );
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** Records why the server is not running and tells the user, without waiting for the notification to be closed. */
  private fail(message: string): void {
    this.failure = message;
    this.output.error(message);
    e2eLog({ event: 'error', message });
    this.changed.fire();
    void vscode.window.showErrorMessage(`codectx: ${message}`, 'Show Log', 'Open Settings').then((pick) => {
      if (pick === 'Show Log') this.output.show(true);
      if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'codectx');
    });
  }

  /** Sends changed settings; a different Node needs a new server process. */
  async settingsChanged(nodeChanged: boolean): Promise<void> {
    if (nodeChanged || !this.running) return this.restart();
    await this.client?.sendNotification(DidChangeConfigurationNotification.type, { settings: { codectx: serverSettings() } });
  }

  async restart(): Promise<void> {
    this.crashes = [];
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) await client.stop().catch(() => undefined);
    this.changed.fire();
  }

  private ready(): LanguageClient {
    if (!this.client || !this.running) throw new Error(this.failure ?? 'the codectx server is not running yet');
    return this.client;
  }

  search(params: SearchParams, token?: vscode.CancellationToken): Promise<SearchResponse> {
    return this.ready().sendRequest<SearchResponse>(SearchRequest.method, params, token);
  }

  context(params: ContextParams, token?: vscode.CancellationToken): Promise<ContextResponse> {
    return this.ready().sendRequest<ContextResponse>(ContextRequest.method, params, token);
  }

  status(): Promise<StatusResponse> {
    return this.ready().sendRequest<StatusResponse>(StatusRequest.method, {});
  }

  reindex(full = false): Promise<{ started: string[] }> {
    return this.ready().sendRequest<{ started: string[] }>(ReindexRequest.method, { full });
  }

  dispose(): void {
    void this.stop();
    this.output.dispose();
    this.changed.dispose();
  }
}
