// The issue-only term filter of the search path on a real index file: a title word found in most chunks is dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withoutProjectWords } from './engine-search.js';
import { Store } from './store/store.js';
import { fileWrite } from './store/test-files.js';
import { parseQuery } from './tokens/parse-query.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-search-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('withoutProjectWords', () => {
  it("drops a pasted issue's title words found in over half of the chunks, keeps the others", () => {
    const store = Store.open(join(dir, 'idx'), dir);
    store.writeBatch({
      writes: [
        fileWrite('acme/run.py', 'python', ['acme run loop', 'acme config reader', 'acme empty guard']),
        fileWrite('acme/io.py', 'python', ['acme writes files', 'plain helper']),
      ],
      touched: [],
      deleted: [],
    });
    const body = 'When I start it with an empty config file it stops at once and prints nothing useful. '.repeat(3);
    const q = parseQuery(`Acme crashes on empty config\n${body}\nThanks.`);
    expect(q.terms).toContain('acme');
    const kept = withoutProjectWords(store, q);
    expect(kept.terms).not.toContain('acme');
    expect(kept.terms).toEqual(q.terms.filter((t) => t !== 'acme'));
    // Not an issue, or no title word that common: the query as it was.
    expect(withoutProjectWords(store, parseQuery('acme empty config'))).toEqual(parseQuery('acme empty config'));
    store.close();
  });
});
