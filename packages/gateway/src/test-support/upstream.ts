// A real MCP server built with the official SDK, for tests: the upstream the
// gateway proxies to. Stateful Streamable HTTP on node:http, port 0.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { IncomingMessage, Server } from 'node:http';
import { ElicitResultSchema, EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { serveStatefulMcp } from './serve-mcp.js';

export interface TestUpstream {
  url: string;
  server: Server;
  /** Every request the upstream received, raw, in order. */
  requests: Array<{ method: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

export interface TestUpstreamOptions {
  /** Answer POSTs with application/json instead of an SSE stream. */
  json?: boolean;
  /** What the server calls itself in its initialize answer (default test-upstream 1.0.0). */
  name?: string;
  version?: string;
  /** The pause between two progress notifications (default 5 ms; the UI tests slow it to watch them arrive). */
  progressStepMs?: number;
  /** Browser origins this upstream answers CORS for (preflight and responses), as a server meant for web pages would. */
  corsOrigins?: string[];
}

function buildServer(options: TestUpstreamOptions): McpServer {
  const server = new McpServer({ name: options.name ?? 'test-upstream', version: options.version ?? '1.0.0' });
  server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool(
    'progress',
    { description: 'Sends progress notifications, then answers', inputSchema: { steps: z.number().int().min(1).max(50) } },
    async ({ steps }, extra) => {
      const token = extra._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps, message: `step ${i}` } });
        }
        await new Promise((resolve) => setTimeout(resolve, options.progressStepMs ?? 5));
      }
      return { content: [{ type: 'text', text: `done in ${steps} steps` }] };
    },
  );
  server.registerTool('ask_roots', { description: 'Asks the client for its roots on the GET stream', inputSchema: {} }, async () => {
    // No relatedRequestId: the SDK sends this on the standalone GET stream.
    const roots = await server.server.listRoots();
    return { content: [{ type: 'text', text: roots.roots.map((r) => r.uri).join(',') }] };
  });
  server.registerTool('elicit', { description: 'Elicits input on the POST stream, then pings', inputSchema: {} }, async (_args, extra) => {
    const answer = await extra.sendRequest(
      { method: 'elicitation/create', params: { message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } } },
      ElicitResultSchema,
    );
    await extra.sendRequest({ method: 'ping' }, EmptyResultSchema);
    return { content: [{ type: 'text', text: `hello ${String(answer.content?.name)}` }] };
  });
  server.registerTool('fail', { description: 'Always fails', inputSchema: {} }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'this tool always fails' }],
  }));
  server.registerTool('big', { description: 'Answers with a large text', inputSchema: { bytes: z.number().int().min(1) } }, async ({ bytes }) => ({
    content: [{ type: 'text', text: 'x'.repeat(bytes) }],
  }));
  return server;
}

export async function startUpstream(options: TestUpstreamOptions = {}): Promise<TestUpstream> {
  const requests: TestUpstream['requests'] = [];
  const served = await serveStatefulMcp(() => buildServer(options), {
    json: options.json ?? false,
    onRequest: (req, body) => void requests.push({ method: req.method ?? '', headers: req.headers, body }),
    before: (req, res) => {
      const origin = req.headers.origin;
      if (origin === undefined || !options.corsOrigins?.includes(origin)) return false;
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version');
      if (req.method !== 'OPTIONS') return false;
      requests.push({ method: 'OPTIONS', headers: req.headers, body: '' });
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE',
        'access-control-allow-headers': 'content-type, accept, authorization, mcp-session-id, mcp-protocol-version, last-event-id',
        'access-control-max-age': '600',
        'x-upstream-preflight': 'yes',
      });
      res.end();
      return true;
    },
  });
  return { url: served.url, server: served.server, requests, close: served.close };
}
