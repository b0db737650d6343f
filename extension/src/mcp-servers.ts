// The MCP server definitions offered to VS Code's agents (VS Code ≥ 1.101): `codectx mcp --repo FOLDER` per workspace
// folder, run by the same Node the language server runs on. Pure: the vscode wrapper is in mcp-provider.ts.
import type { NodeChoice } from './node-runtime.js';

export interface McpServerSpec {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** One stdio server per folder; none until the Node runtime is chosen (the provider is asked again then). */
export function mcpServers(
  folders: readonly { name: string; path: string }[],
  node: NodeChoice | undefined,
  cli: string | undefined,
): McpServerSpec[] {
  if (!node || !cli) return [];
  return folders.map((f) => ({
    label: folders.length === 1 ? 'codectx' : `codectx (${f.name})`,
    command: node.command,
    args: [cli, 'mcp', '--repo', f.path],
    env: { ...node.env },
  }));
}
