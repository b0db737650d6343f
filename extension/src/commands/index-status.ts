// codectx: Show Index Status and Reindex Workspace.
import * as vscode from 'vscode';
import type { FolderStatus } from '../../../server/src/protocol/requests.js';
import type { CodectxClient } from '../client.js';

function describe(f: FolderStatus): string {
  const mb = (f.indexBytes / 1e6).toFixed(1);
  const progress = f.progress ? `, ${f.progress.filesDone}/${f.progress.filesTotal} files` : '';
  return `${f.state}${progress} · ${f.files.toLocaleString('en-US')} files · ${f.chunks.toLocaleString('en-US')} chunks · embeddings ${f.embeddings} (${f.embedded.toLocaleString('en-US')}) · ${mb} MB`;
}

export function reindex(client: CodectxClient): (full?: boolean) => Promise<void> {
  return async (full = false) => {
    const { started } = await client.reindex(full === true);
    vscode.window.setStatusBarMessage(`codectx: reindexing ${started.length} folder(s)`, 4000);
  };
}

export function showStatus(client: CodectxClient): () => Promise<void> {
  return async () => {
    type Action = vscode.QuickPickItem & { run?: () => unknown };
    const items: Action[] = [];
    if (client.failure) items.push({ label: '$(error) The server is not running', detail: client.failure });
    else {
      try {
        const status = await client.status();
        for (const f of status.folders) {
          items.push({
            label: `$(database) ${f.path}`,
            description: f.state,
            detail: f.error ? `${describe(f)} · ${f.error}` : describe(f),
          });
        }
      } catch (error) {
        items.push({ label: '$(error) No status', detail: (error as Error).message });
      }
    }
    if (client.node)
      items.push({
        label: '$(server-process) Server runtime',
        detail: `${client.node.command} (Node ${client.node.version}): ${client.node.why}`,
      });
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(search) Search Codebase', run: () => vscode.commands.executeCommand('codectx.search') },
      {
        label: '$(refresh) Reindex Workspace',
        description: 'changed files',
        run: () => vscode.commands.executeCommand('codectx.reindex'),
      },
      { label: '$(refresh) Reindex Workspace (all files)', run: () => vscode.commands.executeCommand('codectx.reindex', true) },
      { label: '$(debug-restart) Restart Server', run: () => client.restart() },
      { label: '$(output) Show Server Log', run: () => client.output.show(true) },
      { label: '$(gear) Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'codectx') },
    );
    const chosen = await vscode.window.showQuickPick(items, { title: 'codectx index', matchOnDetail: true });
    await chosen?.run?.();
  };
}
