// One span per JSON-RPC request and its answer, built from what the recorder
// stored, following the OpenTelemetry semantic conventions for MCP as
// published in semconv v1.39.0 (status: Development): the `mcp.client` span,
// kind CLIENT, since the gateway makes the call to the upstream on the
// client's behalf. Pure: everything it reads comes through `SpanSource`.
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type SpanContext } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from '@opentelemetry/semantic-conventions/incubating';
import { ABORTED_METHOD } from '../capture/recorder.js';
import type { ExchangeRecord, MessageRecord, ServerTransport } from '../types.js';
import { metaContext, remoteContext } from './remote-context.js';
import { exchangeSpanId, messageSpanId, traceIdFor, type RequestScope } from './trace-context.js';

/** The conventions release these spans and metrics follow (also the instrumentation scope's schema URL). */
export const SEMCONV_VERSION = '1.39.0';
export const SCHEMA_URL = `https://opentelemetry.io/schemas/${SEMCONV_VERSION}`;

// The gateway's own attributes, beside the conventions' ones.
export const ATTR_GATEWAY_SERVER = 'mcp_gateway.server.name';
export const ATTR_GATEWAY_DIRECTION = 'mcp_gateway.direction';
export const ATTR_GATEWAY_REQUEST_ID = 'mcp_gateway.message.id';
export const ATTR_GATEWAY_ANSWER_ID = 'mcp_gateway.answer.id';
export const EVENT_FIRST_BYTE = 'mcp_gateway.upstream.first_byte';
/** error.type of a request the client abandoned (its stream closed) before the answer came. */
export const ERROR_ABORTED = 'aborted';
export const ERROR_TOOL = 'tool_error';

/** Events per span, as the SDK's default span limit: a call with more progress keeps the first ones and counts the rest. */
const MAX_EVENTS = 128;

/** Where a registered server is, for `server.address` and `network.*`. */
export interface ServerInfo {
  transport: ServerTransport;
  url?: string;
}

/** What span building reads from the store. */
export interface SpanSource {
  message(id: number): MessageRecord | null;
  exchange(id: number): ExchangeRecord | null;
  /** Progress, cancellation and other messages tied to a request, oldest first. */
  related(requestId: number): MessageRecord[];
  /** The lowest id among the client's requests in an HTTP exchange. */
  firstClientRequest(exchangeId: number): number | null;
  /** The session's protocol version from its initialize (the sessions table). */
  protocolVersion(server: string, sessionId: string): string | null;
}

export interface SpanOptions {
  captureContent: boolean;
  server(name: string): ServerInfo | undefined;
}

export interface McpSpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

/** A finished span, in plain data: turned into the SDK's ReadableSpan for export (readable.ts). */
export interface McpSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  traceFlags: number;
  parent: SpanContext | null;
  links: Array<{ context: SpanContext; attributes: Attributes }>;
  /** Epoch milliseconds, sub-millisecond precision where the recording has it. */
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: McpSpanEvent[];
  droppedEvents: number;
  status: { code: SpanStatusCode; message?: string };
  /** The low-cardinality subset for mcp.client.operation.duration. */
  metricAttributes: Attributes;
}

/** A message's JSON, or undefined when it is not JSON (truncated, metadata-only, invalid). */
function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** server.address and server.port of the upstream, as its URL names it (the real server behind the gateway). */
export function serverAttributes(info: ServerInfo | undefined): Attributes {
  if (!info) return {};
  if (info.transport === 'stdio') return { [ATTR_NETWORK_TRANSPORT]: 'pipe' };
  const out: Attributes = { [ATTR_NETWORK_TRANSPORT]: 'tcp', [ATTR_NETWORK_PROTOCOL_NAME]: 'http', [ATTR_NETWORK_PROTOCOL_VERSION]: '1.1' };
  if (!info.url) return out;
  try {
    const url = new URL(info.url);
    out[ATTR_SERVER_ADDRESS] = url.hostname.replace(/^\[|\]$/g, '');
    out[ATTR_SERVER_PORT] = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  } catch {
    // A URL that does not parse was refused by the registry already; nothing to add.
  }
  return out;
}

/** The session the client named on the HTTP request that carried a message (null for initialize). */
function headerSession(exchange: ExchangeRecord | null): string | null {
  return exchange?.requestHeaders['mcp-session-id'] ?? null;
}

function progressAttributes(message: MessageRecord): Attributes {
  const params = field(parse(message.body), 'params');
  const out: Attributes = { [ATTR_MCP_METHOD_NAME]: message.method ?? 'unknown', [ATTR_GATEWAY_REQUEST_ID]: message.id };
  const progress = field(params, 'progress');
  const total = field(params, 'total');
  const note = field(params, 'message') ?? field(params, 'reason');
  if (typeof progress === 'number') out['mcp_gateway.progress'] = progress;
  if (typeof total === 'number') out['mcp_gateway.progress.total'] = total;
  if (typeof note === 'string') out['mcp_gateway.progress.message'] = note;
  return out;
}

/**
 * The span of `request`, ended by `end`: its answer (response or error), or the
 * gateway's `gateway/aborted` row when the client gave up. Null for a row that
 * is not a request.
 */
export function buildSpan(request: MessageRecord, end: MessageRecord, source: SpanSource, options: SpanOptions): McpSpan | null {
  if (request.kind !== 'request' || request.method === null) return null;
  const fromClient = request.direction === 'client_to_server';
  const exchange = request.exchangeId === null ? null : source.exchange(request.exchangeId);
  const message = parse(request.body);
  const params = field(message, 'params');
  const method = request.method;

  // Ids: see trace-context.ts. A client's request is scoped by the session its HTTP request named.
  const scope: RequestScope = { server: request.server, sessionId: fromClient ? headerSession(exchange) : request.sessionId };
  const first = fromClient && request.exchangeId !== null && source.firstClientRequest(request.exchangeId) === request.id;
  const spanId = first ? exchangeSpanId(scope, request.exchangeId as number) : messageSpanId(scope, request.id);
  const meta = metaContext(message);
  const header = fromClient && exchange ? remoteContext(exchange.requestHeaders.traceparent, exchange.requestHeaders.tracestate) : null;
  const parent = meta ?? header;
  const traceId = parent?.traceId ?? traceIdFor(scope, request.exchangeId ?? request.id);
  // The conventions' server side links the transport's context; the gateway sees both, so it does too.
  const links = meta && header && header.spanId !== meta.spanId ? [{ context: header, attributes: { 'mcp_gateway.link': 'http.traceparent' } }] : [];

  const sessionId = request.sessionId ?? end.sessionId;
  const protocol =
    (sessionId === null ? null : source.protocolVersion(request.server, sessionId)) ??
    exchange?.requestHeaders['mcp-protocol-version'] ??
    (method === 'initialize' ? text(field(field(parse(end.body), 'result'), 'protocolVersion')) ?? text(field(params, 'protocolVersion')) : undefined);

  const common: Attributes = { [ATTR_MCP_METHOD_NAME]: method, [ATTR_GATEWAY_SERVER]: request.server, ...serverAttributes(options.server(request.server)) };
  if (protocol) common[ATTR_MCP_PROTOCOL_VERSION] = protocol;
  let target: string | undefined;
  if (method === 'tools/call') {
    target = text(field(params, 'name'));
    common[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    if (target) common[ATTR_GEN_AI_TOOL_NAME] = target;
  } else if (method === 'prompts/get') {
    target = text(field(params, 'name'));
    if (target) common[ATTR_GEN_AI_PROMPT_NAME] = target;
  }

  // Status: every JSON-RPC error (the client side counts them all), and tool results with isError.
  let status: McpSpan['status'] = { code: SpanStatusCode.UNSET };
  const answer = end.kind === 'response' || end.kind === 'error' ? end : null;
  if (answer?.kind === 'error') {
    const error = field(parse(answer.body), 'error');
    const code = field(error, 'code');
    const codeText = typeof code === 'number' || typeof code === 'string' ? String(code) : '_OTHER';
    common[ATTR_ERROR_TYPE] = codeText;
    if (codeText !== '_OTHER') common[ATTR_RPC_RESPONSE_STATUS_CODE] = codeText;
    status = { code: SpanStatusCode.ERROR, ...(text(field(error, 'message')) ? { message: text(field(error, 'message')) } : {}) };
  } else if (answer?.isError) {
    common[ATTR_ERROR_TYPE] = ERROR_TOOL;
    status = { code: SpanStatusCode.ERROR };
  } else if (!answer) {
    common[ATTR_ERROR_TYPE] = ERROR_ABORTED;
    status = { code: SpanStatusCode.ERROR, message: text(field(field(parse(end.body), 'params'), 'reason')) ?? 'the client closed the request' };
  }

  const attributes: Attributes = { ...common, [ATTR_GATEWAY_DIRECTION]: request.direction, [ATTR_GATEWAY_REQUEST_ID]: request.id, [ATTR_GATEWAY_ANSWER_ID]: end.id };
  if (request.jsonrpcId !== null) attributes[ATTR_JSONRPC_REQUEST_ID] = String(request.jsonrpcId);
  // What the gateway itself sent (a replay from the inspector) is marked, as in the recording.
  if (request.origin === 'replay') {
    attributes['mcp_gateway.origin'] = 'replay';
    if (request.replayOf !== null) attributes['mcp_gateway.replay_of'] = request.replayOf;
  }
  if (sessionId !== null) attributes[ATTR_MCP_SESSION_ID] = sessionId;
  const uri = text(field(params, 'uri'));
  if (uri && (method === 'resources/read' || method === 'resources/subscribe' || method === 'resources/unsubscribe')) attributes[ATTR_MCP_RESOURCE_URI] = uri;
  if (options.captureContent && method === 'tools/call') {
    // The stored copies: redacted exactly as in the store (and absent in metadata-only mode).
    const args = field(params, 'arguments');
    if (args !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = JSON.stringify(args);
    const result = answer && status.code !== SpanStatusCode.ERROR ? field(parse(answer.body), 'result') : undefined;
    if (result !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_RESULT] = JSON.stringify(result);
  }

  // The gateway's received time (the HTTP request's, for a request in a POST body) to its answer.
  const startMs = fromClient && request.stream === 'http-body' && exchange ? exchange.receivedAt : request.timestamp;
  const endMs = Math.max(startMs, answer?.durationMs != null ? startMs + answer.durationMs : end.timestamp);

  const events: McpSpanEvent[] = [];
  let droppedEvents = 0;
  const firstByte = fromClient && request.stream === 'http-body' ? exchange?.upstreamFirstByteAt : null;
  if (firstByte != null && firstByte >= startMs && firstByte <= endMs) events.push({ name: EVENT_FIRST_BYTE, timeMs: firstByte, attributes: {} });
  for (const related of source.related(request.id)) {
    if (related.id === end.id) continue;
    if (events.length >= MAX_EVENTS) {
      droppedEvents += 1;
      continue;
    }
    events.push({ name: related.method ?? related.kind, timeMs: Math.min(Math.max(related.timestamp, startMs), endMs), attributes: progressAttributes(related) });
  }
  events.sort((a, b) => a.timeMs - b.timeMs);

  return {
    name: target ? `${method} ${target}` : method,
    kind: SpanKind.CLIENT,
    traceId,
    spanId,
    traceFlags: parent ? parent.traceFlags : TraceFlags.SAMPLED,
    parent,
    links,
    startMs,
    endMs,
    attributes,
    events,
    droppedEvents,
    status,
    metricAttributes: common,
  };
}

/** The request a row finishes, when it finishes one: an answer names it by pairedId, an aborted row by relatedId. */
export function finishedRequest(row: MessageRecord): number | null {
  if (row.kind === 'response' || row.kind === 'error') return row.pairedId;
  if (row.method === ABORTED_METHOD && row.relatedId !== null) return row.relatedId;
  return null;
}
