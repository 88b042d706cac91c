// A real SDK server whose behaviour a test can change between recording and
// replaying: read-only and side-effecting tools, progress, a server-to-client
// request, and a clock. Stateful Streamable HTTP (SSE or JSON answers).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { serveStatefulMcp } from './serve-mcp.js';

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

  const served = await serveStatefulMcp(build, {
    json: options.json ?? false,
    before: (req, res) => {
      authorizations.push(req.headers.authorization);
      if (options.requireAuth === undefined || req.headers.authorization === options.requireAuth) return false;
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('unauthorized');
      return true;
    },
  });
  return { url: served.url, behaviour, stored, authorizations, sessions: served.sessions, close: served.close };
}
