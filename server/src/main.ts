// LSP entry: `codectx serve --stdio` or `codectx serve --socket PORT`. Creates the connection and starts the server.
import { socketConnection, stdioConnection } from './protocol/connection.js';
import { startServer } from './protocol/server.js';

/** Runs the language server until the client says exit. Returns 2 on bad usage. */
export async function runServer(argv: string[]): Promise<number | undefined> {
  const socketFlag = argv.findIndex((a) => a === '--socket' || a.startsWith('--socket='));
  if (argv.includes('--stdio') && socketFlag < 0) {
    startServer(stdioConnection());
    return undefined;
  }
  if (socketFlag >= 0) {
    const arg = argv[socketFlag] ?? '';
    const port = Number(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[socketFlag + 1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write('codectx: --socket needs a port number (0 picks a free one)\n');
      return 2;
    }
    const connection = await socketConnection(port, (actual) =>
      process.stderr.write(`codectx: listening on 127.0.0.1:${actual}\n`),
    );
    startServer(connection);
    return undefined;
  }
  process.stderr.write('codectx: usage: codectx serve --stdio | --socket PORT\n');
  return 2;
}
