import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadDatasets, loadSuite, parseDataset } from './dataset.js';
import { parseIssueDataset } from './issue-dataset.js';

const line = (o: unknown) => JSON.stringify(o);
const good = {
  id: 'q1',
  query: 'retry with backoff',
  kind: 'paraphrase',
  gold: [{ path: 'src/a.ts', startLine: 3, endLine: 9, symbol: 'retry' }],
};

describe('parseDataset', () => {
  it('reads questions, skipping blank lines', () => {
    const { questions, errors } = parseDataset(`${line(good)}\n\n${line({ ...good, id: 2, kind: undefined })}\n`, 'set.jsonl');
    expect(errors).toEqual([]);
    expect(questions).toEqual([
      { ...good, dataset: 'set.jsonl' },
      { ...good, id: '2', kind: 'unlabelled', dataset: 'set.jsonl' },
    ]);
  });

  const check = (name: string, text: string, expected: RegExp) =>
    it(name, () => {
      const { questions, errors } = parseDataset(text, 'd.jsonl');
      expect(questions).toEqual([]);
      expect(errors.join('\n')).toMatch(expected);
    });
  check('not JSON', '{"id":', /^d\.jsonl:1: not JSON/);
  check('not an object', '[1,2]', /a line must be a JSON object/);
  check('no query', line({ ...good, query: ' ' }), /query must be a non-empty string/);
  check('no gold', line({ ...good, gold: [] }), /gold must be a non-empty array/);
  check('absolute gold path', line({ ...good, gold: [{ ...good.gold[0], path: '/etc/passwd' }] }), /must be repository-relative/);
  check('parent gold path', line({ ...good, gold: [{ ...good.gold[0], path: 'a/../../b' }] }), /must be repository-relative/);
  check('inverted range', line({ ...good, gold: [{ ...good.gold[0], startLine: 9, endLine: 3 }] }), /gold\[0\]: endLine must be/);
  check('line 0', line({ ...good, gold: [{ ...good.gold[0], startLine: 0 }] }), /startLine must be an integer ≥ 1/);
  check('empty file', '\n\n', /d\.jsonl: no questions/);

  it('reports a duplicate id with its line and keeps the first', () => {
    const { questions, errors } = parseDataset(`${line(good)}\n${line(good)}`, 'd.jsonl');
    expect(questions).toHaveLength(1);
    expect(errors).toEqual(["d.jsonl:2: duplicate id 'q1'"]);
  });
});

describe('loadDatasets', () => {
  it('merges files, refuses ids repeated across them and unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-dataset-'));
    try {
      writeFileSync(join(dir, 'a.jsonl'), line(good));
      writeFileSync(join(dir, 'b.jsonl'), line({ ...good, id: 'q2' }));
      expect(loadDatasets([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')]).map((q) => `${q.dataset}:${q.id}`)).toEqual([
        'a.jsonl:q1',
        'b.jsonl:q2',
      ]);
      writeFileSync(join(dir, 'c.jsonl'), line(good));
      expect(() => loadDatasets([join(dir, 'a.jsonl'), join(dir, 'c.jsonl')])).toThrow(/c\.jsonl: id 'q1' is also in a\.jsonl/);
      expect(() => loadDatasets([join(dir, 'missing.jsonl')])).toThrow(DatasetError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadSuite', () => {
  const issue = { id: 'i1', query: 'crash in parse', gold: [{ path: 'src/a.py', symbols: ['Parser.parse'] }], repo: 'x/y' };
  it('reads issue-style datasets by their gold (files with symbols), refuses mixing them with line ranges', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codectx-dataset-'));
    try {
      writeFileSync(join(dir, 'issues.jsonl'), `${line(issue)}\n${line({ ...issue, id: 'i2', kind: 'traceback' })}\n`);
      writeFileSync(join(dir, 'spans.jsonl'), line(good));
      const suite = loadSuite([join(dir, 'issues.jsonl')]);
      expect(suite.kind).toBe('issues');
      expect(suite.questions.map((q) => [q.id, q.kind])).toEqual([
        ['i1', 'issue'],
        ['i2', 'traceback'],
      ]);
      expect(loadSuite([join(dir, 'spans.jsonl')]).kind).toBe('spans');
      expect(() => loadSuite([join(dir, 'issues.jsonl'), join(dir, 'spans.jsonl')])).toThrow(/cannot be evaluated in one run/);
      expect(() => loadDatasets([join(dir, 'issues.jsonl')])).toThrow(/expected datasets with line ranges/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every bad issue line', () => {
    const text = [
      line(issue),
      line({ ...issue, id: 'i2', gold: [{ path: '/abs.py', symbols: [] }] }),
      line({ ...issue, id: 'i3', gold: [{ path: 'a.py', symbols: 'f' }] }),
      line({ ...issue, id: 'i1' }),
    ].join('\n');
    const { questions, errors } = parseIssueDataset(text, 'd.jsonl');
    expect(questions.map((q) => q.id)).toEqual(['i1']);
    expect(errors).toEqual([
      "d.jsonl:2 gold[0]: path must be a non-empty repository-relative path with '/'",
      'd.jsonl:3 gold[0]: symbols must be an array of strings',
      "d.jsonl:4: duplicate id 'i1'",
    ]);
  });
});
