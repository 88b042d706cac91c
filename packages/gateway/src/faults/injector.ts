// The one interface the proxy sees of fault rules. The proxy reads `active`
// first: while it is false (no rule, the default) nothing else is called and
// traffic takes its usual path.
import type { Direction, FaultAction, JsonRpcId } from '../types.js';
import type { BreakpointOutcome, HoldRequest } from './breakpoints.js';

/** Where in the traffic a rule is asked about. */
export interface FaultPoint {
  server: string;
  session: string | null;
  direction: Direction;
  /** The message's kind; for `stream`, the kind of the request whose answer stream it is (or null for a GET stream). */
  kind: 'request' | 'response' | 'error' | 'notification' | 'invalid' | null;
  /** The message's method; for answers, the method of the request they answer. */
  method: string | null;
  /** For tools/call and its answers: the tool. */
  tool: string | null;
  id?: JsonRpcId | null;
  /**
   * `message`: one message about to go on (every action but cut); `stream`: an SSE answer
   * stream about to start (cut only).
   */
  phase: 'message' | 'stream';
}

/** A rule that fired: what to do. */
export interface FiredFault {
  ruleId: string;
  action: FaultAction;
  /** For `delay`: the delay with its jitter drawn. */
  delayMs: number;
}

export interface FaultInjector {
  /** Whether any rule may fire now. False by default: the proxy then does nothing else. */
  readonly active: boolean;
  /** Whether some active rule could act on this server's traffic in this direction (then the proxy takes the fault path). */
  covers(server: string, session: string | null, direction: Direction): boolean;
  /** The first rule that fires for this point (counted as fired), or null. */
  fire(point: FaultPoint): FiredFault | null;
  /** Holds a message at a breakpoint until it is continued or aborted, its timeout passes, or `signal` aborts. */
  hold(request: HoldRequest, signal: AbortSignal): Promise<BreakpointOutcome>;
}
