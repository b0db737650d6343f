import { describe, expect, it } from 'vitest';
import { mcpServers } from './mcp-servers.js';
import type { NodeChoice } from './node-runtime.js';

const node: NodeChoice = {
  command: '/usr/bin/node',
  env: { CODECTX_SQLITE_BINDING: '/ext/native/b.node' },
  version: '20.20.2',
  abi: '115',
  why: 'node on PATH',
};

describe('mcpServers', () => {
  it('offers none until the runtime is chosen', () => {
    expect(mcpServers([{ name: 'a', path: '/w/a' }], undefined, '/ext/server/dist/cli.js')).toEqual([]);
  });

  it('runs codectx mcp for each folder with the chosen Node and its native build', () => {
    const one = mcpServers([{ name: 'a', path: '/w/a' }], node, '/ext/cli.js');
    expect(one).toEqual([
      {
        label: 'codectx',
        command: '/usr/bin/node',
        args: ['/ext/cli.js', 'mcp', '--repo', '/w/a'],
        env: { CODECTX_SQLITE_BINDING: '/ext/native/b.node' },
      },
    ]);
    const two = mcpServers(
      [
        { name: 'a', path: '/w/a' },
        { name: 'b', path: '/w/b' },
      ],
      node,
      '/ext/cli.js',
    );
    expect(two.map((s) => [s.label, s.args[3]])).toEqual([
      ['codectx (a)', '/w/a'],
      ['codectx (b)', '/w/b'],
    ]);
  });
});
