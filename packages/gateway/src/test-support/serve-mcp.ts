// Serves SDK servers as a stateful Streamable HTTP upstream on node:http,
// 127.0.0.1, port 0, for tests: one server and transport per session (the
// SDK's session ids), 404 "Session not found" for an unknown id, as a real
// stateful server answers. The test upstreams differ in their tools, not here.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a session is served by: an McpServer or a low-level Server. */
export interface ConnectableServer {
  connect(transport: StreamableHTTPServerTransport): Promise<void>;
}

export interface ServeStatefulMcpOptions {
  /** Answer POSTs with application/json instead of an SSE stream. */
  json?: boolean;
  /** Runs first on every request; returns true when it has answered (a preflight, a 401). */
  before?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Sees every request that reaches the MCP handling, with its body text. */
  onRequest?: (req: IncomingMessage, body: string) => void;
}

export interface StatefulMcp {
  /** `http://127.0.0.1:<port>/mcp` (any path is served). */
  url: string;
  server: Server;
  /** The live sessions' ids. */
  sessions(): string[];
  /** Closes the sessions' transports, then the listener and its connections. */
  close(): Promise<void>;
}

const jsonRpcError = (res: ServerResponse, status: number, code: number, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }));
};

/** `build` makes the server for one new session (called at each initialize). */
export async function serveStatefulMcp(build: () => ConnectableServer, options: ServeStatefulMcpOptions = {}): Promise<StatefulMcp> {
  const transports = new Map<string, StreamableHTTPServerTransport>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    options.onRequest?.(req, body);
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      jsonRpcError(res, 400, -32700, 'Parse error: upstream got invalid JSON');
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (typeof sessionId === 'string') {
        jsonRpcError(res, 404, -32001, 'Session not found');
        return;
      }
      const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        enableJsonResponse: options.json ?? false,
        onsessioninitialized: (id) => void transports.set(id, created),
        onsessionclosed: (id) => void transports.delete(id),
      });
      await build().connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, parsed);
  };

  const server = createServer((req, res) => {
    if (options.before?.(req, res)) return;
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
    sessions: () => [...transports.keys()],
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
