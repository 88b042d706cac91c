// Refused requests (a missing or wrong token, a foreign Host or Origin) are
// counted, not reported one by one: a script retrying in a loop, or a web page
// probing the port, must flood neither the log nor the audit table.

export type RefusalKind = 'token.refused' | 'request.refused';

export interface RefusalCounterOptions {
  /** Called with the first refusal of a kind and reason at once (count 1), then once per window with how many more came (`repeated`). */
  report: (kind: RefusalKind, reason: string, count: number, repeated: boolean) => void;
  /** Default: one minute. */
  windowMs?: number;
}

interface Window {
  kind: RefusalKind;
  reason: string;
  more: number;
  timer: NodeJS.Timeout;
}

/** At most one report per kind and reason per window, each carrying its count, so nothing is lost and nothing floods. */
export class RefusalCounter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: RefusalCounterOptions) {}

  note(kind: RefusalKind, reason: string): void {
    const key = `${kind}\u0000${reason}`;
    const open = this.windows.get(key);
    if (open) {
      open.more += 1;
      return;
    }
    this.options.report(kind, reason, 1, false);
    this.open(key, kind, reason);
  }

  /** Reports what the open windows counted (at shutdown), and stops their timers. */
  close(): void {
    for (const window of this.windows.values()) {
      clearTimeout(window.timer);
      if (window.more > 0) this.options.report(window.kind, window.reason, window.more, true);
    }
    this.windows.clear();
  }

  private open(key: string, kind: RefusalKind, reason: string): void {
    const timer = setTimeout(() => {
      const window = this.windows.get(key);
      this.windows.delete(key);
      // A refusal that keeps coming is reported again a window later; a quiet one closes.
      if (window && window.more > 0) {
        this.options.report(kind, reason, window.more, true);
        this.open(key, kind, reason);
      }
    }, this.options.windowMs ?? 60_000);
    timer.unref();
    this.windows.set(key, { kind, reason, more: 0, timer });
  }
}

/** The gateway log's line for a report. Reasons are fixed words (no token, wrong token, host, origin), never header values. */
export function refusalLine(kind: RefusalKind, reason: string, count: number, repeated: boolean): string {
  const what = kind === 'token.refused' ? `refused an API request: ${reason}` : `refused a request: its ${reason === 'host' ? 'Host' : 'Origin'} is not this gateway's`;
  return repeated ? `${what} (${count} more since the last report)` : what;
}
