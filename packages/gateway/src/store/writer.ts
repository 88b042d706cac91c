import type Database from 'better-sqlite3';
import { prepareBatch, type BatchStatements } from './batch.js';
import type { MessageRow, WriteOp } from './rows.js';

export interface WriterOptions {
  sqlite: Database.Database;
  /** Longest a recorded message waits before it is on disk: bounds what a crash can lose. */
  flushIntervalMs?: number;
  /** A queue this long is flushed at once rather than on the timer. */
  flushBatchSize?: number;
  /** While storage fails, ops are kept for retry up to this many; older ones are dropped and counted. */
  maxPendingOps?: number;
  /** Called once per distinct storage failure, and once on recovery. */
  onError?: (message: string) => void;
  /** Called after each successful flush with the messages it wrote, in id order. */
  onFlushed?: (rows: MessageRow[]) => void;
}

export interface WriterHealth {
  ok: boolean;
  error: string | null;
  pendingWrites: number;
  droppedWrites: number;
}

/**
 * Batches the recorder's writes into one transaction every few milliseconds so
 * recording never costs the proxied request a disk write. Ids are handed out
 * here, before the insert, so a response row can name its request in the same
 * batch. If storage fails the ops stay queued and are retried; traffic never
 * waits on the database.
 */
export class Writer {
  private queue: WriteOp[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextMessageId: number;
  private nextExchangeId: number;
  private error: string | null = null;
  private dropped = 0;
  private closed = false;
  private readonly statements: BatchStatements;
  private readonly healthListeners = new Set<(health: WriterHealth) => void>();
  private readonly options: Required<Omit<WriterOptions, 'onError' | 'onFlushed'>> & WriterOptions;

  constructor(options: WriterOptions) {
    this.options = { flushIntervalMs: 50, flushBatchSize: 1000, maxPendingOps: 200_000, ...options };
    this.statements = prepareBatch(options.sqlite);
    this.nextMessageId = highestId(options.sqlite, 'messages') + 1;
    this.nextExchangeId = highestId(options.sqlite, 'exchanges') + 1;
  }

  allocateMessageId(): number {
    return this.nextMessageId++;
  }

  allocateExchangeId(): number {
    return this.nextExchangeId++;
  }

  enqueue(op: WriteOp): void {
    if (this.closed) return;
    this.queue.push(op);
    if (this.queue.length > this.options.maxPendingOps) {
      const excess = this.queue.length - this.options.maxPendingOps;
      this.queue.splice(0, excess);
      this.dropped += excess;
    }
    if (this.queue.length >= this.options.flushBatchSize) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything queued now. Safe to call at any time. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let written: MessageRow[];
    try {
      written = this.statements.applyAll(batch);
    } catch (failure) {
      // Keep the batch for a retry, ahead of anything queued meanwhile.
      this.queue = batch.concat(this.queue);
      this.report(`storage write failed: ${(failure as Error).message}`);
      if (!this.closed && !this.timer) {
        this.timer = setTimeout(() => this.flush(), Math.max(this.options.flushIntervalMs, 1000));
        this.timer.unref();
      }
      return;
    }
    if (this.error) {
      this.error = null;
      this.options.onError?.('storage recovered; recording resumed');
      this.notifyHealth();
    }
    if (written.length > 0) this.options.onFlushed?.(written);
  }

  health(): WriterHealth {
    return { ok: this.error === null, error: this.error, pendingWrites: this.queue.length, droppedWrites: this.dropped };
  }

  /** Calls `listener` when storage starts failing (or fails differently) and when it recovers. */
  onHealthChange(listener: (health: WriterHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** Flushes what is queued and stops accepting writes. */
  close(): void {
    this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private report(message: string): void {
    if (message === this.error) return;
    this.error = message;
    this.options.onError?.(message);
    this.notifyHealth();
  }

  private notifyHealth(): void {
    const health = this.health();
    for (const listener of this.healthListeners) listener(health);
  }
}

export function highestId(sqlite: Database.Database, table: 'messages' | 'exchanges'): number {
  // sqlite_sequence remembers ids of deleted rows too, so ids are never reused
  // after a clear (clients resume the live stream by id).
  const seq = sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined;
  const max = sqlite.prepare(`SELECT max(id) AS max FROM ${table}`).get() as { max: number | null };
  return Math.max(seq?.seq ?? 0, max.max ?? 0);
}
