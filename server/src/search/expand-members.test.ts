// Member expansion on a real index (real chunker, real FTS5): a class hit offers its best-matching members, below it
// first, then above it; a function hit, another class's members and members matching no term are never offered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { Engine } from '../engine.js';
import { params } from '../rank/params.js';
import { Store } from '../store/store.js';
import { parseQuery } from '../tokens/parse-query.js';
import { expandMembers, MEMBER_DEFAULTS, type MemberHit } from './expand-members.js';
import { matchExpression } from './lexical-search.js';

let repo: string;
let store: Store;

const method = (name: string, body: string) =>
  `    def ${name}(self, key):\n        """${body}"""\n        value = self.items.get(key)\n        return value\n\n`;

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-members-'));
  writeFileSync(
    join(repo, 'cache.py'),
    `class Cache:\n    """A bounded cache of recent entries."""\n\n${method('get', 'Return the cached entry for key.')}${method(
      'evict_oldest',
      'Evict the least recently used entry when the cache is full.',
    )}${method('touch', 'Mark an entry as recently used.')}${method('size', 'How many items are held.')}\n\nclass Pool:\n${method(
      'evict_idle',
      'Evict idle connections, the least recently used first.',
    )}\n\ndef evict_all(cache):\n    """Evict every entry of the cache."""\n    cache.items.clear()\n    return cache\n`,
  );
  const indexDir = join(repo, '.idx');
  const engine = Engine.open(makeConfig(repo, { indexDir, embedder: { provider: 'none' } }));
  await engine.index();
  await engine.close();
  store = Store.open(indexDir, repo);
});

afterAll(() => {
  store.close();
  rmSync(repo, { recursive: true, force: true });
});

function hit(symbol: string, score: number): MemberHit {
  const row = store.db
    .prepare(
      'SELECT id, kind, start_line AS startLine, end_line AS endLine FROM chunks WHERE symbol = ? ORDER BY start_line LIMIT 1',
    )
    .get(symbol) as { id: number; kind: MemberHit['kind']; startLine: number; endLine: number };
  return { ...row, path: 'cache.py', symbol, score };
}
const symbolOf = (id: number) => store.db.prepare('SELECT symbol FROM chunks WHERE id = ?').pluck().get(id);
const expand = (query: string, hits: MemberHit[], perSeed = 2) =>
  expandMembers(store.db, hits, matchExpression(parseQuery(query)), params.fieldWeights, { ...MEMBER_DEFAULTS, perSeed });

describe('expandMembers', () => {
  it("offers a class hit's best-matching members at 0.9, 0.81… of its score and drops the class to 0.7", () => {
    const cache = hit('Cache', 2);
    expect(cache.kind).toBe('class');
    const { members, containers } = expand('evict the least recently used entry', [cache]);
    expect(members.map((m) => [symbolOf(m.id), m.score, m.via])).toEqual([
      ['Cache.evict_oldest', 2 * 0.9, cache.id],
      ['Cache.touch', 2 * 0.9 * 0.9, cache.id],
    ]);
    expect([...containers]).toEqual([[cache.id, 2 * MEMBER_DEFAULTS.containerFactor]]);
    // The default offers the best one only.
    expect(expand('evict the least recently used entry', [cache], MEMBER_DEFAULTS.perSeed).members.map((m) => m.id)).toEqual([
      members[0]?.id,
    ]);
  });

  it("never offers another class's members, a function's, or members that match no term", () => {
    const fn = hit('evict_all', 3);
    expect(fn.kind).toBe('function');
    expect(expand('evict the least recently used entry', [fn])).toEqual({ members: [], containers: new Map() });
    const pool = hit('Pool', 1);
    expect(expand('evict idle connections', [pool]).members.map((m) => symbolOf(m.id))).toEqual(['Pool.evict_idle']);
    expect(expand('zzqqx', [hit('Cache', 1)])).toEqual({ members: [], containers: new Map() });
  });

  it('looks only at the first `seeds` hits', () => {
    const hits = [hit('evict_all', 3), hit('Pool', 2), hit('Cache', 1)];
    const { members } = expand('evict least recently used', hits);
    expect(new Set(members.map((m) => symbolOf(m.id)))).toEqual(
      new Set(['Pool.evict_idle', 'Cache.evict_oldest', 'Cache.touch']),
    );
    const first2 = expandMembers(store.db, hits, matchExpression(parseQuery('evict least recently used')), params.fieldWeights, {
      ...MEMBER_DEFAULTS,
      perSeed: 2,
      seeds: 2,
    });
    expect(first2.members.map((m) => symbolOf(m.id))).toEqual(['Pool.evict_idle']);
  });
});
