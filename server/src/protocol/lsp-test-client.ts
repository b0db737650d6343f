// Test support: a minimal LSP client over any pair of streams (a child's stdio, or in-process pipes).
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createConnection,
  createMessageConnection,
  type MessageConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { StatusRequest, type StatusResponse } from './requests.js';
import { startServer } from './server.js';

export interface TestClient {
  rpc: MessageConnection;
  logs: string[];
  progress: unknown[];
  initialize(folders: string[], initializationOptions?: unknown): Promise<unknown>;
  waitReady(timeoutMs?: number): Promise<StatusResponse>;
  close(): Promise<void>;
}

/** `sendExit` false keeps an in-process server's process alive (the library exits the process on `exit`). */
export function connectClient(input: Readable, output: Writable, sendExit = true): TestClient {
  const rpc = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const logs: string[] = [];
  const progress: unknown[] = [];
  rpc.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  rpc.onNotification('window/showMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  rpc.onNotification('$/progress', (p: unknown) => {
    progress.push(p);
  });
  rpc.onRequest('window/workDoneProgress/create', () => null);
  rpc.onRequest('client/registerCapability', () => null);
  rpc.listen();
  return {
    rpc,
    logs,
    progress,
    async initialize(folders, initializationOptions) {
      const workspaceFolders = folders.map((f) => ({ uri: pathToFileURL(f).toString(), name: f }));
      const result = await rpc.sendRequest('initialize', {
        processId: process.pid,
        rootUri: workspaceFolders[0]?.uri ?? null,
        workspaceFolders,
        initializationOptions,
        capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true } },
      });
      await rpc.sendNotification('initialized', {});
      return result;
    },
    async waitReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await rpc.sendRequest(StatusRequest.type, {});
        if (status.folders.length > 0 && status.folders.every((f) => f.state === 'ready' || f.state === 'error')) return status;
        if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms: ${JSON.stringify(status)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      try {
        await rpc.sendRequest('shutdown');
        if (sendExit) await rpc.sendNotification('exit');
      } finally {
        rpc.dispose();
      }
    },
  };
}

/** A server and a client in this process, joined by pipes: for handler tests. */
export function inProcessPair(): TestClient {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(connection);
  return connectClient(toClient, toServer, false);
}
