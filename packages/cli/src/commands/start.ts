import {
  VERSION,
  findRunningGateway,
  homePaths,
  resolveHome,
  serverView,
  startGateway,
  type ResolvedServer,
  type RunningGateway,
} from '@mcp-gateway/gateway';
import { UsageError } from '../errors.js';
import { asUsageError, isStorageError, storageProblem } from '../gateway-errors.js';
import { describeUpstream, table } from '../format.js';
import type { GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';
import { demoEntry } from '../self.js';

export interface StartOptions extends GlobalOptions {
  port: number;
  host: string;
}

export async function runStart(options: StartOptions): Promise<void> {
  const home = resolveHome(options.home);
  // Two gateways on one home would both append to logs.db and fight over gateway.json.
  const other = await findRunningGateway(homePaths(home).runtime);
  if (other) {
    throw new UsageError(`a gateway is already running for ${home} at ${other.url} (pid ${other.pid}); stop it first, or pass another --home`);
  }

  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ home, host: options.host, port: options.port, demo: { entry: demoEntry() } });
  } catch (error) {
    if (isStorageError(error)) throw new UsageError(storageProblem(homePaths(home).database, error));
    throw asUsageError(error);
  }

  printBanner(gateway);
  reportRegistryChanges(gateway);
  stopOnSignals(gateway);
}

function printBanner(gateway: RunningGateway): void {
  say(`mcp-gateway ${VERSION} running (home ${gateway.home})`);
  for (const line of table([
    // The token rides in the fragment: the browser never sends it to any server.
    ['UI', `${gateway.url}/ui/#token=${gateway.token}`],
    ['API', `${gateway.url}/api  (send "Authorization: Bearer <token>"; the token is in ${gateway.home}/token)`],
  ], '  ')) {
    say(line);
  }
  say();
  const servers = gateway.registry.list();
  if (servers.length === 0) {
    say('No servers registered yet. Add one with: mcp-gateway server add <name> <url>');
  } else {
    say('Servers (point MCP clients at the proxy URL):');
    for (const line of table(servers.map((s) => serverRow(s, gateway.url)), '  ')) say(line);
  }
  say();
  say('Press Ctrl+C to stop.');
}

function serverRow(server: ResolvedServer, baseUrl: string): string[] {
  const view = serverView(server, baseUrl);
  return [view.name, view.proxyUrl, `→ ${describeUpstream(view)}`];
}

/** mcp.json is re-read when another process (`server add`) changes it: say what changed. */
function reportRegistryChanges(gateway: RunningGateway): void {
  const fingerprint = (server: ResolvedServer): string => JSON.stringify(server.entry);
  let known = new Map(gateway.registry.list().map((s) => [s.name, fingerprint(s)]));
  gateway.registry.onChange(({ servers }) => {
    for (const server of servers) {
      const before = known.get(server.name);
      if (before === fingerprint(server)) continue;
      const [name = '', proxyUrl = '', upstream = ''] = serverRow(server, gateway.url);
      say(`${before === undefined ? 'server added:' : 'server changed:'} ${name}  ${proxyUrl}  ${upstream}`);
    }
    const names = new Set(servers.map((s) => s.name));
    for (const name of known.keys()) if (!names.has(name)) say(`server removed: ${name}`);
    known = new Map(servers.map((s) => [s.name, fingerprint(s)]));
  });
}

/** First signal: drain in-flight requests and close the store cleanly. A second Ctrl+C: leave now. */
function stopOnSignals(gateway: RunningGateway): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (draining) {
      if (signal === 'SIGINT') {
        warn('stopping without draining');
        gateway.forgetRuntimeFile();
        process.exit(130);
      }
      return;
    }
    draining = true;
    say('draining…');
    gateway.close().then(
      () => {
        say('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        warn(`error: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
