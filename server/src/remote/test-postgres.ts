// Test support: a real PostgreSQL 15 server of the tests' own, in a temporary data folder on a free loopback port,
// with password (scram) authentication. As root it runs as `nobody` (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const NOBODY = { uid: 65534, gid: 65534 };

/** One running server: its superuser's URL, and how to stop, restart and remove it. */
export interface TestPostgres {
  port: number;
  /** postgres://codectx:<password>@127.0.0.1:<port>/codectx */
  url: string;
  password: string;
  /** A URL for `user`:`password` on the same server and database. */
  urlOf(user: string, password: string): string;
  /** Stops the server: `immediate` is a crash (no shutdown checkpoint), `fast` a clean stop. */
  stop(mode?: 'immediate' | 'fast'): void;
  start(): Promise<void>;
  /** Stops the server and removes its data folder. */
  remove(): void;
}

function asUser(): string[] {
  return process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
}

function run(cmd: string, args: string[]): string {
  const prefix = asUser();
  const [file, ...rest] = prefix.length ? [...prefix, cmd, ...args] : [cmd, ...args];
  return execFileSync(file as string, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when this machine has PostgreSQL 15's binaries (.ci/run installs them). */
export function hasPostgres(): boolean {
  return existsSync(join(PG_BIN, 'postgres'));
}

/** initdb + start: about a second. The caller removes it (`remove()`) after its tests. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'codectx-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) chownSync(dir, NOBODY.uid, NOBODY.gid);
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  if (process.getuid?.() === 0) chownSync(pwfile, NOBODY.uid, NOBODY.gid);
  run(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'codectx',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  rmSync(pwfile);
  const port = await freePort();
  const url = `postgres://codectx:${password}@127.0.0.1:${port}/postgres`;
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
  const pg: TestPostgres = {
    port,
    url,
    password,
    urlOf: (user, pw) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`,
    stop(mode = 'fast') {
      if (!existsSync(join(data, 'postmaster.pid'))) return;
      try {
        run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
      } catch {
        // Already stopped.
      }
    },
    async start() {
      run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
    },
    remove() {
      pg.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await pg.start();
  } catch (error) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
  }
  return pg;
}
