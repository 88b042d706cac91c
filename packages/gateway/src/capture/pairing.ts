import type { Direction, JsonRpcId } from '../types.js';

/** A request that waits for its answer. */
export interface PendingRequest {
  rowId: number;
  /** First request of its conversation: itself, or the request an input_required retry continues. */
  rootId: number;
  progressToken: string | number | null;
  /** High-resolution epoch ms when the request crossed. */
  at: number;
  method: string | null;
  /** `call:<method>:<target>`, to link a retry of an input_required call. */
  target: string | null;
  exchangeId: number | null;
}

export interface PairingKey {
  server: string;
  sessionId: string | null;
  /** Direction of the request. */
  direction: Direction;
  id: JsonRpcId;
}

/**
 * Requests in flight, keyed by (server, session, direction, JSON-RPC id):
 * each direction of each session is its own id namespace, so two clients both
 * sending id 1 never steal each other's answers. Bounded in size and age so
 * requests that never get an answer cannot grow it without limit.
 */
export class PairingTable {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly maxAgeMs = 60 * 60 * 1000,
  ) {}

  add(key: PairingKey, request: PendingRequest): void {
    const k = keyOf(key);
    // A reused id replaces the old entry; delete first so it moves to the end of the age order.
    this.pending.delete(k);
    this.pending.set(k, request);
    if (this.pending.size > this.maxEntries) this.evictOldest(this.pending.size - this.maxEntries);
  }

  peek(key: PairingKey): PendingRequest | undefined {
    return this.pending.get(keyOf(key));
  }

  take(key: PairingKey): PendingRequest | undefined {
    const k = keyOf(key);
    const found = this.pending.get(k);
    if (found) this.pending.delete(k);
    return found;
  }

  /** Forgets every request of a session (it was deleted or expired). */
  dropSession(server: string, sessionId: string): void {
    const prefix = `${server}\u0000${sessionId}\u0000`;
    for (const k of this.pending.keys()) if (k.startsWith(prefix)) this.pending.delete(k);
  }

  sweep(now: number): void {
    for (const [k, request] of this.pending) {
      if (now - request.at < this.maxAgeMs) break; // insertion order is age order
      this.pending.delete(k);
    }
  }

  get size(): number {
    return this.pending.size;
  }

  private evictOldest(count: number): void {
    for (const k of this.pending.keys()) {
      if (count-- <= 0) break;
      this.pending.delete(k);
    }
  }
}

function keyOf(key: PairingKey): string {
  const id = typeof key.id === 'number' ? `n${key.id}` : `s${key.id}`;
  return `${key.server}\u0000${key.sessionId ?? ''}\u0000${key.direction}\u0000${id}`;
}

export function opposite(direction: Direction): Direction {
  return direction === 'client_to_server' ? 'server_to_client' : 'client_to_server';
}
