// Chooses the Node that runs the language server, and the better-sqlite3 build that matches its ABI.
// Pure decision over injected probes (tested without VS Code); never throws: an unusable setup gives a message.

/** What running `node -p …` told about a Node binary. */
export interface NodeProbe {
  /** `v22.11.0` */
  version: string;
  /** `process.versions.modules`: the native-module ABI, e.g. `127`. */
  abi: string;
  /** Set when the binary is Electron (run as Node). */
  electron?: string;
}

/** The command that runs the server, its extra environment, and why it was chosen. */
export interface NodeChoice {
  command: string;
  env: Record<string, string>;
  version: string;
  abi: string;
  /** The better-sqlite3 build to load (CODECTX_SQLITE_BINDING); undefined: the one installed beside the server. */
  binding?: string;
  why: string;
}

export interface NodeChoiceInput {
  /** `codectx.server.node`, trimmed ('' when unset). */
  setting: string;
  /** The extension host's own runtime: process.execPath and process.versions. */
  execPath: string;
  hostVersion: string;
  hostAbi: string;
  hostElectron?: string;
  /**
   * The better-sqlite3 build for an ABI: a path, `null` when none ships for it, `''` when the server uses its installed
   * build for any ABI (a development checkout without native/ builds).
   */
  bindingFor(abi: string): string | null;
  /** The ABIs the extension carries builds for, to say so when none fits. */
  shippedAbis: string[];
  /** Runs `command` as Node (with ELECTRON_RUN_AS_NODE=1) and reports what it is, or why it could not run. */
  probe(command: string): Promise<NodeProbe | { error: string }>;
}

/** Node 20 is the oldest the server supports (package.json engines). */
export const MIN_NODE_MAJOR = 20;

const NODE_FOR_ABI: Record<string, string> = { '115': '20', '127': '22', '137': '24' };

function major(version: string): number {
  return Number.parseInt(version.replace(/^v/, ''), 10) || 0;
}

function describeShipped(abis: string[]): string {
  const names = abis.map((a) => (NODE_FOR_ABI[a] ? `Node ${NODE_FOR_ABI[a]}` : `ABI ${a}`));
  return names.length ? names.join(', ') : 'none';
}

/**
 * The rule, in order: the `codectx.server.node` setting; the extension host's runtime when it is a plain Node ≥ 20
 * (code-server) and a build for its ABI ships; the host's Electron run as Node when a build for its ABI ships; a `node`
 * ≥ 20 on PATH with a matching build; otherwise an error that says what to install.
 */
export async function chooseNode(input: NodeChoiceInput): Promise<NodeChoice | { error: string }> {
  const shipped = describeShipped(input.shippedAbis);
  const usable = (probe: NodeProbe): string | undefined => {
    if (probe.electron) {
      // Electron's ABI never matches the installed (Node) build: it needs a shipped build of its own.
      if (!input.bindingFor(probe.abi)) return `Electron ${probe.electron} (ABI ${probe.abi}) has no matching build`;
      return undefined;
    }
    if (major(probe.version) < MIN_NODE_MAJOR) return `Node ${probe.version} is older than ${MIN_NODE_MAJOR}`;
    if (input.bindingFor(probe.abi) === null) {
      return `Node ${probe.version} (ABI ${probe.abi}) has no matching better-sqlite3 build (the extension carries ${shipped})`;
    }
    return undefined;
  };
  const choice = (command: string, probe: NodeProbe, why: string): NodeChoice => {
    const binding = input.bindingFor(probe.abi) || undefined;
    const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1' };
    if (binding) env.CODECTX_SQLITE_BINDING = binding;
    return { command, env, version: probe.version, abi: probe.abi, binding, why };
  };

  if (input.setting) {
    const probe = await input.probe(input.setting);
    if ('error' in probe) return { error: `codectx.server.node is set to ${input.setting}, which cannot run: ${probe.error}` };
    const problem = usable(probe);
    if (problem) return { error: `codectx.server.node is set to ${input.setting}: ${problem}. Point it at Node 20, 22 or 24.` };
    return choice(input.setting, probe, 'the codectx.server.node setting');
  }

  const tried: string[] = [];
  const host: NodeProbe = { version: input.hostVersion, abi: input.hostAbi, electron: input.hostElectron };
  const hostProblem = usable(host);
  if (!hostProblem) {
    const why = host.electron ? `the editor's Electron ${host.electron} run as Node` : "the editor's own Node";
    return choice(input.execPath, host, why);
  }
  tried.push(`the editor's runtime: ${hostProblem}`);

  const onPath = await input.probe('node');
  if ('error' in onPath) tried.push(`node on PATH: ${onPath.error}`);
  else {
    const problem = usable(onPath);
    if (!problem) return choice('node', onPath, '`node` found on PATH');
    tried.push(`node on PATH: ${problem}`);
  }
  return {
    error:
      `codectx needs Node.js 20, 22 or 24 to run its index server. Install one (https://nodejs.org) and put it on PATH, ` +
      `or set codectx.server.node to its path. Tried ${tried.join('; ')}.`,
  };
}
