import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { VERSION } from '../version.js';

/** The name `mcp-gateway demo` registers the demo server under. */
export const DEMO_SERVER_NAME = 'demo';

const README = [
  '# The mcp-gateway demo server',
  '',
  'A stdio MCP server shipped with the gateway, so every kind of row shows in the inspector:',
  'answers, progress, a JSON-RPC error, an isError result, a slow call, a large result, a resource and a prompt.',
].join('\n');

const TOOLS = [
  { name: 'echo', description: 'Answers with the text it is given.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  {
    name: 'count_slowly',
    description: 'Counts to `to`, reporting progress (and a log message) on each step.',
    inputSchema: { type: 'object', properties: { to: { type: 'integer', minimum: 1, maximum: 50, default: 5 }, stepMs: { type: 'integer', minimum: 0, maximum: 2000, default: 100 } } },
  },
  { name: 'fail', description: 'Always fails with a JSON-RPC error (-32603), as a server bug would.', inputSchema: { type: 'object', properties: {} } },
  { name: 'report_problem', description: 'Runs, and reports a problem in its result (isError: true), as a tool whose work failed would.', inputSchema: { type: 'object', properties: {} } },
  { name: 'sleep', description: 'Takes a while to answer (a second unless told).', inputSchema: { type: 'object', properties: { seconds: { type: 'number', minimum: 0, maximum: 30, default: 1 } } } },
  {
    name: 'large_result',
    description: 'Returns a large text result (256 KiB unless told), to see how big bodies are stored and shown.',
    inputSchema: { type: 'object', properties: { kilobytes: { type: 'integer', minimum: 1, maximum: 8192, default: 256 } } },
  },
] as const;

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

function numberArg(args: Record<string, unknown> | undefined, name: string, fallback: number, max: number): number {
  const value = args?.[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new McpError(ErrorCode.InvalidParams, `"${name}" must be a number from 0 to ${max}`);
  }
  return value;
}

/** The demo server, not yet connected: a low-level SDK server, so one tool can fail with a real JSON-RPC error. */
export function createDemoServer(): Server {
  const server = new Server({ name: 'mcp-gateway-demo', version: VERSION }, { capabilities: { tools: {}, resources: {}, prompts: {}, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS.map((t) => ({ ...t })) as never }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const args = request.params.arguments;
    switch (request.params.name) {
      case 'echo':
        return text(typeof args?.text === 'string' ? args.text : '');
      case 'count_slowly': {
        const to = Math.round(numberArg(args, 'to', 5, 50));
        const stepMs = numberArg(args, 'stepMs', 100, 2000);
        const token = request.params._meta?.progressToken;
        for (let i = 1; i <= to; i++) {
          await new Promise((resolve) => setTimeout(resolve, stepMs));
          if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: to, message: `counted ${i}` } });
        }
        await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'demo', data: `counted to ${to}` } });
        return text(`counted to ${to}`);
      }
      case 'fail':
        throw new McpError(ErrorCode.InternalError, 'demo: this tool always fails with a JSON-RPC error');
      case 'report_problem':
        return { isError: true, content: [{ type: 'text', text: 'demo: the tool ran, and its work failed (isError: true)' }] };
      case 'sleep': {
        const seconds = numberArg(args, 'seconds', 1, 30);
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        return text(`slept ${seconds} s`);
      }
      case 'large_result': {
        const kilobytes = Math.round(numberArg(args, 'kilobytes', 256, 8192));
        const line = 'The quick brown fox jumps over the lazy dog. 0123456789 ';
        return text(line.repeat(Math.ceil((kilobytes * 1024) / line.length)).slice(0, kilobytes * 1024));
      }
      default:
        throw new McpError(ErrorCode.InvalidParams, `unknown tool "${request.params.name}"; this server has ${TOOLS.map((t) => t.name).join(', ')}`);
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [{ uri: 'demo://readme', name: 'readme', title: 'About the demo server', mimeType: 'text/markdown' }] }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => {
    if (request.params.uri !== 'demo://readme') throw new McpError(-32002, `no resource ${request.params.uri}; this server has demo://readme`);
    return { contents: [{ uri: 'demo://readme', mimeType: 'text/markdown', text: README }] };
  });
  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: [{ name: 'greet', description: 'A greeting for someone', arguments: [{ name: 'name', description: 'who to greet', required: true }] }],
  }));
  server.setRequestHandler(GetPromptRequestSchema, (request) => {
    if (request.params.name !== 'greet') throw new McpError(ErrorCode.InvalidParams, `no prompt "${request.params.name}"; this server has greet`);
    const name = request.params.arguments?.name ?? 'there';
    return { description: 'A greeting', messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}, warmly.` } }] };
  });
  return server;
}

/** Runs the demo server on stdin/stdout until stdin closes (what the registered command does). */
export async function runDemoServer(): Promise<void> {
  const server = createDemoServer();
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => void server.close());
  await closed;
}
