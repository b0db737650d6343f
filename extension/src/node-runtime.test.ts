// The Node rule: which runtime runs the server, with which better-sqlite3 build, or what the user must install.
import { describe, expect, it } from 'vitest';
import { chooseNode, type NodeChoiceInput, type NodeProbe } from './node-runtime.js';

const builds: Record<string, string> = {
  '115': '/x/node-v115/b.node',
  '127': '/x/node-v127/b.node',
  '137': '/x/node-v137/b.node',
};

function input(over: Partial<NodeChoiceInput> & { path?: NodeProbe | { error: string } } = {}): NodeChoiceInput {
  const { path, ...rest } = over;
  return {
    setting: '',
    execPath: '/opt/code-server/lib/node',
    hostVersion: 'v24.1.0',
    hostAbi: '137',
    bindingFor: (abi) => builds[abi] ?? null,
    shippedAbis: Object.keys(builds),
    probe: async (command) => (command === 'node' ? (path ?? { error: 'not found' }) : { error: `no ${command}` }),
    ...rest,
  };
}

describe('chooseNode', () => {
  it("takes code-server's own Node 24 with the ABI 137 build", async () => {
    const c = await chooseNode(input());
    expect(c).toMatchObject({ command: '/opt/code-server/lib/node', abi: '137', binding: builds['137'] });
    expect(c).toHaveProperty('env.CODECTX_SQLITE_BINDING', builds['137']);
  });

  it('skips Electron without a matching build and takes node from PATH', async () => {
    const c = await chooseNode(
      input({
        execPath: '/usr/share/code/code',
        hostVersion: 'v22.15.1',
        hostAbi: '136',
        hostElectron: '37.2.3',
        path: { version: 'v20.19.0', abi: '115' },
      }),
    );
    expect(c).toMatchObject({ command: 'node', binding: builds['115'], why: '`node` found on PATH' });
  });

  it('runs Electron as Node when a build for its ABI ships', async () => {
    const c = await chooseNode(
      input({ execPath: '/usr/share/code/code', hostAbi: '137', hostElectron: '37.2.3', path: { error: 'not found' } }),
    );
    expect(c).toMatchObject({ command: '/usr/share/code/code', env: { ELECTRON_RUN_AS_NODE: '1' } });
  });

  it('says what to install when nothing fits', async () => {
    const c = await chooseNode(input({ hostElectron: '37.2.3', hostAbi: '136', path: { version: 'v18.20.0', abi: '108' } }));
    expect('error' in c && c.error).toMatch(/needs Node\.js 20, 22 or 24.*codectx\.server\.node.*older than 20/);
  });

  it('honours the setting, and refuses a setting that cannot run', async () => {
    const ok = await chooseNode(
      input({ setting: '/opt/node22/bin/node', probe: async () => ({ version: 'v22.11.0', abi: '127' }) }),
    );
    expect(ok).toMatchObject({ command: '/opt/node22/bin/node', binding: builds['127'] });
    const bad = await chooseNode(input({ setting: '/nope' }));
    expect('error' in bad && bad.error).toContain('codectx.server.node is set to /nope');
    const noBuild = await chooseNode(input({ setting: '/n25', probe: async () => ({ version: 'v25.0.0', abi: '141' }) }));
    expect('error' in noBuild && noBuild.error).toMatch(/ABI 141.*Node 20, Node 22, Node 24/);
  });

  it('in a development checkout (no shipped builds) any Node >= 20 uses the installed build', async () => {
    const c = await chooseNode(input({ hostVersion: 'v20.19.0', hostAbi: '115', bindingFor: () => '', shippedAbis: [] }));
    expect(c).toMatchObject({ abi: '115', binding: undefined });
    expect(c).not.toHaveProperty('env.CODECTX_SQLITE_BINDING');
  });
});
