// The MCP tools: search, context, symbols, status. One named handler per tool over the repository's live index.
// Invariant: every answer is bounded in size, says `partial` when the index was incomplete, and bad input comes back as
// an `isError` result with a message a model can act on; nothing here throws into the SDK or writes to stdout.
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { EmbeddingsUnavailable, type Engine, type EngineResult, InvalidRequest, type LiveIndex } from '../engine.js';

/** The repository a server answers for: its folder and its live index. */
export interface RepoIndex {
  root: string;
  live: LiveIndex<Engine>;
  /** Set once the index is seen to hold vectors: from then on hybrid search loads the model (see searchMode). */
  vectorsSeen?: boolean;
}

/** Longest query or question accepted: longer text is a pasted file, not a question, and FTS5 gains nothing from it. */
export const MAX_QUERY_CHARS = 2000;
/** Characters of text a search or symbols answer may hold; results past it are left out and the answer says so. */
export const MAX_ANSWER_CHARS = 20_000;
/** Largest token budget of `context` (about 4 characters a token). */
export const MAX_BUDGET_TOKENS = 32_000;

const globList = z
  .array(z.string().min(1).max(500))
  .max(20)
  .optional()
  .describe(
    'Only files matching one of these globs, relative to the repository root: "src/**", "*.go", "net/http/". A pattern without a slash matches file names at any depth.',
  );

export const searchInput = {
  query: z
    .string()
    .min(1)
    .max(MAX_QUERY_CHARS)
    .describe(
      'What to find: identifiers (parseConfig, http.Handler), words from comments or docs, or a short natural-language description ("where retries are scheduled"). Keep it under a sentence or two.',
    ),
  limit: z.number().int().min(1).max(50).optional().describe('How many results (1-50, default 10).'),
  paths: globList,
  languages: z
    .array(z.string().min(1).max(40))
    .max(20)
    .optional()
    .describe(
      'Only these languages: typescript, tsx, javascript, python, go, rust, java, c, cpp, csharp, ruby, php, markdown, text.',
    ),
  mode: z
    .enum(['hybrid', 'lexical', 'dense'])
    .optional()
    .describe(
      'hybrid (default) combines exact words with meaning; lexical matches words and identifiers only (best for exact names); dense uses meaning only.',
    ),
};

export const contextInput = {
  question: z
    .string()
    .min(1)
    .max(MAX_QUERY_CHARS)
    .describe('The task or question the code is needed for, in a sentence or two, with any identifiers you know.'),
  budgetTokens: z
    .number()
    .int()
    .min(200)
    .max(MAX_BUDGET_TOKENS)
    .optional()
    .describe(`How many tokens of code to return (200-${MAX_BUDGET_TOKENS}, default 4000).`),
  format: z
    .enum(['markdown', 'xml'])
    .optional()
    .describe('markdown (default): a citation line and a fenced block per chunk; xml: <chunk path=… lines=…> elements.'),
};

export const symbolsInput = {
  name: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'A symbol name or part of one: exact names come first, then prefixes, substrings, and names with these characters in order ("hndlr" finds handler).',
    ),
  kind: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe(
      'Only this kind: function, method, class, interface, type, enum, struct, trait, module, constant, variable, field, macro.',
    ),
  limit: z.number().int().min(1).max(200).optional().describe('How many definitions (1-200, default 50).'),
};

export const statusInput = {};

type SearchArgs = z.infer<z.ZodObject<typeof searchInput>>;
type ContextArgs = z.infer<z.ZodObject<typeof contextInput>>;
type SymbolsArgs = z.infer<z.ZodObject<typeof symbolsInput>>;

/** A tool's name, what a model reads about it, its arguments, and its handler. */
export interface ToolSpec<Shape extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  handler: (index: RepoIndex, args: z.infer<z.ZodObject<Shape>>) => Promise<CallToolResult>;
}

export const searchTool: ToolSpec<typeof searchInput> = {
  name: 'search',
  title: 'Search the code',
  description: [
    'Finds where something is in this repository: ranked code chunks (functions, classes, doc sections) for a query.',
    'Use it before reading files to locate definitions, usages, config, or the code behind a behaviour; it is faster and',
    'more complete than grepping. Each result is `path:start-end`, its symbol and kind, a score, and a 3-line snippet;',
    'read the lines you need afterwards. Narrow with `paths` globs or `languages`; use mode "lexical" for exact',
    'identifiers. `partial: true` means the index was still being built: results may miss files, so retry later.',
  ].join(' '),
  inputSchema: searchInput,
  handler: search,
};

export const contextTool: ToolSpec<typeof contextInput> = {
  name: 'context',
  title: 'Code context for a task',
  description: [
    'Returns the code most relevant to a question or task, packed into a token budget: whole chunks with their',
    '`path:start-end` citations, best first, without overlapping duplicates. Use it when you need the code itself to',
    'answer or change something (one call instead of several searches and reads). Raise `budgetTokens` for broad',
    'questions. `partial: true` means the index was still being built.',
  ].join(' '),
  inputSchema: contextInput,
  handler: context,
};

export const symbolsTool: ToolSpec<typeof symbolsInput> = {
  name: 'symbols',
  title: 'Find definitions',
  description: [
    'Finds where functions, methods, classes, types and constants are defined, by name or part of a name. Each result',
    'is the name, kind, enclosing symbol and `path:start-end`. Use it to jump to a definition you know by name; use',
    '`search` for behaviour or concepts. `partial: true` means the index was still being built.',
  ].join(' '),
  inputSchema: symbolsInput,
  handler: symbols,
};

export const statusTool: ToolSpec<typeof statusInput> = {
  name: 'status',
  title: 'Index status',
  description: [
    "The state of this repository's index: files and chunks indexed, the share of chunks with embeddings, the last",
    'update, and what is still being indexed. Call it when results look incomplete or to know whether semantic',
    'search is ready.',
  ].join(' '),
  inputSchema: statusInput,
  handler: async (index) => status(index),
};

/** Every tool, in the order clients list them. */
export const TOOLS = [searchTool, contextTool, symbolsTool, statusTool] as const;

/** Bad arguments a model can correct: reported as an `isError` result, never thrown into the SDK. */
export class ToolInputError extends Error {}

export async function search(index: RepoIndex, args: SearchArgs): Promise<CallToolResult> {
  return guarded(async () => {
    const engine = openEngine(index);
    const partial = index.live.partial;
    const paths = repoGlobs(index.root, args.paths);
    let response: Awaited<ReturnType<typeof engine.search>>;
    try {
      response = await engine.search(args.query, {
        limit: args.limit ?? 10,
        paths,
        languages: args.languages,
        mode: searchMode(index, args.mode),
      });
    } catch (error) {
      if (error instanceof EmbeddingsUnavailable)
        throw new ToolInputError(`mode "dense" is not available yet (${error.message}); use mode "hybrid" or "lexical"`);
      throw error;
    }
    const head = [stateLine(index, partial), `mode: ${response.mode}${modeNote(args.mode, response.mode)}`];
    const lines: string[] = [];
    let used = head.join('\n').length;
    let shown = 0;
    for (const r of response.results) {
      const block = formatResult(r);
      if (used + block.length + 1 > MAX_ANSWER_CHARS) break;
      lines.push(block);
      used += block.length + 1;
      shown++;
    }
    const omitted = response.results.length - shown;
    if (response.results.length === 0) lines.push(noResults(index, args.query, args.languages));
    if (omitted > 0) lines.push(`truncated: ${omitted} more results left out to stay under ${MAX_ANSWER_CHARS} characters`);
    return {
      content: [{ type: 'text', text: [...head, '', ...lines].join('\n') }],
      structuredContent: {
        partial,
        mode: response.mode,
        truncated: omitted > 0,
        results: response.results.slice(0, shown).map((r) => ({
          path: r.path,
          startLine: r.startLine,
          endLine: r.endLine,
          symbol: r.symbol,
          kind: r.kind,
          language: r.language,
          score: r.score,
          snippet: r.snippet,
        })),
      },
    };
  });
}

export async function context(index: RepoIndex, args: ContextArgs): Promise<CallToolResult> {
  return guarded(async () => {
    const engine = openEngine(index);
    const partial = index.live.partial;
    const budget = args.budgetTokens ?? 4000;
    const format = args.format ?? 'markdown';
    // The engine renders the blocks (exact tokens, never over the budget); this tool adds one line of state above them.
    const bundle = await engine.context(args.question, { budgetTokens: budget, format });
    const packed = bundle.chunks;
    const head = [stateLine(index, partial), `${packed.length} blocks, ${bundle.usedTokens} of ${budget} tokens`];
    if (packed.length === 0) head.push(noResults(index, args.question));
    return {
      content: [{ type: 'text', text: [...head, '', bundle.text].join('\n') }],
      structuredContent: {
        partial,
        budgetTokens: budget,
        usedTokens: bundle.usedTokens,
        chunks: packed.map((item) => ({
          citation: item.citation,
          path: item.path,
          startLine: item.startLine,
          endLine: item.endLine,
          symbol: item.symbol,
          symbols: item.symbols,
          language: item.language,
          elided: item.elided,
          tokens: item.tokens,
          content: item.content,
        })),
      },
    };
  });
}

export async function symbols(index: RepoIndex, args: SymbolsArgs): Promise<CallToolResult> {
  return guarded(async () => {
    const engine = openEngine(index);
    const partial = index.live.partial;
    const limit = args.limit ?? 50;
    const kind = args.kind?.toLowerCase();
    const found = engine.symbols(args.name, kind ? limit * 10 : limit).filter((s) => !kind || s.kind === kind);
    const lines: string[] = [];
    let used = 0;
    let shown = 0;
    for (const s of found.slice(0, limit)) {
      const line = `${s.path}:${s.startLine}-${s.endLine}  ${s.parent ? `${s.parent}.` : ''}${s.name}  ${s.kind}`;
      if (used + line.length + 1 > MAX_ANSWER_CHARS) break;
      lines.push(line);
      used += line.length + 1;
      shown++;
    }
    const kept = found.slice(0, Math.min(limit, found.length));
    const omitted = kept.length - shown;
    if (found.length === 0) lines.push(`no definition matches "${clip(args.name, 80)}"${kind ? ` with kind ${kind}` : ''}`);
    if (omitted > 0) lines.push(`truncated: ${omitted} more definitions left out to stay under ${MAX_ANSWER_CHARS} characters`);
    return {
      content: [{ type: 'text', text: [stateLine(index, partial), '', ...lines].join('\n') }],
      structuredContent: {
        partial,
        truncated: omitted > 0,
        symbols: kept.slice(0, shown).map((s) => ({
          name: s.name,
          qualified: s.qualified,
          kind: s.kind,
          parent: s.parent,
          path: s.path,
          startLine: s.startLine,
          endLine: s.endLine,
        })),
      },
    };
  });
}

export function status(index: RepoIndex): CallToolResult {
  const live = index.live;
  const s = live.status();
  if (!s) return errorResult(`the index of ${index.root} could not be opened: ${live.error ?? 'unknown error'}`);
  const partial = live.partial;
  const embedded = live.role === 'writer' ? live.embedded : (s.embeddings[0]?.embedded ?? 0);
  const share = s.chunks ? Math.round((Math.min(embedded, s.chunks) / s.chunks) * 1000) / 10 : 0;
  const p = live.progress;
  const indexing =
    partial && p && p.phase !== 'done'
      ? `${p.filesDone}/${p.filesTotal} files checked, ${p.filesIndexed} indexed so far`
      : partial
        ? 'starting'
        : 'nothing';
  const structured = {
    partial,
    repository: index.root,
    state: s.state,
    role: s.role,
    files: s.files,
    chunks: s.chunks,
    symbols: s.symbols,
    languages: s.languages,
    embeddedChunks: embedded,
    embeddedPercent: share,
    embeddings: live.embeddings,
    lastUpdate: s.lastUpdate ?? null,
    stillIndexing: indexing,
    watcher: live.watcherStatus,
    indexPath: s.indexPath,
    error: live.error ?? null,
  };
  const text = [
    stateLine(index, partial),
    `repository: ${index.root}`,
    `files: ${s.files}, chunks: ${s.chunks}, symbols: ${s.symbols}`,
    `languages: ${listCounts(s.languages)}`,
    `embeddings: ${share}% of chunks (${embedded}/${s.chunks}), ${live.embeddings}`,
    `last update: ${s.lastUpdate ?? 'never'}`,
    `still indexing: ${indexing}`,
    `role: ${s.role === 'writer' ? 'this server writes the index' : 'another codectx process writes the index; this one follows it'}`,
    `file watcher: ${live.watcherStatus}`,
    ...(live.error ? [`last error: ${live.error}`] : []),
  ].join('\n');
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * Users' globs as globs relative to the repository: an absolute path inside the repository is made relative; a
 * path that leaves it (absolute elsewhere, or through `..`) is an input error.
 */
export function repoGlobs(root: string, globs: string[] | undefined): string[] | undefined {
  if (!globs) return undefined;
  return globs.map((raw, i) => {
    const g = raw.trim().replace(/\\/g, '/');
    if (!g) throw new ToolInputError(`paths[${i}] is empty; give a glob relative to the repository such as "src/**"`);
    let rel = g;
    if (isAbsolute(g)) {
      rel = relative(root, resolve(g)).split(sep).join('/');
      if (g.endsWith('/') && rel) rel += '/';
    }
    if (rel === '..' || rel.startsWith('../') || rel.split('/').includes('..') || isAbsolute(rel))
      throw new ToolInputError(
        `paths[${i}] "${clip(raw, 120)}" is outside the repository ${root}; give globs relative to it such as "src/**" or "*.go"`,
      );
    if (rel === '') return '*';
    // A folder named without a glob ("src", "net/http") means the files under it.
    if (!/[*?[]/.test(rel) && !rel.endsWith('/') && isFolder(join(root, rel))) return `${rel}/`;
    return rel;
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function openEngine(index: RepoIndex) {
  const engine = index.live.engine;
  if (!engine) throw new Error(`the index of ${index.root} could not be opened: ${index.live.error ?? 'unknown error'}`);
  return engine;
}

/** Runs a handler; input errors and failures become `isError` results (the server keeps serving). */
async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ToolInputError || error instanceof InvalidRequest) return errorResult(error.message);
    return errorResult(`codectx failed: ${(error as Error).message}`);
  }
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** The first line of every answer: whether the index was complete, and if not, how far it got. */
function stateLine(index: RepoIndex, partial: boolean): string {
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

/**
 * Hybrid search loads the embedding model before it knows whether the index holds any vector; during a first index
 * there is none yet, and the model's load (seconds on a busy machine) would delay the lexical answer it ends in.
 * Until a vector is seen, hybrid is asked as lexical (the answer says so).
 */
function searchMode(index: RepoIndex, asked: SearchArgs['mode']): SearchArgs['mode'] {
  if (asked === 'lexical' || asked === 'dense' || index.vectorsSeen) return asked;
  const status = index.live.engine?.status();
  index.vectorsSeen = index.live.embedded > 0 || (status?.embeddings.some((e) => e.embedded > 0) ?? false);
  return index.vectorsSeen ? asked : 'lexical';
}

function modeNote(asked: string | undefined, used: string): string {
  if ((asked ?? 'hybrid') === used) return '';
  return ' (embeddings are not ready yet, so this answer matched words only)';
}

function formatResult(r: EngineResult): string {
  const symbol = r.symbol ? `  ${r.symbol}` : '';
  const snippet = r.snippet
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${r.path}:${r.startLine}-${r.endLine}${symbol}  ${r.kind}  score ${r.score}\n${snippet}\n`;
}

function noResults(index: RepoIndex, query: string, languages?: string[]): string {
  const known = index.live.status()?.languages ?? {};
  const missing = (languages ?? []).filter((l) => !(l in known));
  const hint = missing.length
    ? `; this index has no ${missing.join(', ')} files (languages here: ${Object.keys(known).join(', ') || 'none yet'})`
    : '; try other words, an identifier, or mode "hybrid"';
  return `no results for "${clip(query, 80)}"${hint}`;
}

function listCounts(o: Record<string, number>): string {
  return (
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none yet'
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
