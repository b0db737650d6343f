import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipByContent, skipByName } from './ignore-rules.js';
import { type WalkResult, walkRepository } from './walk.js';

let root: string;
let outside: string;
let result: WalkResult;

function put(rel: string, content: string | Uint8Array = 'x\n'): void {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'codectx-walk-'));
  outside = mkdtempSync(join(tmpdir(), 'codectx-outside-'));
  writeFileSync(join(outside, 'secret.ts'), 'export const leaked = 1;\n');
  put('.gitignore', 'generated/\n*.log\n!keep.log\n');
  put('src/app.ts', 'export const a = 1;\n');
  put('src/debug.log');
  put('src/keep.log');
  put('src/nested/.gitignore', 'local-only.ts\n');
  put('src/nested/local-only.ts');
  put('src/nested/kept.ts');
  put('src/other/local-only.ts');
  put('.codectxignore', 'docs/drafts/\n');
  put('docs/drafts/wip.md');
  put('docs/guide.md', '# Guide\n');
  put('generated/out.ts');
  put('node_modules/pkg/index.js');
  put('vendor/lib.go');
  put('dist/bundle.js');
  put('.git/HEAD', 'ref: refs/heads/main\n');
  put('package-lock.json', '{}\n');
  put('.env', 'TOKEN=hunter2\n');
  put('.env.example', 'TOKEN=\n');
  put('keys/server.pem', '-----BEGIN PRIVATE KEY-----\n');
  put('web/app.min.js', 'x');
  put('img/logo.png', new Uint8Array([137, 80, 78, 71, 0, 0]));
  put('big.txt', 'y'.repeat(2000));
  symlinkSync(join(outside, 'secret.ts'), join(root, 'src/escape.ts'));
  symlinkSync(outside, join(root, 'outside-dir'));
  symlinkSync(join(root, 'src/app.ts'), join(root, 'src/alias.ts'));
  symlinkSync(join(root, 'src'), join(root, 'src-loop'));
  symlinkSync(join(root, 'src/removed.ts'), join(root, 'src/dangling.ts'));
  symlinkSync(join(outside, 'gone.ts'), join(root, 'src/dangling-outside.ts'));
  result = walkRepository(root, { maxFileBytes: 1000 });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const reasonOf = (path: string) => result.skipped.find((s) => s.path === path)?.reason;

describe('walkRepository', () => {
  it('returns exactly the files worth indexing, in a stable order', () => {
    expect(result.files.map((f) => f.path)).toEqual([
      '.codectxignore',
      '.env.example',
      '.gitignore',
      'docs/guide.md',
      'src/alias.ts',
      'src/app.ts',
      'src/keep.log',
      'src/nested/.gitignore',
      'src/nested/kept.ts',
      'src/other/local-only.ts',
    ]);
  });

  it('honours root, nested and negated .gitignore rules and .codectxignore', () => {
    expect(reasonOf('generated')).toBe('ignored');
    expect(reasonOf('src/debug.log')).toBe('ignored');
    expect(reasonOf('src/nested/local-only.ts')).toBe('ignored');
    expect(reasonOf('docs/drafts')).toBe('ignored');
  });

  it('skips default folders once each, and says why for every other file', () => {
    for (const dir of ['node_modules', 'vendor', 'dist', '.git']) {
      expect(result.skipped).toContainEqual({ path: dir, reason: 'ignored', dir: true });
    }
    expect(reasonOf('package-lock.json')).toBe('lock-file');
    expect(reasonOf('.env')).toBe('secret');
    expect(reasonOf('keys/server.pem')).toBe('secret');
    expect(reasonOf('web/app.min.js')).toBe('minified');
    expect(reasonOf('img/logo.png')).toBe('binary');
    expect(reasonOf('big.txt')).toBe('too-large');
  });

  it('never follows a symbolic link out of the root, nor into a folder twice', () => {
    expect(reasonOf('src/escape.ts')).toBe('symlink-outside-root');
    expect(reasonOf('outside-dir')).toBe('symlink-outside-root');
    expect(reasonOf('src-loop')).toBe('ignored');
    expect(result.files.some((f) => f.path.includes('secret'))).toBe(false);
  });

  it('skips a link to nothing as dangling, not as outside the root', () => {
    expect(reasonOf('src/dangling.ts')).toBe('symlink-dangling');
    expect(reasonOf('src/dangling-outside.ts')).toBe('symlink-dangling');
    expect(result.files.some((f) => f.path.includes('dangling'))).toBe(false);
  });

  it('records size and modification time', () => {
    const app = result.files.find((f) => f.path === 'src/app.ts');
    expect(app?.size).toBe(20);
    expect(app?.mtimeMs).toBeGreaterThan(0);
  });
});

describe('skipByName and skipByContent', () => {
  it('classifies by name', () => {
    expect(skipByName('yarn.lock')).toBe('lock-file');
    expect(skipByName('.env.production')).toBe('secret');
    expect(skipByName('.env.sample')).toBeUndefined();
    expect(skipByName('id_ed25519')).toBe('secret');
    expect(skipByName('main.go')).toBeUndefined();
  });
  it('classifies by content', () => {
    expect(skipByContent(new Uint8Array([65, 0, 66]))).toBe('binary');
    expect(skipByContent(Buffer.from(`var a=${'1,'.repeat(5000)}2;`))).toBe('minified');
    expect(skipByContent(Buffer.from('config\n-----BEGIN RSA PRIVATE KEY-----\nMII\n'))).toBe('secret');
    expect(skipByContent(Buffer.from('def f():\n    return 1\n'))).toBeUndefined();
    expect(skipByContent(new Uint8Array([0xff, 0xfe, 0x41, 0x42]))).toBeUndefined();
  });
});

describe('walkRepository with a memo file', () => {
  let repo: string;
  let memoFile: string;
  const past = (seconds: number) => new Date(Date.now() - seconds * 1000);
  const walk = (withMemo = true) => walkRepository(repo, { maxFileBytes: 1000, memoFile: withMemo ? memoFile : undefined });
  const write = (rel: string, content = 'x\n') => {
    const abs = join(repo, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  // Every folder and ignore file dated an hour ago, so that the walk may remember them (a recent change is racy).
  const settle = (seconds = 3600) => {
    for (const rel of ['', 'src', 'src/nested', 'generated', '.gitignore', 'src/nested/.gitignore'])
      utimesSync(join(repo, rel), past(seconds), past(seconds));
  };

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'codectx-walk-memo-'));
    memoFile = join(mkdtempSync(join(tmpdir(), 'codectx-walk-memo-index-')), 'walk-memo.json');
    write('.gitignore', 'generated/\n*.log\n');
    write('src/app.ts');
    write('src/debug.log');
    write('src/nested/.gitignore', 'local-only.ts\n');
    write('src/nested/local-only.ts');
    write('src/nested/kept.ts');
    write('generated/out.ts');
    write('package-lock.json', '{}\n');
    symlinkSync(join(repo, 'src/app.ts'), join(repo, 'src/alias.ts'));
    settle();
  });

  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(dirname(memoFile), { recursive: true, force: true });
  });

  it('walks as without a memo, the first time and from the memo', () => {
    const plain = walk(false);
    expect(walk()).toEqual(plain);
    expect(existsSync(memoFile)).toBe(true);
    expect(walk()).toEqual(plain);
  });

  it('replays an unchanged folder without listing it (a file slipped in under the recorded mtime is not seen)', () => {
    walk();
    const mtime = statSync(join(repo, 'src')).mtime;
    write('src/sneaked.ts');
    utimesSync(join(repo, 'src'), mtime, mtime);
    expect(walk().files.map((f) => f.path)).not.toContain('src/sneaked.ts');
    expect(walk(false).files.map((f) => f.path)).toContain('src/sneaked.ts');
    rmSync(join(repo, 'src/sneaked.ts'));
    settle();
  });

  it('sees a changed file, a new file and a removed file', () => {
    walk();
    write('src/app.ts', 'export const changed = 2;\n');
    utimesSync(join(repo, 'src/app.ts'), past(100), past(100));
    write('src/nested/added.ts');
    rmSync(join(repo, 'src/debug.log'));
    const files = walk().files;
    expect(files.find((f) => f.path === 'src/app.ts')?.size).toBe(26);
    expect(files.map((f) => f.path)).toContain('src/nested/added.ts');
    expect(walk().skipped.map((s) => s.path)).not.toContain('src/debug.log');
    expect(walk()).toEqual(walk(false));
    settle();
  });

  it('judges a folder again when an ignore file above it changed', () => {
    walk();
    write('.gitignore', 'generated/\n*.log\nkept.ts\n');
    utimesSync(join(repo, '.gitignore'), past(50), past(50));
    const result = walk();
    expect(result.skipped).toContainEqual({ path: 'src/nested/kept.ts', reason: 'ignored', dir: false });
    expect(result).toEqual(walk(false));
  });

  it('reads a broken or foreign memo file as none', () => {
    writeFileSync(memoFile, '{"format": 1, "folders": [[');
    expect(walk()).toEqual(walk(false));
    writeFileSync(memoFile, JSON.stringify({ format: 1, rules: 'other', root: repo, folders: [] }));
    expect(walk()).toEqual(walk(false));
  });

  it("keeps a folder's names in one string and its verdicts in another; a memo where they disagree reads as none", () => {
    rmSync(memoFile, { force: true });
    walk();
    const file = JSON.parse(readFileSync(memoFile, 'utf8')) as {
      format: number;
      folders: [string, number, string, string, string][];
    };
    expect(file.format).toBe(2);
    const src = file.folders.find((f) => f[0] === 'src');
    // (src/debug.log was removed above.)
    expect(src?.slice(3)).toEqual(['alias.ts/app.ts/nested', 'l,f,d']);
    for (const f of file.folders) if (f[0] === 'src') f[4] = 'l,f';
    writeFileSync(memoFile, JSON.stringify(file));
    expect(walk()).toEqual(walk(false));
  });
});
