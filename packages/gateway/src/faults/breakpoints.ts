// Messages held by `pause` rules. Each waits for a person (the UI, the API)
// to continue it, edited or not, or to abort it; nobody answering within its
// timeout continues it unchanged, so a forgotten breakpoint cannot wedge a client.
import { randomBytes } from 'node:crypto';
import type { BreakpointView, Direction } from '../types.js';

export const DEFAULT_PAUSE_MS = 60_000;
/** A runaway rule (a pause on every message of a flood) must not hold unbounded memory. */
const MAX_HELD = 1000;

export interface HoldRequest {
  ruleId: string;
  server: string;
  session: string | null;
  direction: Direction;
  message: unknown;
  timeoutMs?: number | undefined;
}

export type BreakpointOutcome =
  | { kind: 'continue'; edited: false }
  | { kind: 'continue'; edited: true; message: unknown }
  | { kind: 'abort'; code: number | null; message: string | null }
  | { kind: 'timeout' }
  /** The client went away while the message was held. */
  | { kind: 'gone' };

interface Held {
  view: BreakpointView;
  settle(outcome: BreakpointOutcome): void;
}

export interface BreakpointsOptions {
  now?: () => number;
  /** A breakpoint was resolved by someone (continued or aborted), for the audit log. */
  onResolved?: (view: BreakpointView, outcome: 'continued' | 'edited' | 'aborted') => void;
}

export class Breakpoints {
  private readonly held = new Map<string, Held>();
  private readonly now: () => number;

  constructor(private readonly options: BreakpointsOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Waits for the outcome; a full registry continues at once (as a timeout would). */
  hold(request: HoldRequest, signal: AbortSignal): Promise<BreakpointOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'gone' });
    if (this.held.size >= MAX_HELD) return Promise.resolve({ kind: 'timeout' });
    const id = `bp-${randomBytes(6).toString('hex')}`;
    const heldAt = this.now();
    const timeoutMs = request.timeoutMs ?? DEFAULT_PAUSE_MS;
    const view: BreakpointView = {
      id,
      ruleId: request.ruleId,
      server: request.server,
      session: request.session,
      direction: request.direction,
      message: request.message,
      heldAt: new Date(heldAt).toISOString(),
      timeoutAt: new Date(heldAt + timeoutMs).toISOString(),
    };
    return new Promise<BreakpointOutcome>((resolve) => {
      const settle = (outcome: BreakpointOutcome): void => {
        if (!this.held.delete(id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => settle({ kind: 'gone' });
      const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
      this.held.set(id, { view, settle });
    });
  }

  list(): BreakpointView[] {
    return [...this.held.values()].map((h) => h.view);
  }

  get(id: string): BreakpointView | undefined {
    return this.held.get(id)?.view;
  }

  /** False when no message is held under that id (it was resolved, or timed out). */
  continue(id: string, edited?: { message: unknown }): boolean {
    const held = this.held.get(id);
    if (!held) return false;
    this.options.onResolved?.(held.view, edited ? 'edited' : 'continued');
    held.settle(edited ? { kind: 'continue', edited: true, message: edited.message } : { kind: 'continue', edited: false });
    return true;
  }

  abort(id: string, error: { code?: number | undefined; message?: string | undefined } = {}): boolean {
    const held = this.held.get(id);
    if (!held) return false;
    this.options.onResolved?.(held.view, 'aborted');
    held.settle({ kind: 'abort', code: error.code ?? null, message: error.message ?? null });
    return true;
  }

  /** Shutdown: everything held goes on unchanged. */
  releaseAll(): void {
    for (const held of [...this.held.values()]) held.settle({ kind: 'timeout' });
  }
}
