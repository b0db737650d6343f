// The language server benches' LSP client (bench/lsp.mjs, bench/lsp-scale.mjs): the built server as a child process
// over stdio, its memory and CPU from /proc, and temp folders removed when the bench exits.
// Invariant: every server started here is killed and every temp folder removed when the process exits.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A sleep that does not keep the process alive: for the losing side of a race. */
export const grace = (ms) => new Promise((r) => setTimeout(r, ms).unref());
export const round = (n, digits = 1) => (n == null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** VmRSS and VmHWM of a process, in bytes, from /proc/PID/status. */
export function procMemory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
    return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
  } catch {
    return { rssBytes: null, hwmBytes: null };
  }
}

/** CPU time of a process in ms (utime + stime from /proc/PID/stat, at the usual 100 ticks per second). */
export function procCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Servers still running and temp folders, cleaned up if the bench dies half-way or is interrupted. */
const running = new Set();
const temps = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.add(dir);
  return dir;
}

/** The built server as a child process and an LSP client on its stdio, with timestamps of progress begin/end. */
export function startServer(cli, logFile, label, { nodeArgs = [], initExtra = {}, env, wrap = [] } = {}) {
  const command = [...wrap, process.execPath, ...nodeArgs, cli, 'serve', '--stdio'];
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stderr.on('data', (d) => appendFileSync(logFile, `[${label} stderr] ${d}`));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const progress = new Map(); // token → {title, beginAt, endAt}
  rpc.onNotification('window/logMessage', (p) => appendFileSync(logFile, `[${label}] ${p.message}\n`));
  const shown = []; // window/showMessage notifications: {type, message, at}
  rpc.onNotification('window/showMessage', (p) => {
    shown.push({ type: p.type, message: p.message, at: performance.now() });
    appendFileSync(logFile, `[${label} shown] ${p.message}\n`);
  });
  rpc.onRequest('window/workDoneProgress/create', () => null);
  rpc.onRequest('client/registerCapability', () => null);
  rpc.onNotification('$/progress', (p) => {
    const now = performance.now();
    if (p.value?.kind === 'begin') progress.set(p.token, { title: p.value.title, beginAt: now, endAt: null });
    else if (p.value?.kind === 'end' && progress.has(p.token)) progress.get(p.token).endAt = now;
  });
  rpc.listen();
  return {
    child,
    rpc,
    progress,
    shown,
    async initialize(folders, initializationOptions) {
      const workspaceFolders = folders.map((f) => ({ uri: pathToFileURL(f).toString(), name: f }));
      await rpc.sendRequest('initialize', {
        processId: process.pid,
        rootUri: workspaceFolders[0].uri,
        workspaceFolders,
        initializationOptions: { ...initializationOptions, ...initExtra },
        capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true } },
      });
      const at = performance.now();
      await rpc.sendNotification('initialized', {});
      return at;
    },
    status: () => rpc.sendRequest('codectx/status', {}),
    search: (query, limit = 10, mode = undefined) => rpc.sendRequest('codectx/search', { query, limit, mode }),
    async waitReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await rpc.sendRequest('codectx/status', {});
        if (s.folders.length > 0 && s.folders.every((f) => f.state === 'ready' || f.state === 'error')) return s;
        if (Date.now() > deadline) throw new Error(`${label}: not ready after ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async close() {
      try {
        await Promise.race([rpc.sendRequest('shutdown'), grace(10_000)]);
        await rpc.sendNotification('exit');
      } catch {
        // The server may already be gone; the kill below covers it.
      }
      const end = await Promise.race([exited, grace(5_000).then(() => null)]);
      if (!end) child.kill('SIGKILL');
      rpc.dispose();
    },
  };
}
