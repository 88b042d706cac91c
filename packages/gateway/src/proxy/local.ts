import type { Recorder } from '../capture/recorder.js';
import { collect, readBody } from './body.js';
import { jsonRpcError, jsonRpcErrorResponse } from './errors.js';
import { flatHeaders, isEventStream } from './headers.js';
import { bodyTap, eventsTap, relayStream, webSource } from './relay.js';

export interface LocalRecordingOptions {
  recorder: Recorder;
  /** The name the traffic is recorded under. */
  server: string;
  maxRequestBytes: number;
  maxCaptureBytes: () => number;
}

/**
 * Records a handler that answers inside the gateway (its own MCP server) the
 * way proxied traffic is recorded: the request body, the status and headers,
 * and the answer through the same tee, so the inspector shows it like any server.
 */
export function recordedLocal(options: LocalRecordingOptions, handler: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (raw) => {
    const body = await readBody(raw, options.maxRequestBytes);
    if (body === 'too-large') return jsonRpcErrorResponse(413, jsonRpcError(null, `Request body exceeds the gateway's limit of ${options.maxRequestBytes} bytes`));
    const url = new URL(raw.url);
    const maxCapture = options.maxCaptureBytes();
    const capture = options.recorder.beginExchange({
      server: options.server,
      sessionId: raw.headers.get('mcp-session-id'),
      method: raw.method,
      path: url.pathname + url.search,
      requestHeaders: flatHeaders(raw.headers),
    });
    if (body) capture.clientBody(collect(body, maxCapture));
    const response = await handler(new Request(raw.url, { method: raw.method, headers: raw.headers, body: body ? new Uint8Array(body) : null, signal: raw.signal }));
    capture.upstreamResponse(response.status, flatHeaders(response.headers));
    if (!response.body) {
      capture.finish();
      return response;
    }
    const tap = isEventStream(response.headers.get('content-type') ?? undefined) ? eventsTap(capture, maxCapture, 'post-sse') : bodyTap(capture, maxCapture);
    return new Response(relayStream(webSource(response.body), raw.signal, tap), { status: response.status, headers: response.headers });
  };
}
