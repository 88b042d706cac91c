// What the main thread's WorkerApplier and the storage writer thread say to each other.
import type { MessagePort } from 'node:worker_threads';
import type { ClearFilter } from './clear.js';
import type { PruneLimits } from './prune.js';
import type { WriteOp } from './rows.js';

export interface WriterWorkerData {
  file: string;
  port: MessagePort;
  /** Incremented after every reply, so the main thread can Atomics.wait for one. */
  signal: SharedArrayBuffer;
}

export type WorkerRequest =
  /** With `retention`, the step that keeps the limits runs in the batch's transaction, right after its rows (the reply's value: a PruneOutcome). */
  | { type: 'apply'; ops: WriteOp[]; retention: PruneLimits | null }
  | { type: 'prune'; limits: PruneLimits }
  /** One step of clear `token` (the thread keeps where it is); the value: { done: ClearOutcome | null }. */
  | { type: 'clear-step'; token: number; filter: ClearFilter }
  | { type: 'pragma'; statement: string }
  | { type: 'close' };

/** The id of the reply the thread sends once, when its connection is open (or could not be). */
export const OPENED = 0;

export interface WorkerReply {
  id: number;
  error: string | null;
  value?: unknown;
}

