// Fault rules on what the upstream answers, before the client has it. Only
// reached when some rule covers the server's answers; the usual relay
// (relay.ts, relay-node.ts) never comes here. Unlike it, this path records
// each message before it decides what the client gets, so a changed message
// can name the upstream's row it replaces; everything a rule did is a row
// with the rule's id.
import { BodyCollector } from '../capture/body-collector.js';
import type { RecordedMessage } from '../capture/recorder.js';
import { SseParser, type SseEvent } from '../capture/sse-parser.js';
import type { FiredFault } from '../faults/injector.js';
import { abortAnswer, errorAnswer, patchMessage, toolErrorAnswer } from '../faults/messages.js';
import type { ClientHeaders } from './headers.js';
import { CLIENT_GONE, upstreamFailure, type RelaySource } from './relay.js';
import { faultPoint, resetConnection, sleep, untilAborted, type FaultScope } from './fault-request.js';

export interface FaultedAnswer {
  status: number;
  headers: ClientHeaders;
  source: RelaySource;
  /** text/event-stream: relayed event by event; otherwise read whole first. */
  streaming: boolean;
  stream: 'post-sse' | 'get-sse';
  /** The client's messages of this exchange (a POST's one request, say), for rules on its answer stream. */
  requests: RecordedMessage[];
  maxCaptureBytes: number;
}

/** What a rule made of one message: send these bytes, or end here. */
type Step = { send: string | null } | { end: 'hang' | 'reset' | 'gone' | 'cut' };

const LF = 10;
const CR = 13;

/**
 * Splits an event stream into its blocks, byte for byte: a block ends with
 * the line break of the blank line that ends it. A CR at the end of a block
 * may be followed by an LF in the next; that LF starts the next block, where
 * every SSE parser skips it.
 */
export class SseBlocks {
  private pending: Buffer = Buffer.alloc(0);
  private scanned = 0;
  private lineLength = 0;
  private afterCr = false;

  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const blocks: Buffer[] = [];
    let start = 0;
    for (let i = this.scanned; i < this.pending.length; i++) {
      const byte = this.pending[i] as number;
      if (byte === LF && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = byte === CR;
      if (byte !== LF && byte !== CR) {
        this.lineLength++;
        continue;
      }
      if (this.lineLength === 0) {
        // A CRLF ending the block stays whole when its LF is already here.
        const end = byte === CR && this.pending[i + 1] === LF ? i + 2 : i + 1;
        if (end === i + 2) this.afterCr = false;
        blocks.push(this.pending.subarray(start, end));
        start = end;
        i = end - 1;
      }
      this.lineLength = 0;
    }
    this.pending = this.pending.subarray(start);
    this.scanned = this.pending.length;
    return blocks;
  }

  /** Bytes of an unfinished block at the end of the stream. */
  rest(): Buffer {
    return this.pending;
  }
}

function sseBlock(event: SseEvent, data: string): string {
  return `${event.id !== null ? `id: ${event.id}\n` : ''}event: ${event.event}\ndata: ${data}\n\n`;
}

/** The answer, through the rules. */
export async function faultedAnswer(scope: FaultScope, answer: FaultedAnswer): Promise<Response> {
  if (!answer.streaming) return wholeAnswer(scope, answer);
  return new Response(eventStream(scope, answer), { status: answer.status, headers: answer.headers });
}

async function wholeAnswer(scope: FaultScope, answer: FaultedAnswer): Promise<Response> {
  try {
    return await readWhole(scope, answer);
  } finally {
    answer.source.onEnd?.();
  }
}

async function readWhole(scope: FaultScope, answer: FaultedAnswer): Promise<Response> {
  const { capture } = scope;
  const collector = new BodyCollector(answer.maxCaptureBytes);
  const chunks: Uint8Array[] = [];
  try {
    for (let next = await answer.source.iterator.next(); !next.done; next = await answer.source.iterator.next()) {
      chunks.push(next.value);
      collector.push(next.value);
    }
  } catch (error) {
    if (scope.signal.aborted) {
      capture.clientAborted(CLIENT_GONE);
      return new Response(null, { status: 499 });
    }
    capture.finish(upstreamFailure(error));
    return new Response(null, { status: 502 });
  }
  const recorded = capture.serverBody(collector.finish());
  let body: string | Buffer = Buffer.concat(chunks);
  const message = recorded.length === 1 ? recorded[0] : undefined;
  const fired = message ? scope.faults.fire(faultPoint(scope, message)) : null;
  if (message && fired) {
    const step = await applyToAnswer(scope, message, fired, 'http-body', null, (text) => text);
    if ('end' in step) return ended(scope, step.end, fired.ruleId);
    if (step.send !== null) body = step.send;
    else body = '';
  }
  capture.finish();
  const headers = withoutLength(answer.headers);
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new Response(bytes.length === 0 ? null : new Uint8Array(bytes), { status: answer.status, headers });
}

function withoutLength(headers: ClientHeaders): ClientHeaders {
  if (headers instanceof Headers) {
    headers.delete('content-length');
    return headers;
  }
  const { ['content-length']: _length, ...rest } = headers;
  return rest;
}

function ended(scope: FaultScope, how: 'hang' | 'reset' | 'gone' | 'cut', rule: string): Response {
  if (how === 'reset') return resetConnection(scope);
  scope.capture.clientAborted(`client disconnected while fault rule ${rule} held the answer`);
  return new Response(null, { status: 499 });
}

/**
 * What the client gets for one recorded message of the upstream's. `frame`
 * wraps a replacement the way the message travelled (an SSE event, or a body).
 */
async function applyToAnswer(
  scope: FaultScope,
  message: RecordedMessage,
  fired: FiredFault,
  stream: 'http-body' | 'post-sse' | 'get-sse',
  sseEventId: string | null,
  frame: (text: string) => string,
): Promise<Step> {
  const { capture } = scope;
  const { ruleId: rule, action } = fired;
  const note = (effect: Record<string, unknown>): void => void capture.faultNote('server_to_client', rule, effect, message.id);
  const replace = (text: string): Step => {
    capture.injectedMessage('server_to_client', text, { rule, relatedTo: message.id, replaces: message }, stream, sseEventId);
    return { send: frame(text) };
  };
  const original: Step = { send: null };
  switch (action.type) {
    case 'delay':
      note({ action: 'delay', on: 'response', ms: fired.delayMs });
      return (await sleep(fired.delayMs, scope.signal)) ? original : { end: 'gone' };
    case 'error':
      return replace(errorAnswer(message.jsonrpcId, action, rule));
    case 'toolError':
      return replace(toolErrorAnswer(message.jsonrpcId, action, rule));
    case 'drop':
      note({ action: 'drop' });
      return { send: '' };
    case 'hang':
      note({ action: 'hang' });
      await untilAborted(scope.signal);
      return { end: 'hang' };
    case 'reset':
      note({ action: 'reset' });
      return { end: 'reset' };
    case 'rewrite': {
      const patched = patchMessage(message.value, action.patch);
      if (patched.ok) return replace(JSON.stringify(patched.value));
      note({ action: 'rewrite', error: patched.error });
      return original;
    }
    case 'pause': {
      const outcome = await scope.faults.hold(
        { ruleId: rule, server: scope.server, session: capture.session, direction: 'server_to_client', message: message.value, timeoutMs: action.timeoutMs },
        scope.signal,
      );
      if (outcome.kind === 'gone') return { end: 'gone' };
      if (outcome.kind === 'abort') {
        if (message.jsonrpcId === null) {
          note({ action: 'pause', outcome: 'aborted' });
          return { send: '' };
        }
        return replace(abortAnswer(message.jsonrpcId, outcome, rule));
      }
      if (outcome.kind === 'continue' && outcome.edited) return replace(JSON.stringify(outcome.message));
      note({ action: 'pause', outcome: outcome.kind === 'timeout' ? 'timed out' : 'continued' });
      return original;
    }
    default:
      return original;
  }
}

/** An SSE answer relayed block by block, pull-based like relayStream: a slow client slows the upstream read. */
function eventStream(scope: FaultScope, answer: FaultedAnswer): ReadableStream<Uint8Array> {
  const { capture } = scope;
  const { source } = answer;
  const blocks = new SseBlocks();
  const events: SseEvent[] = [];
  const parser = new SseParser({ maxDataBytes: answer.maxCaptureBytes, onEvent: (event) => events.push(event) });
  // A cut is decided once, for the whole stream, from the request it answers (none: a GET stream).
  const request = answer.requests.length === 1 ? answer.requests[0] : undefined;
  const cut = scope.faults.fire({
    ...(request ? faultPoint(scope, request, 'stream') : { server: scope.server, session: capture.session, kind: null, method: null, tool: null }),
    direction: 'server_to_client',
    phase: 'stream',
  });
  const cutAfter = cut?.action.type === 'cut' ? (cut.action.afterEvents ?? 0) : null;
  let delivered = 0;
  let lastEventId: string | null = null;
  let ended = false;
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    source.onEnd?.();
    if (error === CLIENT_GONE) capture.clientAborted(error);
    else capture.finish(error);
  };

  /** The bytes for one block, or what ends the stream. */
  const handle = async (block: Buffer): Promise<Buffer | Step> => {
    parser.push(block);
    const event = events.shift();
    if (!event) return block;
    if (event.data === null || event.data === '' || event.event !== 'message') {
      capture.serverEvent(event, answer.stream);
      if (event.id !== null) lastEventId = event.id;
      return block;
    }
    if (cutAfter !== null && cut && delivered >= cutAfter) {
      // Not recorded here: the client never got it. The upstream keeps it for a resume (GET with Last-Event-ID).
      capture.faultNote('server_to_client', cut.ruleId, { action: 'cut', afterEvents: cutAfter, lastEventId }, request?.id ?? null);
      return { end: 'cut' };
    }
    const rows = capture.serverEvent(event, answer.stream);
    const message = rows.length === 1 ? rows[0] : undefined;
    const fired = message ? scope.faults.fire(faultPoint(scope, message)) : null;
    delivered += 1;
    if (event.id !== null) lastEventId = event.id;
    if (!message || !fired) return block;
    const step = await applyToAnswer(scope, message, fired, answer.stream, event.id, (text) => sseBlock(event, text));
    if ('end' in step) return step;
    return step.send === null ? block : Buffer.from(step.send);
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await source.iterator.next();
        } catch (error) {
          if (ended) return;
          end(scope.signal.aborted ? CLIENT_GONE : upstreamFailure(error));
          controller.error(error);
          return;
        }
        if (ended) return;
        if (next.done) {
          const rest = blocks.rest();
          if (rest.length > 0) {
            parser.push(rest);
            controller.enqueue(rest);
          }
          parser.end();
          end();
          controller.close();
          return;
        }
        const out: Buffer[] = [];
        for (const block of blocks.push(next.value)) {
          const result = await handle(block);
          if (ended) return;
          if (Buffer.isBuffer(result)) {
            if (result.length > 0) out.push(result);
            continue;
          }
          if (out.length > 0) controller.enqueue(Buffer.concat(out));
          if ('end' in result) {
            source.cancel();
            if (result.end === 'reset') {
              end('connection reset by a fault rule');
              // With Node's socket there is a real reset; without, a broken body is the nearest thing.
              if (scope.outgoing?.socket && !scope.outgoing.socket.destroyed) {
                scope.outgoing.socket.resetAndDestroy();
                controller.close();
              } else controller.error(new Error('connection reset by a fault rule'));
            } else if (result.end === 'cut') {
              end(`stream cut by fault rule ${cut?.ruleId ?? ''} after ${delivered} events`);
              controller.close();
            } else {
              end(CLIENT_GONE);
              controller.close();
            }
            return;
          }
        }
        if (out.length > 0) {
          controller.enqueue(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
          return;
        }
      }
    },
    cancel() {
      end(CLIENT_GONE);
      source.cancel();
    },
  });
}
