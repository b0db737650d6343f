// Bundles the CLI (and later the language server) into dist/. Dependencies stay external:
// better-sqlite3 is native and web-tree-sitter loads its .wasm next to its own module.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

// The language server and the MCP server (imported by the CLI only for `serve` and `mcp`) go into chunks of their own
// (dist/chunks/), with their imports of vscode-languageserver, zod and the MCP SDK: a one-shot `codectx search` does not
// load them (0.38 -> ~0.1 s CPU for `codectx --version`).
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { cli: 'server/src/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
  // `codectx --version`
  define: { CODECTX_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
});
chmodSync('dist/cli.js', 0o755);

// The embedding model runs in a worker thread of the language server. transformers.js is bundled into it so that its
// static import of sharp (images, native libvips, ~26 MB resident) resolves to a stub; ONNX Runtime stays external.
await build({
  ...common,
  packages: undefined,
  external: ['onnxruntime-node', 'onnxruntime-common'],
  alias: { sharp: './server/src/embed/no-sharp.ts' },
  entryPoints: { 'embed-worker': 'server/src/embed/embed-worker.ts' },
  outdir: 'dist',
});

// Parsing and chunking run in a worker thread of the language server during index runs.
await build({ ...common, entryPoints: { 'chunk-worker': 'server/src/index/chunk-worker.ts' }, outdir: 'dist' });

// What the benchmarks import of the server (bench/fit-fusion.mjs, fit-rerank.mjs, knn.mjs): server/src/lib.ts.
await build({ ...common, entryPoints: { lib: 'server/src/lib.ts' }, outdir: 'dist' });

// The VS Code extension (extension/dist/extension.js): CommonJS, as VS Code loads it, with everything bundled but the
// editor's own `vscode` module. requests.ts's protocol types resolve to vscode-languageclient's copy, so that only one
// vscode-languageserver-protocol is bundled.
const clientRequire = createRequire(createRequire(import.meta.url).resolve('vscode-languageclient/node'));
const oneProtocol = {
  name: 'one-protocol',
  setup(b) {
    b.onResolve({ filter: /^vscode-languageserver-protocol$/ }, (args) =>
      args.importer.endsWith('requests.ts') ? { path: clientRequire.resolve('vscode-languageserver-protocol') } : undefined,
    );
  },
};
await build({
  ...common,
  packages: undefined,
  format: 'cjs',
  entryPoints: { extension: 'extension/src/main.ts' },
  outdir: 'extension/dist',
  external: ['vscode'],
  plugins: [oneProtocol],
});
