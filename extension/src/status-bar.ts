// The status bar item: indexing progress, then `codectx: N chunks`; a click shows the status and actions.
// It polls codectx/status: every second while a folder indexes or embeds, every 10 s otherwise; `serverReady` (e2e log)
// is written once, when every folder is indexed and embedded the first time.
import * as vscode from 'vscode';
import type { FolderStatus, StatusResponse } from '../../server/src/protocol/requests.js';
import type { CodectxClient } from './client.js';
import { e2eLog } from './e2e-log.js';

const FAST_MS = 1000;

const indexing = (f: FolderStatus) => f.state === 'indexing' || f.state === 'starting';
/** Vectors still being computed (lexical search already answers meanwhile). */
const embedding = (f: FolderStatus) => f.embeddings === 'embedding' || f.embeddings === 'starting';
const SLOW_MS = 10_000;

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('codectx.status', vscode.StatusBarAlignment.Left, 10);
  private timer: NodeJS.Timeout | undefined;
  private readyLogged = false;
  private disposed = false;

  constructor(private readonly client: CodectxClient) {
    this.item.name = 'codectx';
    this.item.command = 'codectx.showStatus';
    this.item.text = '$(sync~spin) codectx: starting';
    this.item.show();
    client.onDidChange(() => this.schedule(0));
    this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.disposed) this.timer = setTimeout(() => void this.refresh(), ms);
  }

  private async refresh(): Promise<void> {
    if (this.client.failure) {
      this.item.text = '$(error) codectx';
      this.item.tooltip = `codectx: ${this.client.failure}`;
      return;
    }
    if (!this.client.running) {
      this.item.text = '$(sync~spin) codectx: starting';
      return this.schedule(FAST_MS);
    }
    let status: StatusResponse;
    try {
      status = await this.client.status();
    } catch (error) {
      this.item.text = '$(warning) codectx';
      this.item.tooltip = (error as Error).message;
      return this.schedule(SLOW_MS);
    }
    this.show(status);
    const busy = status.folders.some((f) => indexing(f) || embedding(f));
    if (!busy && !this.readyLogged && status.folders.length) {
      this.readyLogged = true;
      e2eLog({ event: 'serverReady', status });
    }
    this.schedule(busy ? FAST_MS : SLOW_MS);
  }

  private show(status: StatusResponse): void {
    const folders = status.folders;
    const chunks = folders.reduce((n, f) => n + f.chunks, 0);
    const indexing = folders.filter((f) => f.state === 'indexing' || f.state === 'starting');
    const failed = folders.filter((f) => f.state === 'error');
    if (indexing.length) {
      const done = indexing.reduce((n, f) => n + (f.progress?.filesDone ?? 0), 0);
      const total = indexing.reduce((n, f) => n + (f.progress?.filesTotal ?? 0), 0);
      this.item.text = total
        ? `$(sync~spin) codectx: indexing ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`
        : '$(sync~spin) codectx: indexing';
    } else if (failed.length) {
      this.item.text = `$(error) codectx: ${chunks.toLocaleString('en-US')} chunks`;
    } else {
      this.item.text = `$(database) codectx: ${chunks.toLocaleString('en-US')} chunks`;
    }
    const lines = folders.map(
      (f) =>
        `${f.path}: ${f.state}, ${f.files} files, ${f.chunks} chunks, embeddings ${f.embeddings}${f.error ? ` — ${f.error}` : ''}`,
    );
    this.item.tooltip = `${lines.join('\n') || 'no workspace folder'}\nClick for status and actions`;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
