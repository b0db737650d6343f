// codectx: Copy Context for Question — the cited context for a question, on the clipboard, ready to paste into any chat.
import * as vscode from 'vscode';
import { formatContext } from '../chat/prompt.js';
import type { CodectxClient } from '../client.js';
import { contextTokens } from '../settings.js';

export function copyContext(client: CodectxClient): () => Promise<void> {
  return async () => {
    const editor = vscode.window.activeTextEditor;
    const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const question = await vscode.window.showInputBox({
      prompt: 'Question to gather code context for',
      placeHolder: 'How is the session token refreshed?',
      value: selection.includes('\n') ? '' : selection.trim(),
    });
    if (!question?.trim()) return;
    const budgetTokens = contextTokens();
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'codectx: gathering context…' },
      () =>
        client.context({
          query: question,
          budgetTokens,
          ...(editor?.document.uri.scheme === 'file'
            ? {
                activeFile: editor.document.uri.toString(),
                position: { line: editor.selection.active.line, character: editor.selection.active.character },
                ...(selection.trim() ? { selection: selection.slice(0, 2000) } : {}),
              }
            : {}),
        }),
    );
    if (!res.chunks.length) {
      vscode.window.showWarningMessage(`codectx: no code found for "${question}"`);
      return;
    }
    const text = `Code from my workspace (cite as path:line):\n\n${formatContext(res.chunks)}\n\nQuestion: ${question}\n`;
    await vscode.env.clipboard.writeText(text);
    vscode.window.showInformationMessage(
      `codectx: copied ${res.chunks.length} chunks (~${res.usedTokens} of ${budgetTokens} tokens)${res.partial ? ', index still building' : ''}`,
    );
  };
}
