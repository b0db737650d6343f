// Neovim 0.7 as a real LSP client of the built server: fixtures/nvim/lsp-e2e.lua drives it and reports one JSON line per step.
// Invariant: a machine without nvim fails this test (never skips it), so a green run always includes the editor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../chunk/grammar-loader.js';

const root = packageRoot();
const script = join(root, 'fixtures', 'nvim', 'lsp-e2e.lua');
const cli = join(root, 'dist', 'cli.js');
const NVIM_TIMEOUT_MS = 50_000;

interface Step {
  step: string;
  ok: boolean;
  ms: number;
  error?: string;
  [field: string]: unknown;
}

interface NeovimRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  steps: Step[];
  stdout: string;
  stderr: string;
}

let temp: string;
let workspace: string;
let run: NeovimRun;
/** Why Neovim could not run at all; every test then fails with it (a missing editor fails, it never skips). */
let setupError: Error | undefined;

const FILES: Record<string, string> = {
  'src/invoice.ts': `// Invoice helpers.
export interface InvoiceLine {
  amountCents: number;
  quantity: number;
}

export function formatInvoiceTotal(lines: InvoiceLine[]): string {
  const cents = lines.reduce((sum, l) => sum + l.amountCents * l.quantity, 0);
  return \`$\${(cents / 100).toFixed(2)}\`;
}
`,
  'app/shipping.py': `class ShippingQuote:
    """A carrier's price for one parcel."""

    def estimate_delivery_days(self, distance_km):
        """Estimate the delivery days of the shipping quote from the distance."""
        return 1 + distance_km // 500
`,
  'pkg/ratelimit/limiter.go': `package ratelimit

// TokenBucket allows a request while tokens remain.
type TokenBucket struct {
	tokens int
}

// AllowRequest takes one token if there is one.
func (b *TokenBucket) AllowRequest() bool {
	if b.tokens == 0 {
		return false
	}
	b.tokens--
	return true
}
`,
};

function nvimInstalled(): boolean {
  const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

function runNeovim(): Promise<NeovimRun> {
  const xdg = join(temp, 'xdg');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Neovim writes its log (lsp.log), swap and shada files under these; keep them out of $HOME.
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    XDG_STATE_HOME: join(xdg, 'state'),
    CODECTX_NVIM_WORKSPACE: workspace,
    CODECTX_NVIM_SERVER_CMD: JSON.stringify([process.execPath, cli, 'serve', '--stdio']),
    CODECTX_NVIM_CACHE: join(temp, 'index-cache'),
  };
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`, 'src/invoice.ts'], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      stderr += `\n[test] nvim still running after ${NVIM_TIMEOUT_MS} ms: killed`;
      child.kill('SIGKILL');
    }, NVIM_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const steps = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Step);
      resolve({ code, signal, steps, stdout, stderr });
    });
  });
}

/** What to read when a step fails: Neovim's exit, its stderr, and the tail of its LSP log (the server's stderr lands there). */
function diagnostics(): string {
  const log = join(temp, 'xdg', 'cache', 'nvim', 'lsp.log');
  const lspLog = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '(no lsp.log)';
  return [
    `nvim exit code ${run.code}, signal ${run.signal}`,
    `stdout:\n${run.stdout.trim()}`,
    `stderr:\n${run.stderr.trim()}`,
    `lsp.log (tail):\n${lspLog}`,
  ].join('\n');
}

/** The record of one step, or an error naming the step and why it failed or never ran. */
function step(name: string): Step {
  if (setupError) throw setupError;
  const record = run.steps.find((s) => s.step === name);
  if (!record) {
    const failed = run.steps.find((s) => !s.ok);
    const why = failed ? `step ${failed.step} failed before it: ${failed.error}` : 'no step failed';
    throw new Error(`step ${name} never ran (${why})\n${diagnostics()}`);
  }
  if (!record.ok) throw new Error(`step ${name} failed: ${record.error}\n${diagnostics()}`);
  return record;
}

const uri = (rel: string): string => pathToFileURL(join(workspace, rel)).toString();

beforeAll(async () => {
  if (!nvimInstalled()) {
    setupError = new Error('install neovim (apt-get install neovim): `nvim --version` did not run');
    return;
  }
  if (!existsSync(cli)) {
    setupError = new Error(`${cli} is missing: run npm run build`);
    return;
  }
  temp = mkdtempSync(join(tmpdir(), 'codectx-nvim-'));
  workspace = join(temp, 'workspace');
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(workspace, rel)), { recursive: true });
    writeFileSync(join(workspace, rel), text);
  }
  run = await runNeovim();
}, 60_000);

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('Neovim 0.7 as the LSP client (fixtures/nvim/lsp-e2e.lua)', () => {
  it('starts the server with vim.lsp.start_client and attaches the buffer', () => {
    expect(step('start').workspaceSymbolProvider).toBe(true);
    expect(step('attach').buffer).toBe(join(workspace, 'src/invoice.ts'));
  });

  it('sees the workspace folder indexed (codectx/status ready)', () => {
    expect(step('ready')).toMatchObject({ folders: 1, files: 3, role: 'writer', watcher: 'on' });
  });

  it('answers codectx/search with identifiers, natural language and a language filter', () => {
    const s = step('search');
    expect(s.top).toMatchObject({ symbol: 'formatInvoiceTotal', path: 'src/invoice.ts', language: 'typescript' });
    expect((s.top as { uri: string }).uri).toBe(uri('src/invoice.ts'));
    expect(s.natural).toMatchObject({ path: 'app/shipping.py', language: 'python' });
    expect(s.goOnly).toMatchObject({ path: 'pkg/ratelimit/limiter.go', language: 'go' });
    expect(s.partial).toBe(false);
  });

  it('answers workspace/symbol', () => {
    // SymbolKind.Struct is 23.
    expect(step('workspace_symbol')).toMatchObject({ name: 'TokenBucket', kind: 23, uri: uri('pkg/ratelimit/limiter.go') });
  });

  it('finds a symbol of a new file written to disk (watcher)', () => {
    expect(step('new_file').top).toMatchObject({ symbol: 'SlidingWindowQuota', path: 'pkg/ratelimit/window.go', language: 'go' });
  });

  it('finds a symbol of an unsaved buffer edit (didChange), at the lines the buffer has', () => {
    const s = step('unsaved_edit');
    expect(s.top).toMatchObject({ symbol: 'draftDiscountRule', path: 'src/invoice.ts', startLine: 1 });
    expect(s.movedTo).toBe((s.movedFrom as number) + 4);
  });

  it('goes back to the file on disk when the buffer is wiped (didClose)', () => {
    expect(step('close_buffer').startLine).toBe(step('unsaved_edit').movedFrom);
  });

  it('shuts the server down cleanly and Neovim exits 0', () => {
    expect(step('shutdown').exitCode).toBe(0);
    step('done');
    expect(run.code, diagnostics()).toBe(0);
  });
});
