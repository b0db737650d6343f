// `npm run package`: assembles the extension in .package/ and writes codectx-<version>.vsix with @vscode/vsce.
// Invariant: the .vsix holds the extension bundle, the server bundle with grammars and the default model, and only the
// runtime packages the server bundle imports, trimmed to linux-x64 (no dev dependencies, tests or other platforms).
//
// .package/
//   package.json, README.md            the extension manifest (extension/package.json) and its page
//   dist/extension.js                  the extension bundle
//   server/package.json                marks the server root (grammar-loader.ts finds grammars/ beside it)
//   server/dist/*.js, chunks/*.js      the server bundle (cli.js serve --stdio, its chunks, the worker bundles)
//   server/grammars/, server/models/code-static/
//   server/node_modules/…              runtime packages, trimmed
//   native/better-sqlite3/node-v<ABI>-linux-x64/better_sqlite3.node   one build per Node ABI (extension/build-native.mjs)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const stage = join(root, '.package');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'extension', 'package.json'), 'utf8'));

/** Packages the server bundle imports that the packaged server never loads, and why. */
const EXCLUDED = {
  '@huggingface/transformers':
    'bundled into dist/embed-worker.js; cli.js imports it only for in-thread embedding (the CLI, not `serve`)',
  'prebuild-install': "better-sqlite3's install script",
  'adm-zip': "onnxruntime-node's install script",
  'global-agent': "onnxruntime-node's install script",
};
/** Optional dependencies that are the linux-x64 half of a package. */
const PLATFORM_PACKAGES = { 'sqlite-vec': ['sqlite-vec-linux-x64'] };

/** Per package: which of its files to ship (default: all but maps, type declarations, docs and tests). */
const KEEP = {
  'better-sqlite3': (p) =>
    p === 'package.json' || p.startsWith('lib/') || p === 'build/Release/better_sqlite3.node' || p === 'LICENSE',
  'onnxruntime-node': (p) =>
    p === 'package.json' ||
    p.startsWith('dist/') ||
    p.startsWith('lib/') ||
    p.startsWith('bin/napi-v6/linux/x64/') ||
    p === 'LICENSE',
  'web-tree-sitter': (p) => !p.startsWith('debug/') && !p.startsWith('src/') && !p.startsWith('lib/') && defaultKeep(p),
};
function defaultKeep(p) {
  return !/\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i.test(p) && !/(^|\/)(test|tests|__tests__|docs?|examples?)\//.test(p);
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare package names imported by a bundle (esbuild writes real imports with double quotes, statements at line start). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const names = new Set();
  for (const re of [
    /^\s*import\s[^;'"]*?from\s*"([^"]+)"/gm,
    /^\s*import\s*"([^"]+)"/gm,
    /\bimport\("([^"]+)"\)/g,
    /\brequire\w*\("([^"]+)"\)/g,
  ]) {
    for (const m of text.matchAll(re)) {
      const spec = m[1];
      if (spec.startsWith('.') || spec.startsWith('/') || builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
      names.add(packageName(spec));
    }
  }
  return names;
}

/** Files under `dir`, relative to it; a package's own node_modules are packages of their own, so `nested` skips them. */
function walk(dir, nested = true, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (nested || entry.name !== 'node_modules') walk(full, nested, base, out);
    } else out.push(relative(base, full));
  }
  return out;
}

/** The folder of package `name` as Node would find it from `from` (not through `exports`, which may hide package.json). */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find the package ${name} from ${from}`);
  }
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: 'inherit', ...opts });
}

// 1. Bundles.
run(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root });
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });
cpSync(join(root, 'extension', 'dist', 'extension.js'), join(stage, 'dist', 'extension.js'));
const serverDist = join(stage, 'server', 'dist');
mkdirSync(serverDist, { recursive: true });
// The CLI's chunks (dist/chunks/: the language server, the MCP server, the code they share with the CLI) too.
mkdirSync(join(serverDist, 'chunks'), { recursive: true });
const bundles = [
  ...readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js')),
  ...readdirSync(join(root, 'dist', 'chunks'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `chunks/${f}`),
];
for (const f of bundles) cpSync(join(root, 'dist', f), join(serverDist, f));

// 2. Server data: grammars' tags queries and the default model.
cpSync(join(root, 'grammars'), join(stage, 'server', 'grammars'), { recursive: true });
cpSync(join(root, 'models', 'code-static'), join(stage, 'server', 'models', 'code-static'), { recursive: true });
writeFileSync(
  join(stage, 'server', 'package.json'),
  `${JSON.stringify({ name: 'codectx-server', version: rootPkg.version, private: true, type: 'module', license: rootPkg.license }, null, 2)}\n`,
);

// 3. Runtime packages: what the bundles import, with their dependencies, trimmed.
const wanted = new Set();
for (const f of bundles) for (const n of importsOf(join(root, 'dist', f))) wanted.add(n);
const shipped = new Map();
const queue = [...wanted].map((name) => ({ name, from: root }));
while (queue.length) {
  const { name, from } = queue.shift();
  if (EXCLUDED[name] || shipped.has(name)) continue;
  const dir = packageDir(name, from);
  shipped.set(name, dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...(PLATFORM_PACKAGES[name] ?? [])])
    queue.push({ name: dep, from: dir });
}
// grammar-loader.ts reads the grammars from @repomix/tree-sitter-wasms/out: only the languages codectx knows.
const languages = readFileSync(join(root, 'server', 'src', 'chunk', 'languages.ts'), 'utf8');
const wasms = new Set([...languages.matchAll(/wasm:\s*'([^']+)'/g)].map((m) => m[1]));
shipped.set('@repomix/tree-sitter-wasms', packageDir('@repomix/tree-sitter-wasms', root));
KEEP['@repomix/tree-sitter-wasms'] = (p) => p === 'package.json' || wasms.has(p.replace(/^out\//, ''));

for (const [name, dir] of shipped) {
  const keep = KEEP[name] ?? defaultKeep;
  // Same place relative to the server as to the repository, so nested versions stay nested.
  const target = join(stage, 'server', relative(root, dir));
  for (const file of walk(dir, false)) {
    if (!keep(file)) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(dir, file), join(target, file));
  }
}

// 4. better-sqlite3 for each Node ABI.
const native = join(root, '.cache', 'native', 'better-sqlite3');
if (!existsSync(native)) throw new Error('no native builds in .cache/native: run `node extension/build-native.mjs` first');
cpSync(native, join(stage, 'native', 'better-sqlite3'), { recursive: true });
const abis = readdirSync(native);

// 5. Manifest and page; vsce packs the folder as it is (its own node_modules rule would drop server/node_modules
// only at the top level, so --no-dependencies with this layout ships exactly what is staged).
const { scripts, devDependencies, dependencies, ...clean } = manifest;
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(clean, null, 2)}\n`);
cpSync(join(root, 'extension', 'README.md'), join(stage, 'README.md'));
writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n');
const vsix = join(root, `codectx-${manifest.version}.vsix`);
run(
  process.execPath,
  [
    join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--no-dependencies',
    '--skip-license',
    '--allow-missing-repository',
    '--out',
    vsix,
  ],
  { cwd: stage },
);

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
const staged = walk(stage).reduce((n, f) => n + statSync(join(stage, f)).size, 0);
console.log(`\n${relative(root, vsix)}: ${mb(statSync(vsix).size)} (${mb(staged)} unpacked)`);
console.log(`runtime packages: ${[...shipped.keys()].sort().join(', ')}`);
console.log(`better-sqlite3 builds: ${abis.join(', ')}`);
