// One index run (and embedding pass) at a time per index, across processes: `index.lock` beside the index holds the pid
// of the process running one. Invariant: a lock whose process is gone is taken over; a lock is never left half-written.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { heldByOtherServer } from './update-index.js';

/** A lock file that exists but holds no pid yet is being written; older than this, it is left over and taken over. */
const EMPTY_LOCK_GRACE_MS = 5000;
const POLL_MS = 200;

/** The lock file could not be written (a full disk, say): no run can be recorded, so none starts. */
export class RunLockError extends Error {}

/** The wait for another process's run was given up (its signal aborted). */
export class RunLockAborted extends Error {}

/**
 * Holds of this process by lock file. The file holds a pid, so the lock belongs to the process, not to one RunLock: two
 * engines of one process on one index (a recovery, tests) share it rather than wait for each other forever.
 */
const processHolds = new Map<string, number>();

/**
 * The run lock of one index. Reentrant within its process: a holder may take it again (the CLI holds it over an index run
 * and the embedding pass, each of which takes it too); the file goes when the last hold is released.
 */
export class RunLock {
  constructor(readonly file: string) {}

  private get holds(): number {
    return processHolds.get(this.file) ?? 0;
  }

  private set holds(n: number) {
    if (n > 0) processHolds.set(this.file, n);
    else processHolds.delete(this.file);
  }

  /** The pid of another live process holding the lock, else undefined. */
  holder(): number | undefined {
    const pid = Number.parseInt(readText(this.file), 10);
    return Number.isFinite(pid) && heldByOtherServer(pid) ? pid : undefined;
  }

  /** Takes the lock if no other live process holds it. Throws RunLockError when the lock file cannot be written. */
  tryAcquire(): boolean {
    if (this.holds > 0) {
      this.holds++;
      return true;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(this.file, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(this.file, error);
        if (!this.stale()) return false;
        rmSync(this.file, { force: true });
        continue;
      }
      try {
        writeSync(fd, String(process.pid));
      } catch (error) {
        // ENOSPC, EDQUOT, EIO: an empty lock would stop every other run for a while; leave none behind.
        closeSync(fd);
        rmSync(this.file, { force: true });
        throw lockError(this.file, error);
      }
      closeSync(fd);
      this.holds = 1;
      return true;
    }
    return false;
  }

  /**
   * Takes the lock, waiting while another live process holds it (`onWait` is told once, with its pid). Throws
   * RunLockAborted when `signal` aborts during the wait.
   */
  async acquire(options: { signal?: AbortSignal; onWait?: (pid: number) => void } = {}): Promise<void> {
    let told = false;
    while (!this.tryAcquire()) {
      if (options.signal?.aborted) throw new RunLockAborted('the index run was cancelled while waiting for another');
      const pid = this.holder();
      if (pid !== undefined && !told) {
        told = true;
        options.onWait?.(pid);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  release(): void {
    if (this.holds === 0) return;
    this.holds--;
    if (this.holds === 0 && readText(this.file) === String(process.pid)) rmSync(this.file, { force: true });
  }

  /** Runs `op` holding the lock (waiting for it as `acquire` does). */
  async with<T>(op: () => Promise<T>, options: { signal?: AbortSignal; onWait?: (pid: number) => void } = {}): Promise<T> {
    await this.acquire(options);
    try {
      return await op();
    } finally {
      this.release();
    }
  }

  /** The lock file names a process that is gone (or none, for longer than a write takes). */
  private stale(): boolean {
    const text = readText(this.file);
    const pid = Number.parseInt(text, 10);
    // Our own pid with no hold of ours is a leftover too (a pid reused after a crash).
    if (Number.isFinite(pid)) return !heldByOtherServer(pid);
    try {
      return Date.now() - statSync(this.file).mtimeMs > EMPTY_LOCK_GRACE_MS;
    } catch {
      return true;
    }
  }
}

function lockError(file: string, error: unknown): RunLockError {
  const e = error as NodeJS.ErrnoException;
  const why = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'no space left on the device' : e.message;
  return new RunLockError(`cannot write the index's run lock ${file} (${why}): free some space or pass --index-dir DIR`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
