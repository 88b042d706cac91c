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

  /** An `input_required` answer: a retry carrying this `requestState` continues the conversation started by `rootRowId`. */
  addConversation(server: string, requestState: string, rootRowId: number): void {
    remember(this.conversations, `${server}\u0000${requestState}`, rootRowId, this.maxEntries);
  }

  conversationRoot(server: string, requestState: string): number | undefined {
    return this.conversations.get(`${server}\u0000${requestState}`);
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

/** `params.requestState` of a retried request, or `result.requestState` of an input_required answer. */
export function requestStateOf(value: unknown, where: 'params' | 'result'): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const holder = (value as Record<string, unknown>)[where];
  if (typeof holder !== 'object' || holder === null) return null;
  const state = (holder as Record<string, unknown>).requestState;
  if (where === 'result' && (holder as Record<string, unknown>).resultType !== 'input_required') return null;
  return typeof state === 'string' ? state : null;
}

export type { JsonRpcId };
