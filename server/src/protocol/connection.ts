// Transports of the language server: stdio, or one client on a loopback TCP port.
import { createServer } from 'node:net';
import {
  type Connection,
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';

export function stdioConnection(): Connection {
  return createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
}

/** Listens on 127.0.0.1:`port` and resolves with the connection of the first client; no other client is accepted. */
export function socketConnection(port: number, onListening: (port: number) => void): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      server.close();
      socket.on('close', () => process.exit(0));
      resolve(createConnection(ProposedFeatures.all, new StreamMessageReader(socket), new StreamMessageWriter(socket)));
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      onListening(typeof address === 'object' && address ? address.port : port);
    });
  });
}
