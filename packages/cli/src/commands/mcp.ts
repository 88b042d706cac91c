import { VERSION, apiClient, homePaths, readToken, resolveHome, serveGatewayMcpOverStdio } from '@mcp-gateway/gateway';
import { ensureGateway } from '../connect/background.js';
import type { GlobalOptions } from '../options.js';

export interface McpOptions extends GlobalOptions {
  port: number;
}

/**
 * `mcp-gateway mcp`: the gateway's own MCP server over stdio, for clients that
 * only launch commands. It works through the running gateway's API (starting
 * one in the background when none runs); stdout carries only JSON-RPC.
 */
export async function runMcp(options: McpOptions): Promise<void> {
  const home = resolveHome(options.home);
  const gateway = await ensureGateway({ home, port: options.port, log: (line) => process.stderr.write(`[mcp-gateway] ${line}\n`) });
  const tokenFile = homePaths(home).token;
  // Read per call: `mcp-gateway token --rotate` must not break a client that is connected.
  const token = (): string => process.env.MCP_GATEWAY_TOKEN || (readToken(tokenFile) ?? gateway.token);
  await serveGatewayMcpOverStdio({ api: apiClient((request) => fetch(request), `${gateway.url}/api`, token), version: VERSION });
}
