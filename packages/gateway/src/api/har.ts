// HTTP Archive 1.2 of the recorded exchanges, as Chrome DevTools imports it:
// one entry per HTTP exchange between client and gateway. The request body
// is the client's messages of that exchange, the response content the
// server's (an SSE answer is rebuilt as `event: message / id / data` text),
// and the three recorded times give wait (to the upstream's first byte) and
// receive (to the end). Only what the client saw: a bridged server's own
// channel (a stdio process's pipes, a legacy SSE connection), which the
// recording keeps as an exchange of its own, is no HTTP exchange of the
// client's and stays out, and with it the command line it would show as a URL.
import { STATUS_CODES } from 'node:http';
import type { MessageFilter } from '../store/message-filter.js';
import type { MessageQueries } from '../store/message-queries.js';
import type { ExchangeRecord, MessageRecord } from '../types.js';

export interface HarOptions {
  /** Base of the request URLs (the gateway's own address). */
  baseUrl: string;
  version: string;
  /** Keep headers that were masked: they are still redacted, since only the redacted copy is stored. */
  includeSecrets: boolean;
  /** Only exchanges whose first message is below this id (a stable end for an export that runs while traffic flows). */
  before?: number;
}

export interface HarHeader {
  name: string;
  value: string;
}

// Left out of a HAR by default whatever they hold (Chrome's sanitized export drops the same).
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export function harHeaders(headers: Record<string, string>, includeSecrets: boolean): HarHeader[] {
  return Object.entries(headers)
    .filter(([name, value]) => includeSecrets || !(SECRET_HEADERS.has(name.toLowerCase()) || value.includes('[REDACTED:')))
    .map(([name, value]) => ({ name, value }));
}

const header = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];

const ms = (value: number): number => Math.max(0, Math.round(value * 1000) / 1000);

/** One JSON body, or a batch array when the exchange carried several messages. */
function jsonText(messages: MessageRecord[]): string {
  if (messages.length === 1) return messages[0]?.body ?? '';
  return messages.length === 0 ? '' : `[${messages.map((m) => m.body).join(',')}]`;
}

function sseText(messages: MessageRecord[]): string {
  return messages
    .map((m) => {
      const id = m.sseEventId === null ? '' : `id: ${m.sseEventId}\n`;
      const data = m.body.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
      return `event: message\n${id}${data}\n`;
    })
    .join('');
}

const SSE_STREAMS = new Set(['post-sse', 'get-sse', 'legacy-sse']);

export function harEntry(exchange: ExchangeRecord, messages: MessageRecord[], options: HarOptions): Record<string, unknown> {
  const fromClient = messages.filter((m) => m.direction === 'client_to_server');
  const fromServer = messages.filter((m) => m.direction === 'server_to_client');
  const url = new URL(exchange.path, options.baseUrl);
  const requestText = jsonText(fromClient);
  const contentType = header(exchange.responseHeaders, 'content-type');
  const sse = contentType?.includes('text/event-stream') ?? fromServer.some((m) => m.stream !== null && SSE_STREAMS.has(m.stream));
  const responseText = sse ? sseText(fromServer) : jsonText(fromServer);
  const responseSize = Buffer.byteLength(responseText);

  const firstByte = exchange.upstreamFirstByteAt;
  const wait = firstByte === null ? 0 : ms(firstByte - exchange.receivedAt);
  const end = exchange.doneAt ?? firstByte ?? exchange.receivedAt;
  const receive = firstByte === null ? ms(end - exchange.receivedAt) : ms(end - firstByte);
  const status = exchange.status ?? 0;

  const entry: Record<string, unknown> = {
    startedDateTime: new Date(exchange.receivedAt).toISOString(),
    time: ms(wait + receive),
    request: {
      method: exchange.method,
      url: url.toString(),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(exchange.requestHeaders, options.includeSecrets),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      headersSize: -1,
      bodySize: Buffer.byteLength(requestText),
      ...(requestText === ''
        ? {}
        : { postData: { mimeType: header(exchange.requestHeaders, 'content-type') ?? 'application/json', params: [], text: requestText } }),
    },
    response: {
      status,
      statusText: STATUS_CODES[status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(exchange.responseHeaders, options.includeSecrets),
      content: {
        size: responseSize,
        mimeType: contentType ?? (sse ? 'text/event-stream' : 'application/json'),
        ...(responseText === '' ? {} : { text: responseText }),
      },
      redirectURL: header(exchange.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: responseSize,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive },
    _resourceType: 'fetch',
    _mcpGateway: { exchangeId: exchange.id, server: exchange.server, sessionId: exchange.sessionId, messageIds: messages.map((m) => m.id) },
  };
  if (exchange.error !== null) entry.comment = exchange.error;
  return entry;
}

const ONLY_EXCHANGE_FILTERS = new Set(['server', 'since', 'until']);

/** How proxy/bridge/session.ts records its channel to the upstream: not an HTTP request of the client's. */
const CHANNEL_METHODS = new Set(['STDIO', 'SSE']);
const seenByClient = (exchange: ExchangeRecord): boolean => !CHANNEL_METHODS.has(exchange.method);

/** The exchanges to archive: all of a server and time range, or those carrying a message that matches the filter. */
function* selectedExchanges(queries: MessageQueries, filter: MessageFilter, before: number | undefined): Generator<ExchangeRecord> {
  const keys = Object.entries(filter).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (keys.every((k) => ONLY_EXCHANGE_FILTERS.has(k))) {
    let after = 0;
    for (;;) {
      const page = queries.exchanges(filter, after, 200);
      for (const exchange of page) if (seenByClient(exchange)) yield exchange;
      const last = page[page.length - 1];
      if (page.length < 200 || !last) return;
      after = last.id;
    }
  }
  const seen = new Set<number>();
  for (const message of queries.iterate(filter, { before })) {
    if (message.exchangeId === null || seen.has(message.exchangeId)) continue;
    seen.add(message.exchangeId);
    const exchange = queries.exchange(message.exchangeId);
    if (exchange && seenByClient(exchange)) yield exchange;
  }
}

/** The HAR document in pieces, one entry at a time, so an archive of any size streams. */
export function* harChunks(queries: MessageQueries, filter: MessageFilter, options: HarOptions): Generator<string> {
  const creator = { name: 'mcp-gateway', version: options.version, comment: 'MCP traffic recorded by mcp-gateway; bodies and headers are the redacted stored copies' };
  yield `{"log":{"version":"1.2","creator":${JSON.stringify(creator)},"pages":[],"entries":[`;
  let first = true;
  for (const exchange of selectedExchanges(queries, filter, options.before)) {
    const messages = queries.ofExchange(exchange.id).filter((m) => options.before === undefined || m.id < options.before);
    yield `${first ? '' : ','}${JSON.stringify(harEntry(exchange, messages, options))}`;
    first = false;
  }
  yield ']}}';
}
