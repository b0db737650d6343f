// The CLI's usage: the text of --help, the flags it parses, and the checks that make a bad command line a usage error
// (exit 2, one line) before any index is opened.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { isContextFormat, isEncoding, MAX_LIMIT } from './engine.js';

export const USAGE = `usage:
  codectx serve  --stdio | --socket PORT       (the language server)
  codectx mcp    [--repo DIR] [--index-dir DIR] (the MCP server over stdio; docs/mcp.md)
  codectx index  [--repo DIR] [--index-dir DIR] [--json] [--rebuild] [--remote URL [--repo-name NAME]]
  codectx search QUERY [--repo DIR] [--index-dir DIR] [--limit N] [--mode hybrid|lexical|dense] [--json] [--explain]
  codectx search --batch FILE [--repo DIR] [--index-dir DIR] [--limit N] [--mode …]
  codectx context QUESTION [--repo DIR] [--index-dir DIR] [--budget N] [--format markdown|json|xml]
                 [--file PATH [--line N]] [--tokenizer o200k|cl100k] [--no-map] [--json]
  codectx context --batch FILE [--repo DIR] [--index-dir DIR] [--budget N] [--format …] [--tokenizer …] [--no-map]
  codectx symbols NAME [--repo DIR] [--index-dir DIR] [--limit N] [--json]
  codectx status [--repo DIR] [--index-dir DIR] [--json] [--verify]
  codectx search QUERY --remote URL --repo-name NAME [--commit ID] [--limit N] [--mode …] [--json]  (a pushed commit)
  codectx push   --remote URL [--repo DIR] [--index-dir DIR] [--repo-name NAME] [--commit ID] [--snapshot] [--json]
  codectx --version
  codectx eval DATASET... [--repo DIR] [--modes lexical,grep] [--k N] [--json] [--baseline FILE [--max-drop X]] [--save-baseline FILE]

--limit is an integer from 1 to ${MAX_LIMIT} (default 10); --budget a number of tokens from 1 to 1000000 (default 4000),
counted exactly in the --tokenizer's encoding. --file PATH --line N: the chunk at that line is taken first.
--batch FILE (- for stdin): one question a line, plain or JSON {"id","query"} (context: also "budget"), answered as
JSON Lines in order (search: {"id","query","results","tookMs"}; context: {"id"} and the fields of --json).
--repo defaults to the current folder; the index lives under ~/.cache/codectx unless --index-dir or CODECTX_INDEX_DIR says otherwise.
--embeddings SPEC (or CODECTX_EMBEDDINGS) picks the embedding model of index, search and eval: none, local (the shipped
model), or JSON such as {"provider":"huggingface","model":"/path/to/model"} (docs/configuration.md).
--remote URL (or CODECTX_REMOTE) names the team index, a PostgreSQL server (postgres://user:password@host/db): push
writes this index there under --repo-name (default: the folder's name) and --commit (default: HEAD); index, search and
context take from it the files' rows and vectors it has instead of parsing and running the model (a failing server:
one warning, done locally). push --snapshot also sends the whole index file; a first index of a checkout (no index
yet) then starts from the newest snapshot of --repo-name (default: the folder's name) and updates what differs.`;

/** Ends a usage error's one line (README's contract); `--help` prints the whole usage. */
export const HINT = ' (codectx --help shows the usage)';

/** A bad command line: exit 2 with its message and HINT. */
export class UsageError extends Error {}

/** The command line's flags and positionals (node:util parseArgs, strict). */
export function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      repo: { type: 'string' },
      'index-dir': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      batch: { type: 'string' },
      explain: { type: 'boolean' },
      mode: { type: 'string' },
      embeddings: { type: 'string' },
      budget: { type: 'string' },
      verify: { type: 'boolean' },
      rebuild: { type: 'boolean' },
      remote: { type: 'string' },
      'repo-name': { type: 'string' },
      commit: { type: 'string' },
      snapshot: { type: 'boolean' },
      format: { type: 'string' },
      file: { type: 'string' },
      line: { type: 'string' },
      tokenizer: { type: 'string' },
      'no-map': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** The parsed flags. */
export type Values = ReturnType<typeof parse>['values'];

/** Throws a UsageError for a missing or unknown command, a missing argument, or a flag of another command. */
export function checkUsage(command: string | undefined, rest: string[], values: Values): void {
  if (command === undefined) throw new UsageError('missing command');
  if (!['index', 'search', 'context', 'symbols', 'status', 'push'].includes(command))
    throw new UsageError(`unknown command '${command}'`);
  if (command === 'search' && !values.batch && rest.length === 0) throw new UsageError('search needs a QUERY or --batch FILE');
  if (command === 'context' && !values.batch && rest.length === 0)
    throw new UsageError('context needs a QUESTION or --batch FILE');
  if (values.batch && rest.length > 0) throw new UsageError(`--batch takes its questions from FILE, not '${rest[0]}'`);
  if (command === 'symbols' && rest.length !== 1) throw new UsageError('symbols needs one NAME');
  if (command !== 'search' && command !== 'context' && command !== 'symbols' && rest.length > 0)
    throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (command !== 'search' && values.explain) throw new UsageError('--explain goes with search');
  if (command !== 'search' && command !== 'context' && values.batch) throw new UsageError('--batch goes with search and context');
  if (command !== 'search' && command !== 'symbols' && values.limit) throw new UsageError('--limit goes with search and symbols');
  const contextFlags = ['budget', 'format', 'file', 'line', 'tokenizer', 'no-map'] as const;
  const misplaced = contextFlags.find((f) => values[f] !== undefined);
  if (command !== 'context' && misplaced) throw new UsageError(`--${misplaced} goes with context`);
  if (command !== 'status' && values.verify) throw new UsageError('--verify goes with status');
  if (command !== 'index' && values.rebuild) throw new UsageError('--rebuild goes with index');
  if (command !== 'push' && !(command === 'search' && values['repo-name'] !== undefined) && values.commit)
    throw new UsageError('--commit goes with push and search --repo-name');
  if (values['repo-name'] !== undefined && values.batch) throw new UsageError('--batch does not go with --repo-name');
  if (command !== 'push' && command !== 'search' && command !== 'index' && values['repo-name'] !== undefined)
    throw new UsageError('--repo-name goes with push, index and search');
  if (command !== 'push' && values.snapshot) throw new UsageError('--snapshot goes with push');
  if (values.format !== undefined && !isContextFormat(values.format))
    throw new UsageError(`--format must be markdown, json or xml, got '${values.format}'`);
  if (values.tokenizer !== undefined && !isEncoding(values.tokenizer))
    throw new UsageError(`--tokenizer must be o200k or cl100k, got '${values.tokenizer}'`);
  if (values.line !== undefined && values.file === undefined) throw new UsageError('--line goes with --file PATH');
  const line = values.line === undefined ? undefined : Number(values.line);
  if (line !== undefined && (!Number.isInteger(line) || line < 1))
    throw new UsageError(`--line must be a line number from 1, got '${values.line}'`);
}

/** A --file argument (relative to the current folder, or absolute) as a path inside the repository. */
export function repoRelative(repo: string, file: string): string {
  const rel = relative(realpathOr(repo), realpathOr(resolve(file)));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`--file ${file} is not inside ${repo}`);
  return rel.split(sep).join('/');
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
