// Engine.context ranks a pasted issue's chunks in the order search lists them (files first), not by their bare scores.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { Engine } from './engine.js';

let repo: string;
let engine: Engine;

// One strong hit in b.py; three weak ones in a.py, which together are more evidence for a.py (rank/files-first.ts).
const fn = (name: string, body: string) => `def ${name}():\n    ${body}\n    return None\n\n`;
beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-context-order-'));
  writeFileSync(
    join(repo, 'a.py'),
    fn('alpha', 'ledger accounts') + fn('beta', 'ledger accounts') + fn('gamma', 'ledger accounts'),
  );
  writeFileSync(join(repo, 'b.py'), fn('rounding_drift', 'rounding drift cent statement bank month totals ledger'));
  for (let i = 0; i < 6; i++) writeFileSync(join(repo, `other${i}.py`), fn(`unrelated_${i}`, 'nothing to see here'));
  engine = Engine.open(makeConfig(repo, { indexDir: join(repo, '.idx'), embedder: { provider: 'none' } }));
  await engine.index();
});

afterAll(async () => {
  await engine.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('Engine.context for a pasted issue', () => {
  it('takes the order search lists, so the file search puts first leads the context too', async () => {
    const issue = [
      'Ledger rounding drift after the month ends',
      'When I close a ledger at the end of the month, the totals show a rounding drift of one cent in some accounts.',
      'I expected the ledger to balance exactly, as it did in the previous release, and I checked every account twice.',
      'Steps: open a ledger, add a few lines, then close it and compare the totals with the statement from the bank.',
    ].join('\n');
    const search = await engine.search(issue, { limit: 10, explain: true });
    // The case this test is about: search moved a.py's results past b.py's better-scored one.
    expect(search.results[0]?.path).toBe('a.py');
    const b = search.results.find((r) => r.path === 'b.py');
    expect(b?.explain?.ownScore ?? 0).toBeGreaterThan(search.results[0]?.explain?.ownScore ?? Number.POSITIVE_INFINITY);
    const bundle = await engine.context(issue, { budgetTokens: 2000 });
    const top = bundle.chunks.find((c) => c.rank === 1);
    expect(top?.path).toBe('a.py');
  });
});
