import { readFileSync } from 'node:fs';
import { findRunningGateway, homePaths, readRegistry, resolveHome } from '@mcp-gateway/gateway';
import { runBridge } from '../connect/bridge.js';
import { ensureGateway } from '../connect/background.js';
import { UsageError } from '../errors.js';
import { asUsageError } from '../gateway-errors.js';
import type { GlobalOptions } from '../options.js';
import { warn } from '../output.js';

export interface ConnectOptions extends GlobalOptions {
  name: string;
  port: number;
}

/** Diagnostics only on stderr: stdout belongs to the MCP messages. */
function diagnostic(line: string): void {
  warn(`mcp-gateway connect: ${line}`);
}

export async function runConnect(options: ConnectOptions): Promise<void> {
  const home = resolveHome(options.home);
  const paths = homePaths(home);
  let servers: Record<string, { requireToken?: boolean }>;
  try {
    servers = readRegistry(paths.registry).parsed.mcpServers;
  } catch (error) {
    throw asUsageError(error);
  }
  const server = servers[options.name];
  if (!server) {
    const known = Object.keys(servers);
    throw new UsageError(
      `no server named "${options.name}" in ${paths.registry}${known.length ? ` (registered: ${known.join(', ')})` : ''}; add it with mcp-gateway server add, or mcp-gateway import <client> --apply`,
    );
  }
  const gateway = (await findRunningGateway(paths.runtime)) ?? (await ensureGateway({ home, port: options.port, log: diagnostic }));
  // connect runs as the user who owns the home, so it may present the token a requireToken server asks for.
  const token = server.requireToken ? readFileSync(paths.token, 'utf8').trim() : null;
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  stop.signal.addEventListener('abort', () => process.stdin.destroy(), { once: true });
  await runBridge({
    url: `${gateway.url}/s/${encodeURIComponent(options.name)}/mcp`,
    input: process.stdin,
    output: process.stdout,
    log: diagnostic,
    ...(token ? { headers: { 'x-mcp-gateway-token': token } } : {}),
  });
}
