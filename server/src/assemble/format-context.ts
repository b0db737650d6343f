// Pure. Renders packed blocks and the repository map as markdown, JSON or XML. The whole text is always
// head + map + the blocks' segments + tail, so the packer can count each segment apart and the sum is close to the whole.
import type { ContextFormat, FileOutline } from './context-types.js';
import type { MergedBlock } from './merge-blocks.js';

/** The opening and closing text of the whole output, around the map and the blocks. */
export function frame(format: ContextFormat): { head: string; tail: string } {
  if (format === 'json') return { head: '{', tail: '\n]}\n' };
  if (format === 'xml') return { head: '<context>\n', tail: '</context>\n' };
  return { head: '', tail: '' };
}

/** A file's name as shown: its workspace folder first when there is one. */
export function shownPath(folder: string, path: string): string {
  return folder ? `${folder}/${path}` : path;
}

/** `path:start-end`, the citation of a block. */
export function citation(b: { folder: string; path: string; startLine: number; endLine: number }): string {
  return `${shownPath(b.folder, b.path)}:${b.startLine}-${b.endLine}`;
}

/** One block's segment. `first` tells the JSON renderer not to put a comma before it. */
export function renderBlock(b: MergedBlock, format: ContextFormat, first: boolean): string {
  const { before, content, after } = blockParts(b, format, first);
  return `${before}${content}${after}`;
}

/**
 * A block's segment in three parts, `before + content + after`: the content as the format writes it (escaped in JSON
 * and XML) between its header and its closing. `raw` is true when the content is written as is, so that a count of the
 * content alone (stored in the index) is a count of the middle part.
 */
export function blockParts(
  b: MergedBlock,
  format: ContextFormat,
  first: boolean,
): { before: string; content: string; after: string; raw: boolean } {
  if (format === 'json') {
    const value = {
      path: shownPath(b.folder, b.path),
      startLine: b.startLine,
      endLine: b.endLine,
      symbols: b.symbols,
      language: b.language,
      rank: b.rank,
      elided: b.elided,
    };
    const head = JSON.stringify(value);
    return {
      before: `${first ? '\n' : ',\n'}${head.slice(0, -1)},"content":`,
      content: JSON.stringify(b.content),
      after: '}',
      raw: false,
    };
  }
  if (format === 'xml') {
    const symbols = b.symbols.length ? ` symbols="${attr(b.symbols.join(', '))}"` : '';
    const content = text(b.content);
    return {
      before:
        `<block path="${attr(shownPath(b.folder, b.path))}" lines="${b.startLine}-${b.endLine}"${symbols} ` +
        `language="${attr(b.language)}" rank="${b.rank}"${b.elided ? ' elided="true"' : ''}>\n`,
      content,
      after: '\n</block>\n',
      raw: content === b.content,
    };
  }
  const fence = fenceFor(b.content);
  const symbols = b.symbols.length ? ` ${b.symbols.join(', ')}` : '';
  return {
    before: `### ${citation(b)}${symbols}\n${fence}${b.language}\n`,
    content: b.content,
    after: `\n${fence}\n\n`,
    raw: true,
  };
}

/** The repository map's segment: each file's path, then its top-level declarations with their line numbers. */
export function renderRepoMap(files: readonly FileOutline[], format: ContextFormat): string {
  if (files.length === 0) return '';
  if (format === 'json') {
    const value = files.map((f) => ({ path: shownPath(f.folder, f.path), declarations: f.entries }));
    return `"repoMap":${JSON.stringify(value)},\n`;
  }
  const body = files.map((f) => renderOutline(f, format)).join('');
  if (format === 'xml') return `<repo_map>\n${body}</repo_map>\n`;
  return `### Repository map\n${fenceFor(body)}text\n${body}${fenceFor(body)}\n\n`;
}

/** One file of the map (without the map's own framing). */
export function renderOutline(f: FileOutline, format: ContextFormat): string {
  const lines = f.entries.map((e) => `  ${e.line}: ${e.text.trim()}\n`).join('');
  if (format === 'xml') return `<file path="${attr(shownPath(f.folder, f.path))}">\n${text(lines)}</file>\n`;
  return `${shownPath(f.folder, f.path)}\n${lines}`;
}

/** The whole output: the map first, then the blocks in order (in JSON: `{"repoMap":[…],\n"blocks":[…]}`). */
export function renderContext(format: ContextFormat, map: string, blocks: readonly string[]): string {
  const { head, tail } = frame(format);
  const open = format === 'json' ? '"blocks":[' : '';
  return `${head}${map}${open}${blocks.join('')}${tail}`;
}

/** A code fence longer than any run of backticks in the text. */
function fenceFor(content: string): string {
  let longest = 0;
  for (const run of content.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;');
}
