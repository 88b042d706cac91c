import type Database from 'better-sqlite3';
import { clearSteps, firstIdFrom, type ClearFilter, type ClearOutcome } from './clear.js';
import type { WriteOp } from './rows.js';
import { MESSAGE_BLOCK_SIZE } from './schema.js';

/** The limits of one pruning step, as the committing connection applies them. */
export interface PruneLimits {
  maxMessages: number;
  maxBytes: number;
  /** Messages recorded longer ago than this go. */
  maxAgeMs: number;
  /** How to name the age limit in the reason ("30 days"). */
  ageLabel: string;
}

/** What one step did, and where the recording stands after it. */
export interface PruneOutcome {
  removed: number;
  /** Messages with ids below this are gone; null when nothing was removed. */
  before: number | null;
  /** The limit that asked for the removal; null when within every limit. */
  reason: string | null;
  /** Over a limit still: the step stopped at its budget. */
  more: boolean;
  /** Messages and bytes in use (pages minus free pages) after the step. */
  count: number;
  bytes: number;
  /** Why the step failed (it changed nothing; the batch it followed is committed). */
  error?: string;
}

/** Rows deleted per transaction: each holds the writer thread for a few milliseconds at most. */
const STEP_ROWS = 500;
/**
 * Rows one call deletes at most, so batches of new messages get their turn in
 * between. As large as the largest batch (Writer: 5 × 1,000 ops), so the step
 * after each batch always takes back what the batch added over the count.
 */
const CALL_ROWS = 5000;
/** The age limit is looked up (in the zone map) at most this often; in between the last answer holds. */
const AGE_CHECK_MS = 1000;
/**
 * A full count(*) at least this often, as a safety net: other connections'
 * changes are caught by data_version, this connection's are counted, so it
 * should never find a difference (it costs about a second at 10,000,000 rows,
 * on the writer thread).
 */
const RECOUNT_MS = 10 * 60_000;
/**
 * The search index keeps a deleted message's terms (as delete markers beside
 * them) until the segments holding both are merged, and under steady pruning
 * the oldest, largest segments merge seldom: measured, the index grew to five
 * times its live size, half the database, and the size limit then kept fewer
 * messages. So after every so many deleted rows the step does some merging
 * work itself: FTS5's 'merge' with a negative budget merges any segments
 * (like 'optimize', a bounded number of pages at a time).
 */
const MERGE_AFTER_ROWS = 2000;
/** Pages of merging per deleted row; about what keeps the index near its live size (measured: 1 page per 6 rows). */
const MERGE_PAGES_PER_ROW = 1 / 5;

/**
 * Deletes the oldest messages past the retention limits, in small
 * transactions, on the connection that commits the writer's batches (the
 * writer thread). It keeps the message count itself: the batches it commits
 * add to it, its deletes take from it, and a change by any other connection
 * (a clear, an import) makes it count again, so a step costs a few indexed
 * lookups rather than a count(*) over the table.
 */
export class MessagePruner {
  private count: number | null = null;
  private countedAt = 0;
  private dataVersion = -1;
  /** Every id below this was old at the last age check (at `agedAt`). */
  private agedBelow = 0;
  private agedAt = Number.NEGATIVE_INFINITY;
  private agedFor = Number.NaN;
  /** Rows deleted since the search index was last merged. */
  private unmerged = 0;
  private readonly span: Database.Statement;
  private readonly countAll: Database.Statement;
  private readonly deleteOldest: Database.Statement;
  private readonly deleteExchanges: Database.Statement;
  private readonly deleteBlocks: Database.Statement;
  private readonly oldestTimestamp: Database.Statement;
  private readonly firstStderrKept: Database.Statement;
  private readonly deleteStderr: Database.Statement;
  private readonly nth: Database.Statement;
  private readonly mergeIndex: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    this.span = sqlite.prepare('SELECT (SELECT min(id) FROM messages) AS first, (SELECT max(id) FROM messages) AS last');
    this.countAll = sqlite.prepare('SELECT count(*) FROM messages').pluck();
    this.deleteOldest = sqlite.prepare(
      `DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE id < ? ORDER BY id LIMIT ?) RETURNING id, exchange_id`,
    );
    // Exchanges up to the newest one a deleted message pointed to, that no kept message still points to.
    this.deleteExchanges = sqlite.prepare(
      `DELETE FROM exchanges WHERE id IN (SELECT e.id FROM exchanges e WHERE e.id <= ?
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.exchange_id = e.id) LIMIT ${STEP_ROWS})`,
    );
    this.deleteBlocks = sqlite.prepare('DELETE FROM message_blocks WHERE block < ?');
    this.oldestTimestamp = sqlite.prepare('SELECT timestamp FROM messages ORDER BY id LIMIT 1').pluck();
    // stderr ids follow time: the first line at or after the cut bounds the lines to delete (all of them when none is that recent).
    this.firstStderrKept = sqlite
      .prepare('SELECT coalesce((SELECT id FROM stderr_lines WHERE timestamp >= ? ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM stderr_lines))')
      .pluck();
    this.nth = sqlite.prepare('SELECT id FROM messages WHERE id >= ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    this.mergeIndex = sqlite.prepare(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)`);
    this.deleteStderr = sqlite.prepare(`DELETE FROM stderr_lines WHERE id IN (SELECT id FROM stderr_lines WHERE id < ? ORDER BY id LIMIT ${STEP_ROWS})`);
  }

  /** The writer committed `messages` new rows on this connection. */
  inserted(messages: number): void {
    if (this.count !== null) this.count += messages;
  }

  /** Something else on this connection (a clear's step) deleted `messages` rows. */
  deleted(messages: number): void {
    if (this.count !== null) this.count = Math.max(0, this.count - messages);
  }

  /** One bounded round: deletes the oldest messages over the limits, up to CALL_ROWS of them. */
  step(limits: PruneLimits, now = Date.now()): PruneOutcome {
    const { first, last } = this.span.get() as { first: number | null; last: number | null };
    if (first === null || last === null) {
      this.count = 0;
      return { removed: 0, before: null, reason: null, more: false, count: 0, bytes: this.bytes() };
    }
    const count = this.currentCount(now);
    const bytes = this.bytes();
    // By count and by size the oldest n go; by age every id below the first recent one.
    const byCount = count - limits.maxMessages;
    // The excess as a share of the messages, plus a little headroom, so the next
    // batches do not bring it straight back over (space is freed page by page).
    const byBytes = bytes > limits.maxBytes && count > 0 ? Math.ceil(count * Math.min(1, (bytes - limits.maxBytes) / bytes + 0.002)) : 0;
    const byAge = this.ageCut(limits.maxAgeMs, now, last);
    const oldest = Math.max(byCount, byBytes);
    if (oldest <= 0 && byAge <= first) return { removed: 0, before: null, reason: null, more: false, count, bytes };
    // ids below first + n are at least the oldest n (fewer when there are gaps): read only as far as this call deletes.
    const byOldest = oldest > 0 ? this.idAfter(first, Math.min(oldest, CALL_ROWS)) : first;
    const cut = Math.max(byOldest, byAge);
    const reason =
      byAge >= byOldest ? `older than ${limits.ageLabel}` : byCount >= byBytes ? `more than ${limits.maxMessages} messages` : `database larger than ${limits.maxBytes} bytes`;

    let removed = 0;
    let lastId = 0;
    let lastExchange = 0;
    const deleteStep = this.sqlite.transaction((limit: number): number => {
      const rows = this.deleteOldest.all(cut, limit) as Array<{ id: number; exchange_id: number | null }>;
      for (const row of rows) {
        if (row.id > lastId) lastId = row.id;
        if (row.exchange_id !== null && row.exchange_id > lastExchange) lastExchange = row.exchange_id;
      }
      return rows.length;
    });
    while (removed < CALL_ROWS) {
      const done = deleteStep(Math.min(STEP_ROWS, CALL_ROWS - removed));
      removed += done;
      if (done < STEP_ROWS) break;
    }
    if (this.count !== null) this.count = Math.max(0, this.count - removed);
    this.unmerged += removed;
    if (this.unmerged >= MERGE_AFTER_ROWS) {
      this.mergeIndex.run(-Math.ceil(this.unmerged * MERGE_PAGES_PER_ROW));
      this.unmerged = 0;
    }
    this.tidy(lastExchange);
    // Oldest first: every id up to the last one deleted is gone.
    const more = removed >= CALL_ROWS && (oldest > CALL_ROWS || lastId + 1 < cut);
    return { removed, before: removed > 0 ? lastId + 1 : null, reason: removed > 0 ? reason : null, more, count: this.count ?? count, bytes: this.bytes() };
  }

  /** Every id below the result is older than the age limit (looked up once a second at most). */
  private ageCut(maxAgeMs: number, now: number, last: number): number {
    if (now - this.agedAt >= AGE_CHECK_MS || maxAgeMs !== this.agedFor) {
      this.agedBelow = firstIdFrom(this.sqlite, now - maxAgeMs) ?? last + 1;
      this.agedAt = now;
      this.agedFor = maxAgeMs;
    }
    return this.agedBelow;
  }

  /** The id `n` rows after `first`, reading only the primary key (n is at most what one call deletes). */
  private idAfter(first: number, n: number): number {
    return (this.nth.get(first, n) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  }

  /** What the deleted messages leave behind: exchanges, zone-map blocks and stderr lines older than every kept message, and free pages. */
  private tidy(lastExchange: number): void {
    this.sqlite.transaction(() => {
      if (lastExchange > 0) while (this.deleteExchanges.run(lastExchange).changes === STEP_ROWS);
      const { first } = this.span.get() as { first: number | null };
      if (first !== null) this.deleteBlocks.run(Math.floor(first / MESSAGE_BLOCK_SIZE));
      const oldest = this.oldestTimestamp.get() as number | undefined;
      if (oldest !== undefined) {
        const keepFrom = this.firstStderrKept.get(oldest) as number | null;
        if (keepFrom !== null) while (this.deleteStderr.run(keepFrom).changes === STEP_ROWS);
      }
    })();
    // The file shrinks as it goes (the database uses incremental auto-vacuum; a file from
    // before that setting is converted by the next clear, not here: that is a full VACUUM).
    if (this.sqlite.pragma('auto_vacuum', { simple: true }) === 2) this.sqlite.pragma('incremental_vacuum');
  }

  private bytes(): number {
    const pages = (this.sqlite.pragma('page_count', { simple: true }) as number) - (this.sqlite.pragma('freelist_count', { simple: true }) as number);
    return pages * (this.sqlite.pragma('page_size', { simple: true }) as number);
  }

  private currentCount(now: number): number {
    const version = this.sqlite.pragma('data_version', { simple: true }) as number;
    if (this.count === null || version !== this.dataVersion || now - this.countedAt > RECOUNT_MS) {
      this.count = this.countAll.get() as number;
      this.countedAt = now;
      this.dataVersion = version;
    }
    return this.count;
  }
}

/**
 * Commits a batch and, in the same transaction, the pruning step it calls for:
 * a reader never sees the recording over its limits by more than what one
 * step leaves (nothing, for the count). A pruning failure is reported in the
 * outcome's place and leaves the batch committed.
 */
export function commitAndPrune(
  sqlite: Database.Database,
  batch: { applyAll(ops: WriteOp[]): unknown[] },
  pruner: MessagePruner,
  ops: WriteOp[],
  retention: PruneLimits | null,
): PruneOutcome | null {
  return sqlite.transaction((): PruneOutcome | null => {
    pruner.inserted(batch.applyAll(ops).length);
    if (!retention) return null;
    try {
      return pruner.step(retention);
    } catch (failure) {
      return { removed: 0, before: null, reason: null, more: false, count: 0, bytes: 0, error: (failure as Error).message };
    }
  })();
}

/**
 * Clears on the committing connection one step at a time, as clearMessages
 * does in one go; the pruner's count follows what each step deletes.
 */
export class SteppedClears {
  private readonly running = new Map<number, { steps: Generator<number, ClearOutcome>; deleted: number }>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly pruner: MessagePruner,
  ) {}

  /** Runs the next step of clear `token`; its outcome once it is done, else null. */
  step(token: number, filter: ClearFilter): ClearOutcome | null {
    let clear = this.running.get(token);
    if (!clear) {
      clear = { steps: clearSteps(this.sqlite, filter), deleted: 0 };
      this.running.set(token, clear);
    }
    let step: IteratorResult<number, ClearOutcome>;
    try {
      step = clear.steps.next();
    } catch (error) {
      this.running.delete(token);
      throw error;
    }
    if (!step.done) {
      clear.deleted += step.value;
      this.pruner.deleted(step.value);
      return null;
    }
    this.running.delete(token);
    this.pruner.deleted(step.value.removed - clear.deleted);
    return step.value;
  }
}
