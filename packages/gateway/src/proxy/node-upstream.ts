import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * An upstream answer as the proxy reads it, whichever client made the request:
 * undici's `request` (https upstreams, and the other callers of the dispatcher)
 * or node:http through a keep-alive `http.Agent` (plain http upstreams, the
 * common local case). Headers have undici's shape: lower-case names, a string
 * per header, an array only for a header the upstream repeated.
 */
export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface NodeUpstreamRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  signal: AbortSignal;
  agent: Agent;
}

/**
 * The keep-alive agent for plain http upstreams. Measured in `pnpm bench` against undici's
 * Agent for the same small JSON-RPC exchanges, node:http's client (its parser is native,
 * undici's is WebAssembly) cost about 40 µs less CPU per proxied call. No header or body
 * timeout, as with the dispatcher: a tool may think for minutes, an event stream idles for
 * hours; idle pooled sockets close after 30 s (or the server's Keep-Alive hint).
 */
export function upstreamAgent(): Agent {
  return new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: Infinity, timeout: 30_000 });
}

/** Sends one request to a plain http upstream; resolves with the status and headers, the body still streaming. */
export function nodeUpstreamRequest(url: URL, options: NodeUpstreamRequest): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent: options.agent,
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || 80,
        path: url.pathname + url.search,
        method: options.method,
        headers: options.headers,
        signal: options.signal,
        // The proxy forwards the client's bytes as they came; header values were validated when they arrived.
      },
      (incoming: IncomingMessage) => resolve({ statusCode: incoming.statusCode ?? 502, headers: distinct(incoming), body: incoming }),
    );
    outgoing.on('error', reject);
    // An active request's socket idling is fine (a long tool call); only pooled sockets time out.
    outgoing.on('timeout', () => undefined);
    if (options.body) outgoing.end(options.body);
    else outgoing.end();
  });
}

/**
 * undici's header shape from Node's message: Node's own `headers` keeps only the first of
 * some repeated headers (content-type, authorization…) and joins others; a proxy that must
 * not change what it relays reads every value (`headersDistinct`).
 */
function distinct(incoming: IncomingMessage): IncomingHttpHeaders {
  const all = incoming.headersDistinct;
  const out: IncomingHttpHeaders = {};
  for (const name in all) {
    const values = all[name] as string[];
    (out as Record<string, string | string[]>)[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** The whole body of a small answer, in one buffer. */
export function readAll(body: Readable): Promise<Buffer> {
  const bytes = (body as Readable & { bytes?: () => Promise<Uint8Array> }).bytes;
  if (typeof bytes === 'function') {
    // undici copies the body into a fresh ArrayBuffer.
    return bytes.call(body).then((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
    });
    body.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    body.once('error', reject);
    // A body cut short (the upstream or the client went away) ends in 'close' without 'end'.
    body.once('close', () => {
      if (!body.readableEnded) reject(new Error('upstream body ended early'));
    });
  });
}
