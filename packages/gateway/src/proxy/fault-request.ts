// Fault rules on a client's request, before it goes upstream. Only reached
// when some rule covers the server (FaultInjector.active and covers): the
// usual path never comes here. Every effect is recorded on the exchange with
// the rule's id (MessageRecord.injected).
import type { ServerResponse } from 'node:http';
import type { ExchangeCapture, RecordedMessage } from '../capture/recorder.js';
import type { FaultInjector, FaultPoint, FiredFault } from '../faults/injector.js';
import { abortAnswer, errorAnswer, httpAnswerHeaders, patchMessage, toolErrorAnswer } from '../faults/messages.js';
import { gatewayMade } from '../security/headers.js';

export interface FaultScope {
  faults: FaultInjector;
  capture: ExchangeCapture;
  server: string;
  /** The client's: aborts when it goes away. */
  signal: AbortSignal;
  /** Node's response when @hono/node-server serves, for a `reset`. */
  outgoing?: ServerResponse | undefined;
}

/** Go on upstream with this body (the client's, or what a rule made of it), or answer the client now. */
export type RequestVerdict = { forward: Buffer | null } | { answer: Response };

export function faultPoint(scope: FaultScope, message: RecordedMessage, phase: FaultPoint['phase'] = 'message'): FaultPoint {
  return {
    server: scope.server,
    session: scope.capture.session,
    direction: message.direction,
    kind: message.kind,
    method: message.method,
    tool: message.tool,
    id: message.jsonrpcId,
    phase,
  };
}

/** Sleeps; false when the client went away first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (result: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

const json = (status: number, text: string): Response => gatewayMade(new Response(text, { status, headers: { 'content-type': 'application/json' } }));

/** The client went away while a rule held its request. */
function gone(scope: FaultScope, rule: string): RequestVerdict {
  scope.capture.clientAborted(`client disconnected while fault rule ${rule} held the request`);
  return { answer: new Response(null, { status: 499 }) };
}

/** Drops the client's connection with a TCP reset (or, without Node's response, breaks the body). */
export function resetConnection(scope: FaultScope): Response {
  const socket = scope.outgoing?.socket;
  if (socket && !socket.destroyed) {
    socket.resetAndDestroy();
    return new Response(null, { status: 499 });
  }
  return new Response(new ReadableStream({ start: (controller) => controller.error(new Error('connection reset by a fault rule')) }), { status: 200 });
}

/**
 * Applies the rule that fires for the request, if any. Batches pass untouched:
 * one rule acts on one message.
 */
export async function requestFaults(scope: FaultScope, body: Buffer | null, recorded: RecordedMessage[]): Promise<RequestVerdict> {
  const message = recorded.length === 1 ? recorded[0] : undefined;
  if (!message || !body) return { forward: body };
  const fired = scope.faults.fire(faultPoint(scope, message));
  if (!fired) return { forward: body };
  return applyToRequest(scope, body, message, fired);
}

async function applyToRequest(scope: FaultScope, body: Buffer, message: RecordedMessage, fired: FiredFault): Promise<RequestVerdict> {
  const { capture } = scope;
  const { ruleId: rule, action } = fired;
  const note = (effect: Record<string, unknown>): void => void capture.faultNote('client_to_server', rule, effect, message.id);
  const answer = (status: number, text: string): RequestVerdict => {
    capture.gatewayAnswer(status, text, { rule });
    capture.finish();
    return { answer: json(status, text) };
  };
  switch (action.type) {
    case 'delay':
      note({ action: 'delay', on: 'request', ms: fired.delayMs });
      return (await sleep(fired.delayMs, scope.signal)) ? { forward: body } : gone(scope, rule);
    case 'error':
      return answer(200, errorAnswer(message.jsonrpcId, action, rule));
    case 'toolError':
      return answer(200, toolErrorAnswer(message.jsonrpcId, action, rule));
    case 'http': {
      const headers = httpAnswerHeaders(action);
      const text = action.body ?? '';
      if (text === '') note({ action: 'http', status: action.status, headers });
      capture.gatewayAnswer(action.status, text, { rule, headers });
      capture.finish();
      return { answer: new Response(text === '' ? null : text, { status: action.status, headers }) };
    }
    case 'hang':
      note({ action: 'hang' });
      await untilAborted(scope.signal);
      return gone(scope, rule);
    case 'drop':
      // A notification the upstream never gets; the client is told what the upstream would have said.
      note({ action: 'drop' });
      capture.gatewayAnswer(202, '', { rule });
      capture.finish();
      return { answer: new Response(null, { status: 202 }) };
    case 'reset':
      note({ action: 'reset' });
      capture.finish(`connection reset by fault rule ${rule}`);
      return { answer: resetConnection(scope) };
    case 'rewrite': {
      const patched = patchMessage(message.value, action.patch);
      if (!patched.ok) {
        note({ action: 'rewrite', error: patched.error });
        return { forward: body };
      }
      const text = JSON.stringify(patched.value);
      capture.injectedMessage('client_to_server', text, { rule, relatedTo: message.id });
      return { forward: Buffer.from(text) };
    }
    case 'pause': {
      const outcome = await scope.faults.hold(
        { ruleId: rule, server: scope.server, session: capture.session, direction: 'client_to_server', message: message.value, timeoutMs: action.timeoutMs },
        scope.signal,
      );
      switch (outcome.kind) {
        case 'gone':
          return gone(scope, rule);
        case 'abort':
          if (message.kind !== 'request') {
            // Nothing to answer with an error: an aborted notification is not sent on, as the upstream would have taken it.
            note({ action: 'pause', outcome: 'aborted' });
            capture.gatewayAnswer(202, '', { rule });
            capture.finish();
            return { answer: new Response(null, { status: 202 }) };
          }
          return answer(200, abortAnswer(message.jsonrpcId, outcome, rule));
        case 'continue':
          if (outcome.edited) {
            const text = JSON.stringify(outcome.message);
            capture.injectedMessage('client_to_server', text, { rule, relatedTo: message.id });
            return { forward: Buffer.from(text) };
          }
          note({ action: 'pause', outcome: 'continued' });
          return { forward: body };
        case 'timeout':
          note({ action: 'pause', outcome: 'timed out' });
          return { forward: body };
      }
      break;
    }
    case 'cut':
      break;
  }
  return { forward: body };
}
