// The language server: wires the LSP lifecycle, workspace folders, settings, document sync and the codectx/* requests
// to their handlers. Invariant: only this folder knows LSP; handlers reach the index only through the Engine.
import {
  type CancellationToken,
  type Connection,
  FileChangeType,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BufferSync } from './buffers.js';
import { type Folder, FolderRegistry } from './folders.js';
import { handleContext, handleReindex, handleRelated, handleSearch, handleStatus, handleWorkspaceSymbol } from './handlers.js';
import { ContextRequest, ReindexRequest, RelatedRequest, SearchRequest, StatusRequest } from './requests.js';
import { needsRestart, readSettings } from './settings.js';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let workDoneProgress = false;
  let clientFolders = false;
  let pendingFolders: WorkspaceFolder[] = [];
  const folders: FolderRegistry = new FolderRegistry({
    log: (message) => connection.console.info(message),
    // A notification, not window/showMessageRequest: nothing to answer, so a client without that request (which
    // answers MethodNotFound) cannot end the server with an unhandled rejection.
    warn: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }),
    createProgress: () => (workDoneProgress ? connection.window.createWorkDoneProgress() : undefined),
    onStarted: () => buffers.resync(),
  });
  const buffers = new BufferSync(documents, folders);

  connection.onInitialize((params) => {
    folders.settings = readSettings(params.initializationOptions);
    workDoneProgress = params.capabilities.window?.workDoneProgress === true;
    clientFolders = params.capabilities.workspace?.workspaceFolders === true;
    // Folders start in onInitialized, once the client can receive progress.
    pendingFolders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        workspaceSymbolProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'codectx', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    for (const f of pendingFolders) folders.add(f);
    pendingFolders = [];
    if (!clientFolders) return;
    connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
      for (const f of event.removed) await folders.remove(f.uri);
      for (const f of event.added) folders.add(f);
    });
  });

  connection.onDidChangeConfiguration(async (change) => {
    const next = readSettings((change.settings as { codectx?: unknown } | undefined)?.codectx ?? change.settings);
    const restart = needsRestart(folders.settings, next);
    folders.settings = next;
    if (restart) await folders.restart();
  });

  documents.onDidChangeContent((event) => buffers.changed(event.document.uri));
  documents.onDidClose((event) => buffers.closed(event.document.uri));
  documents.listen(connection);

  connection.onDidChangeWatchedFiles((params) => {
    const byFolder = new Map<Folder, string[]>();
    for (const change of params.changes) {
      const where =
        folders.locate(change.uri) ?? (change.type === FileChangeType.Deleted ? folders.locateDeleted(change.uri) : undefined);
      if (where) byFolder.set(where.folder, [...(byFolder.get(where.folder) ?? []), where.path]);
    }
    for (const [folder, paths] of byFolder) void folder.live.filesChanged(paths);
  });

  connection.onRequest(SearchRequest.type, (params, token) => cancellable(token, () => handleSearch(folders, params)));
  connection.onRequest(ContextRequest.type, (params, token) => cancellable(token, () => handleContext(folders, params)));
  connection.onRequest(RelatedRequest.type, (params, token) => cancellable(token, () => handleRelated(folders, params)));
  connection.onRequest(StatusRequest.type, () => handleStatus(folders));
  connection.onRequest(ReindexRequest.type, (params) => handleReindex(folders, params));
  connection.onWorkspaceSymbol((params, token) => cancellable(token, () => handleWorkspaceSymbol(folders, params.query)));
  connection.onShutdown(() => folders.close());
  connection.listen();
}

/** Runs a handler unless the client has already cancelled the request. */
function cancellable<T>(token: CancellationToken, handler: () => T): T {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');
  return handler();
}
