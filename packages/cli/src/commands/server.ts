import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  SERVER_NAME_PATTERN,
  deleteServer,
  ensurePrivateHome,
  homePaths,
  putServer,
  readRegistry,
  resolveHome,
  resolveServers,
  serverView,
  transportOf,
  type ResolvedServer,
  type ServerEntry,
} from '@mcp-gateway/gateway';
import { UsageError } from '../errors.js';
import { describeUpstream, shellQuote, table } from '../format.js';
import { asUsageError } from '../gateway-errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, isHttpUrl, portFromEnv, type GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';
import { findRunningGateway } from '@mcp-gateway/gateway';
import { auditFromCli } from '../cli-audit.js';

export interface AddServerOptions extends GlobalOptions {
  name: string;
  /** Operands after <name>: the URL, and for a stdio server the command words too. */
  operands: string[];
  afterDashDash: string[] | null;
  header?: Record<string, string>;
  env?: Record<string, string>;
  type?: 'http' | 'sse';
  cwd?: string;
  force?: boolean;
  port: number;
}

export async function addServer(options: AddServerOptions): Promise<void> {
  const { name } = options;
  checkName(name);
  const entry = buildEntry(options);

  const paths = ensurePrivateHome(resolveHome(options.home));
  let existed = false;
  try {
    existed = name in readRegistry(paths.registry).parsed.mcpServers;
    // putServer refuses a duplicate too; checking first lets the message mention --force.
    if (!options.force && existed) {
      throw new UsageError(`server "${name}" already exists; pass --force to replace it, or choose another name`);
    }
    await putServer(paths.registry, name, entry, { replace: options.force === true });
  } catch (error) {
    throw asUsageError(error);
  }

  const running = await findRunningGateway(paths.runtime);
  // A running gateway sees the change and records it; otherwise the CLI does.
  if (!running) auditFromCli(paths, { event: existed ? 'server.changed' : 'server.added', subject: name, detail: { keys: Object.keys(entry) } });
  const view = serverView({ name, entry, transport: transportOf(entry) }, running?.url ?? `http://${DEFAULT_HOST}:${options.port}`);
  say(`${options.force ? 'Saved' : 'Added'} server "${name}" → ${describeUpstream(view, true)}`);
  if (running) {
    say(`Proxy URL: ${view.proxyUrl}`);
    say(`The gateway at ${running.url} picks it up within a second.`);
  } else if (options.port === 0) {
    say(`Proxy URL: http://${DEFAULT_HOST}:<port>/s/${name}/mcp (port 0: the port is chosen when the gateway starts)`);
  } else {
    say(`Proxy URL: ${view.proxyUrl}`);
    say(`Start the gateway with: mcp-gateway start${options.port === DEFAULT_PORT ? '' : ` --port ${options.port}`}`);
  }
  if (view.type === 'stdio') {
    say('The gateway starts this command for each client session (stdin/stdout), and stops it when the session ends.');
  }
}

function checkName(name: string): void {
  if (!SERVER_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `invalid server name ${JSON.stringify(name)}: use 1-64 letters, digits, "-" or "_", starting with a letter or digit (e.g. my-server)`,
    );
  }
}

type Target = { kind: 'http'; url: string } | { kind: 'stdio'; command: string; args: string[] };

/** A URL operand, or a command after `--`: exactly one of them. */
function splitTarget(options: AddServerOptions): Target {
  const { operands, afterDashDash, name } = options;
  // Commander merged the words after `--` into the operands; they are its tail.
  const tail = afterDashDash ?? [];
  const hasCommand =
    afterDashDash !== null &&
    tail.length <= operands.length &&
    tail.every((word, i) => operands[operands.length - tail.length + i] === word);
  const commandWords = hasCommand ? tail : [];
  const urls = hasCommand ? operands.slice(0, operands.length - tail.length) : operands;

  if (urls.length > 1) {
    throw new UsageError(
      `too many arguments (${urls.map(shellQuote).join(' ')}); give one URL, or put a stdio command after --: mcp-gateway server add ${name} -- <command> [args...]`,
    );
  }
  const [url] = urls;
  if (url !== undefined && hasCommand) {
    throw new UsageError('give either a URL or a command after --, not both');
  }
  if (url !== undefined) {
    if (!isHttpUrl(url)) {
      throw new UsageError(
        `${JSON.stringify(url)} is not an http:// or https:// URL; for a stdio server put the command after --: mcp-gateway server add ${name} -- ${shellQuote(url)}`,
      );
    }
    return { kind: 'http', url };
  }
  const [command, ...args] = commandWords;
  if (command === undefined) {
    throw new UsageError(
      hasCommand
        ? `nothing after --; give the command to run, e.g. mcp-gateway server add ${name} -- npx -y <package>`
        : `missing the upstream; give a URL (mcp-gateway server add ${name} <url>) or a stdio command (mcp-gateway server add ${name} -- <command> [args...])`,
    );
  }
  return { kind: 'stdio', command, args };
}

function buildEntry(options: AddServerOptions): ServerEntry {
  const target = splitTarget(options);
  const { header: headers, env } = options;

  if (target.kind === 'http') {
    if (env || options.cwd !== undefined) {
      throw new UsageError('--env and --cwd are for stdio servers (a command after --); an HTTP server takes --header');
    }
    return { ...(options.type ? { type: options.type } : {}), url: target.url, ...(headers ? { headers } : {}) };
  }

  if (headers) throw new UsageError('--header is for HTTP servers (a URL); pass a stdio server its secrets with --env KEY=VALUE');
  if (options.type) throw new UsageError('--type is for URL servers; a server given as a command after -- is a stdio server');
  // The gateway runs from its own working folder: store an absolute path.
  const cwd = options.cwd === undefined ? undefined : resolve(options.cwd);
  if (cwd !== undefined && !isDirectory(cwd)) warn(`warning: --cwd ${cwd} is not a folder (yet)`);
  return {
    command: target.command,
    ...(target.args.length > 0 ? { args: target.args } : {}),
    ...(env ? { env } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface ListServersOptions extends GlobalOptions {
  json?: boolean;
}

export async function listServers(options: ListServersOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const servers = readServers(paths.registry);
  const running = await findRunningGateway(paths.runtime);
  const views = servers.map((s) => serverView(s, running?.url ?? `http://${DEFAULT_HOST}:${portFromEnv()}`));

  if (options.json) {
    say(JSON.stringify(views, null, 2));
    return;
  }
  if (views.length === 0) {
    say(`No servers registered in ${paths.registry}. Add one with: mcp-gateway server add <name> <url>`);
    return;
  }
  const rows = [['NAME', 'TYPE', 'PROXY URL', 'UPSTREAM'], ...views.map((v) => [v.name, v.type, v.proxyUrl, describeUpstream(v, true)])];
  for (const line of table(rows)) say(line);
}

function readServers(file: string): ResolvedServer[] {
  try {
    return resolveServers(readRegistry(file).parsed);
  } catch (error) {
    throw asUsageError(error);
  }
}

export interface RemoveServerOptions extends GlobalOptions {
  name: string;
}

export async function removeServer(options: RemoveServerOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  // Without this check the registry lock could not be created in a home that does not exist.
  if (!existsSync(paths.registry)) {
    throw new UsageError(`no server named "${options.name}"; none is registered in ${paths.registry}`);
  }
  try {
    await deleteServer(paths.registry, options.name);
  } catch (error) {
    throw asUsageError(error);
  }
  say(`Removed server "${options.name}". Its recorded messages are kept; delete them with: mcp-gateway logs clear --server ${options.name}`);
  const running = await findRunningGateway(paths.runtime);
  if (running) say(`The gateway at ${running.url} stops routing it within a second.`);
  else auditFromCli(paths, { event: 'server.removed', subject: options.name, detail: {} });
}
