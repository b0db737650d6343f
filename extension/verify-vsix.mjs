// Unpacks a .vsix into a temporary folder and runs its server the way the extension does, with each given Node:
// `server/dist/cli.js serve --stdio` with the better-sqlite3 build of that Node's ABI (CODECTX_SQLITE_BINDING), over
// stdio: initialize on a fixture repository, wait for the index (chunks, embeddings), then codectx/search and context.
// Usage: node extension/verify-vsix.mjs codectx-0.1.0.vsix [node binaries…]   (default: the running node)
// Invariant: nothing outside the unpacked copy is reachable by module resolution (it lives under the system tmp dir).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const [vsixArg, ...nodes] = process.argv.slice(2);
const vsix = resolve(vsixArg ?? join(root, 'codectx-0.1.0.vsix'));
const work = mkdtempSync(join(tmpdir(), 'codectx-vsix-'));
execFileSync('unzip', ['-q', vsix, '-d', work]);
const ext = join(work, 'extension');
const repo = join(work, 'repo');
cpSync(join(root, 'fixtures', 'eval', 'repo'), repo, { recursive: true });

async function check(node) {
  const abi = execFileSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  const version = execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();
  const binding = join(ext, 'native', 'better-sqlite3', `node-v${abi}-linux-x64`, 'better_sqlite3.node');
  if (!existsSync(binding)) throw new Error(`Node ${version} (ABI ${abi}): the .vsix has no better-sqlite3 build for it`);
  const cache = join(work, `cache-${abi}`);
  const started = Date.now();
  const child = spawn(node, [join(ext, 'server', 'dist', 'cli.js'), 'serve', '--stdio'], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: work, XDG_CACHE_HOME: cache, CODECTX_SQLITE_BINDING: binding },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  rpc.onRequest('window/workDoneProgress/create', () => null);
  rpc.onRequest('client/registerCapability', () => null);
  rpc.listen();
  const uri = pathToFileURL(repo).href;
  await rpc.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    capabilities: {},
    workspaceFolders: [{ uri, name: 'repo' }],
  });
  await rpc.sendNotification('initialized', {});
  let status;
  for (;;) {
    status = await rpc.sendRequest('codectx/status', {});
    const f = status.folders[0];
    if (f && f.state === 'ready' && f.embeddings === 'ready') break;
    if (f?.state === 'error' || /^(off|failed)/.test(f?.embeddings ?? '')) break;
    if (Date.now() - started > 180_000) throw new Error(`not ready after 180 s: ${JSON.stringify(f)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const f = status.folders[0];
  const search = await rpc.sendRequest('codectx/search', { query: 'parse config file', limit: 3 });
  const context = await rpc.sendRequest('codectx/context', { query: 'how is the configuration loaded?', budgetTokens: 1500 });
  await rpc.sendRequest('shutdown');
  await rpc.sendNotification('exit');
  rpc.dispose();
  const parsed = Object.entries(f.languages).filter(([l]) => l !== 'markdown' && l !== 'text');
  const ok =
    f.state === 'ready' &&
    f.embeddings === 'ready' &&
    f.embedded === f.chunks &&
    search.results.length > 0 &&
    context.chunks.length > 0;
  console.log(
    `${ok ? 'OK ' : 'FAIL'} Node ${version} (ABI ${abi}): ${f.files} files, ${f.chunks} chunks, embeddings ${f.embeddings} (${f.embedded}), ` +
      `languages ${parsed.map(([l, n]) => `${l}:${n}`).join(' ')}, parse failures ${f.parseFailures}, ready in ${Date.now() - started} ms; ` +
      `search → ${search.results.map((r) => `${r.path}:${r.startLine}`).join(', ')} (${search.mode}); ` +
      `context → ${context.chunks.length} chunks, ${context.usedTokens}/${context.budgetTokens} tokens`,
  );
  if (!ok) {
    console.log(stderr);
    process.exitCode = 1;
  }
}

try {
  for (const node of nodes.length ? nodes : [process.execPath]) await check(node);
} finally {
  rmSync(work, { recursive: true, force: true });
}
