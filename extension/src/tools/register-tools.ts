// Registers the language-model tools declared in package.json (contributes.languageModelTools).
import * as vscode from 'vscode';
import type { CodectxClient } from '../client.js';
import { ContextTool } from './context-tool.js';
import { SearchTool } from './search-tool.js';

export function registerTools(client: CodectxClient): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.lm.registerTool('codectx_search', new SearchTool(client)),
    vscode.lm.registerTool('codectx_context', new ContextTool(client)),
  );
}
