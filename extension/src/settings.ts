// Reads the `codectx.*` settings: what the server gets (ServerSettings) and what the extension itself uses.
import * as vscode from 'vscode';
import type { ServerSettings } from '../../server/src/protocol/requests.js';

/** The server's settings, as initializationOptions and workspace/didChangeConfiguration send them. */
export function serverSettings(): ServerSettings {
  const c = vscode.workspace.getConfiguration('codectx');
  const out: ServerSettings = {};
  const cacheDir = c.get<string>('cacheDir', '').trim();
  if (cacheDir) out.cacheDir = cacheDir;
  out.watch = c.get<boolean>('watch', true);
  out.debounceMs = c.get<number>('debounceMs', 150);
  out.maxFileBytes = c.get<number>('maxFileBytes', 1024 * 1024);
  const remote = c.get<string>('remote', '').trim();
  if (remote) out.remote = remote;
  const embeddings = c.get<unknown>('embeddings', 'local');
  // The server parses both forms: a provider name (`local`, `none`) or the object with its options.
  if (embeddings !== undefined && embeddings !== '') out.embeddings = embeddings as ServerSettings['embeddings'];
  return out;
}

/** `codectx.server.node`: a Node ≥ 20 to run the server with ('' to choose automatically). */
export function nodeSetting(): string {
  return vscode.workspace.getConfiguration('codectx').get<string>('server.node', '').trim();
}

/** Token budget of Copy Context for Question and the codectx_context tool's default. */
export function contextTokens(): number {
  return vscode.workspace.getConfiguration('codectx').get<number>('contextTokens', 4000);
}
