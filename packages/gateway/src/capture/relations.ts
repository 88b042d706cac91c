import type { Direction, JsonRpcId } from '../types.js';

/**
 * Links messages to the request they belong to without answering it:
 * progress notifications (by progress token), and retries of a request that
 * came back `input_required` (by its `requestState`, 2026-07-28 era). Bounded:
 * the oldest links are forgotten first.
 */
export class RelationIndex {
  private readonly progress = new Map<string, number>();
  private readonly conversations = new Map<string, number>();

  constructor(private readonly maxEntries = 50_000) {}

  /** A request carrying `_meta.progressToken`: progress for that token belongs to `rowId`. */
  addProgressToken(scope: RelationScope, token: string | number, rowId: number): void {
    remember(this.progress, progressKey(scope, token), rowId, this.maxEntries);
  }

  /** Row of the request whose progress token this is, for a notification travelling in `direction`. */
  progressOwner(scope: RelationScope, token: string | number): number | undefined {
    return this.progress.get(progressKey(scope, token));
  }

  forgetProgressToken(scope: RelationScope, token: string | number): void {
    this.progress.delete(progressKey(scope, token));
  }

  /** An `input_required` answer: a retry with the same conversation key continues the conversation started by `rootRowId`. */
  addConversation(server: string, key: string, rootRowId: number): void {
    remember(this.conversations, `${server}\u0000${key}`, rootRowId, this.maxEntries);
  }

  conversationRoot(server: string, key: string): number | undefined {
    return this.conversations.get(`${server}\u0000${key}`);
  }
}

/** Whose namespace a token lives in: the requester's session and direction. */
export interface RelationScope {
  server: string;
  sessionId: string | null;
  /** Direction of the request that carried the token. */
  direction: Direction;
}

function progressKey(scope: RelationScope, token: string | number): string {
  const t = typeof token === 'number' ? `n${token}` : `s${token}`;
  return `${scope.server}\u0000${scope.sessionId ?? ''}\u0000${scope.direction}\u0000${t}`;
}

function remember(map: Map<string, number>, key: string, value: number, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/**
 * What ties a retried request to the `input_required` answer before it: the
 * opaque `requestState` when there is one, else the method and target
 * (`call:tools/call:deploy`).
 */
export function retryKey(value: unknown, method: string | null): string | null {
  const params = member(value, 'params');
  if (!params || (params.inputResponses === undefined && params.requestState === undefined)) return null;
  if (typeof params.requestState === 'string') return `state:${params.requestState}`;
  return method === null ? null : `call:${method}:${targetOf(params) ?? ''}`;
}

/** For an `input_required` answer: the keys a retry of it may be found by (its state, if any). */
export function inputRequiredKeys(value: unknown): string[] | null {
  const result = member(value, 'result');
  if (!result || result.resultType !== 'input_required') return null;
  return typeof result.requestState === 'string' ? [`state:${result.requestState}`] : [];
}

/** `call:<method>:<tool or uri>` of a request. */
export function callKey(value: unknown, method: string | null): string | null {
  return method === null ? null : `call:${method}:${targetOf(member(value, 'params')) ?? ''}`;
}

function member(value: unknown, key: 'params' | 'result'): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[key];
  return typeof found === 'object' && found !== null ? (found as Record<string, unknown>) : undefined;
}

function targetOf(params: Record<string, unknown> | undefined): string | undefined {
  const target = params?.name ?? params?.uri;
  return typeof target === 'string' ? target : undefined;
}

export type { JsonRpcId };
