import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { prepareBatch, type BatchStatements } from './batch.js';
import type { ClearFilter, ClearOutcome } from './clear.js';
import { commitAndPrune, MessagePruner, SteppedClears, type PruneLimits, type PruneOutcome } from './prune.js';
import type { WriteOp } from './rows.js';
import { OPENED, type WorkerReply, type WorkerRequest, type WriterWorkerData } from './writer-worker-protocol.js';

/**
 * Where the writer's batches are committed. One batch at a time: `apply` is
 * only called when the previous batch's `done` has run.
 */
export interface BatchApplier {
  /** Resolves once it can commit; rejects with the reason it cannot (the database will not open there). */
  ready(): Promise<void>;
  /**
   * Starts committing `ops` in one transaction; `done` gets null, or why it failed (nothing of the batch is then on disk).
   * With `retention`, the same transaction then deletes what is over the limits (`pruned`: what it did).
   */
  apply(ops: WriteOp[], retention: PruneLimits | null, done: (error: string | null, pruned: PruneOutcome | null) => void): void;
  /** Deletes the oldest messages over `limits`, in a bounded step, on the connection that commits (see MessagePruner). */
  prune(limits: PruneLimits, done: (error: string | null, outcome: PruneOutcome | null) => void): void;
  /** One step of clear `token` on the connection that commits (SteppedClears); `done` gets its outcome once finished. */
  clearStep(token: number, filter: ClearFilter, done: (error: string | null, step: { done: ClearOutcome | null } | null) => void): void;
  /** Blocks this thread until the batch in flight, if any, is done and its `done` has run. */
  waitSync(): void;
  /** Runs a pragma on the connection that commits (tests use max_page_count to stand in for a full disk). */
  pragma(statement: string): unknown;
  close(): Promise<void>;
}

/** Commits on the calling thread, with the caller's connection (tests, tools, in-memory databases). */
export class InlineApplier implements BatchApplier {
  private readonly statements: BatchStatements;
  private readonly pruner: MessagePruner;
  private readonly clears: SteppedClears;

  constructor(private readonly sqlite: Database.Database) {
    this.statements = prepareBatch(sqlite);
    this.pruner = new MessagePruner(sqlite);
    this.clears = new SteppedClears(sqlite, this.pruner);
  }

  clearStep(token: number, filter: ClearFilter, done: (error: string | null, step: { done: ClearOutcome | null } | null) => void): void {
    let step: { done: ClearOutcome | null };
    try {
      step = { done: this.clears.step(token, filter) };
    } catch (failure) {
      done((failure as Error).message, null);
      return;
    }
    done(null, step);
  }

  apply(ops: WriteOp[], retention: PruneLimits | null, done: (error: string | null, pruned: PruneOutcome | null) => void): void {
    let pruned: PruneOutcome | null;
    try {
      pruned = commitAndPrune(this.sqlite, this.statements, this.pruner, ops, retention);
    } catch (failure) {
      done((failure as Error).message, null);
      return;
    }
    done(null, pruned);
  }

  prune(limits: PruneLimits, done: (error: string | null, outcome: PruneOutcome | null) => void): void {
    let outcome: PruneOutcome;
    try {
      outcome = this.pruner.step(limits);
    } catch (failure) {
      done((failure as Error).message, null);
      return;
    }
    done(null, outcome);
  }

  waitSync(): void {}

  ready(): Promise<void> {
    return Promise.resolve();
  }

  pragma(statement: string): unknown {
    return this.sqlite.pragma(statement, { simple: true });
  }

  async close(): Promise<void> {}
}

/** Longest a synchronous wait lasts before it gives up on a worker that stopped answering. */
const SYNC_WAIT_MS = 30_000;

/**
 * Commits on a worker thread with its own connection, so the SQLite work of
 * recording (inserts, index and trigger maintenance, WAL checkpoints) never
 * holds the event loop that forwards traffic. Replies come back on a message
 * port; a shared counter lets the thread also wait for one synchronously
 * (shutdown, tests) with Atomics.wait.
 */
export class WorkerApplier implements BatchApplier {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextRequest = 1;
  private pending: { id: number; settle: (reply: WorkerReply) => void } | null = null;
  private started: Promise<void> = Promise.resolve();
  private opened: (error: string | null) => void = () => undefined;

  constructor(private readonly file: string) {
    this.start();
  }

  ready(): Promise<void> {
    return this.started;
  }

  apply(ops: WriteOp[], retention: PruneLimits | null, done: (error: string | null, pruned: PruneOutcome | null) => void): void {
    this.send({ type: 'apply', ops, retention }, (reply) => done(reply.error, (reply.value as PruneOutcome | null | undefined) ?? null));
  }

  prune(limits: PruneLimits, done: (error: string | null, outcome: PruneOutcome | null) => void): void {
    this.send({ type: 'prune', limits }, (reply) => done(reply.error, reply.error === null ? (reply.value as PruneOutcome) : null));
  }

  clearStep(token: number, filter: ClearFilter, done: (error: string | null, step: { done: ClearOutcome | null } | null) => void): void {
    this.send({ type: 'clear-step', token, filter }, (reply) => done(reply.error, reply.error === null ? (reply.value as { done: ClearOutcome | null }) : null));
  }

  waitSync(): void {
    const deadline = Date.now() + SYNC_WAIT_MS;
    while (this.pending && this.port) {
      const seen = Atomics.load(this.signal, 0);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        this.receive(received.message as WorkerReply);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.signal, 0, seen, left) === 'timed-out') {
        this.fail('storage writer thread did not answer in time');
      }
    }
  }

  pragma(statement: string): unknown {
    this.waitSync();
    let value: unknown;
    this.send({ type: 'pragma', statement }, (reply) => {
      if (reply.error) throw new Error(reply.error);
      value = reply.value;
    });
    this.waitSync();
    return value;
  }

  async close(): Promise<void> {
    this.waitSync();
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.send({ type: 'close' }, () => undefined);
    this.waitSync();
    this.port?.close();
    this.worker = null;
    this.port = null;
    // It exits by itself once its connection is closed; terminate if it hangs.
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }

  private start(): void {
    const { port1, port2 } = new MessageChannel();
    const entry = workerEntry();
    const data: WriterWorkerData = { file: this.file, port: port2, signal: this.signal.buffer as SharedArrayBuffer };
    const worker = new Worker(entry.script, { eval: entry.eval, workerData: data, transferList: [port2] });
    this.started = new Promise((resolve, reject) => {
      this.opened = (error) => (error === null ? resolve() : reject(new Error(error)));
    });
    // Nobody may wait for a restarted thread: its failure is reported through the batch it fails.
    this.started.catch(() => undefined);
    port1.on('message', (reply: WorkerReply) => this.receive(reply));
    worker.on('error', (error) => this.stopped(worker, `storage writer thread failed: ${error.message}`));
    worker.on('exit', (code) => this.stopped(worker, `storage writer thread exited (code ${code})`));
    // Until it has opened the database, and while a batch is in flight, the thread keeps
    // the process alive; idle, it does not (see receive and settle).
    this.worker = worker;
    this.port = port1;
  }

  private send(request: WorkerRequest, settle: (reply: WorkerReply) => void): void {
    if (!this.worker) this.start();
    const id = this.nextRequest++;
    this.pending = { id, settle };
    this.worker?.ref();
    this.port?.ref();
    this.port?.postMessage({ ...request, id });
  }

  private receive(reply: WorkerReply): void {
    if (reply.id !== OPENED) return this.settle(reply);
    this.opened(reply.error);
    if (reply.error !== null && this.worker) {
      // It could not open the database and is ending: whatever waits for it fails now.
      const worker = this.worker;
      this.stopped(worker, `storage writer thread could not open the database: ${reply.error}`);
      void worker.terminate();
    } else if (!this.pending) this.idle();
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending;
    if (!pending || pending.id !== reply.id) return;
    this.pending = null;
    this.idle();
    pending.settle(reply);
  }

  private idle(): void {
    this.worker?.unref();
    this.port?.unref();
  }

  private stopped(worker: Worker, reason: string): void {
    if (worker !== this.worker) return;
    this.opened(reason);
    this.port?.close();
    this.worker = null;
    this.port = null;
    // The next batch starts a new thread; this one's batch is reported failed and retried.
    this.fail(reason);
  }

  private fail(reason: string): void {
    const pending = this.pending;
    if (pending) this.settle({ id: pending.id, error: reason });
  }
}

/**
 * A worker thread's script: the built .js module `built`, or, running from the
 * TypeScript sources (tests), a loader that registers tsx first and imports
 * the .ts beside it. Also used by the analyzer's thread (alerts/).
 */
export function workerEntry(built: URL = new URL('./writer-worker.js', import.meta.url)): { script: URL | string; eval: boolean } {
  if (existsSync(fileURLToPath(built))) return { script: built, eval: false };
  // require.resolve finds the CommonJS entry of tsx/esm/api; the ES module one sits beside it.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const source = built.href.replace(/\.js$/, '.ts');
  return { script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`, eval: true };
}
