// Time from `codectx mcp` process start to its first answered `search`, through the MCP SDK's own client over stdio.
// usage: node bench/mcp-first-search.mjs --repo DIR --index-dir DIR [--fresh] [--runs N] [--query TEXT] [--embeddings SPEC]
// --fresh: a new, empty index folder for every run (the first search comes during the first index).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    'index-dir': { type: 'string' },
    fresh: { type: 'boolean' },
    runs: { type: 'string', default: '5' },
    query: { type: 'string', default: 'parse an HTTP request header' },
    embeddings: { type: 'string' },
  },
});
if (!values.repo || (!values['index-dir'] && !values.fresh)) {
  process.stderr.write(
    'usage: node bench/mcp-first-search.mjs --repo DIR (--index-dir DIR | --fresh) [--runs N] [--query TEXT]\n',
  );
  process.exit(2);
}
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

async function once() {
  const indexDir = values.fresh ? mkdtempSync(join(tmpdir(), 'codectx-mcp-bench-')) : values['index-dir'];
  const args = [cli, 'mcp', '--repo', values.repo, '--index-dir', indexDir];
  if (values.embeddings) args.push('--embeddings', values.embeddings);
  const started = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' });
  const client = new Client({ name: 'codectx-bench', version: '1.0.0' });
  await client.connect(transport);
  const initialized = performance.now() - started;
  const result = await client.callTool({ name: 'search', arguments: { query: values.query, limit: 10 } });
  const answered = performance.now() - started;
  // During a first index: how long until a search answers with results at all.
  let withResults = result.structuredContent?.results?.length ? answered : undefined;
  while (withResults === undefined) {
    const again = await client.callTool({ name: 'search', arguments: { query: values.query, limit: 10 } });
    if (again.structuredContent?.results?.length) withResults = performance.now() - started;
    else await new Promise((r) => setTimeout(r, 100));
  }
  await client.close();
  if (values.fresh) rmSync(indexDir, { recursive: true, force: true });
  const s = result.structuredContent ?? {};
  return {
    initializedMs: Math.round(initialized),
    firstSearchMs: Math.round(answered),
    firstResultsMs: Math.round(withResults),
    partial: s.partial,
    mode: s.mode,
    results: s.results?.length ?? 0,
    isError: result.isError === true,
  };
}

const runs = [];
for (let i = 0; i < Number(values.runs); i++) {
  const r = await once();
  runs.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
const sorted = runs.map((r) => r.firstSearchMs).sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({ medianFirstSearchMs: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), runs: runs.length })}\n`,
);
