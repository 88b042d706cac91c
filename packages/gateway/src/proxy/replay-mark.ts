import { timingSafeEqual } from 'node:crypto';
import type { ReplayMark } from '../capture/recorder.js';

/**
 * The header by which the gateway's own replay client marks what it sends to
 * `/s/<name>/mcp`. It carries a secret that only this gateway process knows, so
 * no client can make its traffic look like a replay; it is taken off before
 * anything is recorded or forwarded.
 */
export const REPLAY_HEADER = 'x-mcp-gateway-replay';

export interface ReplayMarker {
  /** The header value for a replay exchange (`replayOf` null for a replay session's own initialize, initialized and DELETE). */
  value(replayOf: number | null): string;
  /**
   * Removes the header from a flat header record (the proxy's own copy) and
   * says whether it marked a replay. Costs one property read when absent.
   */
  take(headers: Record<string, string>): ReplayMark | undefined;
}

export function replayMarker(secret: string): ReplayMarker {
  const expected = Buffer.from(secret);
  return {
    value: (replayOf) => `${secret} ${replayOf ?? '-'}`,
    take(headers) {
      const value = headers[REPLAY_HEADER];
      if (value === undefined) return undefined;
      delete headers[REPLAY_HEADER];
      const space = value.indexOf(' ');
      const presented = Buffer.from(space < 0 ? value : value.slice(0, space));
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
      const of = value.slice(space + 1);
      const replayOf = /^[1-9]\d{0,15}$/.test(of) ? Number(of) : null;
      return { replayOf };
    },
  };
}
