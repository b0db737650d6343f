// Engine.context follows the code graph: a question that names only the public wrapper also gets the helper it calls.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { Engine } from './engine.js';

let repo: string;
let engine: Engine;

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-engine-graph-'));
  writeFileSync(
    join(repo, 'export.go'),
    'package x\n\n// ExportReport writes the quarterly report as CSV.\nfunc ExportReport(r *Report) error {\n\treturn writeRows(r.rows)\n}\n',
  );
  writeFileSync(
    join(repo, 'rows.go'),
    'package x\n\nfunc writeRows(rows []Row) error {\n\tfor _, row := range rows {\n\t\t_ = row\n\t}\n\treturn nil\n}\n',
  );
  engine = Engine.open(makeConfig(repo, { indexDir: join(repo, '.idx'), embedder: { provider: 'none' } }));
  await engine.index();
});

afterAll(async () => {
  await engine.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('Engine.context with the code graph', () => {
  it('adds the callee of a hit below it, only when asked or from the default budget', async () => {
    const symbols = async (o: { graph?: boolean; budgetTokens?: number }) =>
      (await engine.context('quarterly report csv', o)).chunks.map((c) => c.symbol);
    expect(await symbols({ graph: false })).toEqual(['ExportReport']);
    expect(await symbols({ graph: true })).toEqual(['ExportReport', 'writeRows']);
    expect(await symbols({ budgetTokens: 8000 })).toEqual(['ExportReport', 'writeRows']);
    expect(await symbols({ budgetTokens: 4000 })).toEqual(['ExportReport']);
  });

  it('symbolGraph and related answer from the same graph', () => {
    expect(engine.symbolGraph('writeRows').references.map((r) => r.symbol)).toEqual(['ExportReport']);
    expect(engine.related({ symbol: 'ExportReport' }).callees.map((r) => r.symbol)).toEqual(['writeRows']);
  });
});
