// What the MCP tools write: the state line every answer starts with, search results and symbols as text, bounded to
// MAX_ANSWER_CHARS, and the messages for no results and errors.
// Invariant: an answer built with fitAnswer stays under MAX_ANSWER_CHARS and says how many entries it left out.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { EngineResult } from '../engine.js';
import type { RepoIndex } from './tools.js';

/** Characters of text a search or symbols answer may hold; results past it are left out and the answer says so. */
export const MAX_ANSWER_CHARS = 20_000;

/**
 * The entries that fit, in order, after `used` characters already written (one newline each), with a last line saying
 * how many `what` were left out when any were.
 */
export function fitAnswer(entries: string[], used: number, what: string): { lines: string[]; shown: number; truncated: boolean } {
  const lines: string[] = [];
  for (const entry of entries) {
    if (used + entry.length + 1 > MAX_ANSWER_CHARS) break;
    lines.push(entry);
    used += entry.length + 1;
  }
  const shown = lines.length;
  const omitted = entries.length - shown;
  if (omitted > 0) lines.push(`truncated: ${omitted} more ${what} left out to stay under ${MAX_ANSWER_CHARS} characters`);
  return { lines, shown, truncated: omitted > 0 };
}

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** The first line of every answer: whether the index was complete, and if not, how far it got. */
export function stateLine(index: RepoIndex, partial: boolean): string {
  if (!partial) return 'partial: false (the index is complete and up to date)';
  const p = index.live.progress;
  const where =
    p && p.phase !== 'done' && p.filesTotal > 0
      ? `${p.filesDone}/${p.filesTotal} files checked`
      : index.live.role === 'reader'
        ? 'another codectx process is indexing'
        : 'starting';
  return `partial: true (indexing is still running, ${where}; results may miss files, ask again later for complete ones)`;
}

export function modeNote(asked: string | undefined, used: string): string {
  if ((asked ?? 'hybrid') === used) return '';
  return ' (embeddings are not ready yet, so this answer matched words only)';
}

export function formatResult(r: EngineResult): string {
  const symbol = r.symbol ? `  ${r.symbol}` : '';
  const snippet = r.snippet
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${r.path}:${r.startLine}-${r.endLine}${symbol}  ${r.kind}  score ${r.score}\n${snippet}\n`;
}

export function noResults(index: RepoIndex, query: string, languages?: string[]): string {
  const known = index.live.status()?.languages ?? {};
  const missing = (languages ?? []).filter((l) => !(l in known));
  const hint = missing.length
    ? `; this index has no ${missing.join(', ')} files (languages here: ${Object.keys(known).join(', ') || 'none yet'})`
    : '; try other words, an identifier, or mode "hybrid"';
  return `no results for "${clip(query, 80)}"${hint}`;
}

export function listCounts(o: Record<string, number>): string {
  return (
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none yet'
  );
}

export function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
