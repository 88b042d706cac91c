import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { BodyCollector } from '../capture/body-collector.js';
import type { ExchangeCapture, Recorder } from '../capture/recorder.js';
import { SseParser } from '../capture/sse-parser.js';
import type { ResolvedServer } from '../registry/registry.js';
import { describeUpstreamFailure, jsonRpcError, jsonRpcErrorResponse, requestIds } from './errors.js';
import { clientResponseHeaders, flatHeaders, isEventStream, upstreamRequestHeaders } from './headers.js';

export interface HttpProxyOptions {
  recorder: Recorder;
  dispatcher: Dispatcher;
  /** Request bodies larger than this get 413 instead of being forwarded. */
  maxRequestBytes: number;
  /** How much of one message the recorder keeps in memory to parse it; the rest is streamed past. */
  maxCaptureBytes: number;
  /** Request headers meant for the gateway itself, never forwarded. */
  gatewayHeaders: ReadonlySet<string>;
}

const CLIENT_GONE = 'client disconnected';

function endCapture(capture: ExchangeCapture, error: string | undefined): void {
  if (error === CLIENT_GONE) capture.clientAborted(error);
  else capture.finish(error);
}

const NO_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * Forwards one request to a Streamable HTTP upstream and streams the answer
 * back, recording both sides on the way. The client's bytes go upstream
 * unchanged and the upstream's bytes come back unchanged; the recorder only
 * ever sees copies.
 */
export async function proxyToHttpUpstream(raw: Request, server: ResolvedServer, options: HttpProxyOptions): Promise<Response> {
  const url = new URL(raw.url);
  const upstreamUrl = upstreamUrlFor(server, url);
  const body = await readBody(raw, options.maxRequestBytes);
  if (body === 'too-large') {
    return jsonRpcErrorResponse(
      413,
      jsonRpcError(null, `Request body exceeds the gateway's limit of ${options.maxRequestBytes} bytes (server "${server.name}")`),
    );
  }

  const capture = options.recorder.beginExchange({
    server: server.name,
    sessionId: raw.headers.get('mcp-session-id'),
    method: raw.method,
    path: url.pathname + url.search,
    requestHeaders: flatHeaders(raw.headers),
  });
  if (body) capture.clientBody(collect(body, options.maxCaptureBytes));

  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await request(upstreamUrl, {
      method: raw.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(raw.headers, server.entry.headers, options.gatewayHeaders),
      body,
      signal: raw.signal,
      dispatcher: options.dispatcher,
    });
  } catch (error) {
    if (raw.signal.aborted) {
      capture.clientAborted('client disconnected before the upstream answered');
      return new Response(null, { status: 499 });
    }
    return unreachable(server, upstreamUrl, error, body, capture);
  }

  const headers = flatHeaders(upstream.headers);
  capture.upstreamResponse(upstream.statusCode, headers);
  if (raw.method === 'DELETE' && upstream.statusCode < 300) {
    const session = raw.headers.get('mcp-session-id');
    if (session) options.recorder.endSession(server.name, session);
  }

  const streaming = isEventStream(upstream.headers['content-type']);
  if (raw.method === 'HEAD' || NO_BODY_STATUSES.has(upstream.statusCode)) {
    upstream.body.resume();
    capture.finish();
    return new Response(null, { status: upstream.statusCode, headers: clientResponseHeaders(upstream.headers, false) });
  }
  const stream = streaming
    ? teeEvents(upstream.body, raw.signal, capture, raw.method === 'GET' ? 'get-sse' : 'post-sse', options.maxCaptureBytes)
    : teeBody(upstream.body, raw.signal, capture, options.maxCaptureBytes);
  return new Response(stream, { status: upstream.statusCode, headers: clientResponseHeaders(upstream.headers, streaming) });
}

function upstreamUrlFor(server: ResolvedServer, incoming: URL): URL {
  const target = new URL(server.entry.url ?? '');
  // Query parameters the client added travel on; the configured ones stay.
  incoming.searchParams.forEach((value, name) => target.searchParams.append(name, value));
  return target;
}

async function readBody(raw: Request, limit: number): Promise<Buffer | null | 'too-large'> {
  if (!raw.body) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return 'too-large';
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

function collect(buffer: Buffer, max: number) {
  const collector = new BodyCollector(max);
  collector.push(buffer);
  return collector.finish();
}

function unreachable(server: ResolvedServer, url: URL, error: unknown, body: Buffer | null, capture: ExchangeCapture): Response {
  const cause = describeUpstreamFailure(error);
  const message = `Upstream server "${server.name}" at ${url.origin}${url.pathname} is unreachable: ${cause}. Start it, or fix its URL in mcp.json.`;
  const ids = body ? requestIds(body.toString('utf8')) : [];
  const payload = ids.length <= 1 ? jsonRpcError(ids[0] ?? null, message) : ids.map((id) => jsonRpcError(id, message));
  const text = JSON.stringify(payload);
  capture.gatewayAnswer(502, text);
  capture.finish(message);
  return jsonRpcErrorResponse(502, payload);
}

/**
 * A client-facing stream over the upstream body. Pull-based, so a slow client
 * slows the upstream read instead of growing a buffer; cancelling it (the
 * client went away) destroys the upstream request.
 */
function relay(
  source: Readable,
  clientSignal: AbortSignal,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: (error?: string) => void,
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ended = false;
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        end(clientSignal.aborted ? CLIENT_GONE : `upstream stream failed: ${describeUpstreamFailure(error)}`);
        controller.error(error);
        return;
      }
      if (next.done) {
        end();
        controller.close();
        return;
      }
      const chunk = new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      controller.enqueue(chunk);
      try {
        onChunk(chunk);
      } catch {
        // A recording failure must never reach the client.
      }
    },
    cancel() {
      end(CLIENT_GONE);
      source.destroy();
    },
  });
}

function teeBody(source: Readable, signal: AbortSignal, capture: ExchangeCapture, maxCaptureBytes: number): ReadableStream<Uint8Array> {
  const collector = new BodyCollector(maxCaptureBytes);
  return relay(
    source,
    signal,
    (chunk) => collector.push(chunk),
    (error) => {
      capture.serverBody(collector.finish());
      endCapture(capture, error);
    },
  );
}

function teeEvents(
  source: Readable,
  signal: AbortSignal,
  capture: ExchangeCapture,
  stream: 'get-sse' | 'post-sse',
  maxCaptureBytes: number,
): ReadableStream<Uint8Array> {
  const parser = new SseParser({ maxDataBytes: maxCaptureBytes, onEvent: (event) => capture.serverEvent(event, stream) });
  return relay(
    source,
    signal,
    (chunk) => parser.push(chunk),
    (error) => {
      parser.end();
      endCapture(capture, error);
    },
  );
}
