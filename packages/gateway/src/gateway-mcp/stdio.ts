import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createGatewayMcpServer, type GatewayMcpOptions } from './server.js';

/** The gateway's MCP server on stdin/stdout until stdin ends (`mcp-gateway mcp`). */
export async function serveGatewayMcpOverStdio(options: GatewayMcpOptions): Promise<void> {
  const server = createGatewayMcpServer(options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
