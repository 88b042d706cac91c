import type Database from 'better-sqlite3';
import type { RetentionSetting } from '../registry/schema.js';
import { clearMessagesStepwise, firstIdFrom, type ClearOutcome, type StepRunner } from './clear.js';

export interface RetentionOptions {
  sqlite: Database.Database;
  /** Read each round, so a change to mcp.json applies without a restart. */
  limits: () => Required<RetentionSetting>;
  /**
   * Runs a step on `sqlite` once what the writer holds is written and while it
   * is idle (Writer.exclusive), so the counts are current and deletes never
   * contend with the writer.
   */
  exclusive: StepRunner;
  onPruned?: (outcome: ClearOutcome & { before: number; reason: string }) => void;
  onError?: (message: string) => void;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Keeps the recording within its limits (age, message count, file size) by
 * deleting the oldest messages in small steps, so pruning never stalls the
 * traffic being recorded. Runs shortly after start, then periodically.
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    this.schedule(1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pruning round; resolves when it is done. */
  prune(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.prune().finally(() => this.schedule(this.options.intervalMs ?? 60_000));
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    try {
      const cut = await this.options.exclusive(() => this.cutoff());
      if (!cut) return;
      const outcome = await clearMessagesStepwise(this.options.sqlite, { before: cut.before }, this.options.exclusive);
      this.options.onPruned?.({ ...outcome, ...cut });
    } catch (error) {
      this.options.onError?.(`retention pruning failed: ${(error as Error).message}`);
    }
  }

  /** The first id to keep, and the limit that asked for it; null when within every limit. */
  private cutoff(): { before: number; reason: string } | null {
    const { sqlite } = this.options;
    const limits = this.options.limits();
    const now = this.options.now?.() ?? Date.now();
    const span = sqlite.prepare('SELECT min(id) AS first, max(id) AS last FROM messages').get() as { first: number | null; last: number | null };
    const first = span.first;
    if (first === null || span.last === null) return null;
    const candidates: Array<{ before: number; reason: string }> = [];

    const oldestKept = now - limits.maxAgeDays * 86_400_000;
    const byAge = firstIdFrom(sqlite, oldestKept);
    candidates.push({ before: byAge ?? Number.MAX_SAFE_INTEGER, reason: `older than ${limits.maxAgeDays} days` });

    // Ids only grow, so the id span bounds the count: skip the full count while well within the limit.
    const bytes = (sqlite.pragma('page_count', { simple: true }) as number) * (sqlite.pragma('page_size', { simple: true }) as number);
    const mayExceed = span.last - first + 1 > limits.maxMessages || bytes > limits.maxBytes;
    const count = mayExceed ? (sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n : 0;
    if (count > limits.maxMessages) {
      const keepFrom = sqlite.prepare('SELECT id FROM messages ORDER BY id DESC LIMIT 1 OFFSET ?').get(limits.maxMessages - 1) as { id: number };
      candidates.push({ before: keepFrom.id, reason: `more than ${limits.maxMessages} messages` });
    }

    if (bytes > limits.maxBytes && count > 0) {
      // Drop the oldest share of messages the excess represents, plus a tenth for headroom.
      const share = Math.min(1, (bytes - limits.maxBytes) / bytes + 0.1);
      const keep = Math.max(0, Math.floor(count * (1 - share)));
      const keepFrom = keep === 0 ? undefined : (sqlite.prepare('SELECT id FROM messages ORDER BY id DESC LIMIT 1 OFFSET ?').get(keep - 1) as { id: number });
      candidates.push({ before: keepFrom?.id ?? Number.MAX_SAFE_INTEGER, reason: `database larger than ${limits.maxBytes} bytes` });
    }

    const chosen = candidates.reduce((a, b) => (b.before > a.before ? b : a));
    return chosen.before > first ? chosen : null;
  }
}
