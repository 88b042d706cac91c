import type { MessageRecord } from '../types.js';
import { targetOf as targetFromBody } from '../filter/target.js';
import { cutMarker, fitBodies, type BudgetedBody } from './budget.js';

/** One message as the MCP tools list it: no body, its target and a short preview. */
export interface MessageLine {
  id: number;
  time: string;
  server: string;
  session: string | null;
  direction: MessageRecord['direction'];
  kind: MessageRecord['kind'];
  method: string | null;
  target: string | null;
  jsonrpcId: MessageRecord['jsonrpcId'];
  httpStatus: number | null;
  isError: boolean;
  durationMs: number | null;
  pairedId: number | null;
  origin: MessageRecord['origin'];
  preview: string;
}

/** The tool, prompt or resource a request names; null for answers (and bodies cut before it). */
export function targetOf(record: Pick<MessageRecord, 'kind' | 'method' | 'body'>): string | null {
  return record.kind === 'request' ? targetFromBody(record.method, record.body) : null;
}

export function messageLine(record: MessageRecord, target: string | null = targetOf(record)): MessageLine {
  return {
    id: record.id,
    time: new Date(record.timestamp).toISOString(),
    server: record.server,
    session: record.sessionId,
    direction: record.direction,
    kind: record.kind,
    method: record.method,
    target,
    jsonrpcId: record.jsonrpcId,
    httpStatus: record.httpStatus,
    isError: record.isError,
    durationMs: record.durationMs,
    pairedId: record.pairedId,
    origin: record.origin,
    preview: record.body.length > 160 ? `${record.body.slice(0, 157)}...` : record.body,
  };
}

/** A message with its body, fitted to a budget shared with the others of the same result. */
export interface BudgetedMessage extends Omit<MessageRecord, 'body'> {
  body: string;
  bodySize: number;
  bodyCut: boolean;
}

/** Fits every body of a result into `maxBytes` together (`overhead`: the rest of the result). */
export function budgetMessages(records: readonly MessageRecord[], maxBytes: number, overhead: number): BudgetedMessage[] {
  const fitted: BudgetedBody[] = fitBodies(
    records.map((r) => r.body),
    maxBytes,
    overhead + records.length * 600,
  );
  return records.map((record, index) => {
    const body = fitted[index] as BudgetedBody;
    return { ...record, body: cutMarker(body), bodySize: body.size, bodyCut: body.cut };
  });
}

/** One-line summary of a message for the text rendering. */
export function describeLine(line: MessageLine): string {
  const what = [line.method ?? '(no method)', line.target].filter(Boolean).join(' ');
  const status = line.kind === 'error' ? 'error' : line.isError ? 'isError' : line.kind;
  const duration = line.durationMs === null ? '' : ` ${line.durationMs.toFixed(1)} ms`;
  return `#${line.id} ${line.time} ${line.server} ${line.direction === 'client_to_server' ? '→' : '←'} ${what} [${status}]${duration}${line.origin === 'replay' ? ' (replay)' : ''}`;
}
