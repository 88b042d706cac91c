// The storage writer thread (see batch-applier.ts: WorkerApplier): owns one
// connection to logs.db and commits the batches the main thread's Writer sends.
import { workerData, type MessagePort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { prepareBatch, type BatchStatements } from './batch.js';
import { openDatabase } from './db.js';
import { commitAndPrune, MessagePruner, SteppedClears } from './prune.js';
import { OPENED, type WorkerReply, type WorkerRequest, type WriterWorkerData } from './writer-worker-protocol.js';

/**
 * Waiting for another process's lock blocks only this thread, so it may wait
 * longer than the main thread's connection; past that the batch is reported
 * failed and the Writer retries it.
 */
const BUSY_TIMEOUT_MS = 1000;

function serve({ file, port, signal }: WriterWorkerData): void {
  const replies = new Int32Array(signal);
  const reply = (message: WorkerReply): void => {
    port.postMessage(message);
    Atomics.add(replies, 0, 1);
    Atomics.notify(replies, 0);
  };
  let sqlite: Database.Database;
  let batch: BatchStatements;
  let pruner: MessagePruner;
  let clears: SteppedClears;
  try {
    // The main thread has applied the migrations before starting this thread.
    ({ sqlite } = openDatabase(file, { busyTimeoutMs: BUSY_TIMEOUT_MS, migrate: false }));
    // Checkpoint every ~40 MB of WAL rather than ~4 MB: each checkpoint rewrites
    // index pages that the next batches dirty again, ~10% of a message's write
    // cost at a million rows. Readers are not slowed by a WAL this size.
    sqlite.pragma('wal_autocheckpoint = 10000');
    batch = prepareBatch(sqlite);
    pruner = new MessagePruner(sqlite);
    clears = new SteppedClears(sqlite, pruner);
  } catch (failure) {
    reply({ id: OPENED, error: (failure as Error).message });
    port.close();
    return;
  }
  reply({ id: OPENED, error: null });

  port.on('message', (request: WorkerRequest & { id: number }) => {
    const answer: WorkerReply = { id: request.id, error: null };
    try {
      if (request.type === 'apply') answer.value = commitAndPrune(sqlite, batch, pruner, request.ops, request.retention);
      else if (request.type === 'prune') answer.value = pruner.step(request.limits);
      else if (request.type === 'clear-step') answer.value = { done: clears.step(request.token, request.filter) };
      else if (request.type === 'pragma') answer.value = sqlite.pragma(request.statement, { simple: true });
      else sqlite.close();
    } catch (failure) {
      answer.error = (failure as Error).message;
    }
    reply(answer);
    if (request.type === 'close') port.close();
  });
}

serve(workerData as WriterWorkerData);
