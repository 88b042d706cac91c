import type Database from 'better-sqlite3';
import { MESSAGE_BLOCK_SIZE } from './schema.js';
import { whereOf } from './statements.js';

export interface ClearFilter {
  server?: string;
  /** Only messages with ids below this. */
  before?: number;
}

export interface ClearOutcome {
  removed: number;
  /** Database pages given back to the file system. */
  freedPages: number;
}

const STEP = 1000;

/**
 * Deletes messages (and the exchanges left without any) in small transactions,
 * one step per iteration, so a running gateway's writer and its event loop are
 * never held for long; then gives the space back. Triggers keep the full-text
 * index and the sessions in step.
 */
export function* clearSteps(sqlite: Database.Database, filter: ClearFilter): Generator<number, ClearOutcome> {
  const { where, params } = whereOf([
    ['server = ?', filter.server],
    ['id < ?', filter.before],
  ]);
  const deleteMessages = sqlite.prepare(
    `DELETE FROM messages WHERE id IN (SELECT id FROM messages ${where} ORDER BY id LIMIT ${STEP}) RETURNING exchange_id`,
  );
  let removed = 0;
  let lastExchange = 0;
  for (;;) {
    const rows = deleteMessages.all(...params) as Array<{ exchange_id: number | null }>;
    removed += rows.length;
    for (const row of rows) if (row.exchange_id !== null && row.exchange_id > lastExchange) lastExchange = row.exchange_id;
    if (rows.length < STEP) break;
    // Each step says how many messages it deleted (the writer thread keeps a count).
    yield rows.length;
  }

  const byServer = filter.server !== undefined ? 'e.server = ? AND' : '';
  const serverParam = filter.server !== undefined ? [filter.server] : [];
  // Everything of the server goes with a full clear; with `before`, only the
  // exchanges up to the last one cleared that no kept message still points to.
  const deleteExchanges =
    filter.before === undefined
      ? sqlite.prepare(`DELETE FROM exchanges WHERE id IN (SELECT e.id FROM exchanges e WHERE ${byServer} 1 LIMIT ${STEP})`)
      : sqlite.prepare(
          `DELETE FROM exchanges WHERE id IN (SELECT e.id FROM exchanges e WHERE ${byServer} e.id <= ?
             AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.exchange_id = e.id) LIMIT ${STEP})`,
        );
  const exchangeParams = filter.before === undefined ? serverParam : [...serverParam, lastExchange];
  while (deleteExchanges.run(...exchangeParams).changes === STEP) yield 0;

  // Time bounds of emptied id blocks would only make time filters read more.
  sqlite
    .prepare('DELETE FROM message_blocks WHERE NOT EXISTS (SELECT 1 FROM messages WHERE id >= block * 1024 AND id < block * 1024 + 1024)')
    .run();
  return { removed, freedPages: reclaim(sqlite) };
}

/**
 * Gives free pages back to the file system. Databases created by this version
 * use incremental auto-vacuum; a file from before that setting gets it now,
 * with a one-time full VACUUM (which rewrites the file once).
 */
function reclaim(sqlite: Database.Database): number {
  const pages = (): number => sqlite.pragma('page_count', { simple: true }) as number;
  const before = pages();
  if (sqlite.pragma('auto_vacuum', { simple: true }) === 0) {
    sqlite.pragma('auto_vacuum = INCREMENTAL');
    const tempStore = sqlite.pragma('temp_store', { simple: true }) as number;
    sqlite.pragma('temp_store = FILE');
    try {
      sqlite.exec('VACUUM');
    } finally {
      sqlite.pragma(`temp_store = ${tempStore}`);
    }
  } else {
    sqlite.pragma('incremental_vacuum');
  }
  // Copy the shrunk database out of the WAL and cut the file to size.
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return Math.max(0, before - pages());
}

/**
 * The first message id recorded at or after `from` (of `server`), or null when
 * none is. Deleting below it removes only messages older than `from`; ids and
 * times are not in step after an import, so older imported messages above it
 * are kept rather than newer ones lost.
 */
export function firstIdFrom(sqlite: Database.Database, from: number, server?: string): number | null {
  // The zone map (message_blocks) names the blocks of 1,024 ids that can hold
  // such a message, oldest first; the first block with one has the answer. A
  // plain min(id) ... WHERE timestamp >= ? reads the table in id order up to
  // there: half a second at a million rows.
  const blocks = sqlite.prepare('SELECT block FROM message_blocks WHERE max_timestamp >= ? ORDER BY block').pluck().all(from) as number[];
  const inBlock = sqlite
    .prepare(`SELECT min(id) FROM messages WHERE id >= ? AND id < ? AND +timestamp >= ?${server === undefined ? '' : ' AND server = ?'}`)
    .pluck();
  for (const block of blocks) {
    const first = block * MESSAGE_BLOCK_SIZE;
    const id = inBlock.get(first, first + MESSAGE_BLOCK_SIZE, from, ...(server === undefined ? [] : [server])) as number | null;
    if (id !== null) return id;
  }
  return null;
}

/** Clears in one go (the CLI, with no gateway running). Returns how many messages went. */
export function clearMessages(sqlite: Database.Database, filter: ClearFilter = {}): number {
  const steps = clearSteps(sqlite, filter);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value.removed;
  }
}

/** Runs one synchronous step of a write on the caller's connection (Writer.exclusive: while the writer thread is idle). */
export type StepRunner = <T>(step: () => T) => Promise<T>;

const nextTurn: StepRunner = async (step) => {
  await new Promise((resolve) => setImmediate(resolve));
  return step();
};

/** Clears step by step, letting the event loop (the proxy, the writer) run between steps. */
export async function clearMessagesStepwise(sqlite: Database.Database, filter: ClearFilter = {}, runStep: StepRunner = nextTurn): Promise<ClearOutcome> {
  const steps = clearSteps(sqlite, filter);
  for (;;) {
    const step = await runStep(() => steps.next());
    if (step.done) return step.value;
  }
}
