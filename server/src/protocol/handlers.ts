// One named function per codectx request and workspace/symbol: validate the params, ask each folder's engine, convert
// the answer to LSP values. Invariant: bad params are an InvalidParams ResponseError, never a crash; handlers reach the
// index only through the Engine (Engine.contextAcross packs context for all folders at once).
import { ErrorCodes, ResponseError, type SymbolInformation } from 'vscode-languageserver/node';
import {
  checkBudget,
  checkLimit,
  EmbeddingsUnavailable,
  Engine,
  InvalidRequest,
  isContextFormat,
  isEncoding,
} from '../engine.js';
import { fileUri, lineRange, positionLine, symbolKind } from './conversions.js';
import type { Folder, FolderRegistry } from './folders.js';
import type {
  ContextChunk,
  ContextParams,
  ContextResponse,
  FolderStatus,
  RelatedLocation,
  RelatedParams,
  RelatedResponse,
  SearchHit,
  SearchMode,
  SearchParams,
  SearchResponse,
  StatusResponse,
} from './requests.js';

const SEARCH_MODES = ['lexical', 'dense', 'hybrid'];
/** Workspace symbols per folder, and in all. */
const SYMBOLS_PER_FOLDER = 100;
const SYMBOLS_MAX = 200;

/** `codectx/search`: each folder's ranked chunks, merged by score. */
export async function handleSearch(folders: FolderRegistry, params: unknown): Promise<SearchResponse> {
  const p = validateSearch(params);
  const started = performance.now();
  const targets = folders.all().filter((f) => !p.folders || p.folders.includes(f.uri));
  const hits: SearchHit[] = [];
  let used: SearchMode = 'lexical';
  for (const folder of targets) {
    const engine = folder.live.engine;
    if (!engine) continue;
    const options = { limit: p.limit, paths: p.paths, languages: p.languages, mode: p.mode };
    const response = await engine.search(p.query, options).catch((error) => {
      if (error instanceof EmbeddingsUnavailable)
        throw invalid(`mode dense is not available in ${folder.root}: ${error.message}`);
      throw error;
    });
    if (response.mode !== 'lexical') used = response.mode;
    for (const r of response.results)
      hits.push({ ...r, uri: fileUri(folder.root, r.path), folder: folder.uri, range: lineRange(r.startLine, r.endLine) });
  }
  hits.sort((a, b) => b.score - a.score);
  return {
    results: hits.slice(0, p.limit),
    mode: used,
    partial: targets.some((f) => f.live.partial),
    tookMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

/**
 * `codectx/context`: chunks of every folder ranked together and packed into the budget by the engine; the chunk at the
 * cursor first, the selection joining the question, open files preferred. Each block keeps the folder it came from.
 */
export async function handleContext(folders: FolderRegistry, params: unknown): Promise<ContextResponse> {
  const p = validateContext(params);
  const active = p.activeFile ? folders.locate(p.activeFile) : undefined;
  if (p.activeFile && !active) throw invalid(`activeFile ${p.activeFile} is not inside a workspace folder of this server`);
  const live = folders.all().flatMap((f) => (f.live.engine ? [{ folder: f, engine: f.live.engine }] : []));
  const at =
    active && p.position
      ? { repo: active.folder.live.config.repo, path: active.path, line: positionLine(p.position) }
      : undefined;
  const openFiles = (p.openFiles ?? []).flatMap((uri) => {
    const found = folders.locate(uri);
    return found ? [{ repo: found.folder.live.config.repo, path: found.path }] : [];
  });
  const bundle = await Engine.contextAcross(
    live.map((l) => l.engine),
    [p.query, p.selection ?? ''].join('\n'),
    { budgetTokens: p.budgetTokens, format: p.format, tokenizer: p.tokenizer, active: at, openFiles, repoMap: p.repoMap },
  );
  const folderOf = (repo: string) => live.find((l) => l.engine.config.repo === repo)?.folder.uri ?? '';
  const chunks: ContextChunk[] = bundle.chunks.map((c) => ({
    uri: fileUri(c.repo, c.path),
    folder: folderOf(c.repo),
    path: c.path,
    range: lineRange(c.startLine, c.endLine),
    citation: c.citation,
    symbol: c.symbol,
    symbols: c.symbols,
    language: c.language,
    content: c.content,
    elided: c.elided,
    tokens: c.tokens,
    rank: c.rank,
    score: Number.isFinite(c.score) ? Math.round(c.score * 1000) / 1000 : 1e9,
  }));
  return {
    text: bundle.text,
    format: bundle.format,
    chunks,
    repoMap: bundle.repoMap.map((f) => ({ uri: fileUri(f.repo, f.path), path: f.path, entries: f.entries })),
    usedTokens: bundle.usedTokens,
    budgetTokens: bundle.budgetTokens,
    partial: folders.partial,
  };
}

/** `codectx/related`: callers and callees from the code graph, of the chunk at a position or of a symbol (every folder). */
export function handleRelated(folders: FolderRegistry, params: unknown): RelatedResponse {
  const p = validateRelated(params);
  const out: RelatedResponse = { targets: [], callers: [], callees: [] };
  const add = (folder: Folder, report: ReturnType<Engine['related']>) => {
    const convert = (l: (typeof report.targets)[number]): RelatedLocation => ({
      ...l,
      uri: fileUri(folder.root, l.path),
      folder: folder.uri,
      range: lineRange(l.startLine, l.endLine),
    });
    out.targets.push(...report.targets.map(convert));
    out.callers.push(...report.callers.map(convert));
    out.callees.push(...report.callees.map(convert));
  };
  if (p.textDocument) {
    const at = folders.locate(p.textDocument.uri);
    if (!at) throw invalid(`${p.textDocument.uri} is not inside a workspace folder of this server`);
    const engine = at.folder.live.engine;
    if (engine && p.position) add(at.folder, engine.related({ path: at.path, line: positionLine(p.position) }, p.limit));
    return out;
  }
  for (const folder of folders.all()) {
    const engine = folder.live.engine;
    if (engine) add(folder, engine.related({ symbol: p.symbol as string }, p.limit));
  }
  return out;
}

/** `codectx/status`: every folder's index and what it is doing. */
export function handleStatus(folders: FolderRegistry): StatusResponse {
  return { folders: folders.all().map(folderStatus) };
}

/** `codectx/reindex`: starts a run in one folder or all; answers at once with the folders started. */
export function handleReindex(folders: FolderRegistry, params: unknown): { started: string[] } {
  const p = (params ?? {}) as { folder?: unknown; full?: unknown };
  if (p.folder !== undefined && typeof p.folder !== 'string') throw invalid('folder must be a workspace folder URI');
  const targets = folders.all().filter((f) => !p.folder || f.uri === p.folder);
  if (p.folder && targets.length === 0) throw invalid(`${p.folder} is not a workspace folder of this server`);
  for (const f of targets) void f.live.reindex(p.full === true);
  return { started: targets.map((f) => f.uri) };
}

/** `workspace/symbol`: definitions whose name fuzzily matches the query, per folder best first. */
export function handleWorkspaceSymbol(folders: FolderRegistry, query: unknown): SymbolInformation[] {
  const q = typeof query === 'string' ? query : '';
  if (q.trim() === '') return [];
  const out: SymbolInformation[] = [];
  for (const folder of folders.all()) {
    for (const s of folder.live.engine?.symbols(q, SYMBOLS_PER_FOLDER) ?? []) {
      out.push({
        name: s.name,
        kind: symbolKind(s.kind),
        containerName: s.parent || undefined,
        location: { uri: fileUri(folder.root, s.path), range: lineRange(s.startLine, s.endLine) },
      });
    }
  }
  return out.slice(0, SYMBOLS_MAX);
}

/** One folder's status: what its index holds, whether it is indexing, its watcher, buffers and embeddings. */
export function folderStatus(folder: Folder): FolderStatus {
  const live = folder.live;
  const s = live.status();
  const base = {
    uri: folder.uri,
    path: folder.root,
    watcher: live.watcherStatus,
    openBuffers: live.buffers.size,
    embedded: live.embedded,
    embeddings: live.embeddings,
    error: live.error,
  };
  if (!s) {
    const empty = { files: 0, chunks: 0, skipped: {}, languages: {}, parseFailures: 0, indexBytes: 0 };
    return { ...base, ...empty, state: 'error', role: live.role, indexPath: live.config.indexDir };
  }
  const p = live.progress;
  const secs = p ? p.elapsedMs / 1000 : 0;
  return {
    ...base,
    state: s.state,
    role: s.role,
    files: s.files,
    chunks: s.chunks,
    skipped: s.skipped,
    languages: s.languages,
    parseFailures: s.parseFailures,
    indexPath: s.indexPath,
    indexBytes: s.indexBytes,
    lastUpdate: s.lastUpdate,
    recovered: s.recovered,
    indexRun: s.indexRun,
    integrityCheck: s.integrityCheck,
    progress:
      p && s.state === 'indexing'
        ? { filesDone: p.filesDone, filesTotal: p.filesTotal, filesPerSecond: secs ? Math.round(p.filesDone / secs) : 0 }
        : undefined,
  };
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The engine's rules (limit, budget) as InvalidParams. */
function rule<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidRequest) throw invalid(error.message);
    throw error;
  }
}

function stringArray(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${name} must be an array of strings`);
  return value as string[];
}

function validateSearch(params: unknown): SearchParams & { limit: number } {
  if (!params || typeof params !== 'object') throw invalid('codectx/search needs params {query: string, limit?: number, …}');
  const p = params as Record<string, unknown>;
  if (typeof p.query !== 'string') throw invalid('query must be a string');
  const limit = rule(() => checkLimit(p.limit ?? 10));
  if (p.mode !== undefined && !SEARCH_MODES.includes(p.mode as string))
    throw invalid(`mode must be one of ${SEARCH_MODES.join(', ')}`);
  return {
    query: p.query,
    limit,
    mode: p.mode as SearchParams['mode'],
    paths: stringArray(p.paths, 'paths'),
    languages: stringArray(p.languages, 'languages'),
    folders: stringArray(p.folders, 'folders'),
  };
}

function validateRelated(params: unknown): RelatedParams & { limit: number } {
  const usage = 'codectx/related needs params {textDocument: {uri}, position: {line, character}} or {symbol: string}';
  if (!params || typeof params !== 'object') throw invalid(usage);
  const p = params as Record<string, unknown>;
  const limit = rule(() => checkLimit(p.limit ?? 50));
  const doc = p.textDocument as { uri?: unknown } | undefined;
  const pos = p.position as { line?: unknown; character?: unknown } | undefined;
  if (doc !== undefined) {
    if (typeof doc !== 'object' || typeof doc?.uri !== 'string') throw invalid('textDocument must be {uri: string}');
    if (!pos || typeof pos !== 'object' || typeof pos.line !== 'number' || typeof pos.character !== 'number')
      throw invalid('position must be {line: number, character: number}');
    return { textDocument: { uri: doc.uri }, position: pos as RelatedParams['position'], limit };
  }
  if (typeof p.symbol !== 'string' || p.symbol.trim() === '') throw invalid(usage);
  return { symbol: p.symbol.trim(), limit };
}

function validateContext(params: unknown): ContextParams {
  if (!params || typeof params !== 'object')
    throw invalid('codectx/context needs params {query: string, budgetTokens?: number, …}');
  const p = params as Record<string, unknown>;
  if (typeof p.query !== 'string') throw invalid('query must be a string');
  if (p.budgetTokens !== undefined) rule(() => checkBudget(p.budgetTokens, 'budgetTokens'));
  if (p.activeFile !== undefined && typeof p.activeFile !== 'string') throw invalid('activeFile must be a file URI');
  if (p.selection !== undefined && typeof p.selection !== 'string') throw invalid('selection must be a string');
  const pos = p.position as { line?: unknown; character?: unknown } | undefined;
  if (pos !== undefined && (typeof pos !== 'object' || typeof pos.line !== 'number' || typeof pos.character !== 'number')) {
    throw invalid('position must be {line: number, character: number}');
  }
  if (p.format !== undefined && !isContextFormat(p.format)) throw invalid('format must be markdown, json or xml');
  if (p.tokenizer !== undefined && !isEncoding(p.tokenizer)) throw invalid('tokenizer must be o200k or cl100k');
  if (p.openFiles !== undefined && !(Array.isArray(p.openFiles) && p.openFiles.every((u) => typeof u === 'string')))
    throw invalid('openFiles must be an array of file URIs');
  if (p.repoMap !== undefined && typeof p.repoMap !== 'boolean') throw invalid('repoMap must be a boolean');
  return p as unknown as ContextParams;
}
