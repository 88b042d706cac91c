import type { RetentionLimits } from '../registry/schema.js';
import type { PruneLimits, PruneOutcome } from './prune.js';

/** Messages removed since the last report, and below which id nothing is left. */
export interface PruneSummary {
  removed: number;
  before: number;
  /** The limit that asked for the first removal of the period. */
  reason: string;
}

export interface RetentionOptions {
  /** Read every round, so a change to mcp.json applies without a restart. */
  limits: () => RetentionLimits;
  /** The writer: its batches enforce the limits in their own transactions; prune() runs a step between batches. */
  writer: { setRetention(limits: PruneLimits | null): void; prune(limits: PruneLimits): Promise<PruneOutcome | null> };
  /** For the live feed (a `clear` event): removals, coalesced to one call per `feedMs`. */
  onRemoved?: (summary: PruneSummary) => void;
  /** For the log and the audit: the first removal at once, then at most one summary per `reportMs`. */
  onPruned?: (summary: PruneSummary) => void;
  onError?: (message: string) => void;
  /** A round runs at least this often, with or without traffic: the age limit holds within it. */
  intervalMs?: number;
  reportMs?: number;
  feedMs?: number;
  now?: () => number;
}

/** How far over a limit the recording may get: the contract's 1% or 1,000 messages, 1% or 1 MB. */
export function allowance(limits: RetentionLimits): { messages: number; bytes: number } {
  return { messages: Math.max(Math.ceil(limits.maxMessages * 0.01), 1000), bytes: Math.max(Math.ceil(limits.maxBytes * 0.01), 1024 * 1024) };
}

/**
 * Keeps the recording within its limits (age, message count, database size)
 * at every moment, not once in a while. Every batch the writer commits ends,
 * in its own transaction, with the step that deletes what the batch brought
 * over the limits (MessagePruner, on the writer thread): pruning keeps pace
 * with recording, in steps the size of a batch, and never runs on the event
 * loop that forwards traffic. This class hands the writer the limits, runs a
 * step when there is no traffic (the age limit) or when one step was not
 * enough, and reports what was removed.
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastError: string | null = null;
  private readonly report: Coalescer;
  private readonly feed: Coalescer;

  constructor(private readonly options: RetentionOptions) {
    const now = options.now ?? Date.now;
    this.report = new Coalescer(options.reportMs ?? 60_000, now, (s) => options.onPruned?.(s));
    this.feed = new Coalescer(options.feedMs ?? 2_000, now, (s) => options.onRemoved?.(s));
  }

  start(): void {
    if (this.stopped || this.timer) return;
    void this.prune();
    this.timer = setInterval(() => void this.prune(), this.options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.options.writer.setRetention(null);
    await this.running;
    this.report.flush();
    this.feed.flush();
  }

  /** What a step did (Writer's onPruned): reported, and followed by another when it stopped at its budget. */
  pruned(outcome: PruneOutcome): void {
    if (outcome.error !== undefined) return this.failed(outcome.error);
    if (outcome.removed > 0 && outcome.before !== null && outcome.reason !== null) {
      const step = { removed: outcome.removed, before: outcome.before, reason: outcome.reason };
      this.report.add(step);
      this.feed.add(step);
    }
    if (outcome.more && !this.stopped) void this.prune();
  }

  /** One step between batches, with the limits as mcp.json says now; a call during one makes it run once more. */
  prune(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.step().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.prune();
      }
    });
    return this.running;
  }

  private async step(): Promise<void> {
    const limits = this.stepLimits();
    this.options.writer.setRetention(limits);
    try {
      await this.options.writer.prune(limits);
    } catch (error) {
      this.failed((error as Error).message);
    }
  }

  private failed(message: string): void {
    // Once per distinct failure: a step follows every batch.
    if (message === this.lastError) return;
    this.lastError = message;
    this.options.onError?.(`retention pruning failed: ${message}`);
  }

  private stepLimits(): PruneLimits {
    const limits = this.options.limits();
    return { maxMessages: limits.maxMessages, maxBytes: limits.maxBytes, maxAgeMs: limits.maxAgeSeconds * 1000, ageLabel: describeAge(limits.maxAgeSeconds) };
  }
}

/** "30 days", "2 hours", "90 seconds": the unit the number was most likely given in. */
export function describeAge(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = seconds / size;
    if (n >= 1 && Number.isInteger(n)) return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  if (seconds >= 86_400) return `${Number((seconds / 86_400).toPrecision(3))} days`;
  return `${Number(seconds.toPrecision(3))} second${seconds === 1 ? '' : 's'}`;
}

/** The first summary at once, then at most one per `everyMs` with what accumulated meanwhile. */
class Coalescer {
  private pending: PruneSummary | null = null;
  private last = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number,
    private readonly emit: (summary: PruneSummary) => void,
  ) {}

  add(step: PruneSummary): void {
    this.pending = this.pending
      ? { removed: this.pending.removed + step.removed, before: Math.max(this.pending.before, step.before), reason: this.pending.reason }
      : { ...step };
    const wait = this.last + this.everyMs - this.now();
    if (wait <= 0) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending) return;
    const summary = this.pending;
    this.pending = null;
    this.last = this.now();
    this.emit(summary);
  }
}
