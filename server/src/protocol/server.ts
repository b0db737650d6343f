// The language server: LSP lifecycle, workspace folders, settings, document sync and the codectx/* requests.
// Invariant: only this folder knows LSP; it turns URIs into repository-relative paths and back, and errors into ResponseErrors.
import { existsSync, realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  type Connection,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  type SymbolInformation,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type WorkDoneProgressReporter,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { packContext } from '../assemble/legacy-pack.js';
import { makeConfig, parseEmbedderSetting } from '../config.js';
import { EmbeddingsUnavailable } from '../engine.js';
import { LiveIndex } from '../live-index.js';
import type { Chunk } from '../model.js';
import { WorkerChunker } from '../worker-chunker.js';
import {
  type ContextChunk,
  type ContextParams,
  ContextRequest,
  type FolderStatus,
  ReindexRequest,
  type SearchHit,
  type SearchMode,
  type SearchParams,
  SearchRequest,
  type ServerSettings,
  StatusRequest,
} from './requests.js';

interface Folder {
  uri: string;
  root: string;
  live: LiveIndex;
  reporter?: WorkDoneProgressReporter;
}

const SEARCH_MODES = ['lexical', 'dense', 'hybrid'];
const BUFFER_DEBOUNCE_MS = 100;

export function startServer(connection: Connection): void {
  const folders = new Map<string, Folder>();
  // One chunking worker for all folders: started by a large index run, stopped when idle.
  const chunker = new WorkerChunker();
  const documents = new TextDocuments(TextDocument);
  const pendingBuffers = new Map<string, NodeJS.Timeout>();
  let settings: ServerSettings = {};
  let workDoneProgress = false;
  let clientFolders = false;

  const log = (message: string): void => connection.console.info(message);

  const addFolder = (folder: WorkspaceFolder): void => {
    if (folders.has(folder.uri)) return;
    let root: string;
    try {
      root = realpathSync(fileURLToPath(folder.uri));
    } catch {
      connection.window.showWarningMessage(`codectx: cannot index ${folder.uri}: not a folder on this machine`);
      return;
    }
    const overrides = settings.maxFileBytes ? { maxFileBytes: settings.maxFileBytes } : {};
    const config = { ...makeConfig(root, overrides, settings.cacheDir), embedInWorker: true };
    if (settings.embeddings) config.embedder = settings.embeddings;
    const entry: Folder = { uri: folder.uri, root, live: undefined as unknown as LiveIndex };
    entry.live = new LiveIndex(config, {
      watch: settings.watch !== false,
      debounceMs: settings.debounceMs ?? 150,
      log: (message) => {
        log(message);
        if (/watcher .* failed/.test(message)) connection.window.showWarningMessage(message);
      },
      onProgress: (p) => void reportProgress(entry, p.phase, p.filesDone, p.filesTotal),
      chunker,
    });
    folders.set(folder.uri, entry);
    void entry.live.start().then(() => {
      // Buffers opened before the index was ready.
      for (const doc of documents.all()) scheduleBuffer(doc.uri);
    });
  };

  const removeFolder = async (uri: string): Promise<void> => {
    const folder = folders.get(uri);
    if (!folder) return;
    folders.delete(uri);
    folder.reporter?.done();
    await folder.live.dispose();
  };

  const reportProgress = async (folder: Folder, phase: string, done: number, total: number): Promise<void> => {
    if (!workDoneProgress) return;
    if (phase === 'walk' && !folder.reporter) {
      folder.reporter = await connection.window.createWorkDoneProgress();
      folder.reporter.begin(`codectx: indexing ${folder.root}`, 0, `${total} files`, false);
      return;
    }
    if (!folder.reporter) return;
    if (phase === 'done') {
      folder.reporter.done();
      folder.reporter = undefined;
    } else folder.reporter.report(total ? Math.round((done / total) * 100) : 0, `${done}/${total} files`);
  };

  /** The folder holding a file URI and the file's repository-relative path, or undefined outside every folder. */
  const locate = (uri: string): { folder: Folder; path: string } | undefined => {
    if (!uri.startsWith('file:')) return undefined;
    let abs: string;
    try {
      abs = resolve(fileURLToPath(uri));
      if (existsSync(abs)) abs = realpathSync(abs);
    } catch {
      return undefined;
    }
    let best: { folder: Folder; path: string } | undefined;
    for (const folder of folders.values()) {
      const rel = relative(folder.root, abs);
      if (rel === '' || rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(folder.root, rel) !== abs) continue;
      if (!best || folder.root.length > best.folder.root.length) best = { folder, path: rel.split(sep).join('/') };
    }
    return best;
  };

  const scheduleBuffer = (uri: string): void => {
    const old = pendingBuffers.get(uri);
    if (old) clearTimeout(old);
    // Not ready until this text is indexed, and no index run writes the file on disk over it meanwhile.
    const noted = locate(uri);
    if (noted && documents.get(uri)) noted.folder.live.noteBuffer(noted.path);
    pendingBuffers.set(
      uri,
      setTimeout(() => {
        pendingBuffers.delete(uri);
        const doc = documents.get(uri);
        const where = locate(uri);
        if (doc && where) void where.folder.live.setBuffer(where.path, doc.getText());
      }, BUFFER_DEBOUNCE_MS),
    );
  };

  connection.onInitialize((params) => {
    settings = readSettings(params.initializationOptions);
    workDoneProgress = params.capabilities.window?.workDoneProgress === true;
    clientFolders = params.capabilities.workspace?.workspaceFolders === true;
    const initial = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    // Folders start in onInitialized, once the client can receive progress.
    pendingFolders = initial;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        workspaceSymbolProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'codectx', version: '0.1.0' },
    };
  });
  let pendingFolders: WorkspaceFolder[] = [];

  connection.onInitialized(() => {
    for (const f of pendingFolders) addFolder(f);
    pendingFolders = [];
    if (clientFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
        for (const f of event.removed) await removeFolder(f.uri);
        for (const f of event.added) addFolder(f);
      });
    }
  });

  connection.onDidChangeConfiguration(async (change) => {
    const next = readSettings((change.settings as { codectx?: unknown } | undefined)?.codectx ?? change.settings);
    const restart =
      next.watch !== settings.watch || next.cacheDir !== settings.cacheDir || next.maxFileBytes !== settings.maxFileBytes;
    settings = next;
    if (!restart) return;
    const current = [...folders.values()].map((f) => ({ uri: f.uri, name: f.root }));
    for (const f of current) await removeFolder(f.uri);
    for (const f of current) addFolder(f);
  });

  documents.onDidChangeContent((event) => scheduleBuffer(event.document.uri));
  documents.onDidClose((event) => {
    const pending = pendingBuffers.get(event.document.uri);
    if (pending) clearTimeout(pending);
    pendingBuffers.delete(event.document.uri);
    const where = locate(event.document.uri);
    if (where) void where.folder.live.closeBuffer(where.path);
  });
  documents.listen(connection);

  connection.onDidChangeWatchedFiles((params) => {
    const byFolder = new Map<Folder, string[]>();
    for (const change of params.changes) {
      const where = locate(change.uri) ?? locateMissing(change.uri, change.type);
      if (where) byFolder.set(where.folder, [...(byFolder.get(where.folder) ?? []), where.path]);
    }
    for (const [folder, paths] of byFolder) void folder.live.filesChanged(paths);
  });

  /** A deleted file no longer resolves through realpath: match it lexically. */
  const locateMissing = (uri: string, type: number): { folder: Folder; path: string } | undefined => {
    if (type !== FileChangeType.Deleted || !uri.startsWith('file:')) return undefined;
    const abs = resolve(fileURLToPath(uri));
    for (const folder of folders.values()) {
      const rel = relative(folder.root, abs);
      if (rel && !rel.startsWith('..')) return { folder, path: rel.split(sep).join('/') };
    }
    return undefined;
  };

  connection.onRequest(SearchRequest.type, async (params, token) => {
    checkCancelled(token);
    const p = validateSearch(params);
    const started = performance.now();
    const targets = [...folders.values()].filter((f) => !p.folders || p.folders.includes(f.uri));
    const hits: SearchHit[] = [];
    let used: SearchMode = 'lexical';
    for (const folder of targets) {
      const engine = folder.live.ready;
      if (!engine) continue;
      let response: Awaited<ReturnType<typeof engine.search>>;
      try {
        response = await engine.search(p.query, { limit: p.limit, paths: p.paths, languages: p.languages, mode: p.mode });
      } catch (error) {
        if (error instanceof EmbeddingsUnavailable)
          throw invalid(`mode dense is not available in ${folder.root}: ${error.message}`);
        throw error;
      }
      if (response.mode !== 'lexical') used = response.mode;
      const { results } = response;
      for (const r of results)
        hits.push({ ...r, uri: fileUri(folder.root, r.path), folder: folder.uri, range: lineRange(r.startLine, r.endLine) });
    }
    hits.sort((a, b) => b.score - a.score);
    return {
      results: hits.slice(0, p.limit),
      mode: used,
      partial: targets.some((f) => f.live.partial),
      tookMs: Math.round((performance.now() - started) * 100) / 100,
    };
  });

  connection.onRequest(ContextRequest.type, async (params, token) => {
    checkCancelled(token);
    const p = validateContext(params);
    const budget = p.budgetTokens ?? 4000;
    const active = p.activeFile ? locate(p.activeFile) : undefined;
    if (p.activeFile && !active) {
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `activeFile ${p.activeFile} is not inside a workspace folder of this server`,
      );
    }
    const query = [p.query, p.selection ?? ''].join('\n');
    const ranked: (Chunk & { score: number; root: string })[] = [];
    for (const folder of folders.values()) {
      const engine = folder.live.ready;
      if (!engine) continue;
      for (const c of await engine.searchChunks(query, { limit: 40 })) ranked.push({ ...c, root: folder.root });
    }
    ranked.sort((a, b) => b.score - a.score);
    // The chunk under the cursor comes first: it is what the user is looking at.
    if (active && p.position) {
      const line = p.position.line + 1;
      const here = active.folder.live.ready?.chunkAt(active.path, line);
      if (here) ranked.unshift({ ...here, score: Number.POSITIVE_INFINITY, root: active.folder.root });
    }
    const { packed, usedTokens } = packContext(ranked, budget);
    const chunks: ContextChunk[] = packed.map(({ item, citation, tokens }) => ({
      uri: fileUri(item.root, item.path),
      path: item.path,
      range: lineRange(item.startLine, item.endLine),
      citation,
      symbol: item.symbol,
      kind: item.kind,
      language: item.language,
      content: item.content,
      tokens,
      score: Number.isFinite(item.score) ? Math.round(item.score * 1000) / 1000 : 1e9,
    }));
    return { chunks, usedTokens, budgetTokens: budget, partial: [...folders.values()].some((f) => f.live.partial) };
  });

  connection.onRequest(StatusRequest.type, () => ({ folders: [...folders.values()].map(folderStatus) }));

  connection.onRequest(ReindexRequest.type, (params) => {
    if (params?.folder !== undefined && typeof params.folder !== 'string') throw invalid('folder must be a workspace folder URI');
    const targets = [...folders.values()].filter((f) => !params?.folder || f.uri === params.folder);
    if (params?.folder && targets.length === 0) throw invalid(`${params.folder} is not a workspace folder of this server`);
    for (const f of targets) void f.live.reindex(params?.full === true);
    return { started: targets.map((f) => f.uri) };
  });

  connection.onWorkspaceSymbol((params, token): SymbolInformation[] => {
    checkCancelled(token);
    const query = typeof params.query === 'string' ? params.query : '';
    const out: SymbolInformation[] = [];
    for (const folder of folders.values()) {
      const engine = folder.live.ready;
      if (!engine || query.trim() === '') continue;
      for (const s of engine.symbols(query, 100)) {
        out.push({
          name: s.name,
          kind: symbolKind(s.kind),
          containerName: s.parent || undefined,
          location: { uri: fileUri(folder.root, s.path), range: lineRange(s.startLine, s.endLine) },
        });
      }
    }
    return out.slice(0, 200);
  });

  connection.onShutdown(async () => {
    for (const uri of [...folders.keys()]) await removeFolder(uri);
    await chunker.close();
  });

  connection.listen();
}

function folderStatus(folder: Folder): FolderStatus {
  const live = folder.live;
  const s = live.status();
  const base = {
    uri: folder.uri,
    path: folder.root,
    watcher: live.watcherStatus,
    openBuffers: live.buffers.size,
    embedded: live.embedded,
    embeddings: live.embeddings,
  };
  if (!s) {
    return {
      ...base,
      state: 'error',
      role: live.role,
      files: 0,
      chunks: 0,
      skipped: {},
      languages: {},
      parseFailures: 0,
      indexPath: live.config.indexDir,
      indexBytes: 0,
      error: live.error,
    };
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
    progress:
      p && s.state === 'indexing'
        ? { filesDone: p.filesDone, filesTotal: p.filesTotal, filesPerSecond: secs ? Math.round(p.filesDone / secs) : 0 }
        : undefined,
    error: live.error,
  };
}

function readSettings(raw: unknown): ServerSettings {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: ServerSettings = {};
  if (typeof o.cacheDir === 'string' && o.cacheDir) out.cacheDir = o.cacheDir;
  if (typeof o.watch === 'boolean') out.watch = o.watch;
  if (typeof o.debounceMs === 'number' && o.debounceMs >= 0) out.debounceMs = o.debounceMs;
  if (typeof o.maxFileBytes === 'number' && o.maxFileBytes > 0) out.maxFileBytes = o.maxFileBytes;
  const embeddings = parseEmbedderSetting(o.embeddings);
  if (embeddings) out.embeddings = embeddings;
  return out;
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function checkCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');
}

function stringArray(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${name} must be an array of strings`);
  return value as string[];
}

function validateSearch(params: unknown): Required<Pick<SearchParams, 'query' | 'limit'>> & SearchParams {
  if (!params || typeof params !== 'object') throw invalid('codectx/search needs params {query: string, limit?: number, …}');
  const p = params as Record<string, unknown>;
  if (typeof p.query !== 'string') throw invalid('query must be a string');
  const limit = p.limit === undefined ? 10 : p.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200)
    throw invalid('limit must be an integer from 1 to 200');
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

function validateContext(params: unknown): ContextParams {
  if (!params || typeof params !== 'object')
    throw invalid('codectx/context needs params {query: string, budgetTokens?: number, …}');
  const p = params as Record<string, unknown>;
  if (typeof p.query !== 'string') throw invalid('query must be a string');
  if (p.budgetTokens !== undefined && (typeof p.budgetTokens !== 'number' || p.budgetTokens < 1 || p.budgetTokens > 1_000_000)) {
    throw invalid('budgetTokens must be a number from 1 to 1000000');
  }
  if (p.activeFile !== undefined && typeof p.activeFile !== 'string') throw invalid('activeFile must be a file URI');
  if (p.selection !== undefined && typeof p.selection !== 'string') throw invalid('selection must be a string');
  const pos = p.position as { line?: unknown; character?: unknown } | undefined;
  if (pos !== undefined && (typeof pos !== 'object' || typeof pos.line !== 'number' || typeof pos.character !== 'number')) {
    throw invalid('position must be {line: number, character: number}');
  }
  return p as unknown as ContextParams;
}

function lineRange(startLine: number, endLine: number) {
  return { start: { line: startLine - 1, character: 0 }, end: { line: endLine, character: 0 } };
}

function fileUri(root: string, path: string): string {
  return pathToFileURL(`${root}/${path}`).toString();
}

const KIND: Record<string, SymbolKind> = {
  function: SymbolKind.Function,
  method: SymbolKind.Method,
  class: SymbolKind.Class,
  interface: SymbolKind.Interface,
  type: SymbolKind.TypeParameter,
  enum: SymbolKind.Enum,
  struct: SymbolKind.Struct,
  trait: SymbolKind.Interface,
  impl: SymbolKind.Class,
  module: SymbolKind.Module,
  constant: SymbolKind.Constant,
  variable: SymbolKind.Variable,
  field: SymbolKind.Field,
  macro: SymbolKind.Function,
};

function symbolKind(kind: string): SymbolKind {
  return KIND[kind] ?? SymbolKind.Variable;
}
