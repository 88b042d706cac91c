import type { Alert, ClearEvent, HealthEvent, MessageRecord } from '../types.js';

/** What the live feed carries. Only message events have ids (the message id); the others are state changes. */
export type FeedEvent =
  | { type: 'message'; id: number; data: MessageRecord }
  | { type: 'health'; data: HealthEvent }
  | { type: 'clear'; data: ClearEvent }
  /** An alert raised or seen again (alerts/), once it is on disk. */
  | { type: 'alert'; data: Alert };

export interface FeedOptions {
  /** Events one subscriber may have waiting; past this it is cut off (it resumes from its last id). */
  maxBuffered?: number;
}

export type FeedFilter = (event: FeedEvent) => boolean;

/**
 * Fans newly stored messages and state changes out to the open event streams.
 * Every subscriber has its own bounded queue: a subscriber that cannot keep up
 * is ended rather than allowed to grow memory, and reconnects from the last id
 * it saw (the database has everything).
 */
export class Feed {
  private readonly subscribers = new Set<Subscription>();
  private readonly maxBuffered: number;

  constructor(options: FeedOptions = {}) {
    this.maxBuffered = options.maxBuffered ?? 10_000;
  }

  subscribe(filter: FeedFilter = () => true): Subscription {
    const subscription = new Subscription(filter, this.maxBuffered, () => this.subscribers.delete(subscription));
    this.subscribers.add(subscription);
    return subscription;
  }

  /** Rows just stored, in id order. */
  publishMessages(rows: readonly MessageRecord[]): void {
    if (this.subscribers.size === 0) return;
    for (const row of rows) this.publish({ type: 'message', id: row.id, data: row });
  }

  publish(event: FeedEvent): void {
    for (const subscriber of this.subscribers) subscriber.offer(event);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Ends every subscription (shutdown): their streams finish instead of holding the server open. */
  close(): void {
    for (const subscriber of [...this.subscribers]) subscriber.close('closed');
  }
}

export type EndReason = 'closed' | 'overflow';

export class Subscription {
  private queue: FeedEvent[] = [];
  private waiter: ((event: FeedEvent | null | 'idle') => void) | null = null;
  private ended: EndReason | null = null;

  constructor(
    private readonly filter: FeedFilter,
    private readonly maxBuffered: number,
    private readonly onEnd: () => void,
  ) {}

  /** Why the subscription ended, or null while it runs. */
  get endReason(): EndReason | null {
    return this.ended;
  }

  offer(event: FeedEvent): void {
    if (this.ended || !this.filter(event)) return;
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(event);
      return;
    }
    if (this.queue.length >= this.maxBuffered) {
      this.close('overflow');
      return;
    }
    this.queue.push(event);
  }

  /** The next event; `null` once ended; `'idle'` when nothing came within `idleMs` (time for a keep-alive). */
  next(idleMs: number): Promise<FeedEvent | null | 'idle'> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve('idle');
      }, idleMs);
      timer.unref();
      this.waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  close(reason: EndReason): void {
    if (this.ended) return;
    this.ended = reason;
    // A subscriber cut off for falling behind resumes from the database; what it has queued is dropped.
    this.queue = [];
    this.onEnd();
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(null);
    }
  }
}
