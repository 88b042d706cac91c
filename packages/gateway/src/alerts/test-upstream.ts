// A real MCP server built with the SDK's low-level Server, for the alert
// tests: what it lists and answers is decided per session (which session of
// the upstream it is, and the clientInfo the client gave), so a test can make
// it change a description between sessions, flip an annotation, or tailor its
// tools to who asks. Stateful Streamable HTTP, JSON answers, port 0.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Prompt,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { serveStatefulMcp } from '../test-support/serve-mcp.js';

export interface SessionInfo {
  /** 1 for the upstream's first session, 2 for the next, ... */
  session: number;
  /** clientInfo.name from initialize. */
  client: string | undefined;
}

export interface ScriptedUpstreamOptions {
  tools: (session: SessionInfo) => Tool[];
  prompts?: (session: SessionInfo) => Prompt[];
  call?: (name: string, args: Record<string, unknown>, session: SessionInfo) => CallToolResult;
  instructions?: string;
  /** Serve tools/list in pages of this many tools (nextCursor), to test merging. */
  pageSize?: number;
}

export interface ScriptedUpstream {
  url: string;
  close(): Promise<void>;
}

export async function startScriptedUpstream(options: ScriptedUpstreamOptions): Promise<ScriptedUpstream> {
  let sessions = 0;

  const build = (): Server => {
    const info: SessionInfo = { session: ++sessions, client: undefined };
    const server = new Server(
      { name: 'scripted-upstream', version: '1.0.0' },
      { capabilities: { tools: {}, ...(options.prompts ? { prompts: {} } : {}) }, ...(options.instructions ? { instructions: options.instructions } : {}) },
    );
    const current = (): SessionInfo => ({ ...info, client: server.getClientVersion()?.name });
    server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      const tools = options.tools(current());
      if (!options.pageSize) return { tools };
      const start = Number(request.params?.cursor ?? 0);
      const end = start + options.pageSize;
      return { tools: tools.slice(start, end), ...(end < tools.length ? { nextCursor: String(end) } : {}) };
    });
    if (options.prompts) server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: options.prompts?.(current()) ?? [] }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      const result = options.call?.(request.params.name, request.params.arguments ?? {}, current());
      return result ?? { content: [{ type: 'text', text: `called ${request.params.name}` }] };
    });
    return server;
  };

  const served = await serveStatefulMcp(build, { json: true });
  return { url: served.url, close: served.close };
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/**
 * One MCP session as raw HTTP, so a test can compare the bytes a client gets
 * through the gateway with those it gets directly: initialize (as `client`),
 * initialized, then each request in turn. Returns every answer's body text.
 */
export async function rawSession(url: string, client: string, requests: Array<{ method: string; params?: unknown }>): Promise<string[]> {
  const bodies: string[] = [];
  const init = await fetch(url, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: client, version: '1.0.0' } } }),
  });
  bodies.push(await init.text());
  const session = init.headers.get('mcp-session-id');
  if (!session) throw new Error(`no session id from ${url}: ${bodies[0]}`);
  const headers = { ...HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
  await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  let id = 1;
  for (const request of requests) {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: id++, ...request }) });
    bodies.push(await response.text());
  }
  await fetch(url, { method: 'DELETE', headers }).then((r) => r.text()).catch(() => undefined);
  return bodies;
}
