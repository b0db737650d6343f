// The extension's entry: activate wires the client, chat participant, tools, commands and status bar; nothing else.
import * as vscode from 'vscode';
import { registerParticipant } from './chat/participant.js';
import { CodectxClient } from './client.js';
import { copyContext } from './commands/copy-context.js';
import { reindex, showStatus } from './commands/index-status.js';
import { searchCodebase } from './commands/search-codebase.js';
import { e2eLog } from './e2e-log.js';
import { registerMcpProvider } from './mcp-provider.js';
import { StatusBar } from './status-bar.js';
import { registerTools } from './tools/register-tools.js';

let client: CodectxClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = new CodectxClient(context.extensionPath);
  const c = client;
  const guarded =
    (name: string, run: (...args: never[]) => Promise<unknown>) =>
    async (...args: never[]) => {
      try {
        await run(...args);
      } catch (error) {
        const message = (error as Error).message;
        e2eLog({ event: 'error', message: `${name}: ${message}` });
        vscode.window.showErrorMessage(`codectx: ${message}`);
      }
    };
  context.subscriptions.push(
    c,
    new StatusBar(c),
    registerParticipant(c),
    registerTools(c),
    registerMcpProvider(c),
    vscode.commands.registerCommand('codectx.search', guarded('search', searchCodebase(c))),
    vscode.commands.registerCommand('codectx.copyContext', guarded('copyContext', copyContext(c))),
    vscode.commands.registerCommand('codectx.reindex', guarded('reindex', reindex(c))),
    vscode.commands.registerCommand('codectx.showStatus', guarded('showStatus', showStatus(c))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('codectx')) void c.settingsChanged(e.affectsConfiguration('codectx.server.node'));
    }),
  );
  e2eLog({ event: 'activated' });
  await c.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
