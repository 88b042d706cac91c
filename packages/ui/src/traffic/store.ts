// The rows of the traffic table for one query: the newest page from the API,
// older pages on demand (cursor `before=<id>`), and live messages from the
// feed, merged by id so nothing shows twice. Rows are kept in id order in one
// array that grows in place; readers re-render on `version`.
import type { ClearEvent, MessagePage } from '@mcp-gateway/gateway/types';
import type { ApiParams } from '../api/endpoints.js';
import type { CompiledQuery } from '../filter/query.js';
import { LIVE_MAX_BODY, type Feed, type LiveRecord } from '../live/feed.js';
import { hasTarget, isAnswer, toRow, type Row } from './row.js';
import { TargetNames, type GetMessage } from './targets.js';

export interface TrafficSnapshot {
  /** Matching rows, oldest first. The array may grow in place: watch `version`. */
  rows: Row[];
  version: number;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** More matching rows may exist before the first one. */
  hasOlder: boolean;
  loadingOlder: boolean;
}

export type ListMessages = (params: ApiParams) => Promise<MessagePage>;

export interface TrafficStoreOptions {
  pageSize?: number;
  /** Oldest rows are dropped past this many (they can be paged in again). */
  maxRows?: number;
  /** How an update is deferred so a burst renders once (default: next animation frame). */
  schedule?: (run: () => void) => void;
  /** Reads one message whole: used to name the tool of an answer whose request is not loaded. */
  getMessage?: GetMessage;
}

/** Pages to scan for one "load older" when the browser-side filter hides most rows. */
const MAX_SCAN_PAGES = 10;
const MIN_NEW_ROWS = 50;

const defaultSchedule = (run: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  else setTimeout(run, 16);
};

export class TrafficStore {
  private rows: Row[] = [];
  private readonly byId = new Map<number, Row>();
  private readonly targets: TargetNames;
  private snapshot: TrafficSnapshot;
  private readonly listeners = new Set<() => void>();
  private olderCursor: number | null = null;
  private buffered: LiveRecord[] | null = [];
  private scanAfter = 0;
  private catchingUp = false;
  private catchUpAgain = false;
  private emitQueued = false;
  private disposed = false;
  private unsubscribe: (() => void) | null = null;
  private readonly pageSize: number;
  private readonly maxRows: number;
  private readonly schedule: (run: () => void) => void;

  constructor(
    readonly query: CompiledQuery,
    private readonly feed: Feed,
    private readonly list: ListMessages,
    options: TrafficStoreOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.maxRows = options.maxRows ?? 250_000;
    this.schedule = options.schedule ?? defaultSchedule;
    this.targets = new TargetNames({
      getMessage: options.getMessage ?? null,
      learnt: (requestId, target) => this.learnTarget(requestId, target),
      settled: () => this.resolveOrphans(),
      disposed: () => this.disposed,
    });
    this.snapshot = { rows: this.rows, version: 0, status: 'loading', error: null, hasOlder: false, loadingOlder: false };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): TrafficSnapshot => this.snapshot;

  get(id: number): Row | undefined {
    return this.byId.get(id);
  }

  start(): void {
    this.unsubscribe = this.feed.subscribe({
      messages: (records) => this.onLive(records),
      clear: (event) => this.onClear(event),
    });
    this.scanAfter = this.feed.position ?? 0;
    void this.loadInitial();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe?.();
    this.listeners.clear();
  }

  /** Loads the next older page(s); scans on while the browser-side filter hides almost everything. */
  async loadOlder(): Promise<void> {
    const s = this.snapshot;
    if (!s.hasOlder || s.loadingOlder || s.status !== 'ready' || this.olderCursor === null) return;
    this.update({ loadingOlder: true });
    try {
      await this.scanOlder();
      this.update({ loadingOlder: false });
    } catch (error) {
      this.update({ loadingOlder: false, error: (error as Error).message });
    }
  }

  private async scanOlder(): Promise<void> {
    let added = 0;
    for (let pages = 0; pages < MAX_SCAN_PAGES && this.olderCursor !== null && added < MIN_NEW_ROWS; pages++) {
      const page = await this.list({ ...this.query.apiParams, before: String(this.olderCursor), limit: String(this.pageSize), maxBody: String(LIVE_MAX_BODY) });
      if (this.disposed) return;
      const older: Row[] = [];
      for (let i = page.messages.length - 1; i >= 0; i--) {
        const record = page.messages[i];
        if (!record || this.byId.has(record.id)) continue;
        this.targets.note(record);
        const row = toRow(record, this.targets.of(record));
        if (this.deferred(row)) continue;
        if (this.query.predicate(row)) older.push(row);
      }
      this.olderCursor = page.next && 'before' in page.next ? page.next.before : null;
      if (older.length) {
        const first = this.rows[0];
        if (first === undefined || (older[older.length - 1] as Row).id < first.id) {
          this.rows = older.concat(this.rows);
        } else {
          this.rows = [...older, ...this.rows].sort((a, b) => a.id - b.id);
        }
        for (const row of older) this.byId.set(row.id, row);
        added += older.length;
      }
      this.snapshot = { ...this.snapshot, rows: this.rows, hasOlder: this.olderCursor !== null };
      added += this.adoptOrphans();
    }
    this.resolveOrphans();
  }

  /**
   * Names the tool of answers in view whose request is not loaded (the list
   * API does not carry it): reads those requests, a few at a time.
   */
  resolveTargets(rows: readonly Row[]): void {
    const wanted = rows.filter((row) => row.target === null && isAnswer(row) && row.pairedId !== null && hasTarget(row.method)).map((row) => row.pairedId as number);
    this.targets.ask(wanted);
  }

  /**
   * With a tool: filter, an answer can only be judged once its request's
   * tool is known. Such answers wait here, by request id, until the request
   * is seen (usually the next older page) or read.
   */
  private readonly orphans = new Map<number, Row>();

  private deferred(row: Row): boolean {
    if (!this.query.usesTarget || row.target !== null || !isAnswer(row) || row.pairedId === null || !hasTarget(row.method)) return false;
    this.orphans.set(row.pairedId, row);
    return true;
  }

  /** Judges the waiting answers whose request's tool is now known; returns how many were added. */
  private adoptOrphans(): number {
    let added = 0;
    for (const [requestId, orphan] of this.orphans) {
      const target = this.targets.get(requestId);
      if (target === undefined) continue;
      this.orphans.delete(requestId);
      const row = { ...orphan, target };
      if (!this.byId.has(row.id) && this.query.predicate(row)) {
        this.insert(row);
        added++;
      }
    }
    return added;
  }

  /** Reads the requests of answers still waiting (their request lies outside what the filter loads). */
  private resolveOrphans(): void {
    this.targets.ask([...this.orphans.keys()]);
  }

  private learnTarget(requestId: number, target: string): void {
    const answerId = this.byId.get(requestId)?.pairedId;
    // Answers in the table that lacked the name.
    const candidates = answerId !== undefined && answerId !== null ? [answerId] : this.answersOf(requestId);
    for (const id of candidates) {
      const current = this.byId.get(id);
      const index = this.indexOf(id);
      if (!current || index === -1 || current.target !== null) continue;
      const updated = { ...current, target };
      this.rows[index] = updated;
      this.byId.set(id, updated);
    }
    this.adoptOrphans();
    this.queueEmit();
  }

  /** Ids of loaded answers to a request (their ids are above it; usually right after). */
  private answersOf(requestId: number): number[] {
    const out: number[] = [];
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.rows[mid] as Row).id <= requestId) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.rows.length && i < lo + 2000; i++) {
      const row = this.rows[i] as Row;
      if (row.pairedId === requestId && isAnswer(row)) out.push(row.id);
    }
    return out;
  }

  private async loadInitial(): Promise<void> {
    try {
      // The newest page: no cursor yet (the largest id the API takes means "from the newest").
      this.olderCursor = Number.MAX_SAFE_INTEGER;
      // The newest page, plus older ones while the browser-side filter leaves too few rows.
      await this.scanOlder();
      if (this.disposed) return;
      const newest = this.rows[this.rows.length - 1];
      this.scanAfter = Math.max(this.scanAfter, newest?.id ?? 0);
      const buffered = this.buffered ?? [];
      this.buffered = null;
      this.snapshot = { ...this.snapshot, status: 'ready', hasOlder: this.olderCursor !== null };
      if (buffered.length) this.onLive(buffered);
      this.emitNow();
    } catch (error) {
      if (this.disposed) return;
      this.buffered = null;
      this.update({ status: 'error', error: (error as Error).message });
    }
  }

  private onLive(records: LiveRecord[]): void {
    if (this.buffered !== null) {
      this.buffered.push(...records);
      return;
    }
    let newest = 0;
    for (const record of records) {
      newest = Math.max(newest, record.id);
      this.targets.note(record);
      if (isAnswer(record) && record.pairedId !== null) this.pairRequest(record);
      if (this.byId.has(record.id) || this.query.text !== null) continue;
      const row = toRow(record, this.targets.of(record));
      if (record.pairedId !== null && isAnswer(record)) {
        row.pair = { id: record.pairedId, kind: 'request', durationMs: record.durationMs, isError: false };
      }
      if (!this.deferred(row) && this.query.predicate(row)) this.insert(row);
    }
    this.adoptOrphans();
    this.resolveOrphans();
    // Full-text search runs in the database: ask it what of the new messages matches.
    if (this.query.text !== null && newest > this.scanAfter) void this.catchUp(newest);
    this.trim();
    this.queueEmit();
  }

  private async catchUp(newest: number): Promise<void> {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = true;
    try {
      let after = this.scanAfter;
      for (;;) {
        const page = await this.list({ ...this.query.apiParams, after: String(after), order: 'asc', limit: String(this.pageSize), maxBody: String(LIVE_MAX_BODY) });
        if (this.disposed) return;
        for (const record of page.messages) {
          after = Math.max(after, record.id);
          if (this.byId.has(record.id)) continue;
          this.targets.note(record);
          const row = toRow(record, this.targets.of(record));
          if (!this.deferred(row) && this.query.predicate(row)) this.insert(row);
        }
        this.adoptOrphans();
        if (!page.hasMore) break;
      }
      this.scanAfter = Math.max(after, newest);
      this.resolveOrphans();
      this.trim();
      this.queueEmit();
    } catch {
      // The next live message tries again.
    } finally {
      this.catchingUp = false;
    }
    if (this.catchUpAgain && !this.disposed) {
      this.catchUpAgain = false;
      void this.catchUp(this.feed.position ?? newest);
    }
  }

  private onClear(event: ClearEvent): void {
    const gone = (row: Row): boolean => row.id < event.before && (event.server === null || row.server === event.server);
    const kept = this.rows.filter((row) => !gone(row));
    for (const row of this.rows) if (gone(row)) this.byId.delete(row.id);
    this.rows = kept;
    if (event.server === null && this.olderCursor !== null && this.olderCursor <= event.before) this.olderCursor = null;
    this.snapshot = { ...this.snapshot, rows: this.rows, hasOlder: this.olderCursor !== null && this.snapshot.hasOlder && event.server !== null };
    this.emitNow();
  }

  private pairRequest(answer: LiveRecord): void {
    const requestId = answer.pairedId as number;
    const request = this.byId.get(requestId);
    if (!request) return;
    const updated: Row = {
      ...request,
      pairedId: answer.id,
      pair: { id: answer.id, kind: answer.kind, durationMs: answer.durationMs, isError: answer.isError },
    };
    const index = this.indexOf(requestId);
    if (index !== -1) this.rows[index] = updated;
    this.byId.set(requestId, updated);
  }

  private indexOf(id: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const midId = (this.rows[mid] as Row).id;
      if (midId === id) return mid;
      if (midId < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private insert(row: Row): void {
    const last = this.rows[this.rows.length - 1];
    if (last === undefined || row.id > last.id) {
      this.rows.push(row);
    } else {
      let lo = 0;
      let hi = this.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((this.rows[mid] as Row).id < row.id) lo = mid + 1;
        else hi = mid;
      }
      this.rows.splice(lo, 0, row);
    }
    this.byId.set(row.id, row);
  }

  private trim(): void {
    const excess = this.rows.length - this.maxRows;
    if (excess <= 0) return;
    for (const row of this.rows.splice(0, excess)) this.byId.delete(row.id);
    this.olderCursor = (this.rows[0] as Row).id;
    this.snapshot = { ...this.snapshot, hasOlder: true };
  }

  private update(patch: Partial<TrafficSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emitNow();
  }

  private queueEmit(): void {
    if (this.emitQueued) return;
    this.emitQueued = true;
    this.schedule(() => {
      this.emitQueued = false;
      this.emitNow();
    });
  }

  private emitNow(): void {
    if (this.disposed) return;
    this.snapshot = { ...this.snapshot, rows: this.rows, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }
}

/** Rows with each answer folded into its request (answers whose request is not loaded stay). */
export function foldPairs(rows: readonly Row[], has: (id: number) => boolean): Row[] {
  return rows.filter((row) => !(isAnswer(row) && row.pairedId !== null && has(row.pairedId)));
}
