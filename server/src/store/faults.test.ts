// Fault injection: random 4-64 KB ranges of a real index overwritten at random offsets (seeded), then the real CLI run
// as a user would. Every trial must end with a working index, a warning when damage was found, never a stack trace.
// `npm test` runs 3 trials; `npm run test:faults` runs 24 (CODECTX_FAULT_TRIALS) and writes the matrix it prints.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';
import { seededRandom } from './test-random.js';

const cli = join(packageRoot(), 'dist', 'cli.js');
const TRIALS = Number(process.env.CODECTX_FAULT_TRIALS ?? 3);
const REPORT = process.env.CODECTX_FAULT_REPORT;
let repo: string;
let work: string;
let pristine: string;

function run(args: string[], indexDir: string) {
  const r = spawnSync(process.execPath, [cli, ...args, '--repo', repo, '--index-dir', indexDir, '--embeddings', 'none'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'codectx-faults-'));
  work = mkdtempSync(join(tmpdir(), 'codectx-faults-index-'));
  for (let d = 0; d < 6; d++) {
    mkdirSync(join(repo, `pkg${d}`));
    for (let f = 0; f < 8; f++) {
      const n = d * 10 + f;
      const fns = Array.from(
        { length: 12 },
        (_, i) =>
          `/** Computes the ledger balance ${n}.${i} from its entries. */\nexport function balance${n}x${i}(entries: number[]): number {\n  let total = ${i};\n  for (const e of entries) total += e * ${n};\n  return total;\n}\n`,
      );
      writeFileSync(join(repo, `pkg${d}`, `ledger${f}.ts`), fns.join('\n'));
    }
  }
  pristine = join(work, 'pristine');
  const r = run(['index'], pristine);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const STACK = /\n\s+at |unexpected failure/;

it(`${TRIALS} trials of random 4-64 KB damage: every one ends with a working index, never a stack trace`, () => {
  const rows: string[] = [];
  const outcomes: Record<string, number> = {};
  for (let trial = 1; trial <= TRIALS; trial++) {
    const next = seededRandom(trial * 7919);
    const dir = join(work, `t${trial}`);
    mkdirSync(dir);
    copyFileSync(join(pristine, 'index.sqlite'), join(dir, 'index.sqlite'));
    const size = statSync(join(dir, 'index.sqlite')).size;
    const length = 4096 + Math.floor(next() * (65536 - 4096));
    const offset = Math.floor(next() * Math.max(1, size - length));
    const bytes = Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
    const fd = openSync(join(dir, 'index.sqlite'), 'r+');
    writeSync(fd, bytes, 0, length, offset);
    closeSync(fd);

    const steps = [
      ['search', run(['search', 'ledger balance entries'], dir)],
      ['status', run(['status'], dir)],
      ['index', run(['index'], dir)],
    ] as const;
    let warnedAt = '';
    for (const [name, r] of steps) {
      expect(r.stderr, `trial ${trial} ${name}`).not.toMatch(STACK);
      expect(r.code, `trial ${trial} ${name}: ${r.stderr}`).toBe(0);
      if (!warnedAt && /warning: the index .* is (damaged|corrupt)/.test(r.stderr)) warnedAt = name;
    }
    // What ordinary commands did not notice, the integrity check does; its advice repairs it.
    let verify = run(['status', '--verify'], dir);
    expect(verify.stderr).not.toMatch(STACK);
    let outcome = warnedAt ? `found by ${warnedAt}, rebuilt` : 'no damage visible to the commands';
    if (verify.code === 3) {
      expect(verify.stderr).toMatch(/codectx index --rebuild/);
      const rebuilt = run(['index', '--rebuild'], dir);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      verify = run(['status', '--verify'], dir);
      outcome = `${outcome}; found by status --verify, rebuilt by index --rebuild`;
    }
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const final = run(['search', 'ledger balance entries', '--json'], dir);
    expect(final.code, final.stderr).toBe(0);
    expect((JSON.parse(final.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    const quarantined = readdirSync(dir).filter((f) => f.includes('.corrupt-') && !/-(wal|shm)$/.test(f)).length;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    rows.push(`| ${trial} | ${offset} | ${length} | ${outcome} | ${quarantined} | ok |`);
  }
  const matrix = [
    '# Corruption trials (written by `npm run test:faults`; see reliability.md)',
    '',
    `Index of ${statSync(join(pristine, 'index.sqlite')).size} bytes (48 files, --embeddings none); ${TRIALS} trials.`,
    '',
    '| trial | offset | bytes | outcome | files quarantined | final search + verify |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    ...Object.entries(outcomes).map(([k, v]) => `- ${k}: ${v} of ${TRIALS}`),
  ].join('\n');
  process.stdout.write(`${matrix}\n`);
  if (REPORT) writeFileSync(REPORT, `${matrix}\n`);
}, 600_000);
