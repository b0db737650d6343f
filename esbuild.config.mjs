// Bundles the CLI (and later the language server) into dist/. Dependencies stay external:
// better-sqlite3 is native and web-tree-sitter loads its .wasm next to its own module.
import { chmodSync, readFileSync } from 'node:fs';
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

await build({
  ...common,
  entryPoints: { cli: 'server/src/cli.ts' },
  outdir: 'dist',
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
