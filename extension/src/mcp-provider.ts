// Offers `codectx mcp` to VS Code's agents through registerMcpServerDefinitionProvider where the editor has it
// (VS Code ≥ 1.101); on older editors this registers nothing and the rest of the extension works as before.
import * as vscode from 'vscode';
import type { CodectxClient } from './client.js';
import { mcpServers } from './mcp-servers.js';

export function registerMcpProvider(client: CodectxClient): vscode.Disposable {
  const lm = vscode.lm as Partial<typeof vscode.lm>;
  if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || !vscode.McpStdioServerDefinition) {
    return new vscode.Disposable(() => {});
  }
  const changed = new vscode.EventEmitter<void>();
  const subscriptions = [
    changed,
    client.onDidChange(() => changed.fire()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
  ];
  const provider: vscode.McpServerDefinitionProvider = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const folders = (vscode.workspace.workspaceFolders ?? [])
        .filter((f) => f.uri.scheme === 'file')
        .map((f) => ({ name: f.name, path: f.uri.fsPath }));
      return mcpServers(folders, client.node, client.serverCli).map(
        (s) => new vscode.McpStdioServerDefinition(s.label, s.command, s.args, s.env),
      );
    },
  };
  subscriptions.push(lm.registerMcpServerDefinitionProvider('codectx.mcp', provider));
  return vscode.Disposable.from(...subscriptions);
}
