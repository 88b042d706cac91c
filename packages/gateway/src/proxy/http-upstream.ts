import type { Agent, ServerResponse } from 'node:http';
import { request, type Dispatcher } from 'undici';
import type { ExchangeCapture, Recorder } from '../capture/recorder.js';
import type { ResolvedServer } from '../registry/registry.js';
import { bodyTap, eventsTap, nodeSource, relayStream, type ClientRewrite } from './relay.js';
import { relayToNode } from './relay-node.js';
import type { ReplayMarker } from './replay-mark.js';
import { bearerCredential, tokensEqual } from '../security/token.js';
import { collect, readBody, requestIds } from './body.js';
import { describeUpstreamFailure, jsonRpcError, jsonRpcErrorResponse } from './errors.js';
import { clientResponseHeaders, flatHeaders, isEventStream, upstreamRequestHeaders, withBody, type ClientHeaders } from './headers.js';
import type { FaultInjector } from '../faults/injector.js';
import type { RecordedMessage } from '../capture/recorder.js';
import { requestFaults, type FaultScope } from './fault-request.js';
import { faultedAnswer } from './fault-relay.js';
import { nodeUpstreamRequest, readAll, type UpstreamAnswer } from './node-upstream.js';

export interface HttpProxyOptions {
  recorder: Recorder;
  dispatcher: Dispatcher;
  /** Plain http upstreams go through node:http with this keep-alive agent (see node-upstream.ts); https ones through the dispatcher. */
  agent?: Agent;
  /** Request bodies larger than this get 413 instead of being forwarded. */
  maxRequestBytes: number;
  /** How much of one message the recorder holds to classify it (read per request); the rest is streamed past. */
  maxCaptureBytes: () => number;
  /** Request headers meant for the gateway itself, never forwarded. */
  gatewayHeaders: ReadonlySet<string>;
  /** Recognises (and removes) the mark of the gateway's own replay requests. */
  replayMarker: ReplayMarker;
  /** The gateway token (read per request: it can be rotated), which is never forwarded upstream. */
  token: () => string;
  /** A server's configured headers, `${env:NAME}` expanded (throws MissingVariableError). */
  configuredHeaders: (server: ResolvedServer) => Readonly<Record<string, string>>;
  /** For a 401/403: rewrites `resource_metadata` in WWW-Authenticate to the gateway's metadata URL. */
  rewriteChallenge?: (server: string, upstreamUrl: URL, value: string) => string;
  /** For a legacy SSE stream: rewrites what the client receives (its endpoint event). */
  rewriteEvents?: (upstreamUrl: URL, capture: ExchangeCapture) => ClientRewrite;
  /** Headers the gateway adds to an upstream request that lacks them (a W3C traceparent with "otel": {"propagate": true}); null: none. */
  traceHeaders?: TraceHeaders;
  /** Fault rules (faults/): while none is active this is one boolean read per request. */
  faults?: FaultInjector;
}

export type TraceHeaders = (request: {
  exchangeId: number;
  server: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body: Buffer | null;
}) => Record<string, string> | null;

/** JSON answers up to this size are read whole and sent in one write, the common case made cheap. */
const SMALL_BODY_BYTES = 1024 * 1024;

async function answerWhole(
  upstream: UpstreamAnswer,
  signal: AbortSignal,
  capture: ExchangeCapture,
  headers: ClientHeaders,
  maxCaptureBytes: number,
): Promise<Response> {
  let body: Buffer;
  try {
    body = await readAll(upstream.body);
  } catch (error) {
    if (signal.aborted) {
      capture.clientAborted('client disconnected');
      return new Response(null, { status: 499 });
    }
    const message = `upstream body failed: ${describeUpstreamFailure(error)}`;
    capture.finish(message);
    return jsonRpcErrorResponse(502, jsonRpcError(null, message));
  }
  capture.serverBody(collect(body, maxCaptureBytes));
  capture.finish();
  // Bytes and a plain record: @hono/node-server writes these with one writeHead and one end, no web stream.
  if (body.byteLength === 0) return new Response(null, { status: upstream.statusCode, headers });
  // Socket and undici buffers are never shared memory.
  return new Response(body as Uint8Array<ArrayBuffer>, { status: upstream.statusCode, headers: withBody(headers) });
}

const NO_BODY_STATUSES = new Set([204, 205, 304]);

/** The gateway's own headers, plus Authorization when all it carries is the gateway token. */
function withoutGatewayToken(headers: Headers, options: HttpProxyOptions): ReadonlySet<string> {
  const bearer = bearerCredential(headers);
  if (bearer === null || !tokensEqual(bearer, options.token())) return options.gatewayHeaders;
  return new Set([...options.gatewayHeaders, 'authorization']);
}

/** For a legacy HTTP+SSE POST: where it goes, and the session its messages belong to. */
export interface UpstreamOverrides {
  url: URL;
  sessionId: string;
}

/** What the caller knows of the request beyond the Request itself. */
export interface RequestContext {
  overrides?: UpstreamOverrides;
  /** The request headers as one record (`flatRawHeaders`); read from `raw.headers` when absent. */
  headers?: Record<string, string>;
  /** Node's response, when @hono/node-server serves: a streamed answer is written to it directly (`relayToNode`). */
  outgoing?: ServerResponse;
}

/**
 * Forwards one request to a Streamable HTTP upstream and streams the answer
 * back, recording both sides on the way. The client's bytes go upstream
 * unchanged and the upstream's bytes come back unchanged; the recorder only
 * ever sees copies.
 */
export async function proxyToHttpUpstream(
  raw: Request,
  server: ResolvedServer,
  options: HttpProxyOptions,
  context: RequestContext = {},
): Promise<Response> {
  const { overrides } = context;
  // One pass over the request headers: the recording and the upstream request are both made from it.
  const incoming = context.headers ?? flatHeaders(raw.headers);
  const replay = options.replayMarker.take(incoming);
  const url = new URL(raw.url);
  const upstreamUrl = overrides?.url ?? upstreamUrlFor(server, url);
  const body = await readBody(raw, options.maxRequestBytes);
  if (body === 'too-large') {
    return jsonRpcErrorResponse(
      413,
      jsonRpcError(null, `Request body exceeds the gateway's limit of ${options.maxRequestBytes} bytes (server "${server.name}")`),
    );
  }

  const capture = options.recorder.beginExchange({
    server: server.name,
    sessionId: overrides?.sessionId ?? incoming['mcp-session-id'] ?? null,
    method: raw.method,
    path: url.pathname + url.search,
    requestHeaders: incoming,
    replay,
  });
  const recorded: RecordedMessage[] = body ? capture.clientBody(collect(body, options.maxCaptureBytes())) : [];
  // Legacy HTTP+SSE passthrough (overrides, rewriteEvents) is left alone by fault rules.
  const faults = options.faults?.active && !overrides && !options.rewriteEvents ? options.faults : undefined;
  const scope: FaultScope | undefined = faults && { faults, capture, server: server.name, signal: raw.signal, outgoing: context.outgoing };
  let forwarded = body;
  if (scope && faults?.covers(server.name, capture.session, 'client_to_server')) {
    const verdict = await requestFaults(scope, body, recorded);
    if ('answer' in verdict) return verdict.answer;
    forwarded = verdict.forward;
  }

  let configured: Readonly<Record<string, string>>;
  try {
    configured = options.configuredHeaders(server);
  } catch (error) {
    const payload = jsonRpcError(requestIds(body?.toString('utf8') ?? '')[0] ?? null, (error as Error).message);
    capture.gatewayAnswer(500, JSON.stringify(payload));
    capture.finish((error as Error).message);
    return jsonRpcErrorResponse(500, payload);
  }

  let upstream: UpstreamAnswer;
  try {
    const headers = upstreamRequestHeaders(incoming, configured, withoutGatewayToken(raw.headers, options));
    const traced = options.traceHeaders?.({ exchangeId: capture.id, server: server.name, method: raw.method, headers: incoming, body: forwarded });
    if (traced) for (const name in traced) headers[name] ??= traced[name] as string;
    upstream =
      upstreamUrl.protocol === 'http:' && options.agent
        ? await nodeUpstreamRequest(upstreamUrl, { method: raw.method, headers, body: forwarded, signal: raw.signal, agent: options.agent })
        : await request(upstreamUrl, {
            method: raw.method as Dispatcher.HttpMethod,
            headers,
            body: forwarded,
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
    const session = incoming['mcp-session-id'];
    if (session) options.recorder.endSession(server.name, session);
  }

  const streaming = isEventStream(upstream.headers['content-type']);
  const challenge = upstream.statusCode === 401 || upstream.statusCode === 403 ? options.rewriteChallenge : undefined;
  // The client must discover OAuth metadata at the gateway; the recording keeps the upstream's header.
  const outgoing = clientResponseHeaders(upstream.headers, streaming, challenge ? (value) => challenge(server.name, upstreamUrl, value) : undefined);
  if (raw.method === 'HEAD' || NO_BODY_STATUSES.has(upstream.statusCode)) {
    upstream.body.resume();
    capture.finish();
    return new Response(null, { status: upstream.statusCode, headers: outgoing });
  }
  if (scope && faults?.covers(server.name, capture.session, 'server_to_client')) {
    const stream = raw.method === 'GET' ? 'get-sse' : 'post-sse';
    const answer = { status: upstream.statusCode, headers: withBody(outgoing), source: nodeSource(upstream.body), streaming, stream, requests: recorded } as const;
    return faultedAnswer(scope, { ...answer, maxCaptureBytes: options.maxCaptureBytes() });
  }
  const declared = Number(upstream.headers['content-length'] ?? Number.NaN);
  if (!streaming && Number.isInteger(declared) && declared <= SMALL_BODY_BYTES) {
    return answerWhole(upstream, raw.signal, capture, outgoing, options.maxCaptureBytes());
  }
  const rewriteEvents = streaming && options.rewriteEvents ? options.rewriteEvents(upstreamUrl, capture) : undefined;
  const streamKind = overrides || rewriteEvents ? 'legacy-sse' : raw.method === 'GET' ? 'get-sse' : 'post-sse';
  const tap = streaming ? eventsTap(capture, options.maxCaptureBytes(), streamKind) : bodyTap(capture, options.maxCaptureBytes());
  const streamed = withBody(outgoing);
  if (context.outgoing && !rewriteEvents && !(streamed instanceof Headers)) {
    const sent = relayToNode(upstream.body, context.outgoing, upstream.statusCode, streamed, raw.signal, tap);
    if (sent) return sent;
  }
  const stream = relayStream(nodeSource(upstream.body), raw.signal, tap, rewriteEvents);
  return new Response(stream, { status: upstream.statusCode, headers: streamed });
}

function upstreamUrlFor(server: ResolvedServer, incoming: URL): URL {
  const target = new URL(server.entry.url ?? '');
  // Query parameters the client added travel on; the configured ones stay.
  if (incoming.search !== '') incoming.searchParams.forEach((value, name) => target.searchParams.append(name, value));
  return target;
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

