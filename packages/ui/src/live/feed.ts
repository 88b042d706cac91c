// The app's one connection to GET /api/events. It reads the stream with
// fetch (so a 401 is seen and the auth mechanism stays in client.ts),
// remembers the last event id, and on any drop reconnects with Last-Event-ID:
// the gateway replays what was missed, exactly once.
import type { Alert, ClearEvent, HealthEvent, MessageRecord } from '@mcp-gateway/gateway/types';
import { ApiError, openStream } from '../api/client.js';
import { SseParser, type SseEvent } from '../api/sse.js';

/** A message as the stream carries it: the record with its body cut to the stream's maxBody. */
export type LiveRecord = MessageRecord & { bodyClipped: boolean };

export interface FeedListener {
  /** New messages, in id order, a batch per chunk read. */
  messages?(records: LiveRecord[]): void;
  clear?(event: ClearEvent): void;
  health?(event: HealthEvent): void;
  /** An alert was raised or seen again. */
  alert?(alert: Alert): void;
}

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

export interface Feed {
  readonly status: FeedStatus;
  /** Id of the newest message the stream has passed (null before it first connected). */
  readonly position: number | null;
  subscribe(listener: FeedListener): () => void;
  onStatus(listener: (status: FeedStatus) => void): () => void;
}

/** Characters of each body the stream sends: enough to read a tool name, small enough for 100,000 rows. */
export const LIVE_MAX_BODY = 600;

export class LiveFeed implements Feed {
  status: FeedStatus = 'connecting';
  position: number | null = null;
  private readonly listeners = new Set<FeedListener>();
  private readonly statusListeners = new Set<(status: FeedStatus) => void>();
  private controller: AbortController | null = null;
  private retryMs = 1000;
  private stopped = true;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: FeedStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: FeedStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        const body = await openStream(`/events?maxBody=${LIVE_MAX_BODY}`, this.position === null ? null : String(this.position), this.controller.signal);
        failures = 0;
        await this.read(body);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          this.setStatus('unauthorized');
          this.stopped = true;
          return;
        }
        failures++;
      }
      if (this.stopped) return;
      this.setStatus('reconnecting');
      // Quick first retry (the gateway asks for 1 s), then back off to 5 s.
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, this.retryMs * Math.max(1, failures))));
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const parser = new SseParser((event) => this.handle(event));
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parser.push(value);
        this.flush();
      }
    } finally {
      this.flush();
      reader.releaseLock();
    }
  }

  private batch: LiveRecord[] = [];

  private flush(): void {
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    for (const listener of this.listeners) listener.messages?.(records);
  }

  private handle(event: SseEvent): void {
    if (event.retry !== null) this.retryMs = event.retry;
    if (event.id !== null && /^\d+$/.test(event.id)) {
      this.position = Number(event.id);
      this.setStatus('live');
    }
    if (event.data === null) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (event.event === 'message') {
      this.batch.push(data as LiveRecord);
      return;
    }
    // State changes apply after the messages before them.
    this.flush();
    if (event.event === 'clear') for (const listener of this.listeners) listener.clear?.(data as ClearEvent);
    else if (event.event === 'health') for (const listener of this.listeners) listener.health?.(data as HealthEvent);
    else if (event.event === 'alert') for (const listener of this.listeners) listener.alert?.(data as Alert);
  }
}
