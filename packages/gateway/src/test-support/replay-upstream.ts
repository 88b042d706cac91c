// A real SDK server whose behaviour a test can change between recording and
// replaying: read-only and side-effecting tools, progress, a server-to-client
// request, and a clock. Stateful Streamable HTTP (SSE or JSON answers).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface ReplayUpstream {
  url: string;
  /** Changes what `lookup` answers from now on (the server "was changed"). */
  behaviour: { suffix: string };
  /** How often `store` ran: a side effect a replay must not repeat unasked. */
  stored: string[];
  /** Authorization headers seen, in order. */
  authorizations: Array<string | undefined>;
  /** Live upstream sessions. */
  sessions(): string[];
  close(): Promise<void>;
}

export async function startReplayUpstream(options: { json?: boolean; requireAuth?: string } = {}): Promise<ReplayUpstream> {
  const behaviour = { suffix: '' };
  const stored: string[] = [];
  const authorizations: Array<string | undefined> = [];
  const build = (): McpServer => {
    const server = new McpServer({ name: 'replay-upstream', version: '1.0.0' });
    server.registerTool(
      'lookup',
      { description: 'Looks a key up', inputSchema: { key: z.string() }, annotations: { readOnlyHint: true } },
      async ({ key }) => ({ content: [{ type: 'text', text: `value of ${key}${behaviour.suffix}` }] }),
    );
    server.registerTool('clock', { description: 'The time', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
      content: [{ type: 'text', text: `now ${process.hrtime.bigint()}` }, { type: 'text', text: 'steady' }],
    }));
    server.registerTool('store', { description: 'Stores a value', inputSchema: { value: z.string() }, annotations: { readOnlyHint: false, destructiveHint: true } }, async ({ value }) => {
      stored.push(value);
      return { content: [{ type: 'text', text: `stored ${value}` }] };
    });
    server.registerTool(
      'slow_count',
      { description: 'Counts with progress', inputSchema: { to: z.number().int().min(1).max(20) }, annotations: { readOnlyHint: true } },
      async ({ to }, extra) => {
        for (let i = 1; i <= to; i++) {
          const token = extra._meta?.progressToken;
          if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: to } });
        }
        return { content: [{ type: 'text', text: `counted to ${to}` }] };
      },
    );
    server.registerTool('ask', { description: 'Asks the user', inputSchema: {}, annotations: { readOnlyHint: true } }, async (_args, extra) => {
      try {
        const answer = await extra.sendRequest({ method: 'elicitation/create', params: { message: 'Name?', requestedSchema: { type: 'object', properties: {} } } }, ElicitResultSchema);
        return { content: [{ type: 'text', text: `answered ${answer.action}` }] };
      } catch (error) {
        return { isError: true, content: [{ type: 'text', text: `no answer: ${(error as Error).message}` }] };
      }
    });
    server.registerPrompt('greet', { description: 'A greeting', argsSchema: { who: z.string() } }, ({ who }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Hello ${who}${behaviour.suffix}` } }],
    }));
    server.registerResource('readme', 'test://readme', { description: 'The readme' }, async (uri) => ({ contents: [{ uri: uri.href, text: `readme${behaviour.suffix}` }] }));
    return server;
  };

  const transports = new Map<string, StreamableHTTPServerTransport>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      authorizations.push(req.headers.authorization);
      if (options.requireAuth !== undefined && req.headers.authorization !== options.requireAuth) {
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('unauthorized');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (typeof sessionId === 'string') {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          enableJsonResponse: options.json ?? false,
          onsessioninitialized: (id) => void transports.set(id, created),
          onsessionclosed: (id) => void transports.delete(id),
        });
        await build().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, text ? (JSON.parse(text) as unknown) : undefined);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    behaviour,
    stored,
    authorizations,
    sessions: () => [...transports.keys()],
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
