// The language server's settings: read from initializationOptions or workspace/didChangeConfiguration, then turned into
// each folder's Config by config.ts's configFrom (the one place configuration is built). Bad values are ignored.
import { type Config, configFrom, parseEmbedderSetting } from '../config.js';
import type { ServerSettings } from './requests.js';

/** The settings in `raw` that have the right type; anything else is left out (the default applies). */
export function readSettings(raw: unknown): ServerSettings {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: ServerSettings = {};
  if (typeof o.cacheDir === 'string' && o.cacheDir) out.cacheDir = o.cacheDir;
  if (typeof o.watch === 'boolean') out.watch = o.watch;
  if (typeof o.debounceMs === 'number' && o.debounceMs >= 0) out.debounceMs = o.debounceMs;
  if (typeof o.maxFileBytes === 'number' && o.maxFileBytes > 0) out.maxFileBytes = o.maxFileBytes;
  if (typeof o.remote === 'string' && /^postgres(ql)?:\/\/./.test(o.remote)) out.remote = o.remote;
  const embeddings = parseEmbedderSetting(o.embeddings);
  if (embeddings) out.embeddings = embeddings;
  return out;
}

/** Settings whose change restarts every folder (its index or its watcher changes). */
export function needsRestart(before: ServerSettings, after: ServerSettings): boolean {
  return (
    after.watch !== before.watch ||
    after.cacheDir !== before.cacheDir ||
    after.maxFileBytes !== before.maxFileBytes ||
    after.remote !== before.remote
  );
}

/** The Config of a workspace folder under these settings. Throws ConfigError on a bad CODECTX_EMBEDDINGS. */
export function folderConfig(root: string, settings: ServerSettings): Config {
  return configFrom({
    repo: root,
    cacheDir: settings.cacheDir,
    maxFileBytes: settings.maxFileBytes,
    embeddings: settings.embeddings,
    remote: settings.remote,
    embedInWorker: true,
  });
}
