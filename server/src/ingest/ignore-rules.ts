// Pure. The default rules: which folders and files are never worth indexing, and why.
import type { SkipReason } from '../model.js';

/** Folders never descended into: VCS data, dependencies, vendored code, build outputs, caches. */
export const DEFAULT_IGNORED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'third_party',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.parcel-cache',
  '.cache',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.gradle',
  '.idea',
  '.terraform',
  '.eggs',
  'site-packages',
]);

const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'composer.lock',
  'Gemfile.lock',
  'go.sum',
  'flake.lock',
  'packages.lock.json',
  'uv.lock',
]);

const SECRET_NAMES = new Set([
  '.npmrc',
  '.netrc',
  '.pypirc',
  '.pgpass',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'credentials',
]);
const SECRET_EXT = /\.(pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg|ovpn)$/i;
const ENV_FILE = /^\.env(\..+)?$/;
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist)$/;

const BINARY_EXT = new RegExp(
  `\\.(${[
    'png|jpe?g|gif|bmp|ico|icns|webp|avif|tiff?|psd|svgz',
    'mp3|mp4|m4a|wav|ogg|flac|avi|mov|mkv|webm',
    'zip|gz|tgz|bz2|xz|zst|7z|rar|tar|jar|war|ear|whl|deb|rpm|dmg|iso',
    'exe|dll|so|dylib|a|lib|o|obj|class|pyc|pyo|wasm|node|bin|dat',
    'pdf|docx?|xlsx?|pptx?|odt|ods',
    'ttf|otf|woff2?|eot',
    'sqlite3?|db|mdb|parquet|onnx|pt|pth|safetensors|npy|npz|pkl|h5',
  ].join('|')})$`,
  'i',
);

const MINIFIED_NAME = /[.-]min\.(js|css|mjs)$|\.(js|css)\.map$|\.bundle\.js$/i;

/** What the file's name alone says: a reason to skip it, or undefined to read it. */
export function skipByName(name: string): SkipReason | undefined {
  if (LOCK_FILES.has(name)) return 'lock-file';
  if (ENV_FILE.test(name) && !ENV_TEMPLATE.test(name)) return 'secret';
  if (SECRET_NAMES.has(name) || SECRET_EXT.test(name) || /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/.test(name)) return 'secret';
  if (MINIFIED_NAME.test(name)) return 'minified';
  if (BINARY_EXT.test(name)) return 'binary';
  return undefined;
}

/**
 * Everything above that a walk's verdicts depend on, as one text: a walk memo written under other rules is not used
 * (ingest/walk-memo.ts).
 */
export const RULES_FINGERPRINT = [
  [...DEFAULT_IGNORED_DIRS].join(','),
  [...LOCK_FILES].join(','),
  [...SECRET_NAMES].join(','),
  ...[SECRET_EXT, ENV_FILE, ENV_TEMPLATE, BINARY_EXT, MINIFIED_NAME].map((r) => r.source),
  String(skipByName),
].join('\n');

/**
 * What the file's bytes say: binary (a NUL byte in the first 8 KiB), a private key, or a minified bundle
 * (long lines on average). Undefined when the file is worth indexing.
 */
export function skipByContent(bytes: Uint8Array): SkipReason | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return 'binary';
  let newlines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) newlines++;
  if (bytes.length > 4096 && bytes.length / (newlines + 1) > 400) return 'minified';
  const text = Buffer.from(head).toString('latin1');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return 'secret';
  return undefined;
}
