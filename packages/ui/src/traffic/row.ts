// The compact form of a message the traffic table keeps: everything a column
// or a filter needs, no body (100,000 rows must stay small).
import { targetOf } from '@mcp-gateway/gateway/filter';
import type { MessageKind, MessageRecord, PairSummary } from '@mcp-gateway/gateway/types';

export type RowPair = Pick<PairSummary, 'id' | 'kind' | 'durationMs' | 'isError'>;

/** The record's fields a column or a filter needs (no body), plus what the UI derives. */
export type Row = Pick<
  MessageRecord,
  | 'id'
  | 'timestamp'
  | 'server'
  | 'sessionId'
  | 'direction'
  | 'kind'
  | 'method'
  | 'jsonrpcId'
  | 'pairedId'
  | 'relatedId'
  | 'durationMs'
  | 'httpStatus'
  | 'size'
  | 'isError'
  | 'origin'
  | 'replayOf'
  | 'injected'
> & {
  /** What a call is about: the tool of tools/call, the prompt of prompts/get, the URI of resources/read. */
  target: string | null;
  /** The partner's summary: for a request, its answer (status, duration). */
  pair: RowPair | null;
};

export { hasTarget, targetOf } from '@mcp-gateway/gateway/filter';

export const isAnswer = (row: { kind: MessageKind }): boolean => row.kind === 'response' || row.kind === 'error';

/** `knownTarget`: the message's target when already known (see TargetNames.of); otherwise a request's is read from its body. */
export function toRow(record: MessageRecord & { pair?: PairSummary | null }, knownTarget: string | null = null): Row {
  const target = knownTarget ?? (record.kind === 'request' ? targetOf(record.method, record.body) : null);
  const pair = record.pair ?? null;
  return {
    id: record.id,
    timestamp: record.timestamp,
    server: record.server,
    sessionId: record.sessionId,
    direction: record.direction,
    kind: record.kind,
    method: record.method,
    target,
    jsonrpcId: record.jsonrpcId,
    pairedId: record.pairedId,
    relatedId: record.relatedId,
    durationMs: record.durationMs,
    httpStatus: record.httpStatus,
    size: record.size,
    isError: record.isError,
    // A gateway from before replay sends neither field: its rows are all proxied traffic.
    origin: record.origin ?? 'client',
    replayOf: record.replayOf ?? null,
    // Absent from gateways before fault rules: nothing was injected.
    injected: record.injected ?? null,
    pair: pair === null ? null : { id: pair.id, kind: pair.kind, durationMs: pair.durationMs, isError: pair.isError },
  };
}

/** Duration shown on a row: its own (answers) or its answer's (requests). */
export const rowDuration = (row: Row): number | null => row.durationMs ?? row.pair?.durationMs ?? null;

/** Whether the row is, or (for a request) ended in, an error. */
export const rowFailed = (row: Row): boolean => row.isError || (row.kind === 'request' && row.pair?.isError === true);

/** A request still waiting for its answer. */
export const rowPending = (row: Row): boolean => row.kind === 'request' && row.pairedId === null;
