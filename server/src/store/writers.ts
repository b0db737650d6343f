// Unclean shutdowns: `meta.writer_open` lists the pids of the processes that have the index open for writing (each
// removes its own when it closes); one found there whose process is gone sets `meta.needs_check` until a check clears it.
import type Database from 'better-sqlite3';
import { readMeta, writeMeta } from './open.js';

/**
 * Adds this process to the writers; a listed writer whose process is gone means an unclean shutdown (`needs_check`).
 * A full disk only skips the mark: it is advice, never a reason not to open.
 */
export function markWriterOpen(db: Database.Database): void {
  try {
    db.transaction(() => {
      const pids = writerPids(db).filter((pid) => pid !== process.pid);
      if (pids.some((pid) => !alive(pid))) writeMeta(db, 'needs_check', new Date().toISOString());
      writeMeta(db, 'writer_open', JSON.stringify([...pids.filter(alive), process.pid]));
    }).immediate();
  } catch {
    // A full disk or a busy writer: open all the same.
  }
}

/** Takes this process off the writers (before the connection closes). */
export function markWriterClosed(db: Database.Database): void {
  try {
    db.transaction(() => {
      const pids = writerPids(db).filter((pid) => pid !== process.pid);
      if (pids.length) writeMeta(db, 'writer_open', JSON.stringify(pids));
      else db.prepare("DELETE FROM meta WHERE key = 'writer_open'").run();
    }).immediate();
  } catch {
    // Closing goes on: the next open then takes this for an unclean shutdown and checks, which costs only time.
  }
}

function writerPids(db: Database.Database): number[] {
  try {
    const pids = JSON.parse(readMeta(db, 'writer_open') ?? '[]') as unknown;
    return Array.isArray(pids) ? pids.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}

/** True when `pid` is a live process (ours included). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
