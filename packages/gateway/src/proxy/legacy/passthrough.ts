import { randomUUID } from 'node:crypto';
import type { ExchangeCapture } from '../../capture/recorder.js';
import type { ResolvedServer } from '../../registry/registry.js';
import { jsonRpcError, jsonRpcErrorResponse } from '../errors.js';
import { proxyToHttpUpstream, type HttpProxyOptions, type UpstreamOverrides } from '../http-upstream.js';
import { EndpointRewriter } from './endpoint-rewriter.js';

const MAX_ENDPOINTS = 10_000;

/**
 * A 2024-11-05 HTTP+SSE server reached transparently: `GET /s/<name>/sse`
 * opens the upstream's event stream with its `endpoint` event rewritten to
 * `/s/<name>/message?...`, and POSTs there go to the endpoint the upstream
 * named. The session is the upstream's own `sessionId`; the gateway mints one
 * only when the upstream's endpoint has none to key on.
 */
export class LegacyPassthrough {
  private readonly endpoints = new Map<string, UpstreamOverrides>();

  constructor(private readonly http: HttpProxyOptions) {}

  stream(raw: Request, server: ResolvedServer): Promise<Response> {
    return proxyToHttpUpstream(raw, server, {
      ...this.http,
      rewriteEvents: (upstreamUrl, capture) => new EndpointRewriter((endpoint) => this.register(server.name, upstreamUrl, endpoint, capture)),
    });
  }

  message(raw: Request, server: ResolvedServer): Promise<Response> | Response {
    const key = new URL(raw.url).search;
    const target = this.endpoints.get(`${server.name}\u0000${key}`);
    if (!target) {
      return jsonRpcErrorResponse(
        404,
        jsonRpcError(null, `No open legacy SSE session "${key}" for server "${server.name}"; open GET /s/${server.name}/sse first`),
      );
    }
    return proxyToHttpUpstream(raw, server, this.http, { overrides: target });
  }

  private register(name: string, upstreamUrl: URL, endpoint: string, capture: ExchangeCapture): string {
    const target = new URL(endpoint, upstreamUrl);
    // Never post on a server's say-so to another origin (the SDK client refuses too).
    if (target.origin !== upstreamUrl.origin) return endpoint;
    const sessionId = target.searchParams.get('sessionId') ?? randomUUID();
    const key = target.search || `?gatewaySession=${sessionId}`;
    this.endpoints.set(`${name}\u0000${key}`, { url: target, sessionId });
    if (this.endpoints.size > MAX_ENDPOINTS) {
      const oldest = this.endpoints.keys().next().value;
      if (oldest !== undefined) this.endpoints.delete(oldest);
    }
    capture.adoptSession(sessionId);
    return `/s/${name}/message${key}`;
  }
}
