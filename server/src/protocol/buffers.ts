// Editor buffers into the index: each change is noted at once (the folder is not ready until its text is indexed) and
// written after a short quiet period; a closed buffer gives the file back to the disk.
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FolderRegistry } from './folders.js';

const BUFFER_DEBOUNCE_MS = 100;

export class BufferSync {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly folders: FolderRegistry,
  ) {}

  /** A buffer changed (or opened): index its text after the quiet period. */
  changed(uri: string): void {
    const old = this.pending.get(uri);
    if (old) clearTimeout(old);
    // Not ready until this text is indexed, and no index run writes the file on disk over it meanwhile.
    const noted = this.folders.locate(uri);
    if (noted && this.documents.get(uri)) noted.folder.live.noteBuffer(noted.path);
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        const doc = this.documents.get(uri);
        const where = this.folders.locate(uri);
        if (doc && where) void where.folder.live.setBuffer(where.path, doc.getText());
      }, BUFFER_DEBOUNCE_MS),
    );
  }

  /** Every open buffer again (a folder has just started: buffers opened before it were not indexed). */
  resync(): void {
    for (const doc of this.documents.all()) this.changed(doc.uri);
  }

  /** A buffer closed: the index holds the file on disk again. */
  closed(uri: string): void {
    const pending = this.pending.get(uri);
    if (pending) clearTimeout(pending);
    this.pending.delete(uri);
    const where = this.folders.locate(uri);
    if (where) void where.folder.live.closeBuffer(where.path);
  }
}
