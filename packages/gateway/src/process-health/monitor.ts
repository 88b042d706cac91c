import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ProcessHealth } from '../types.js';

export interface ProcessMonitorOptions {
  /** Child processes running now (the stdio servers' sessions). */
  children: () => number;
  /** The delay percentile covers this much time: the window before the last full one ended. */
  windowMs?: number;
  /** How often the loop is sampled; Node's histogram records whole intervals, this much is subtracted again. */
  resolutionMs?: number;
}

/**
 * The gateway's own vital signs for /api/health: memory, event-loop delay,
 * open descriptors and child processes, so a user (and the soak) can see the
 * steady state. The delay comes from Node's native event-loop histogram (a
 * libuv timer, nothing on the forwarding path); its p99 is over the last full
 * window, so one slow moment at start-up does not stay in it forever.
 */
export class ProcessMonitor {
  private readonly histogram: IntervalHistogram;
  private readonly resolutionMs: number;
  private readonly timer: NodeJS.Timeout;
  private lastWindowP99Ms: number | null = null;

  constructor(private readonly options: ProcessMonitorOptions) {
    this.resolutionMs = options.resolutionMs ?? 10;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.lastWindowP99Ms = this.p99Ms();
      this.histogram.reset();
    }, options.windowMs ?? 5000);
    this.timer.unref();
  }

  snapshot(): ProcessHealth {
    const memory = process.memoryUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      // Before the first window ends: what the current one has seen so far.
      eventLoopDelayP99Ms: this.lastWindowP99Ms ?? this.p99Ms(),
      openFds: openDescriptors(),
      children: this.options.children(),
    };
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private p99Ms(): number {
    if (this.histogram.count === 0) return 0;
    // Each sample is a whole timer interval in ns: the delay is what exceeds the resolution.
    return Math.max(0, Math.round((this.histogram.percentile(99) / 1e6 - this.resolutionMs) * 100) / 100);
  }
}

/** Descriptors this process has open (Linux: /proc/self/fd, less the one reading it); null where that is not available. */
export function openDescriptors(): number | null {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return null;
  }
}
