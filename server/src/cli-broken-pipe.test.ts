// `codectx … | head`: the CLI (cli.ts) as a process writing into a pipe whose reader leaves early ends quietly with exit 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from './chunk/grammar-loader.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
let scratch: string;
let repo: string;

/** Runs `codectx ARGS | READER` in bash; the exit status is codectx's (PIPESTATUS), its stderr kept apart. */
function piped(args: string, reader: string) {
  const err = join(scratch, 'stderr.txt');
  const r = spawnSync(
    'bash',
    ['-c', `"${process.execPath}" "${cli}" ${args} 2>"${err}" | ${reader} >/dev/null; exit \${PIPESTATUS[0]}`],
    { encoding: 'utf8', env: { ...process.env, CODECTX_INDEX_DIR: join(scratch, 'index') } },
  );
  return { code: r.status, stderr: existsSync(err) ? readFileSync(err, 'utf8') : '' };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does it first)`);
  scratch = mkdtempSync(join(tmpdir(), 'codectx-pipe-'));
  repo = join(scratch, 'repo');
  mkdirSync(join(repo, 'src'), { recursive: true });
  // Far more output than a pipe holds (64 KiB), so the writes go on after the reader has left.
  for (let i = 0; i < 400; i++)
    writeFileSync(
      join(repo, 'src', `guard${i}.js`),
      `/** Checks the csrf token of request ${i} against the session's csrf secret. */\nexport function checkCsrf${i}(request, session) {\n  const csrf = request.headers['x-csrf-token'];\n  return csrf === session.csrfSecret${i};\n}\n`,
    );
  const queries = Array.from({ length: 200 }, (_, i) => `csrf token ${i}`).join('\n');
  writeFileSync(join(scratch, 'queries.txt'), queries);
  const index = spawnSync(process.execPath, [cli, 'index', '--repo', repo, '--embeddings', 'none'], {
    encoding: 'utf8',
    env: { ...process.env, CODECTX_INDEX_DIR: join(scratch, 'index') },
  });
  if (index.status !== 0) throw new Error(`index failed: ${index.stderr}`);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('codectx output into a closed pipe', () => {
  it('search --limit 1000 | head -1 exits 0 without a stack trace', () => {
    const r = piped(`search csrf --repo "${repo}" --embeddings none --limit 1000`, 'head -1');
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.code).toBe(0);
  });

  it('search --batch | head -c 100 exits 0 without a stack trace', () => {
    const r = piped(
      `search --batch "${join(scratch, 'queries.txt')}" --repo "${repo}" --embeddings none --limit 50`,
      'head -c 100',
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.code).toBe(0);
  });
});
