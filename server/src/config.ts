// The one Config type with its defaults; the only place where settings and environment variables are read.
// Invariant: no other file under server/src reads process.env (architecture.test.ts checks it).
import { createHash } from 'node:crypto';
import { availableParallelism, homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/** Which embedding provider, and how to reach its model. */
export type EmbedderConfig =
  | { provider: 'local'; modelDir?: string }
  | { provider: 'huggingface'; model: string; cacheDir?: string; pooling?: 'mean' | 'cls' }
  | { provider: 'openai-compatible'; baseUrl: string; model: string; apiKey?: string; dimensions?: number }
  | { provider: 'hash'; dimensions?: number }
  | { provider: 'none' };

/** What users may configure: every provider but the test double. */
export type UserEmbedderConfig = Exclude<EmbedderConfig, { provider: 'hash' }>;

/** Everything the engine needs to know about one repository and how to index it. */
export interface Config {
  /** Absolute path of the repository root. */
  repo: string;
  /** Folder that holds the index file (index.sqlite). */
  indexDir: string;
  /** Files larger than this many bytes are skipped as 'too-large'. */
  maxFileBytes: number;
  /** A chunk holds at most this many lines and characters before it is split. */
  maxChunkLines: number;
  maxChunkChars: number;
  /** Runs of top-level code shorter than this many lines merge with their neighbours. */
  minChunkLines: number;
  /** Lines per window for files without a grammar. */
  windowLines: number;
  /** Files per write transaction while indexing. */
  batchFiles: number;
  /** Which embedding model, if any: the shipped local model by default; `none` for lexical search only. */
  embedder: EmbedderConfig;
  /** Run the local model in a worker thread (the language server), or in this thread (the CLI). */
  embedInWorker: boolean;
  /**
   * Worker threads that parse and chunk files during a CLI index run while its main thread writes the index (0: the
   * main thread chunks too); CODECTX_INDEX_THREADS. The language server chunks in one worker thread whatever it says.
   */
  indexThreads: number;
  /**
   * The team index, a postgres:// URL (`--remote`, the `remote` setting, CODECTX_REMOTE): vectors are pulled from it
   * while indexing, and `codectx push` writes there. Undefined: nothing leaves or enters the machine.
   */
  remote?: string;
}

export const defaults = {
  maxFileBytes: 1024 * 1024,
  maxChunkLines: 80,
  maxChunkChars: 4000,
  minChunkLines: 5,
  windowLines: 50,
  batchFiles: 256,
  embedder: { provider: 'local' } as EmbedderConfig,
  embedInWorker: false,
  indexThreads: availableParallelism(),
};

/**
 * Where a repository's index lives: `CODECTX_INDEX_DIR` when set (the folder itself, like `--index-dir`),
 * else a per-repository folder under the user's cache. The store refuses an index made for another repository.
 */
export function defaultIndexDir(repo: string, env: NodeJS.ProcessEnv = process.env, cacheDir?: string): string {
  if (env.CODECTX_INDEX_DIR && !cacheDir) return resolve(env.CODECTX_INDEX_DIR);
  const cache = cacheDir ? resolve(cacheDir) : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'codectx');
  const id = createHash('sha1').update(repo).digest('hex').slice(0, 12);
  return join(cache, `${basename(repo) || 'root'}-${id}`);
}

/**
 * The better-sqlite3 native build to load: `CODECTX_SQLITE_BINDING` (a `better_sqlite3.node` file) when set, so that a
 * packaged server (the VS Code extension) can carry builds for several Node ABIs and pick the one of the Node it runs on;
 * undefined means the build installed with the package.
 */
export function sqliteBinding(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.CODECTX_SQLITE_BINDING || undefined;
}

/**
 * The configuration of one repository. `cacheDir` (the language server's setting) is a folder under which each
 * repository gets its own index folder; it wins over CODECTX_INDEX_DIR, which names one index folder.
 */
export function makeConfig(repo: string, overrides: Partial<Config> = {}, cacheDir?: string): Config {
  const abs = resolve(repo);
  return { ...defaults, repo: abs, indexDir: defaultIndexDir(abs, process.env, cacheDir), ...overrides };
}

/** Configuration as a front end receives it from its user: CLI flags, eval flags, language server settings. */
export interface ConfigInput {
  /** The repository folder (relative to the working directory, or absolute). */
  repo: string;
  /** `--index-dir`: the index folder itself. Wins over `cacheDir` and CODECTX_INDEX_DIR. */
  indexDir?: string;
  /** The language server's `cacheDir`: a folder under which each repository gets its own index folder. */
  cacheDir?: string;
  /** `--embeddings` text or the LSP `embeddings` object; CODECTX_EMBEDDINGS when absent. */
  embeddings?: unknown;
  /** Files larger than this many bytes are skipped. */
  maxFileBytes?: number;
  /** Run the local model in a worker thread (the language server). */
  embedInWorker?: boolean;
  /** `--remote` or the LSP `remote` setting: the team index's postgres:// URL; CODECTX_REMOTE when absent. */
  remote?: string;
}

/** User input that makes no configuration; the message names the setting and what it accepts. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The one way from user input to a Config, for the CLI, eval and the language server. Reads the environment:
 * CODECTX_EMBEDDINGS (when `embeddings` is absent), CODECTX_INDEX_DIR, XDG_CACHE_HOME. Throws ConfigError on an
 * embeddings value that names no usable provider.
 */
export function configFrom(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): Config {
  const repo = resolve(input.repo);
  const config: Config = { ...defaults, repo, indexDir: defaultIndexDir(repo, env, input.cacheDir) };
  if (input.indexDir) config.indexDir = resolve(input.indexDir);
  if (input.maxFileBytes !== undefined) config.maxFileBytes = input.maxFileBytes;
  if (input.embedInWorker !== undefined) config.embedInWorker = input.embedInWorker;
  const threads = env.CODECTX_INDEX_THREADS;
  if (threads) {
    if (!/^\d{1,2}$/.test(threads.trim()) || Number(threads) > 64)
      throw new ConfigError(`CODECTX_INDEX_THREADS must be an integer from 0 to 64, got '${threads.slice(0, 20)}'`);
    config.indexThreads = Number(threads);
  }
  const fromEnv = input.embeddings === undefined || input.embeddings === '';
  const embeddings = fromEnv ? env.CODECTX_EMBEDDINGS : input.embeddings;
  if (embeddings !== undefined && embeddings !== '') {
    const embedder = parseEmbedderSetting(embeddings);
    if (!embedder) {
      const text = typeof embeddings === 'string' ? embeddings : JSON.stringify(embeddings);
      const shown = text.length > 80 ? `${text.slice(0, 79)}…` : text;
      throw new ConfigError(
        `${fromEnv ? 'CODECTX_EMBEDDINGS' : '--embeddings (or CODECTX_EMBEDDINGS)'} must be none, local, or JSON {"provider": …}, got '${shown}'`,
      );
    }
    config.embedder = embedder;
  }
  const remote = input.remote || env.CODECTX_REMOTE;
  if (remote) {
    // The URL holds a password: a message shows its scheme only.
    if (!/^postgres(ql)?:\/\/./.test(remote))
      throw new ConfigError(
        `${input.remote ? '--remote' : 'CODECTX_REMOTE'} must be a postgres:// URL, got one starting '${remote.split(':')[0]?.slice(0, 20)}:'`,
      );
    config.remote = remote;
  }
  return config;
}

/**
 * An embedder setting as users write it: an object `{provider, …}` (the LSP setting `embeddings`), or, as text (the
 * CLI's `--embeddings`, `CODECTX_EMBEDDINGS`), that object in JSON or just a provider name without options (`none`,
 * `local`). Undefined when it names no known provider or misses a required field (`model`, `baseUrl`).
 */
export function parseEmbedderSetting(value: unknown): UserEmbedderConfig | undefined {
  let e = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === 'none' || text === 'local') return { provider: text };
    try {
      e = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (!e || typeof e !== 'object') return undefined;
  const o = e as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : undefined);
  switch (o.provider) {
    case 'none':
      return { provider: 'none' };
    case 'local':
      return { provider: 'local', modelDir: str('modelDir') };
    case 'huggingface': {
      const model = str('model');
      const pooling = o.pooling === 'mean' || o.pooling === 'cls' ? o.pooling : undefined;
      return model ? { provider: 'huggingface', model, cacheDir: str('cacheDir'), pooling } : undefined;
    }
    case 'openai-compatible': {
      const baseUrl = str('baseUrl');
      const model = str('model');
      return baseUrl && model ? { provider: 'openai-compatible', baseUrl, model, apiKey: str('apiKey') } : undefined;
    }
    default:
      return undefined;
  }
}
