// Converts the server's URIs and LSP ranges into VS Code locations.
import * as vscode from 'vscode';

interface Located {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** The chunk's lines; the server's range ends at the start of the line after the chunk, so the end is pulled back. */
export function toLocation(item: Located): vscode.Location {
  const { start, end } = item.range;
  const lastLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
  return new vscode.Location(vscode.Uri.parse(item.uri), new vscode.Range(start.line, 0, lastLine, 0));
}
