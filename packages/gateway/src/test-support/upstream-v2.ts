// A real MCP server built with the v2 SDK (@modelcontextprotocol/server):
// dual-era by default (2026-07-28 modern path, stateless 2025 fallback), or
// modern-only. Served on node:http through @modelcontextprotocol/node.
import { toNodeHandler } from '@modelcontextprotocol/node';
import { McpServer, acceptedContent, createMcpHandler, inputRequired, type McpHttpHandler } from '@modelcontextprotocol/server';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface V2Upstream {
  url: string;
  handler: McpHttpHandler;
  requests: Array<{ method: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'v2-upstream', version: '2.0.0' }, { capabilities: { tools: { listChanged: true } } });
  server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('deploy', { inputSchema: z.object({ env: z.string() }) }, async ({ env }, ctx) => {
    const confirmed = acceptedContent(ctx.mcpReq.inputResponses, 'confirm', z.object({ confirm: z.boolean() }));
    if (confirmed?.confirm !== true) {
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({ message: `Deploy to ${env}?`, requestedSchema: z.object({ confirm: z.boolean() }) }),
        },
      });
    }
    return { content: [{ type: 'text', text: `deployed to ${env}` }] };
  });
  return server;
}

export async function startV2Upstream(options: { legacy?: 'stateless' | 'reject' } = {}): Promise<V2Upstream> {
  const handler = createMcpHandler(buildServer, { legacy: options.legacy ?? 'stateless', keepAliveMs: 0 });
  const node = toNodeHandler(handler);
  const requests: V2Upstream['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', headers: req.headers });
    void node(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    handler,
    requests,
    close: async () => {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
