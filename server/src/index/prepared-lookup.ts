// Files cut elsewhere by the same chunking rules (the team index), asked for in batches by content hash and language
// while the index run reads on. Invariant: a lookup never fails the run: a source that fails answers "not there", and
// the file is chunked here.
import type { PreparedFile } from '../store/store-types.js';

/** Where an index run may find files already cut (engine-remote.ts: the team index). */
export interface PreparedFiles {
  /**
   * Each of `files` (by language and content hash, never by path) as the source has it cut by the rules `chunking`
   * names (prepare-file.ts), or undefined, in the order asked. A source that fails answers undefined for all.
   */
  lookup(chunking: string, files: { hash: string; language: string }[]): Promise<(PreparedFile | undefined)[]>;
}

/** Collects the run's lookups into batches of `size` (one round trip each); `flush` sends a partial batch. */
export class PreparedLookup {
  private queue: { hash: string; language: string; resolve: (file: PreparedFile | undefined) => void }[] = [];
  private failed = false;

  constructor(
    private readonly source: PreparedFiles,
    private readonly chunking: string,
    readonly size = 256,
  ) {}

  /** The file of this content as the source has it, or undefined (then the run chunks it). */
  get(hash: string, language: string): Promise<PreparedFile | undefined> {
    if (this.failed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ hash, language, resolve });
      if (this.queue.length >= this.size) this.flush();
    });
  }

  /** Sends what is queued. */
  flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const keys = batch.map(({ hash, language }) => ({ hash, language }));
    this.source.lookup(this.chunking, keys).then(
      (found) => {
        for (const [i, b] of batch.entries()) b.resolve(found[i]);
      },
      () => {
        this.failed = true;
        for (const b of batch) b.resolve(undefined);
      },
    );
  }
}
