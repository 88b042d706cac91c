// The main thread's side of the analyzer: beside the pipeline, never on the
// proxy path. It takes the rows of each committed batch, keeps only the few
// methods that carry definitions or results (a Set lookup per row), and hands
// them to the analyzer's thread. What comes back is queued on the batch
// writer; alerts are published once their batch is on disk.
import { Worker } from 'node:worker_threads';
import { ANALYZED_METHODS } from '../definitions/collector.js';
import { workerEntry } from '../store/batch-applier.js';
import type { AnalysisRow } from '../store/definitions.js';
import type { MessageRow, WriteOp } from '../store/rows.js';
import type { Alert } from '../types.js';
import type { AnalyzerWorkerData, FromAnalyzer, ToAnalyzer } from './worker-protocol.js';

export interface AlertServiceOptions {
  /** logs.db, which the analyzer's thread reads. */
  file: string;
  /** The newest message id before any traffic (see AnalyzerWorkerData.startAfter). */
  startAfter: number;
  /** The batch writer: what the analyzer found is queued like recorded messages. */
  writer: { enqueue(op: WriteOp): void; flush(): Promise<void> };
  /** The registered server names, and a way to hear when they change. */
  servers: { names(): string[]; onChange(listener: () => void): () => void };
  /** An alert (new, or seen again) is on disk. */
  publish: (alert: Alert) => void;
  log: (message: string) => void;
}

/** How long `settled` waits for the analyzer before answering with what is there. */
const SETTLE_TIMEOUT_MS = 5000;
/** Requests carry what the analyzer needs only for initialize and the lists (client info, cursors). */
const REQUEST_METHODS: ReadonlySet<string> = new Set(['initialize', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']);

export class AlertService {
  private readonly worker: Worker;
  private nextSync = 1;
  private readonly syncs = new Map<number, () => void>();
  private readonly unwatch: () => void;
  private closed = false;
  private lastError: string | null = null;

  constructor(private readonly options: AlertServiceOptions) {
    const entry = workerEntry(new URL('./worker.js', import.meta.url));
    const data: AnalyzerWorkerData = { file: options.file, servers: options.servers.names(), startAfter: options.startAfter };
    this.worker = new Worker(entry.script, { eval: entry.eval, workerData: data });
    // The thread never keeps the gateway alive by itself.
    this.worker.unref();
    this.worker.on('message', (message: FromAnalyzer) => this.receive(message));
    this.worker.on('error', (error) => this.report(`alert analyzer failed: ${error.message}; alerts are not raised until the gateway restarts`));
    this.unwatch = options.servers.onChange(() => this.post({ type: 'servers', names: options.servers.names() }));
  }

  /** The rows of a committed batch (Writer.onFlushed). */
  consume(rows: readonly MessageRow[]): void {
    if (this.closed) return;
    const picked: AnalysisRow[] = [];
    for (const row of rows) {
      if (row.method === null || !ANALYZED_METHODS.has(row.method)) continue;
      if (row.kind === 'response' ? row.direction !== 'server_to_client' : row.kind !== 'request' || !REQUEST_METHODS.has(row.method)) continue;
      const { id, timestamp, server, sessionId, direction, kind, method, pairedId, body, truncated, origin } = row;
      picked.push({ id, timestamp, server, sessionId, direction, kind, method, pairedId, body, truncated, origin });
    }
    if (picked.length > 0) this.post({ type: 'rows', rows: picked });
  }

  /** The ops of a committed batch (Writer.onCommitted): alerts among them are now on disk. */
  committed(ops: readonly WriteOp[]): void {
    for (const op of ops) {
      if (op.op === 'alert') this.options.publish(op.write.alert);
      // A DELETE ends its session: the thread forgets what it kept for it (after the session's rows, sent before).
      else if (op.op === 'exchange' && op.row.method === 'DELETE' && op.row.sessionId !== null && !this.closed) {
        this.post({ type: 'ended', server: op.row.server, session: op.row.sessionId });
      }
    }
  }

  /**
   * Resolves once everything recorded before the call is analyzed and what was
   * found is on disk (or after a few seconds, with what is there by then).
   */
  async settled(timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    await this.options.writer.flush();
    const id = this.nextSync++;
    const synced = new Promise<void>((resolve) => this.syncs.set(id, resolve));
    this.post({ type: 'sync', id });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([synced, timeout]);
    clearTimeout(timer);
    this.syncs.delete(id);
    await this.options.writer.flush();
  }

  /** New baselines were written for `server` (POST /api/servers/:name/baseline). */
  baselinesChanged(server: string): void {
    this.post({ type: 'baselines', server });
  }

  /** Messages were inserted outside the writer (an import): the analyzer reads them from the database. */
  rowsInserted(firstId: number, lastId: number): void {
    this.post({ type: 'inserted', firstId, lastId });
  }

  /** Takes what the analyzer has left (at most `timeoutMs`), then ends its thread. Call before the writer's close. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    await this.settled(timeoutMs).catch(() => undefined);
    this.closed = true;
    this.unwatch();
    await this.worker.terminate();
  }

  private post(message: ToAnalyzer): void {
    if (!this.closed) this.worker.postMessage(message);
  }

  private receive(message: FromAnalyzer): void {
    if (message.type === 'ops') {
      for (const op of message.ops) this.options.writer.enqueue(op);
    } else if (message.type === 'synced') {
      this.syncs.get(message.id)?.();
      this.syncs.delete(message.id);
    } else this.report(`alert analyzer: ${message.message}`);
  }

  private report(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.options.log(message);
  }
}
