import type { Redactor } from '../redact/index.js';
import type { MessageRow, WriteOp } from '../store/rows.js';
import type { Direction, MessageOrigin, StreamKind } from '../types.js';
import type { CollectedBody } from './body-collector.js';
import { classifyTruncated, parseBody, type ClassifiedMessage } from './jsonrpc.js';
import { PairingTable, opposite, type PendingRequest } from './pairing.js';
import { RelationIndex, callKey, inputRequiredKeys, retryKey } from './relations.js';
import type { SseEvent } from './sse-parser.js';

/** What the recorder needs of the store. */
export interface RecordSink {
  allocateMessageId(): number;
  allocateExchangeId(): number;
  enqueue(op: WriteOp): void;
}

export interface RecorderOptions {
  sink: RecordSink;
  /** The redactor for a server's traffic (its mode and its known secrets). */
  redactorFor(server: string): Redactor;
  /** Stored copies of bodies are cut to this many bytes (read per message: mcp.json may change it); the row keeps the original size. */
  maxStoredBodyBytes?: () => number;
  /** High-resolution epoch milliseconds. */
  now?: () => number;
}

export interface ExchangeInit {
  server: string;
  sessionId: string | null;
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  /** Set when the gateway itself sends this exchange, replaying a recorded request. */
  replay?: ReplayMark | undefined;
}

/** What the recorder needs to know of a replay's exchange. */
export interface ReplayMark {
  /** The recorded request this exchange re-sends; null for a replay session's own initialize, initialized and DELETE. */
  replayOf: number | null;
}

/** Replay sessions the recorder has seen begin and not yet end; more than this and the oldest are forgotten. */
const MAX_REPLAY_SESSIONS = 1024;

type Classified = Omit<ClassifiedMessage, 'text' | 'value'> & { value?: unknown };

export const SESSION_GONE = 'session not found upstream (expired or deleted); the client must initialize again';

/** Method of the rows the gateway records when a client abandons a request. */
export const ABORTED_METHOD = 'gateway/aborted';

/** Method of the rows that record a fault rule's effect that is no message of its own (a delay, a drop, a cut, a hold). */
export const FAULT_METHOD = 'gateway/fault';

/** A message row as recorded, for whoever acts on it after (the fault rules). */
export interface RecordedMessage {
  id: number;
  direction: Direction;
  kind: ClassifiedMessage['kind'];
  /** For answers, the method of the request they answer (when paired). */
  method: string | null;
  jsonrpcId: string | number | null;
  /** The parsed message; undefined when it was too large to parse. */
  value: unknown;
  /** For answers: the request's row; null when unpaired. */
  pairedId: number | null;
  /** For a tools/call request and its answer: the tool's name. */
  tool: string | null;
  /** High-resolution epoch ms when it crossed, and for answers the time since the request. */
  at: number;
  durationMs: number | null;
}

/** How a row records a fault rule's effect (see MessageRecord.injected). */
export interface InjectedMark {
  rule: string;
  /** The row whose message this one replaces or describes. */
  relatedTo?: number | null;
  /** An answer the client gets instead of this recorded one: the request is paired with the new row. */
  replaces?: RecordedMessage;
}

const hrNow = (): number => performance.timeOrigin + performance.now();

/**
 * Turns what crosses the proxy into message rows: classifies, pairs, redacts,
 * and hands them to the store. It never sees or changes the forwarded bytes.
 */
export class Recorder {
  readonly pairing = new PairingTable();
  readonly relations = new RelationIndex();
  /** `server \0 session` of sessions a replay opened: every row in them is the gateway's, whatever exchange carries it. */
  private readonly replaySessions = new Set<string>();
  readonly options: Required<Pick<RecorderOptions, 'maxStoredBodyBytes' | 'now'>> & RecorderOptions;

  constructor(options: RecorderOptions) {
    this.options = { maxStoredBodyBytes: () => 1024 * 1024, now: hrNow, ...options };
  }

  beginExchange(init: ExchangeInit): ExchangeCapture {
    return new ExchangeCapture(this, init);
  }

  /** A line a stdio server wrote to stderr: redacted, then stored. */
  stderr(server: string, sessionId: string | null, line: string): void {
    const text = this.options.redactorFor(server).text(line).value;
    this.options.sink.enqueue({ op: 'stderr', server, sessionId, timestamp: Date.now(), line: text });
  }

  /** The session was deleted or expired: its unanswered requests never will be. */
  endSession(server: string, sessionId: string): void {
    this.pairing.dropSession(server, sessionId);
    this.replaySessions.delete(`${server}\u0000${sessionId}`);
  }

  /** A replay's exchange learned its session: later exchanges in it (a bridge's own channel, say) are the replay's too. */
  markReplaySession(server: string, sessionId: string): void {
    if (this.replaySessions.size >= MAX_REPLAY_SESSIONS) {
      const oldest = this.replaySessions.values().next().value;
      if (oldest !== undefined) this.replaySessions.delete(oldest);
    }
    this.replaySessions.add(`${server}\u0000${sessionId}`);
  }

  isReplaySession(server: string, sessionId: string | null): boolean {
    return sessionId !== null && this.replaySessions.size > 0 && this.replaySessions.has(`${server}\u0000${sessionId}`);
  }

  /** Stored form of a body: redacted first, then cut to the cap. */
  storedBody(server: string, text: string, classified: Classified, truncatedInput: boolean): { body: string; truncated: boolean; redactions: string[] } {
    const redactor = this.options.redactorFor(server);
    const cap = this.options.maxStoredBodyBytes();
    if (!truncatedInput && text.length <= cap) {
      const redacted = redactor.message(text, classified.value);
      return fitToCap(redacted.value, cap, redacted.rules);
    }
    // Too big to store whole: scan a little past the cut so a secret that
    // straddles it is still recognized, then cut.
    const redacted = redactor.text(text.length > cap + 4096 ? text.slice(0, cap + 4096) : text);
    const fitted = fitToCap(redacted.value, cap, redacted.rules);
    return { ...fitted, truncated: fitted.truncated || truncatedInput };
  }
}

function fitToCap(text: string, cap: number, redactions: string[]): { body: string; truncated: boolean; redactions: string[] } {
  // Cheap test first: a string of n UTF-16 units is at most 3n UTF-8 bytes.
  if (text.length * 3 <= cap || Buffer.byteLength(text) <= cap) return { body: text, truncated: false, redactions };
  const cut = Buffer.from(text).subarray(0, cap).toString('utf8').replace(/\uFFFD$/, '');
  return { body: cut, truncated: true, redactions };
}

export class ExchangeCapture {
  readonly id: number;
  private sessionId: string | null;
  private status: number | null = null;
  private readonly clientRowIds: number[] = [];
  /** Requests of this exchange's body: their answers come back on this exchange first. */
  private readonly local = new Map<string, PendingRequest>();
  private finished = false;
  private readonly origin: MessageOrigin;
  /** Requests a fault rule edited or rewrote, by row: the client's original, whose answer is the edited one's too. */
  private readonly editedFrom = new Map<number, number>();

  constructor(
    private readonly recorder: Recorder,
    private readonly init: ExchangeInit,
  ) {
    this.id = recorder.options.sink.allocateExchangeId();
    this.sessionId = init.sessionId;
    this.origin = init.replay !== undefined || recorder.isReplaySession(init.server, init.sessionId) ? 'replay' : 'client';
    recorder.options.sink.enqueue({
      op: 'exchange',
      row: {
        id: this.id,
        server: init.server,
        sessionId: init.sessionId,
        method: init.method,
        path: init.path,
        status: null,
        requestHeaders: recorder.options.redactorFor(init.server).headers(init.requestHeaders).value,
        responseHeaders: {},
        receivedAt: recorder.options.now(),
        upstreamFirstByteAt: null,
        doneAt: null,
        error: null,
      },
    });
  }

  /** The POST body the client sent (one message or a batch). */
  clientBody(body: CollectedBody): RecordedMessage[] {
    if (body.size === 0) return [];
    const recorded: RecordedMessage[] = [];
    for (const [message, text] of split(body)) {
      const row = this.record('client_to_server', message, text, body, 'http-body', null);
      this.clientRowIds.push(row.id);
      recorded.push(row);
    }
    return recorded;
  }

  /** Status and headers of the upstream's answer. */
  /** `status` null: the upstream is not reached over HTTP (a stdio process's own channel). */
  upstreamResponse(status: number | null, headers: Record<string, string>): void {
    const { sink, now, redactorFor } = this.recorder.options;
    this.status = status;
    const assigned = headers['mcp-session-id'] ?? null;
    const adopted = this.sessionId === null && assigned !== null ? assigned : null;
    if (adopted) this.adopted(adopted);
    sink.enqueue({
      op: 'exchange-update',
      id: this.id,
      update: { status, responseHeaders: redactorFor(this.init.server).headers(headers).value, upstreamFirstByteAt: now(), sessionId: adopted },
    });
    if (this.clientRowIds.length > 0) sink.enqueue({ op: 'annotate', ids: this.clientRowIds, httpStatus: status, sessionId: adopted });
    if (status === 404 && this.sessionId !== null && this.init.sessionId !== null) {
      // Legacy Streamable HTTP: 404 on a request with a session id means the session is gone.
      this.recorder.endSession(this.init.server, this.sessionId);
      sink.enqueue({ op: 'exchange-update', id: this.id, update: { error: SESSION_GONE } });
    }
  }

  /** A JSON (or any non-SSE) response body. */
  serverBody(body: CollectedBody): RecordedMessage[] {
    return this.serverMessage(body, 'http-body');
  }

  /** Messages from the server that crossed some other way (a stdio line, say). */
  serverMessage(body: CollectedBody, stream: StreamKind): RecordedMessage[] {
    if (body.size === 0) return [];
    return split(body).map(([message, text]) => this.record('server_to_client', message, text, body, stream, null));
  }

  /** The session became known after the exchange began (a stdio process gets one when initialized). */
  adoptSession(sessionId: string): void {
    if (this.sessionId !== null) return;
    this.adopted(sessionId);
    this.recorder.options.sink.enqueue({ op: 'exchange-update', id: this.id, update: { sessionId } });
  }

  private adopted(sessionId: string): void {
    this.sessionId = sessionId;
    if (this.origin === 'replay') this.recorder.markReplaySession(this.init.server, sessionId);
  }

  /** One SSE event of a POST answer or of the GET stream. */
  serverEvent(event: SseEvent, stream: Extract<StreamKind, 'post-sse' | 'get-sse' | 'legacy-sse'>): RecordedMessage[] {
    // Priming events and bare id/retry blocks carry no message; a legacy
    // `endpoint` event carries a URL, not JSON-RPC.
    if (event.data === null || event.data === '' || event.event !== 'message') return [];
    const body: CollectedBody = { text: event.data, size: event.dataBytes, truncated: event.truncated, tail: event.tail };
    return split(body).map(([message, text]) => this.record('server_to_client', message, text, body, stream, event.id));
  }

  /**
   * An answer the gateway made up because the upstream could not give one (it is down, say),
   * or because a fault rule answered instead of the upstream (`fault`: the rule, and the headers sent).
   */
  gatewayAnswer(status: number, text: string, fault?: { rule: string; headers?: Record<string, string> }): RecordedMessage[] {
    this.status = status;
    const update = fault?.headers ? { status, responseHeaders: this.recorder.options.redactorFor(this.init.server).headers(fault.headers).value } : { status };
    this.recorder.options.sink.enqueue({ op: 'exchange-update', id: this.id, update });
    if (this.clientRowIds.length > 0 && fault) this.recorder.options.sink.enqueue({ op: 'annotate', ids: this.clientRowIds, httpStatus: status, sessionId: null });
    if (text === '') return [];
    const body: CollectedBody = { text, size: Buffer.byteLength(text), truncated: false, tail: null };
    const mark = fault ? { rule: fault.rule } : undefined;
    return split(body).map(([message, part]) => this.record('server_to_client', message, part, body, 'gateway', null, null, mark));
  }

  /**
   * A message a fault rule put in place of (or besides) what was sent: a rewritten or edited
   * message, or an answer instead of the upstream's. `stream` and `sseEventId` are how it travelled.
   */
  injectedMessage(direction: Direction, text: string, mark: InjectedMark, stream: StreamKind = 'gateway', sseEventId: string | null = null): RecordedMessage[] {
    const body: CollectedBody = { text, size: Buffer.byteLength(text), truncated: false, tail: null };
    return split(body).map(([message, part]) => this.record(direction, message, part, body, stream, sseEventId, mark.relatedTo ?? null, mark));
  }

  /** A fault rule's effect that is no message of its own: a `gateway/fault` row saying what was done. */
  faultNote(direction: Direction, rule: string, effect: Record<string, unknown>, relatedTo: number | null): RecordedMessage {
    const text = JSON.stringify({ jsonrpc: '2.0', method: FAULT_METHOD, params: { rule, ...effect } });
    const body: CollectedBody = { text, size: Buffer.byteLength(text), truncated: false, tail: null };
    const [[message, part]] = split(body) as [[Classified, string]];
    return this.record(direction, message, part, body, 'gateway', null, relatedTo, { rule });
  }

  /**
   * The client went away before every answer arrived: each unanswered request
   * gets a gateway-made `gateway/aborted` row linked to it. In the 2026-07-28
   * era closing the stream is how a client cancels; before it, it is not, but
   * the request was abandoned either way.
   */
  clientAborted(reason: string): void {
    for (const [, request] of this.local) {
      const text = JSON.stringify({ jsonrpc: '2.0', method: ABORTED_METHOD, params: { reason } });
      const body: CollectedBody = { text, size: Buffer.byteLength(text), truncated: false, tail: null };
      const classified: Classified = { ...parseBody(text).messages[0]!, value: undefined };
      this.record('client_to_server', classified, text, body, 'gateway', null, request.rowId);
    }
    this.local.clear();
    this.finish(reason);
  }

  finish(error?: string): void {
    if (this.finished) return;
    this.finished = true;
    const { sink, now, redactorFor } = this.recorder.options;
    sink.enqueue({
      op: 'exchange-update',
      id: this.id,
      update: { doneAt: now(), error: error === undefined ? null : redactorFor(this.init.server).text(error).value },
    });
  }

  get session(): string | null {
    return this.sessionId;
  }

  private record(
    direction: Direction,
    message: Classified,
    text: string,
    body: CollectedBody,
    stream: StreamKind,
    sseEventId: string | null,
    relatedTo: number | null = null,
    mark?: InjectedMark,
  ): RecordedMessage {
    const { sink, now } = this.recorder.options;
    const at = now();
    const id = sink.allocateMessageId();
    let method = message.method;
    let pairedId: number | null = null;
    let durationMs: number | null = null;

    let relatedId: number | null = relatedTo;
    const { pairing, relations } = this.recorder;
    const server = this.init.server;

    const isAnswer = message.kind === 'response' || message.kind === 'error';
    let tool: string | null = null;
    const replaces = mark?.replaces;
    if (isAnswer && replaces !== undefined) {
      // In place of an answer already recorded (and paired): the request now points at what the client got.
      method = replaces.method;
      tool = replaces.tool;
      pairedId = replaces.pairedId;
      if (replaces.durationMs !== null) durationMs = Math.round((replaces.durationMs + (at - replaces.at)) * 1000) / 1000;
      if (pairedId !== null) sink.enqueue({ op: 'pair', requestId: pairedId, responseId: id });
    } else if (message.kind === 'request' && message.id !== null) {
      tool = toolOf(callKey(message.value, method), method);
      const retryOf = retryKey(message.value, method);
      const root = retryOf === null ? undefined : relations.conversationRoot(server, retryOf);
      relatedId = root ?? relatedTo;
      const pending: PendingRequest = {
        rowId: id,
        rootId: root ?? id,
        progressToken: message.progressToken,
        at,
        method,
        target: callKey(message.value, method),
        exchangeId: this.id,
      };
      if (direction === 'client_to_server') this.local.set(localKey(message.id), pending);
      if (mark?.relatedTo != null && direction === 'client_to_server') this.editedFrom.set(id, mark.relatedTo);
      pairing.add({ server, sessionId: this.sessionId, direction, id: message.id }, pending);
      if (message.progressToken !== null) relations.addProgressToken({ server, sessionId: this.sessionId, direction }, message.progressToken, id);
    } else if (isAnswer) {
      const request = message.id !== null ? this.takeRequest(direction, message.id) : this.takeOnlyRequest(direction);
      if (request) {
        method = request.method;
        tool = toolOf(request.target, method);
        pairedId = request.rowId;
        durationMs = Math.round((at - request.at) * 1000) / 1000;
        sink.enqueue({ op: 'pair', requestId: request.rowId, responseId: id });
        const original = this.editedFrom.get(request.rowId);
        if (original !== undefined) sink.enqueue({ op: 'pair', requestId: original, responseId: id });
        const requesterScope = { server, sessionId: this.sessionId, direction: opposite(direction) };
        if (request.progressToken !== null) relations.forgetProgressToken(requesterScope, request.progressToken);
        const keys = inputRequiredKeys(message.value);
        // A retry may echo the state, or just repeat the call: file it under both.
        if (keys !== null) for (const key of [...keys, request.target]) if (key !== null) relations.addConversation(server, key, request.rootId);
      }
    } else if (message.kind === 'notification' && relatedId === null) {
      relatedId = this.relatedRequest(direction, message);
    }

    const stored = this.recorder.storedBody(this.init.server, text, message, body.truncated);
    const row: MessageRow = {
      id,
      timestamp: Math.floor(at),
      server: this.init.server,
      sessionId: this.sessionId,
      direction,
      kind: message.kind,
      method,
      jsonrpcId: message.id,
      pairedId,
      relatedId,
      durationMs,
      httpStatus: direction === 'server_to_client' ? this.status : null,
      exchangeId: this.id,
      stream,
      sseEventId,
      // A batch element's size is its own, not the whole body's.
      size: body.truncated || text === body.text ? body.size : Buffer.byteLength(text),
      body: stored.body,
      truncated: stored.truncated,
      isError: message.isError,
      redactions: stored.redactions,
      origin: this.origin,
      replayOf: direction === 'client_to_server' && message.kind === 'request' ? (this.init.replay?.replayOf ?? null) : null,
      injected: mark?.rule ?? null,
    };
    sink.enqueue({ op: 'message', row });
    return { id, direction, kind: message.kind, method, jsonrpcId: message.id, value: message.value, pairedId, tool, at, durationMs };
  }

  /** The request a progress or cancellation notification belongs to, if known. */
  private relatedRequest(direction: Direction, message: Classified): number | null {
    const server = this.init.server;
    if (message.method === 'notifications/cancelled' && message.cancelledRequestId !== null) {
      // The canceller cancels its own request: same direction as the notification.
      return this.recorder.pairing.peek({ server, sessionId: this.sessionId, direction, id: message.cancelledRequestId })?.rowId ?? null;
    }
    if (message.method === 'notifications/progress' && message.progressToken !== null) {
      const owner = this.recorder.relations.progressOwner(
        { server, sessionId: this.sessionId, direction: opposite(direction) },
        message.progressToken,
      );
      if (owner !== undefined) return owner;
      // On a POST's own event stream, progress belongs to that POST's only request.
      if (direction === 'server_to_client' && this.local.size === 1) return [...this.local.values()][0]?.rowId ?? null;
    }
    return null;
  }

  /**
   * An error without an id (a 404 "Session not found", a parse error) on the
   * HTTP answer to a POST that carried one request can only answer that request.
   */
  private takeOnlyRequest(answerDirection: Direction): PendingRequest | undefined {
    if (answerDirection !== 'server_to_client' || this.local.size !== 1) return undefined;
    const [key] = this.local.keys();
    return key === undefined ? undefined : this.takeRequest(answerDirection, key.startsWith('n') ? Number(key.slice(1)) : key.slice(1));
  }

  private takeRequest(answerDirection: Direction, id: string | number): PendingRequest | undefined {
    const requestDirection = opposite(answerDirection);
    const server = this.init.server;
    if (requestDirection === 'client_to_server') {
      const local = this.local.get(localKey(id));
      if (local) {
        this.local.delete(localKey(id));
        // The request may be filed under no session (initialize) or this one.
        this.recorder.pairing.take({ server, sessionId: this.init.sessionId, direction: requestDirection, id });
        return local;
      }
    }
    return this.recorder.pairing.take({ server, sessionId: this.sessionId, direction: requestDirection, id });
  }
}

/** The tool of a `call:tools/call:<name>` key. */
function toolOf(target: string | null, method: string | null): string | null {
  const prefix = 'call:tools/call:';
  return method === 'tools/call' && target !== null && target.startsWith(prefix) && target.length > prefix.length ? target.slice(prefix.length) : null;
}

function localKey(id: string | number): string {
  return typeof id === 'number' ? `n${id}` : `s${id}`;
}

/** Splits a collected body into classified messages with the text to store for each. */
function split(body: CollectedBody): Array<[Classified, string]> {
  if (body.truncated) return [[classifyTruncated(body.text, body.tail ?? ''), body.text]];
  return parseBody(body.text).messages.map((m) => [m, m.text]);
}
