// Bench upstream: a real MCP server (SDK McpServer + StreamableHTTPServerTransport
// on node:http) in its own process, so its CPU is its own.
//   /json/mcp   SDK server, POSTs answered with application/json
//   /sse/mcp    SDK server, POSTs answered with an SSE stream
//   /raw/mcp    a minimal non-SDK "firehose": answers any POST with an SSE stream of
//               ?n= progress notifications at ?rate= per second (0 = as fast as the
//               socket takes them), ?size= bytes of payload each, then a result.
//               Used to load the recorder harder than the SDK can.
//   /clock      this process's clock (performance.timeOrigin + performance.now()),
//               so the client can estimate the offset between the two processes.
// Prints one JSON line {"url": "http://127.0.0.1:<port>"} when listening.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { z } from 'zod';

const now = () => performance.timeOrigin + performance.now();
const bigCache = new Map();

function bigText(bytes) {
  let text = bigCache.get(bytes);
  if (!text) {
    const line = 'The quick brown fox jumps over the lazy dog; 0123456789 abcdefghijklmnopqrstuvwxyz.\n';
    text = line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
    bigCache.set(bytes, text);
  }
  return text;
}

function buildServer() {
  const server = new McpServer({ name: 'bench-upstream', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool(
    'progress',
    {
      description: 'Sends progress notifications stamped with the emit time (params.message), then answers',
      inputSchema: { steps: z.number().int().min(1).max(10_000), intervalMs: z.number().min(0).max(1000) },
    },
    async ({ steps, intervalMs }, extra) => {
      const token = extra._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: i, total: steps, message: String(now()) },
          });
        }
        if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      return { content: [{ type: 'text', text: `done in ${steps} steps` }] };
    },
  );
  server.registerTool(
    'flood',
    {
      description: 'Sends `count` progress notifications back to back, each with `size` bytes of text',
      inputSchema: { count: z.number().int().min(1).max(1_000_000), size: z.number().int().min(0).max(65_536) },
    },
    async ({ count, size }, extra) => {
      const token = extra._meta?.progressToken;
      const pad = 'x'.repeat(size);
      for (let i = 1; i <= count; i++) {
        if (token !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: count, message: pad } });
        }
      }
      return { content: [{ type: 'text', text: `sent ${count}` }] };
    },
  );
  server.registerTool('fail', { description: 'Always fails (a tool error, isError)', inputSchema: {} }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'this tool always fails' }],
  }));
  server.registerTool(
    'big',
    { description: 'Returns a text result of `bytes` bytes', inputSchema: { bytes: z.number().int().min(1).max(512 * 1024 * 1024) } },
    async ({ bytes }) => ({ content: [{ type: 'text', text: bigText(bytes) }] }),
  );
  return server;
}

const sessions = { json: new Map(), sse: new Map() };
// Clients that go away without DELETE (the soak abandons some): forget their sessions after a minute idle, as a real server would.
const lastSeen = new Map();
setInterval(() => {
  const now = Date.now();
  for (const [transport, seen] of lastSeen) {
    if (now - seen.at > 60_000) {
      lastSeen.delete(transport);
      if (transport.sessionId) seen.map.delete(transport.sessionId);
      void transport.close().catch(() => undefined);
    }
  }
}, 30_000).unref();

async function handleMcp(mode, req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString('utf8');
  let parsed;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    return;
  }
  const map = sessions[mode];
  const sessionId = req.headers['mcp-session-id'];
  let transport = typeof sessionId === 'string' ? map.get(sessionId) : undefined;
  if (!transport) {
    if (typeof sessionId === 'string') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}');
      return;
    }
    const created = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: mode === 'json',
      onsessioninitialized: (id) => map.set(id, created),
      onsessionclosed: (id) => {
        map.delete(id);
        lastSeen.delete(created);
      },
    });
    await buildServer().connect(created);
    transport = created;
  }
  lastSeen.set(transport, { at: Date.now(), map });
  await transport.handleRequest(req, res, parsed);
}

async function handleRaw(url, req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let id = 1;
  try {
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (message && message.id !== undefined) id = message.id;
  } catch {
    // any body will do
  }
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const n = Number(url.searchParams.get('n') ?? 1000);
  const rate = Number(url.searchParams.get('rate') ?? 0);
  const size = Number(url.searchParams.get('size') ?? 200);
  const pad = 'y'.repeat(size);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (i) =>
    `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":${JSON.stringify(id)},"progress":${i},"total":${n},"message":"${pad}"}}\n\n`;
  let aborted = false;
  res.on('close', () => {
    aborted = true;
  });
  const drain = () => new Promise((resolve) => res.once('drain', resolve));
  const start = performance.now();
  let i = 0;
  // Paced: every 5 ms write what is due. Unpaced: batches of 50, respecting backpressure.
  while (i < n && !aborted) {
    let due = rate > 0 ? Math.min(n, Math.floor(((performance.now() - start) / 1000) * rate)) : Math.min(n, i + 50);
    if (due <= i) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    let out = '';
    while (i < due) out += event(++i);
    if (!res.write(out)) await drain();
    if (rate === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (!aborted) res.end(`event: message\ndata: {"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":"sent ${n}"}]}}\n\n`);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  let work;
  if (url.pathname === '/clock') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(String(now()));
    return;
  } else if (url.pathname === '/json/mcp') work = handleMcp('json', req, res);
  else if (url.pathname === '/sse/mcp') work = handleMcp('sse', req, res);
  else if (url.pathname === '/raw/mcp') work = handleRaw(url, req, res);
  else {
    res.writeHead(404).end();
    return;
  }
  work.catch((error) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid }) + '\n');
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
