// The proof that the index is up to date with a walk: the walk's digest and `files_epoch` recorded by a full run that
// found every file as indexed. Invariant: a proof that matches means the run would read, re-index and write nothing.
import { createHash } from 'node:crypto';
import type { WalkResult } from '../ingest/walk.js';

/** The meta key of the proof. */
export const FRESH_PROOF_KEY = 'fresh_proof';

/**
 * What a full run proved: when `files_epoch` was `epoch`, the `files` and `skipped` tables held exactly what a run whose
 * walk has this `digest` leaves there, having found `files` files unchanged and `judged` left out by their content
 * (binary, minified, a secret) as judged before; the rest of the walk's files none.
 */
export interface FreshProof {
  epoch: number;
  digest: string;
  files: number;
  judged: number;
}

/**
 * A digest of everything a walk found that an index run reads: each file's path, size and mtime, each skip's path,
 * reason and kind, in walk order, and the repository.
 */
export function walkDigest(repo: string, walk: WalkResult): string {
  const hash = createHash('sha1').update(`${repo}\n`);
  // Hashed in pieces of ~64 KiB: one update per file costs more than the hashing (78k on the kernel).
  let text = '';
  for (const f of walk.files) {
    text += `${f.path}\0${f.size}\0${f.mtimeMs}\n`;
    if (text.length > 65536) {
      hash.update(text);
      text = '';
    }
  }
  text += '\x01\n';
  for (const s of walk.skipped) {
    text += `${s.path}\0${s.reason}\0${s.dir ? 'd' : 'f'}\n`;
    if (text.length > 65536) {
      hash.update(text);
      text = '';
    }
  }
  return hash.update(text).digest('hex');
}

/** The stored proof, or undefined when there is none or it cannot be read. */
export function parseProof(raw: string | undefined): FreshProof | undefined {
  if (!raw) return undefined;
  try {
    const p = JSON.parse(raw) as FreshProof;
    const counts = [p.epoch, p.files, p.judged].every((n) => Number.isSafeInteger(n) && n >= 0);
    return counts && typeof p.digest === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}
