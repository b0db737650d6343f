// Opening a repository's index for Engine.open: the repository must be a folder; a corrupt index is moved aside and a
// fresh one opened in its place (with a warning); any other store problem is a RepositoryError that says what to do.
import { existsSync, statSync } from 'node:fs';
import type { Config } from './config.js';
import { RepositoryError } from './engine-types.js';
import { Store, StoreError } from './store/store.js';

/** The store of `config.repo`; throws RepositoryError when the repository is not a folder or the index cannot be used. */
export function openStore(config: Config, onWarning: (message: string) => void): Store {
  if (!existsSync(config.repo) || !statSync(config.repo).isDirectory()) {
    throw new RepositoryError(`${config.repo} is not a folder: pass --repo DIR with a repository folder`);
  }
  try {
    return Store.open(config.indexDir, config.repo);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    if (error.code !== 'corrupt') throw new RepositoryError(error.message);
    let aside: string;
    try {
      aside = Store.quarantine(config.indexDir);
    } catch (move) {
      throw new RepositoryError(
        `${error.message}; it cannot be moved aside (${(move as Error).message}): remove it or pass --index-dir DIR`,
      );
    }
    onWarning(`${error.message}; moved it to ${aside} and rebuilding the index from scratch`);
    try {
      return Store.open(config.indexDir, config.repo);
    } catch (again) {
      throw new RepositoryError((again as Error).message);
    }
  }
}
