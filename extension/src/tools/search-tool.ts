// The codectx_search language-model tool: ranked code locations for a query, bounded and cited.
import * as vscode from 'vscode';
import type { CodectxClient } from '../client.js';

export interface SearchToolInput {
  query: string;
  limit?: number;
  paths?: string[];
}

/** At most this many results and characters go back to the model. */
const MAX_RESULTS = 20;
const MAX_CHARS = 12_000;

export class SearchTool implements vscode.LanguageModelTool<SearchToolInput> {
  constructor(private readonly client: CodectxClient) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchToolInput>): vscode.PreparedToolInvocation {
    return { invocationMessage: `Searching the codebase for "${options.input.query}"` };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<SearchToolInput>, token: vscode.CancellationToken) {
    const { query, paths } = options.input;
    if (typeof query !== 'string' || !query.trim()) throw new Error('codectx_search needs a non-empty "query"');
    const limit = Math.min(MAX_RESULTS, Math.max(1, Math.floor(options.input.limit ?? 10)));
    const res = await this.client.search({ query, limit, ...(Array.isArray(paths) && paths.length ? { paths } : {}) }, token);
    const parts: string[] = [];
    let size = 0;
    for (const hit of res.results) {
      const entry = `${hit.path}:${hit.startLine}-${hit.endLine} ${hit.kind} ${hit.symbol}\n${hit.snippet.trim()}`;
      if (size + entry.length > MAX_CHARS) break;
      parts.push(entry);
      size += entry.length;
    }
    const head = parts.length
      ? `${parts.length} results for "${query}" (cite them as path:line):`
      : `No code in the workspace matches "${query}".`;
    const tail = res.partial ? '\n(The index is still being built: results come from what is indexed so far.)' : '';
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`${head}\n\n${parts.join('\n\n')}${tail}`)]);
  }
}
