// A stdio MCP server built with the official SDK, for tests. Plain JS so it
// starts fast under node without a compile step.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'stdio-test', version: '1.0.0' }, { capabilities: { logging: {} } });
process.stderr.write(`stdio-test starting, pid ${process.pid}, secret ${process.env.TEST_SECRET ?? 'none'}\n`);

server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
server.registerTool('progress', { inputSchema: { steps: z.number() } }, async ({ steps }, extra) => {
  for (let i = 1; i <= steps; i++) {
    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: extra._meta?.progressToken ?? 0, progress: i, total: steps } });
  }
  await server.sendLoggingMessage({ level: 'info', data: `progress done after ${steps}` });
  return { content: [{ type: 'text', text: 'done' }] };
});
server.registerTool('sample', { inputSchema: { prompt: z.string() } }, async ({ prompt }) => {
  const result = await server.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 10 });
  return { content: [{ type: 'text', text: `sampled: ${result.content.type === 'text' ? result.content.text : '?'}` }] };
});
// Answers at once, then logs with nothing in flight: a message no HTTP exchange carries.
server.registerTool('log_later', { inputSchema: {} }, async () => {
  setTimeout(() => void server.sendLoggingMessage({ level: 'info', data: 'logged later' }), 30);
  return { content: [{ type: 'text', text: 'will log' }] };
});
server.registerTool('env', { inputSchema: {} }, async () => ({ content: [{ type: 'text', text: JSON.stringify(process.env) }] }));
server.registerTool('pollute', { inputSchema: {} }, async () => {
  process.stdout.write('this is not JSON-RPC\n');
  return { content: [{ type: 'text', text: 'polluted' }] };
});
server.registerTool('crash', { inputSchema: {} }, async () => {
  process.stderr.write('about to crash\n');
  setTimeout(() => process.exit(3), 10);
  return new Promise(() => undefined);
});

await server.connect(new StdioServerTransport());
