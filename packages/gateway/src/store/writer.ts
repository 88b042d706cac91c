import type Database from 'better-sqlite3';
import { InlineApplier, WorkerApplier, type BatchApplier } from './batch-applier.js';
import { BatchRows } from './batch-rows.js';
import type { ClearFilter, ClearOutcome } from './clear.js';
import type { PruneLimits, PruneOutcome } from './prune.js';
import type { MessageRow, WriteOp } from './rows.js';

export interface WriterOptions {
  /** This thread's connection: where ids start, and where batches commit when there is no worker. */
  sqlite: Database.Database;
  /** Commit on a worker thread with its own connection to this file (the gateway). Without it, batches commit on this thread. */
  workerFile?: string;
  /** Longest a recorded message waits before it is on its way to disk: bounds what a crash can lose. */
  flushIntervalMs?: number;
  /** A queue this long is sent at once rather than on the timer. */
  flushBatchSize?: number;
  /** While storage fails, ops are kept for retry up to this many; older ones are dropped and counted. */
  maxPendingOps?: number;
  /** Called once per distinct storage failure, and once on recovery. */
  onError?: (message: string) => void;
  /** Called after each committed batch with the messages it wrote, in id order. */
  onFlushed?: (rows: MessageRow[]) => void;
  /** Called after each committed batch with all its ops (what else than messages is now on disk). */
  onCommitted?: (ops: readonly WriteOp[]) => void;
  /** Called when a batch's pruning step (see setRetention) or a prune() call removed messages, or failed. */
  onPruned?: (outcome: PruneOutcome) => void;
}

export interface WriterHealth {
  ok: boolean;
  error: string | null;
  pendingWrites: number;
  droppedWrites: number;
}

interface Waiter {
  /** Resolved once every op up to this sequence number is settled. */
  through: number;
  resolve: () => void;
}

interface Task {
  start(finish: () => void): void;
  cancel(): void;
}

/** One transaction's worth at most, so a backlog after an outage goes out in pieces others can run between. */
const MAX_BATCH_FACTOR = 5;

/**
 * Batches the recorder's writes into one transaction every few milliseconds so
 * recording never costs the proxied request a disk write. Ids are handed out
 * here, before the insert, so a response row can name its request in the same
 * batch. The batches are committed by a BatchApplier, in the gateway on a
 * worker thread, so the event loop that forwards traffic never waits for
 * SQLite. If storage fails the ops stay queued and are retried; traffic never
 * waits on the database.
 */
export class Writer {
  private queue: WriteOp[] = [];
  /** Sequence number of queue[0]; every op enqueued gets the next one. */
  private queueStart = 0;
  private inFlight: { ops: WriteOp[]; end: number } | null = null;
  /** Steps waiting for their turn on the committing connection (pruning, clearing: they run between batches), and whether one runs now. */
  private tasks: Task[] = [];
  private taskRunning = false;
  private nextClear = 1;
  /** The limits every batch's transaction enforces after its rows; null: no pruning with the batches. */
  private retention: PruneLimits | null = null;
  private idleWaiters: Array<() => void> = [];
  /** Every op below this is on disk or was dropped. */
  private settled = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The timer fired while a batch was in flight: send the next one as soon as it is done. */
  private due = false;
  private nextMessageId: number;
  private nextExchangeId: number;
  private error: string | null = null;
  private dropped = 0;
  private closed = false;
  private readonly applier: BatchApplier;
  private readonly healthListeners = new Set<(health: WriterHealth) => void>();
  private readonly options: Required<Pick<WriterOptions, 'flushIntervalMs' | 'flushBatchSize' | 'maxPendingOps'>> & WriterOptions;

  constructor(options: WriterOptions) {
    this.options = { flushIntervalMs: 50, flushBatchSize: 1000, maxPendingOps: 200_000, ...options };
    this.nextMessageId = highestId(options.sqlite, 'messages') + 1;
    this.nextExchangeId = highestId(options.sqlite, 'exchanges') + 1;
    this.applier = options.workerFile ? new WorkerApplier(options.workerFile) : new InlineApplier(options.sqlite);
  }

  /** Resolves once batches can be committed; rejects with why they cannot (the writer thread could not open the database). */
  ready(): Promise<void> {
    return this.applier.ready();
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
      this.queueStart += excess;
      this.dropped += excess;
    }
    // While storage fails only the retry timer (or an explicit flush) tries again.
    if (this.queue.length >= this.options.flushBatchSize && !this.error) this.send();
    else this.arm(this.options.flushIntervalMs);
  }

  /** Resolves once everything enqueued before the call is committed (or storage failed: see health()). */
  flush(): Promise<void> {
    const through = this.queueStart + this.queue.length;
    if (this.settled >= through) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push({ through, resolve }));
    this.send();
    return done;
  }

  /**
   * Commits everything enqueued so far before returning, blocking this thread
   * meanwhile: for shutdown, and for tests that read the file right after.
   */
  flushSync(): void {
    this.applier.waitSync();
    while (this.queue.length > 0) {
      this.send();
      this.applier.waitSync();
      // Failed: the ops stay queued for the retry timer.
      if (this.error) return;
    }
  }

  /**
   * Writes everything queued, then runs `fn` while no batch is in flight: a
   * write on this thread's connection (a clear step, an import) then never
   * contends with the writer's for SQLite's lock. `fn` must be synchronous.
   */
  async exclusive<T>(fn: () => T): Promise<T> {
    await this.flush();
    while (this.inFlight || this.taskRunning) {
      if (this.inFlight) await this.flush();
      else await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    return fn();
  }

  /**
   * The retention limits each batch enforces in its own transaction, right
   * after its rows (see commitAndPrune): the count never exceeds the limit by
   * more than one batch, whatever the load.
   */
  setRetention(limits: PruneLimits | null): void {
    this.retention = limits;
  }

  /**
   * Runs one retention step (MessagePruner.step) on the connection that commits,
   * between two batches: on the writer thread in the gateway, so deletes never
   * hold the event loop and never contend with the batches for the lock.
   * Resolves with null once the writer is closed.
   */
  prune(limits: PruneLimits): Promise<PruneOutcome | null> {
    return this.between<PruneOutcome>((done) => this.applier.prune(limits, done)).then((outcome) => {
      if (outcome && (outcome.removed > 0 || outcome.error)) this.options.onPruned?.(outcome);
      return outcome;
    });
  }

  /**
   * Deletes messages (and what they leave behind) like clear.ts's clearMessages,
   * one step of 1,000 rows per turn between two batches, on the connection that
   * commits: on the writer thread in the gateway, so a clear of a large store
   * never holds the event loop (at 10,000,000 rows a step took ~57 ms there).
   * Resolves with null if the writer closes before it is done.
   */
  async clear(filter: ClearFilter): Promise<ClearOutcome | null> {
    await this.flush();
    const token = this.nextClear++;
    for (;;) {
      const step = await this.between<{ done: ClearOutcome | null }>((done) => this.applier.clearStep(token, filter, done));
      if (step === null) return null;
      if (step.done) return step.done;
    }
  }

  /** Runs `start` on the committing connection when no batch is in flight; null once the writer is closed. */
  private between<T>(start: (done: (error: string | null, value: T | null) => void) => void): Promise<T | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise<T | null>((resolve, reject) => {
      this.tasks.push({
        start: (finish) =>
          start((error, value) => {
            finish();
            if (error !== null) reject(new Error(error));
            else resolve(value);
          }),
        cancel: () => resolve(null),
      });
      if (!this.inFlight && !this.taskRunning) this.runTask();
    });
  }

  health(): WriterHealth {
    const pendingWrites = this.queue.length + (this.inFlight?.ops.length ?? 0);
    return { ok: this.error === null, error: this.error, pendingWrites, droppedWrites: this.dropped };
  }

  /** Calls `listener` when storage starts failing (or fails differently) and when it recovers. */
  onHealthChange(listener: (health: WriterHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** Runs a pragma on the connection that commits the batches. */
  pragma(statement: string): unknown {
    return this.applier.pragma(statement);
  }

  /** Commits what is queued, stops accepting writes and ends the writer thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flushSync();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const task of this.tasks.splice(0)) task.cancel();
    await this.applier.close();
  }

  private arm(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.inFlight || this.taskRunning) this.due = true;
      else this.send();
    }, ms);
    this.timer.unref();
  }

  /** Hands the front of the queue to the applier, unless a batch is already in flight. */
  private send(): void {
    if (this.inFlight || this.taskRunning || this.queue.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = false;
    const count = Math.min(this.queue.length, this.options.flushBatchSize * MAX_BATCH_FACTOR);
    const ops = count === this.queue.length ? this.queue : this.queue.slice(0, count);
    this.queue = count === this.queue.length ? [] : this.queue.slice(count);
    this.queueStart += count;
    const batch = { ops, end: this.queueStart };
    this.inFlight = batch;
    this.applier.apply(ops, this.retention, (error, pruned) => {
      this.done(batch, error);
      if (pruned && (pruned.removed > 0 || pruned.error)) this.options.onPruned?.(pruned);
    });
  }

  private done(batch: { ops: WriteOp[]; end: number }, error: string | null): void {
    this.inFlight = null;
    if (error !== null) {
      // Keep the batch for a retry, ahead of anything queued meanwhile.
      this.queue = batch.ops.concat(this.queue);
      this.queueStart -= batch.ops.length;
      this.report(`storage write failed: ${error}`);
      this.release(Number.POSITIVE_INFINITY);
      this.arm(Math.max(this.options.flushIntervalMs, 1000));
      // Pruning still runs: what it deletes may be what a full disk needs.
      if (this.tasks.length > 0) this.runTask();
      return;
    }
    this.settled = batch.end;
    if (this.error) {
      this.error = null;
      this.options.onError?.('storage recovered; recording resumed');
      this.notifyHealth();
    }
    const rows = rowsAsWritten(batch.ops);
    if (rows.length > 0) this.options.onFlushed?.(rows);
    this.options.onCommitted?.(batch.ops);
    this.release(this.settled);
    if (this.tasks.length > 0) this.runTask();
    else this.next();
  }

  /** After a batch or a pruning step: the next batch now, or on the timer. */
  private next(): void {
    if (this.queue.length === 0 || this.closed) return;
    // While storage fails only the retry timer sends.
    if (this.error) return this.arm(Math.max(this.options.flushIntervalMs, 1000));
    if (this.due || this.waiters.length > 0 || this.queue.length >= this.options.flushBatchSize) this.send();
    else this.arm(this.options.flushIntervalMs);
  }

  /** One waiting step; batches go between two steps (each step is one turn). */
  private runTask(): void {
    const task = this.tasks.shift();
    if (!task) return;
    this.taskRunning = true;
    task.start(() => {
      this.taskRunning = false;
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
      // A batch before the next step, if one is waiting: recording keeps its pace during a long clear.
      if (this.queue.length > 0) this.next();
      if (!this.inFlight && this.tasks.length > 0) this.runTask();
    });
  }

  /** Resolves the flushes waiting for ops up to `through` (all of them when storage failed: they would wait for the outage). */
  private release(through: number): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.through <= through) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
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

/** The messages of a committed batch as they now are on disk (see BatchRows). */
function rowsAsWritten(ops: WriteOp[]): MessageRow[] {
  const batch = new BatchRows();
  for (const op of ops) {
    if (op.op === 'message') batch.add(op.row);
    else if (op.op === 'pair') batch.pair(op.requestId, op.responseId);
    else if (op.op === 'annotate') for (const id of op.ids) batch.annotate(id, op.httpStatus, op.sessionId);
  }
  return batch.rows;
}

export function highestId(sqlite: Database.Database, table: 'messages' | 'exchanges'): number {
  // sqlite_sequence remembers ids of deleted rows too, so ids are never reused
  // after a clear (clients resume the live stream by id).
  const seq = sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined;
  const max = sqlite.prepare(`SELECT max(id) AS max FROM ${table}`).get() as { max: number | null };
  return Math.max(seq?.seq ?? 0, max.max ?? 0);
}
