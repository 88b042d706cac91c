import {
  findRunningGateway,
  homePaths,
  readRegistry,
  resolveHome,
  resolveServers,
  UpstreamHealth,
  type ServerHealth,
} from '@mcp-gateway/gateway';
import { CliError, UsageError } from '../errors.js';
import { callGateway, GatewayRefused, type GatewayTarget } from '../gateway-api.js';
import { asUsageError } from '../gateway-errors.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export interface ServerHealthOptions extends GlobalOptions {
  name: string;
  json?: boolean;
}

/**
 * Whether an upstream answers, as GET /api/servers/<name>/health tells: asked
 * of the running gateway (which caches it 30 s), else checked from here with
 * the same request. Exits 1 when the server is down.
 */
export async function serverHealth(options: ServerHealthOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  const health = running ? await fromGateway(running, options.name) : await checkHere(paths.registry, options.name);
  if (options.json) say(JSON.stringify(health, null, 2));
  else say(describe(health));
  if (health.status === 'down') throw new CliError(`server "${health.server}" is down`, 1);
}

async function fromGateway(gateway: GatewayTarget, name: string): Promise<ServerHealth> {
  try {
    return await callGateway<ServerHealth>(gateway, 'GET', `/servers/${encodeURIComponent(name)}/health`);
  } catch (error) {
    if (error instanceof GatewayRefused && error.status === 404) throw new UsageError(error.apiMessage);
    throw error;
  }
}

async function checkHere(registryFile: string, name: string): Promise<ServerHealth> {
  let servers;
  try {
    servers = resolveServers(readRegistry(registryFile).parsed);
  } catch (error) {
    throw asUsageError(error);
  }
  const server = servers.find((s) => s.name === name);
  if (!server) {
    const known = servers.map((s) => s.name);
    throw new UsageError(`no server named "${name}"${known.length ? `; registered: ${known.join(', ')}` : `; none is registered in ${registryFile}`}`);
  }
  const checker = new UpstreamHealth({ registry: { get: (n) => (n === name ? server : undefined) } });
  return (await checker.check(name)) as ServerHealth;
}

export function describe(health: ServerHealth): string {
  switch (health.status) {
    case 'up':
      return `${health.server}: up (HTTP ${health.httpStatus} in ${health.latencyMs?.toFixed(1)} ms, checked ${health.checkedAt})`;
    case 'down':
      return `${health.server}: down (${health.lastError ?? 'no answer'}, checked ${health.checkedAt})`;
    case 'running':
      return `${health.server}: stdio process running`;
    default:
      return `${health.server}: stdio, no process running (one starts with the first session)`;
  }
}
