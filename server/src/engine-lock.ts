// The run lock as the engine holds it for index runs and embedding passes: another process's run is waited for, and a
// lock that cannot be written or a full disk during the run become RepositoryErrors that say what to do.
import { RepositoryError } from './engine-types.js';
import { type RunLock, RunLockError } from './index/run-lock.js';

/** Runs `op` holding `lock` (index/run-lock.ts); `indexFile` names the index in the message of a full disk. */
export async function withRunLock<T>(
  lock: RunLock,
  indexFile: () => string,
  op: () => Promise<T>,
  options: { signal?: AbortSignal; onWait?: (pid: number) => void },
): Promise<T> {
  try {
    await lock.acquire(options);
  } catch (error) {
    throw error instanceof RunLockError ? new RepositoryError(error.message) : error;
  }
  try {
    return await op();
  } catch (error) {
    // SQLITE_FULL: the transaction in flight rolled back, every earlier one stands; say what to do, not SQLite's words.
    if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
    throw new RepositoryError(
      `the index ${indexFile()} cannot grow: the disk holding it is full (${(error as Error).message}); what was indexed before is kept and still answers: free some space and run codectx index again, or pass --index-dir DIR`,
    );
  } finally {
    lock.release();
  }
}
