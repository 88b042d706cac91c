// OpenTelemetry export of the recorded traffic: spans and metrics for a team's
// own tracing backend, over OTLP/HTTP. Composed in server.ts after the store:
// the writer says how far it has committed, and an exporter thread reads what
// it needs from the database and does the rest, so the thread that forwards
// traffic spends one postMessage per batch on it. Off unless configured.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LiveRegistry } from '../registry/registry.js';
import type { MessageRow } from '../store/rows.js';
import type { OtelHealth } from '../types.js';
import { resolveOtel, type OtelPlan } from './config.js';
import type { ExportStats, WriterGauge } from './pipeline.js';
import type { FromWorker, NamedServer, OtelWorkerData, ToWorker } from './protocol.js';
import type { TraceHeaders } from './propagate.js';

export type { TraceHeaders, UpstreamRequest } from './propagate.js';

export interface OtelOptions {
  registry: LiveRegistry;
  /** logs.db, which the exporter thread opens read-only. */
  databaseFile: string;
  version: string;
  /** The highest message and exchange ids committed (or allocated) so far: export starts after them. */
  committed: () => { messages: number; exchanges: number };
  /** The writer's backlog, for the gateway's own metrics. */
  writerHealth: () => WriterGauge;
  log: (message: string) => void;
  /** Where OTEL_* variables are read (default process.env); the exporter thread gets it as its environment. */
  env?: NodeJS.ProcessEnv;
}

export interface Otel {
  /** The writer's onFlushed: these rows (in id order) are committed. */
  flushed(rows: readonly MessageRow[]): void;
  /** For the proxy: a traceparent for an upstream request when "propagate" is on. */
  traceHeaders: TraceHeaders;
  health(): OtelHealth;
  /** Resolves once propagation, when it is on, is ready (its parser loads apart, so the proxy's thread loads no OpenTelemetry code while it is off). */
  ready(): Promise<void>;
  /** Exports what is queued (bounded in time) and stops the thread. */
  close(): Promise<void>;
}

/** Writer backlog sent to the thread this often (it changes without batches committing, during a storage outage). */
const WRITER_GAUGE_MS = 1000;
/** Longest a shutdown waits for the exporter thread. */
const CLOSE_WAIT_MS = 3000;
/** Restarts of a thread that died, before export stays off until the next mcp.json change. */
const MAX_RESTARTS = 3;

const ZERO: ExportStats = { exported: 0, dropped: 0, failed: 0, lastError: null };

function servers(registry: LiveRegistry): NamedServer[] {
  return registry.list().map((s) => ({ name: s.name, transport: s.transport, ...(s.entry.url ? { url: s.entry.url } : {}) }));
}

export function createOtel(options: OtelOptions): Otel {
  const env = options.env ?? process.env;
  let plan: OtelPlan = { enabled: false, reason: null };
  let worker: Worker | null = null;
  /** Counts of threads that have ended, plus the running one's latest. */
  let past: ExportStats = { ...ZERO };
  let current: ExportStats = { ...ZERO };
  let reason: string | null = null;
  let lastThrough: number | null = null;
  let restarts = 0;
  let closed = false;
  const closing = new Set<Promise<void>>();

  const post = (message: ToWorker): void => worker?.postMessage(message);
  let propagator: TraceHeaders | null = null;
  let loadingPropagation: Promise<void> | null = null;
  const loadPropagation = (): Promise<void> =>
    (loadingPropagation ??= import('./propagate.js').then(
      (module) => {
        propagator = module.traceHeaders(() => plan.enabled && plan.propagate);
      },
      (error: unknown) => options.log(`OpenTelemetry propagation could not start: ${(error as Error).message}`),
    ));
  const startPoint = (): OtelWorkerData['startAfter'] => {
    const committed = options.committed();
    return { messages: lastThrough ?? committed.messages, exchanges: committed.exchanges };
  };

  const start = (enabled: Extract<OtelPlan, { enabled: true }>): void => {
    const data: OtelWorkerData = { file: options.databaseFile, version: options.version, plan: enabled, servers: servers(options.registry), startAfter: startPoint() };
    const entry = workerEntry();
    const thread = new Worker(entry.script, { eval: entry.eval, workerData: data, env: { ...env } });
    current = { ...ZERO };
    thread.on('message', (message: FromWorker) => {
      if (message.type === 'log') options.log(message.message);
      else if (thread === worker || message.type === 'closed') current = message.stats;
    });
    thread.on('error', (error) => {
      current = { ...current, lastError: `exporter thread failed: ${error.message}` };
      options.log(`OpenTelemetry export stopped: ${error.message}`);
    });
    thread.on('exit', () => {
      if (thread !== worker) return;
      // It died on its own: count what it did and start another, a few times.
      past = add(past, current);
      current = { ...ZERO };
      worker = null;
      if (!closed && plan.enabled && restarts < MAX_RESTARTS) {
        restarts += 1;
        start(plan);
      }
    });
    thread.unref();
    worker = thread;
  };

  const stop = (): Promise<void> => {
    const thread = worker;
    if (!thread) return Promise.resolve();
    worker = null;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void thread.terminate(), CLOSE_WAIT_MS);
      thread.once('exit', () => {
        clearTimeout(timer);
        past = add(past, current);
        current = { ...ZERO };
        resolve();
      });
      thread.on('message', (message: FromWorker) => {
        // Its stats are in: it only has sockets to close, which terminate does at once.
        if (message.type === 'closed') void thread.terminate();
      });
    });
    thread.postMessage({ type: 'close' } satisfies ToWorker);
    closing.add(done);
    void done.finally(() => closing.delete(done));
    return done;
  };

  const apply = (): void => {
    if (closed) return;
    const next = resolveOtel(options.registry.settings().otel, env);
    if (!next.enabled && next.reason !== reason && next.reason !== null) options.log(`OpenTelemetry export is off: ${next.reason}`);
    reason = next.enabled ? null : next.reason;
    plan = next;
    if (!next.enabled) {
      void stop();
      return;
    }
    restarts = 0;
    if (next.propagate) void loadPropagation();
    if (worker) post({ type: 'config', plan: next, servers: servers(options.registry) });
    else start(next);
  };

  apply();
  const unsubscribe = options.registry.onChange(() => apply());
  const gauge = setInterval(() => post({ type: 'writer', ...options.writerHealth() }), WRITER_GAUGE_MS);
  gauge.unref();

  return {
    flushed(rows) {
      const last = rows[rows.length - 1];
      if (!last) return;
      lastThrough = last.id;
      post({ type: 'flushed', through: last.id });
    },
    traceHeaders: (request) => (propagator === null ? null : propagator(request)),
    ready: () => loadingPropagation ?? Promise.resolve(),
    health() {
      const total = add(past, current);
      return { enabled: plan.enabled, exported: total.exported, dropped: total.dropped, failed: total.failed, lastError: reason ?? total.lastError };
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(gauge);
      await stop();
      await Promise.all([...closing]);
    },
  };
}

function add(a: ExportStats, b: ExportStats): ExportStats {
  return { exported: a.exported + b.exported, dropped: a.dropped + b.dropped, failed: a.failed + b.failed, lastError: b.lastError ?? a.lastError };
}

/** The thread's script: the built .js beside this module (or in a bundle, lib/otel-worker.js), or, from the TypeScript sources (tests), a loader that registers tsx first. */
function workerEntry(): { script: URL | string; eval: boolean } {
  const built = new URL('./otel-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return { script: built, eval: false };
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const source = new URL('./otel-worker.ts', import.meta.url).href;
  return { script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`, eval: true };
}
