// The codectx_context language-model tool: the code a question needs, packed into a token budget, with citations.
import * as vscode from 'vscode';
import { formatContext } from '../chat/prompt.js';
import type { CodectxClient } from '../client.js';
import { contextTokens } from '../settings.js';

export interface ContextToolInput {
  question: string;
  budgetTokens?: number;
}

/** The most a tool result may take of the calling model's window. */
const MAX_TOKENS = 8000;

export class ContextTool implements vscode.LanguageModelTool<ContextToolInput> {
  constructor(private readonly client: CodectxClient) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<ContextToolInput>): vscode.PreparedToolInvocation {
    return { invocationMessage: `Gathering code context for "${options.input.question}"` };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<ContextToolInput>, token: vscode.CancellationToken) {
    const { question } = options.input;
    if (typeof question !== 'string' || !question.trim()) throw new Error('codectx_context needs a non-empty "question"');
    const budgetTokens = Math.min(MAX_TOKENS, Math.max(200, Math.floor(options.input.budgetTokens ?? contextTokens())));
    const res = await this.client.context({ query: question, budgetTokens }, token);
    const text = res.chunks.length
      ? `Code from the workspace for "${question}" (${res.chunks.length} chunks, ~${res.usedTokens} tokens). ` +
        `Each excerpt starts with its citation path:startLine-endLine; cite them as path:line.\n\n${formatContext(res.chunks)}`
      : `codectx found no code in the workspace for "${question}".`;
    const tail = res.partial ? '\n\n(The index is still being built: context comes from what is indexed so far.)' : '';
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text + tail)]);
  }
}
