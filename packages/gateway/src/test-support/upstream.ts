// A real MCP server built with the official SDK, for tests: the upstream the
// gateway proxies to. Stateful Streamable HTTP on node:http, port 0.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElicitResultSchema, EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

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
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const requests: TestUpstream['requests'] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method ?? '', headers: req.headers, body });
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: upstream got invalid JSON' } }));
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (typeof sessionId === 'string') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
        return;
      }
      const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        enableJsonResponse: options.json ?? false,
        onsessioninitialized: (id) => {
          transports.set(id, created);
        },
        onsessionclosed: (id) => {
          transports.delete(id);
        },
      });
      await buildServer(options).connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, parsed);
  };

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined && options.corsOrigins?.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version');
      if (req.method === 'OPTIONS') {
        requests.push({ method: 'OPTIONS', headers: req.headers, body: '' });
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, DELETE',
          'access-control-allow-headers': 'content-type, accept, authorization, mcp-session-id, mcp-protocol-version, last-event-id',
          'access-control-max-age': '600',
          'x-upstream-preflight': 'yes',
        });
        res.end();
        return;
      }
    }
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    server,
    requests,
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
