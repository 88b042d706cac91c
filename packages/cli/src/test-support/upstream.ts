import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { TextContentSchema } from '@modelcontextprotocol/sdk/types.js';

export interface Upstream {
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp. */
  url: string;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /**
   * Also serve a read-only `lookup` (whose answer ends with `suffix`: change it
   * to change the server's behaviour) and a read-only `broken` (isError), for
   * replay and verify tests; without it the server has `echo` only.
   */
  replayTools?: { suffix: string };
}

function createMcpServer(options: UpstreamOptions): McpServer {
  const server = new McpServer({ name: 'test-upstream', version: '1.0.0' });
  const replay = options.replayTools;
  if (replay) {
    server.registerTool(
      'lookup',
      { description: 'Looks a key up', inputSchema: { key: TextContentSchema.shape.text }, annotations: { readOnlyHint: true } },
      async ({ key }) => ({ content: [{ type: 'text', text: `value of ${key}${replay.suffix}` }] }),
    );
    server.registerTool('broken', { description: 'Always fails', annotations: { readOnlyHint: true } }, async () => ({
      isError: true,
      content: [{ type: 'text', text: 'it broke' }],
    }));
  }
  server.registerTool(
    'echo',
    {
      description: 'Returns the text it is given',
      // zod is not a dependency of this package (only of the SDK); the SDK's
      // own string schema serves as the argument's schema.
      inputSchema: { text: TextContentSchema.shape.text },
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

/** A stateful Streamable HTTP MCP server on 127.0.0.1 (any free port), one transport per session. */
export async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) return existing.handleRequest(req, res);
    if (sessionId !== undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
      return;
    }
    // No session yet: the transport accepts only an initialize request here and answers anything else with 400.
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createMcpServer(options).connect(transport);
    await transport.handleRequest(req, res);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One MCP session through `proxyUrl` that calls echo once, then ends the session. */
export async function callEcho(proxyUrl: string, text: string, headers: Record<string, string> = {}): Promise<void> {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const client = new Client({ name: 'cli-test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(proxyUrl), { requestInit: { headers } });
  await client.connect(transport);
  try {
    await client.callTool({ name: 'echo', arguments: { text } });
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
}
