// `codectx mcp [--repo DIR]`: the MCP server over stdio, until the client closes stdin (or a signal ends it).
// Invariant: stdout carries the protocol and nothing else (everything else written there goes to stderr).
// Exit codes: 0 when stdin closed or a signal ended it, 2 bad usage, 3 the --repo folder does not exist.
import { existsSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type Config, ConfigError, configFrom } from '../config.js';
import { CodectxMcpServer } from './mcp-server.js';

export const MCP_USAGE = `usage:
  codectx mcp [--repo DIR] [--index-dir DIR] [--embeddings none|local|JSON] [--no-watch]

Speaks the Model Context Protocol over stdio (tools: search, context, symbols, status). The repository is --repo, else
the client's first root, else the current folder. The index is shared with codectx index/search and the language server.`;

/** Runs the server until stdin closes (or a signal), then closes the index and ends the process; returns on bad usage. */
export async function runMcpCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (error) {
    process.stderr.write(`codectx mcp: ${(error as Error).message}\n${MCP_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(`${MCP_USAGE}\n`);
    return 0;
  }
  // The repository is only known once the client has said its roots: the configuration is checked now, with `.` in
  // its place, so that a bad --embeddings fails at once.
  const configFor = (repo: string): Config =>
    configFrom({ repo, indexDir: values['index-dir'], embeddings: values.embeddings, embedInWorker: true });
  try {
    configFor('.');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`codectx mcp: ${error.message}\n`);
    return 2;
  }
  if (values.repo && !(existsSync(values.repo) && statSync(values.repo).isDirectory())) {
    process.stderr.write(`codectx mcp: --repo ${values.repo} is not a folder\n`);
    return 3;
  }

  const protocolOut = reserveStdout();
  const log = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };
  const server = new CodectxMcpServer({
    repo: values.repo,
    cwd: process.cwd(),
    configFor,
    log,
    watch: values['no-watch'] !== true,
  });
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  transport.onerror = (error) => log(`codectx: MCP transport: ${error.message}`);

  const code = await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (reason: string) => () => {
      if (stopping) return;
      stopping = true;
      log(`codectx: ${reason}; closing the index`);
      resolve(0);
    };
    process.stdin.once('end', stop('stdin closed'));
    process.stdin.once('close', stop('stdin closed'));
    process.once('SIGTERM', stop('SIGTERM'));
    process.once('SIGINT', stop('SIGINT'));
    server.mcp.connect(transport).catch((error: Error) => {
      log(`codectx: cannot start the MCP server: ${error.message}`);
      resolve(1);
    });
  });
  // A close that hangs (a stuck worker) must not keep a client waiting: the process ends anyway.
  setTimeout(() => process.exit(code), 3000).unref();
  await server.close();
  // The index is closed and the lock released; timers still pending elsewhere (the live index's wait for its watcher)
  // must not keep the process alive after its client is gone.
  process.exit(code);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      repo: { type: 'string' },
      'index-dir': { type: 'string' },
      embeddings: { type: 'string' },
      'no-watch': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * The protocol's own way to stdout, taken before anything else can write there; from then on, whatever else writes
 * to process.stdout (a library's console.log, a worker thread's console) goes to stderr instead of corrupting the stream.
 */
function reserveStdout(): Writable {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout);
  const protocol = {
    write: (chunk: string | Uint8Array) => write(chunk),
    once: (event: string, listener: () => void) => stdout.once(event, listener),
  };
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return protocol as unknown as Writable;
}
