// Two processes starting their first embedding pass on one index at once: each looked, saw no vector table for the model,
// and creates one. The look and the creation are one write transaction, so the second takes the first's table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store } from './store.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codectx-vector-tables-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('a second connection creating the table another created since it looked takes that table, for the same model', () => {
  const first = Store.open(dir, '/repo');
  const second = Store.open(dir, '/repo');
  try {
    // `second` looked before `first` created the table: it goes straight to the creation step.
    const created = first.vectors.vectorTable('model-a', 16);
    expect(second.vectors.addVectorTable('model-a', 16)).toBe(created);
    expect(second.vectors.tableNames()).toEqual([created]);
    // Another model still gets a table of its own, and other dimensions under the same model are refused.
    expect(second.vectors.addVectorTable('model-b', 8)).not.toBe(created);
    expect(() => first.vectors.addVectorTable('model-a', 8)).toThrow(/gives 8 dimensions, its index has 16/);
  } finally {
    first.close();
    second.close();
  }
});
