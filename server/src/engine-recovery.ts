// The engine's store as it survives damage: a statement that finds the index file damaged moves it aside, opens a fresh
// one in its place and runs once more (`guarded`); after an unclean shutdown a check runs first. Engine keeps one.
import type { Config } from './config.js';
import { RepositoryError } from './engine-types.js';
import { DenseSearch } from './search/dense-search.js';
import { Store } from './store/store.js';

/** The open store and its KNN, replaced together when the index is found damaged. */
export class RecoveringStore {
  /** The KNN over the store's vector tables, with their in-memory copies. */
  dense: DenseSearch;
  /** How many times the index was found damaged and a fresh one started (see `recover`). */
  recoveries = 0;
  /** What the last recovery said, for status. */
  recovered: string | undefined;
  /** Called after a recovery, so that a long-running front end rebuilds the fresh index (Engine.live). */
  onRecovered: (() => void) | undefined;
  /** The check after an unclean shutdown, once it ran: `checking`, `ok`, or what it found (the index is then rebuilt). */
  integrity: string | undefined;

  constructor(
    private readonly config: Config,
    public store: Store,
    private readonly onWarning: (message: string) => void,
  ) {
    this.dense = new DenseSearch(store);
  }

  /**
   * Runs `op`; when SQLite reports the index file damaged (in any statement), moves the file aside, opens a fresh one in
   * its place and runs `op` once more against it. Also retries when another operation recovered while `op` ran.
   */
  async guarded<T>(op: () => T | Promise<T>): Promise<T> {
    const before = this.recoveries;
    try {
      return await op();
    } catch (error) {
      if (this.recoveries === before && !this.recoverFrom(error)) throw error;
      return await op();
    }
  }

  guardedSync<T>(op: () => T): T {
    const before = this.recoveries;
    try {
      return op();
    } catch (error) {
      if (this.recoveries === before && !this.recoverFrom(error)) throw error;
      return op();
    }
  }

  /** True (after recovering) when `error` means the index file is damaged. */
  private recoverFrom(error: unknown): boolean {
    if (!this.store.confirmsCorruption(error)) return false;
    if (this.store.readOnly) {
      throw new RepositoryError(
        `the index ${this.store.file} is damaged (${(error as Error).message}) and read-only, so it cannot be rebuilt in place: pass --index-dir DIR to build another`,
      );
    }
    this.recover(`the index ${this.store.file} is damaged (${(error as Error).message})`);
    return true;
  }

  /**
   * Moves the index file aside (`index.sqlite.corrupt-<time>`, kept for inspection) and opens a fresh, empty index in
   * its place; the next index run fills it. `onWarning` says so; `recovered` keeps the message.
   */
  recover(reason: string): void {
    try {
      this.store.close();
    } catch {
      // Already closed, or closing failed on the damage: the file is moved aside all the same.
    }
    const aside = Store.quarantine(this.config.indexDir);
    this.store = Store.open(this.config.indexDir, this.config.repo);
    this.dense = new DenseSearch(this.store);
    this.recoveries++;
    this.recovered = `${reason}; moved it to ${aside} and rebuilding the index from scratch`;
    this.onWarning(this.recovered);
    this.onRecovered?.();
  }

  /**
   * The integrity check after an unclean shutdown (SQLite's quick_check and FTS5's check): a sound index loses the mark;
   * a damaged one is moved aside and rebuilt (`recover`, with its warning). Returns the problems found.
   */
  async checkAfterUncleanShutdown(): Promise<string[]> {
    this.integrity = 'checking';
    // Let the caller's answers go first: the check holds this thread for as long as SQLite reads the file.
    await new Promise((resolve) => setImmediate(resolve));
    const problems = this.store.verify(false);
    if (problems.length === 0) {
      this.integrity = 'ok';
      this.store.checked();
      return problems;
    }
    this.integrity = `damaged (${problems[0]}): moved aside and rebuilt`;
    this.recover(`the index ${this.store.file} was not closed cleanly and a check found it damaged (${problems[0]})`);
    return problems;
  }
}
