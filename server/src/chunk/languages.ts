// Pure. Maps a file to its language, and a language to its tree-sitter grammar when it has one.

/** A language with a tree-sitter grammar and a tags query in grammars/<id>/tags.scm. */
export interface GrammarLanguage {
  id: string;
  /** File name of the grammar in @repomix/tree-sitter-wasms/out. */
  wasm: string;
}

export const GRAMMARS: Record<string, GrammarLanguage> = {
  typescript: { id: 'typescript', wasm: 'tree-sitter-typescript.wasm' },
  tsx: { id: 'tsx', wasm: 'tree-sitter-tsx.wasm' },
  javascript: { id: 'javascript', wasm: 'tree-sitter-javascript.wasm' },
  python: { id: 'python', wasm: 'tree-sitter-python.wasm' },
  go: { id: 'go', wasm: 'tree-sitter-go.wasm' },
  rust: { id: 'rust', wasm: 'tree-sitter-rust.wasm' },
  java: { id: 'java', wasm: 'tree-sitter-java.wasm' },
  c: { id: 'c', wasm: 'tree-sitter-c.wasm' },
  cpp: { id: 'cpp', wasm: 'tree-sitter-cpp.wasm' },
  csharp: { id: 'csharp', wasm: 'tree-sitter-c_sharp.wasm' },
  ruby: { id: 'ruby', wasm: 'tree-sitter-ruby.wasm' },
  php: { id: 'php', wasm: 'tree-sitter-php.wasm' },
};

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hh: 'cpp',
  hpp: 'cpp',
  hxx: 'cpp',
  ipp: 'cpp',
  cs: 'csharp',
  rb: 'ruby',
  rake: 'ruby',
  gemspec: 'ruby',
  php: 'php',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  json: 'json',
  jsonc: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  ini: 'ini',
  cfg: 'ini',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  fish: 'shell',
  ps1: 'powershell',
  sql: 'sql',
  html: 'html',
  htm: 'html',
  xml: 'xml',
  svg: 'xml',
  css: 'css',
  scss: 'css',
  less: 'css',
  vue: 'vue',
  svelte: 'svelte',
  kt: 'kotlin',
  kts: 'kotlin',
  swift: 'swift',
  scala: 'scala',
  lua: 'lua',
  pl: 'perl',
  r: 'r',
  dart: 'dart',
  ex: 'elixir',
  exs: 'elixir',
  erl: 'erlang',
  hs: 'haskell',
  ml: 'ocaml',
  clj: 'clojure',
  proto: 'protobuf',
  graphql: 'graphql',
  gql: 'graphql',
  tf: 'terraform',
  rst: 'restructuredtext',
  txt: 'text',
};

const BY_NAME: Record<string, string> = {
  Dockerfile: 'dockerfile',
  Makefile: 'make',
  GNUmakefile: 'make',
  Rakefile: 'ruby',
  Gemfile: 'ruby',
  'CMakeLists.txt': 'cmake',
};

const SHEBANG: [RegExp, string][] = [
  [/^#!.*\b(python[\d.]*)\b/, 'python'],
  [/^#!.*\b(node|deno|bun)\b/, 'javascript'],
  [/^#!.*\bruby\b/, 'ruby'],
  [/^#!.*\bphp\b/, 'php'],
  [/^#!.*\b(ba|z|da|k)?sh\b/, 'shell'],
];

/** The language id of a file, from its name, else its first line; 'text' when nothing is known. */
export function detectLanguage(path: string, firstLine = ''): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const byName = BY_NAME[name];
  if (byName) return byName;
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const byExt = BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
    if (byExt) return byExt;
  }
  for (const [re, lang] of SHEBANG) if (re.test(firstLine)) return lang;
  return 'text';
}
