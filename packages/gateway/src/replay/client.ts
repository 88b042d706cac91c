import { SseParser } from '../capture/sse-parser.js';
import { REPLAY_HEADER } from '../proxy/replay-mark.js';

/** A JSON-RPC message as the replay reads it: only the fields it acts on are typed. */
export interface JsonRpcMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code?: number; message?: string; data?: unknown };
}

/** What one POST to the gateway's proxy route came back with. */
export interface PostResult {
  status: number;
  headers: Headers;
  /** The answer to the request sent, when one came. */
  answer: JsonRpcMessage | null;
  /** The body when it held no answer (a 401 page, a 404 "Session not found"); cut to 2,000 characters. */
  text: string | null;
  /** Server-to-client requests that arrived meanwhile and were refused. */
  refused: JsonRpcMessage[];
}

export interface ReplayClientOptions {
  /** `/s/<name>/mcp` of this gateway. */
  endpoint: URL;
  /** The replay mark for an exchange (proxy/replay-mark.ts). */
  mark: (replayOf: number | null) => string;
  /** The gateway token, for a server with `requireToken` (null otherwise); never forwarded upstream. */
  token: string | null;
  /** A request with no answer by then is abandoned (the proxy records the abort). */
  timeoutMs: number;
}

export class ReplayTimeoutError extends Error {
  override name = 'ReplayTimeoutError';
}

/**
 * The replay's side of one MCP session with the gateway's own proxy route:
 * it speaks Streamable HTTP like any client, so every transport and era the
 * proxy handles (HTTP, legacy SSE, stdio) is reached the same way, and what
 * it sends is recorded by the proxy like any other traffic, marked as a replay.
 */
export class ReplayClient {
  sessionId: string | null = null;
  protocolVersion: string | null = null;

  constructor(private readonly options: ReplayClientOptions) {}

  /** Sends one message; for a request, reads until its answer (and the rest of the stream) has arrived. */
  async post(message: JsonRpcMessage, replayOf: number | null, extraHeaders: Record<string, string> = {}): Promise<PostResult> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const refusals: Array<Promise<void>> = [];
    const refused: JsonRpcMessage[] = [];
    let response: Response;
    try {
      response = await fetch(this.options.endpoint, {
        method: 'POST',
        headers: { ...this.headers(replayOf), 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extraHeaders },
        body: JSON.stringify(message),
        signal,
      });
    } catch (error) {
      throw this.failure(error, signal);
    }
    const assigned = response.headers.get('mcp-session-id');
    if (assigned !== null && this.sessionId === null) this.sessionId = assigned;
    let answer: JsonRpcMessage | null = null;
    let text: string | null = null;
    const consider = (value: unknown): void => {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item !== 'object' || item === null) continue;
        const m = item as JsonRpcMessage;
        if (m.method !== undefined && m.id !== undefined && m.id !== null) {
          refused.push(m);
          refusals.push(this.refuse(m));
        } else if (m.method === undefined && message.id !== undefined && m.id === message.id) answer = m;
      }
    };
    try {
      if ((response.headers.get('content-type') ?? '').includes('text/event-stream') && response.body) {
        const parser = new SseParser({
          onEvent: (event) => {
            if (event.data === null || event.data === '' || event.event !== 'message') return;
            const value = parseJson(event.data);
            if (value !== undefined) consider(value);
          },
        });
        for await (const chunk of response.body) parser.push(chunk);
        parser.end();
      } else {
        const body = await response.text();
        const value = body === '' ? undefined : parseJson(body);
        if (value !== undefined) consider(value);
        if (answer === null && body !== '') text = body.slice(0, 2000);
      }
    } catch (error) {
      throw this.failure(error, signal);
    }
    await Promise.all(refusals);
    return { status: response.status, headers: response.headers, answer, text, refused };
  }

  /** Ends the session upstream (a stdio server's process stops); failures are not the replay's concern. */
  async close(): Promise<void> {
    if (this.sessionId === null) return;
    try {
      const response = await fetch(this.options.endpoint, { method: 'DELETE', headers: this.headers(null), signal: AbortSignal.timeout(this.options.timeoutMs) });
      await response.body?.cancel();
    } catch {
      // The session idles out upstream instead.
    }
  }

  private headers(replayOf: number | null): Record<string, string> {
    const headers: Record<string, string> = { [REPLAY_HEADER]: this.options.mark(replayOf) };
    if (this.options.token !== null) headers['x-mcp-gateway-token'] = this.options.token;
    if (this.sessionId !== null) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion !== null) headers['mcp-protocol-version'] = this.protocolVersion;
    return headers;
  }

  /** A replay has no user to ask: sampling, elicitation and roots requests get an error that says so. */
  private async refuse(request: JsonRpcMessage): Promise<void> {
    const error = {
      jsonrpc: '2.0',
      id: request.id,
      error: {
        code: -32601,
        message: `mcp-gateway replay cannot answer ${request.method ?? 'this request'}: a replayed request has no client behind it to ask. Run the call from the client itself to exercise it.`,
      },
    };
    try {
      const response = await fetch(this.options.endpoint, {
        method: 'POST',
        headers: { ...this.headers(null), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(error),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel();
    } catch {
      // The request then times out upstream; the recording shows it unanswered.
    }
  }

  private failure(error: unknown, signal: AbortSignal): Error {
    if (signal.aborted) return new ReplayTimeoutError(`no answer within ${this.options.timeoutMs} ms; the request was abandoned (recorded as aborted)`);
    return error instanceof Error ? error : new Error(String(error));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
