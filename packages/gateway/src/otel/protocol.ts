// What the gateway's main thread and the exporter thread (otel-worker.ts) say
// to each other. Small on purpose: the main thread only ever sends how far the
// store is committed, never rows, so its cost per batch does not grow with
// what was recorded.
import type { OtelPlan } from './config.js';
import type { ExportStats, WriterGauge } from './pipeline.js';
import type { ServerInfo } from './spans.js';

export type EnabledPlan = Extract<OtelPlan, { enabled: true }>;

export interface NamedServer extends ServerInfo {
  name: string;
}

export interface OtelWorkerData {
  /** logs.db: the thread reads it on a read-only connection of its own. */
  file: string;
  version: string;
  plan: EnabledPlan;
  servers: NamedServer[];
  /** Ids committed before export began (the thread starts after them; it starts too late to ask the store itself). */
  startAfter: { messages: number; exchanges: number };
}

export type ToWorker =
  | { type: 'config'; plan: EnabledPlan; servers: NamedServer[] }
  /** Every message with an id up to `through` is committed. */
  | { type: 'flushed'; through: number }
  | ({ type: 'writer' } & WriterGauge)
  | { type: 'close' };

export type FromWorker =
  | { type: 'stats'; stats: ExportStats }
  | { type: 'log'; message: string }
  | { type: 'closed'; stats: ExportStats };
