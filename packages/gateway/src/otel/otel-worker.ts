// The OpenTelemetry exporter thread (see index.ts): its own read-only
// connection to logs.db, the span builder and the SDK's exporters, so neither
// building spans nor serializing and sending them ever runs on the event loop
// that forwards traffic.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { TrafficExporter } from './exporter.js';
import type { ExportStats } from './pipeline.js';
import type { FromWorker, OtelWorkerData, ToWorker } from './protocol.js';
import { StoreSource } from './source.js';

/** How often exchanges that may end a session are re-read (a stdio exit commits no message to announce it). */
const TICK_MS = 1000;
/** Stats go to the main thread at most this often. */
const STATS_MS = 200;
/** Shutdown waits this long for the collector before giving up on what is queued. */
const CLOSE_MS = 2000;

function serve(data: OtelWorkerData): void {
  const port = parentPort;
  if (!port) return;
  const send = (message: FromWorker): void => port.postMessage(message);
  const { sqlite } = openDatabase(data.file, { readonly: true });
  let pendingStats: ExportStats | null = null;
  const statsTimer = setInterval(() => {
    if (pendingStats) send({ type: 'stats', stats: { ...pendingStats } });
    pendingStats = null;
  }, STATS_MS);
  const exporter = new TrafficExporter({
    source: new StoreSource(sqlite),
    version: data.version,
    plan: data.plan,
    servers: data.servers,
    startAfter: data.startAfter,
    onStats: (stats) => {
      pendingStats = stats;
    },
    log: (message) => send({ type: 'log', message }),
  });
  const ticker = setInterval(() => exporter.tick(), TICK_MS);

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'flushed':
        void exporter.flushed(message.through);
        break;
      case 'writer':
        exporter.writerHealth({ pendingWrites: message.pendingWrites, droppedWrites: message.droppedWrites });
        break;
      case 'config':
        exporter.configure(message.plan, message.servers);
        break;
      case 'close':
        clearInterval(ticker);
        clearInterval(statsTimer);
        void exporter.close(CLOSE_MS).then((stats) => {
          sqlite.close();
          send({ type: 'closed', stats });
          port.close();
        });
        break;
    }
  });
}

serve(workerData as OtelWorkerData);
