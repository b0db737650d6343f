// Test support: the dense search over a store, one per store as the engine has it.
import type { Store } from '../store/store.js';
import { DenseSearch } from './dense-search.js';

const searches = new WeakMap<Store, DenseSearch>();

/** The dense search over a store, one per store as the engine has it (its in-memory copies persist across calls). */
export function dense(s: Store): DenseSearch {
  let d = searches.get(s);
  if (!d) {
    d = new DenseSearch(s);
    searches.set(s, d);
  }
  return d;
}
