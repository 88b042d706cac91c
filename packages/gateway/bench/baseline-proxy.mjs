// Reference proxies for the breakdown section: the same hop the gateway makes, minus
// the gateway. They say how much of the gateway's cost any Node proxy pays, and how
// much is its own (recording, redaction, web-stream plumbing).
//   node <file> <mode> '<json map name→upstream url>'
//   node-pipe     node:http server, undici.request upstream, body piped back (no web streams)
//   hono-stream   @hono/node-server + Hono route shaped like the gateway's proxy: request body
//                 read through Request.body, response relayed through a pull ReadableStream
//   hono-buffer   the same Hono route, request body read with arrayBuffer() (node-server's fast path)
//   node-agent    the bare hop: node:http server, node:http request through a keep-alive http.Agent,
//                 both bodies piped, nothing else (the headline's reference: what one Node hop costs)
// Prints {"url": ...} when listening.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import { pipeline } from 'node:stream';
import { Agent, request } from 'undici';

const [mode, mapJson] = process.argv.slice(2);
const upstreams = JSON.parse(mapJson);
const dispatcher = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'accept-encoding']);

function forwardHeaders(entries) {
  const out = {};
  for (const [k, v] of entries) if (!HOP.has(k)) out[k] = v;
  out['accept-encoding'] = 'identity';
  return out;
}
function backHeaders(headers, streaming) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP.has(k) && !(k === 'content-length' && !streaming)) continue;
    out[k] = v;
  }
  return out;
}

function nodePipe() {
  const server = createServer(async (req, res) => {
    const name = req.url.split('/')[2];
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? Buffer.concat(chunks) : null;
    const controller = new AbortController();
    res.on('close', () => !res.writableFinished && controller.abort());
    try {
      const up = await request(upstreams[name], { method: req.method, headers: forwardHeaders(Object.entries(req.headers)), body, signal: controller.signal, dispatcher });
      const streaming = String(up.headers['content-type'] ?? '').startsWith('text/event-stream');
      res.writeHead(up.statusCode, backHeaders(up.headers, streaming));
      if (streaming) res.flushHeaders();
      pipeline(up.body, res, () => undefined);
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + '\n'));
}

function nodeAgent() {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: Infinity });
  const targets = Object.fromEntries(Object.entries(upstreams).map(([name, url]) => [name, new URL(url)]));
  const server = createServer((req, res) => {
    const target = targets[req.url.split('/')[2]];
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    delete headers['keep-alive'];
    const up = httpRequest({ agent, hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => !res.writableFinished && up.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + '\n'));
}

function hono(buffered) {
  const app = new Hono();
  app.all('/s/:name/mcp', async (c) => {
    const raw = c.req.raw;
    let body = null;
    if (raw.method !== 'GET' && raw.method !== 'HEAD') {
      if (buffered) body = Buffer.from(await raw.arrayBuffer());
      else if (raw.body) {
        const chunks = [];
        for await (const chunk of raw.body) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        body = Buffer.concat(chunks);
      }
    }
    const headers = [];
    raw.headers.forEach((v, k) => headers.push([k, v]));
    const up = await request(upstreams[c.req.param('name')], { method: raw.method, headers: forwardHeaders(headers), body, signal: raw.signal, dispatcher });
    const streaming = String(up.headers['content-type'] ?? '').startsWith('text/event-stream');
    const out = new Headers();
    for (const [k, v] of Object.entries(backHeaders(up.headers, streaming))) out.set(k, Array.isArray(v) ? v.join(', ') : v);
    const iterator = up.body[Symbol.asyncIterator]();
    const stream = new ReadableStream({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      cancel() {
        up.body.destroy();
      },
    });
    return new Response(stream, { status: up.statusCode, headers: out });
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }) + '\n'));
  return server;
}

if (mode === 'node-pipe') nodePipe();
else if (mode === 'node-agent') nodeAgent();
else if (mode === 'hono-stream') hono(false);
else if (mode === 'hono-buffer') hono(true);
else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
