import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createParser } from 'eventsource-parser';

export interface BridgeOptions {
  /** The gateway's Streamable HTTP endpoint for one server: http://127.0.0.1:3333/s/<name>/mcp. */
  url: string;
  input: Readable;
  output: Writable;
  /** Diagnostics; never stdout, which carries only the server's messages. */
  log: (line: string) => void;
  /** Headers added to every request (the gateway token for a server with requireToken). */
  headers?: Record<string, string>;
  /** How long pending answers may still arrive after stdin closes. */
  closeGraceMs?: number;
}

type JsonRpcId = string | number;

/** What the bridge needs to know of a line, read without changing it: request ids, and whether it is an initialize. */
function inspect(line: string): { ids: JsonRpcId[]; initialize: boolean; initialized: boolean; requests: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ids: [], initialize: false, initialized: false, requests: true };
  }
  const messages = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown> | null>;
  const ids: JsonRpcId[] = [];
  let initialize = false;
  let initialized = false;
  for (const m of messages) {
    if (!m || typeof m.method !== 'string') continue;
    if (typeof m.id === 'string' || typeof m.id === 'number') ids.push(m.id);
    if (m.method === 'initialize') initialize = true;
    if (m.method === 'notifications/initialized') initialized = true;
  }
  return { ids, initialize, initialized, requests: ids.length > 0 };
}

/** stdio frames one message per line: a body with line breaks (pretty-printed JSON) is put on one line; anything else goes as it came. */
function asLine(text: string): string {
  if (!/[\r\n]/.test(text)) return text;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.replace(/\r?\n|\r/g, ' ');
  }
}

/** Ids answered in one message (or batch), and the protocol version an initialize result names. */
function answered(text: string): { ids: JsonRpcId[]; protocolVersion: string | null } {
  try {
    const value = JSON.parse(text) as unknown;
    const messages = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown> | null>;
    const ids: JsonRpcId[] = [];
    let protocolVersion: string | null = null;
    for (const m of messages) {
      if (!m || typeof m.method === 'string') continue;
      if (typeof m.id === 'string' || typeof m.id === 'number') ids.push(m.id);
      const result = m.result as { protocolVersion?: unknown } | undefined;
      if (typeof result?.protocolVersion === 'string') protocolVersion = result.protocolVersion;
    }
    return { ids, protocolVersion };
  } catch {
    return { ids: [], protocolVersion: null };
  }
}

/**
 * stdin/stdout ↔ Streamable HTTP, for clients that can only launch a command.
 * Each line read is POSTed as it came; each message the gateway sends (a JSON
 * body, each SSE event of a POST's answer or of the GET stream) is written as
 * one line. The session id and protocol version are taken from the answers
 * and sent back, as an HTTP client must; nothing else is read or changed. The
 * only messages the bridge makes itself are errors for requests the gateway
 * could not answer (it was unreachable, or sent no JSON-RPC), so the client
 * never waits forever; what happened goes to stderr.
 */
export async function runBridge(options: BridgeOptions): Promise<void> {
  const { url, log } = options;
  let sessionId: string | null = null;
  let protocolVersion: string | null = null;
  let lastEventId: string | null = null;
  let initializing: Promise<void> | null = null;
  let getStream: AbortController | null = null;
  let closed = false;
  const pending = new Set<Promise<void>>();
  const posts = new AbortController();

  const write = (text: string): void => {
    if (!options.output.writableEnded) options.output.write(`${asLine(text)}\n`);
  };
  const fail = (ids: JsonRpcId[], message: string): void => {
    for (const id of ids) write(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: `mcp-gateway connect: ${message}` } }));
  };
  const headers = (accept: string): Record<string, string> => ({
    ...options.headers,
    accept,
    ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    ...(protocolVersion ? { 'mcp-protocol-version': protocolVersion } : {}),
  });
  const learn = (response: Response): void => {
    const id = response.headers.get('mcp-session-id');
    if (id && !sessionId) sessionId = id;
  };
  const deliver = (text: string, ids: Set<JsonRpcId>): void => {
    const seen = answered(text);
    for (const id of seen.ids) ids.delete(id);
    if (seen.protocolVersion) protocolVersion = seen.protocolVersion;
    write(text);
  };

  /** Reads an SSE body, writing each event's data; returns when the stream ends. */
  const readEvents = async (body: ReadableStream<Uint8Array>, onData: (data: string) => void, onRetry?: (ms: number) => void): Promise<void> => {
    const parser = createParser({
      onEvent: (event) => {
        if (event.id) lastEventId = event.id;
        if (event.data !== '') onData(event.data);
      },
      onRetry,
    });
    const decoder = new TextDecoder();
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    parser.feed(decoder.decode());
  };

  const post = async (line: string): Promise<void> => {
    const { ids, initialize } = inspect(line);
    const open = new Set(ids);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { ...headers('application/json, text/event-stream'), 'content-type': 'application/json' },
        body: line,
        signal: posts.signal,
      });
    } catch (error) {
      if (posts.signal.aborted) return;
      log(`cannot reach the gateway at ${url}: ${(error as Error).message}`);
      fail(ids, `the gateway at ${url} did not answer (${(error as Error).message})`);
      return;
    }
    learn(response);
    if (initialize && !sessionId) log('the gateway answered initialize without a session id; going on without one');
    const type = response.headers.get('content-type') ?? '';
    try {
      if (response.status === 202 || response.status === 204) {
        await response.body?.cancel();
      } else if (type.includes('text/event-stream') && response.body) {
        await readEvents(response.body, (data) => deliver(data, open));
      } else {
        const text = await response.text();
        const seen = answered(text);
        if (seen.ids.length > 0 || (response.ok && text.trim() !== '')) deliver(text, open);
        if (!response.ok) log(`HTTP ${response.status} from ${url}: ${text.slice(0, 500)}`);
        if (!response.ok && open.size > 0) {
          const message = (() => {
            try {
              return String((JSON.parse(text) as { error?: { message?: unknown } }).error?.message ?? '');
            } catch {
              return '';
            }
          })();
          fail([...open], `HTTP ${response.status} from the gateway${message ? `: ${message}` : ''}`);
          open.clear();
        }
      }
    } catch (error) {
      if (posts.signal.aborted) return;
      log(`the answer from ${url} broke off: ${(error as Error).message}`);
    }
    if (open.size > 0 && !posts.signal.aborted) fail([...open], 'the gateway ended the answer without a response');
  };

  /** The GET stream: messages the server sends outside any request. Reopened (with Last-Event-ID) until the bridge closes. */
  const listen = async (): Promise<void> => {
    let delay = 500;
    while (!closed && sessionId) {
      getStream = new AbortController();
      try {
        const response = await fetch(url, { method: 'GET', headers: { ...headers('text/event-stream'), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: getStream.signal });
        if (response.status === 405) {
          await response.body?.cancel();
          return; // the server offers no such stream
        }
        if (response.status === 404) {
          await response.body?.cancel();
          log(`the gateway no longer knows session ${sessionId}; server-initiated messages stop`);
          return;
        }
        if (!response.ok || !response.body) {
          log(`GET ${url}: HTTP ${response.status}`);
          await response.body?.cancel();
        } else {
          delay = 500;
          await readEvents(response.body, (data) => write(data), (ms) => (delay = ms));
        }
      } catch (error) {
        if (closed) return;
        log(`the GET stream from ${url} broke off: ${(error as Error).message}`);
      }
      if (closed) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  };

  const lines = createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    // Until initialize is answered there is no session id to send.
    if (initializing) await initializing;
    const { initialize, initialized, requests } = inspect(line);
    const sent = post(line);
    const tracked = sent.finally(() => pending.delete(tracked));
    pending.add(tracked);
    if (initialize) initializing = sent.finally(() => (initializing = null));
    // Notifications and answers get a 202 at once: waiting keeps them in order with what follows.
    else if (!requests) await sent;
    if (initialized && !getStream) void listen();
  }

  // stdin closed: let answers in flight arrive, then end the session.
  closed = true;
  const grace = new Promise<void>((resolve) => setTimeout(resolve, options.closeGraceMs ?? 5000).unref());
  await Promise.race([Promise.allSettled([...pending]), grace]);
  posts.abort();
  (getStream as AbortController | null)?.abort();
  if (sessionId) {
    try {
      const response = await fetch(url, { method: 'DELETE', headers: headers('application/json, text/event-stream'), signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
    } catch (error) {
      log(`could not end session ${sessionId}: ${(error as Error).message}`);
    }
  }
}
