// The exporter thread's work: follow the store as batches commit, turn each
// finished request into a span and each ended session into a metric, and hand
// them to the export pipeline.
import type { Attributes } from '@opentelemetry/api';
import { sameExport } from './config.js';
import { ExportPipeline, type ExportStats, type WriterGauge } from './pipeline.js';
import type { EnabledPlan, NamedServer } from './protocol.js';
import { CHANNEL_METHODS, SessionClock } from './sessions.js';
import type { StoreSource } from './source.js';
import { ATTR_GATEWAY_SERVER, buildSpan, finishedRequest, type ServerInfo } from './spans.js';

/** Rows read per step; between steps the thread's event loop runs exports and timers. */
const STEP_ROWS = 500;
/** How long a replaced exporter may take to send what it had queued. */
const RETIRE_MS = 5_000;

export interface ExporterOptions {
  source: StoreSource;
  version: string;
  plan: EnabledPlan;
  servers: NamedServer[];
  /** Ids committed before export began: the thread starts after them. */
  startAfter: { messages: number; exchanges: number };
  onStats(stats: ExportStats): void;
  log(message: string): void;
}

export class TrafficExporter {
  private plan: EnabledPlan;
  private servers = new Map<string, ServerInfo>();
  private pipeline: ExportPipeline;
  private readonly stats: ExportStats = { exported: 0, dropped: 0, failed: 0, lastError: null };
  private writer: WriterGauge = { pendingWrites: 0, droppedWrites: 0 };
  private readonly clock: SessionClock;
  private cursor: number;
  private exchangeCursor: number;
  private target: number;
  private running: Promise<void> | null = null;
  private lastLogged: string | null = null;

  constructor(private readonly options: ExporterOptions) {
    this.plan = options.plan;
    this.setServers(options.servers);
    this.pipeline = this.newPipeline();
    const source = options.source;
    this.cursor = options.startAfter.messages;
    this.target = this.cursor;
    this.exchangeCursor = options.startAfter.exchanges;
    this.clock = new SessionClock({
      server: (name) => this.servers.get(name),
      protocolVersion: (server, sessionId) => source.protocolVersion(server, sessionId),
      message: (id) => source.message(id),
      onEnded: (session) => this.pipeline.sessionDuration(session.durationS, session.attributes),
    });
  }

  configure(plan: EnabledPlan, servers: NamedServer[]): void {
    this.setServers(servers);
    const before = this.plan;
    this.plan = plan;
    if (sameExport(before, plan)) return;
    // New endpoint or resource: the old pipeline sends what it holds, the new one takes over.
    const retiring = this.pipeline;
    this.pipeline = this.newPipeline();
    void retiring.shutdown(RETIRE_MS);
  }

  writerHealth(gauge: WriterGauge): void {
    this.writer = gauge;
  }

  /** Messages up to `through` are committed: read and export them (one pass at a time). */
  flushed(through: number): Promise<void> {
    this.target = Math.max(this.target, through);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Re-reads exchanges that may have ended a session (a stdio process exiting commits no message). */
  tick(): void {
    this.guard(() => this.sessionRound());
  }

  /** Exports what is left, ends the sessions still open (shutdown ends them) and stops within `timeoutMs`. */
  async close(timeoutMs: number): Promise<ExportStats> {
    await this.running;
    await this.flushed(this.target);
    this.guard(() => this.sessionRound());
    this.clock.endAll(Date.now());
    await this.pipeline.shutdown(timeoutMs);
    return { ...this.stats };
  }

  private async drain(): Promise<void> {
    const { source } = this.options;
    while (this.cursor < this.target) {
      const rows = source.messagesAfter(this.cursor, this.target, STEP_ROWS);
      if (rows.length === 0) {
        this.cursor = this.target;
        break;
      }
      const counts = new Map<string, { attributes: Attributes; count: number }>();
      for (const row of rows) {
        this.guard(() => this.row(row));
        const k = `${row.server}\u0000${row.direction}`;
        const entry = counts.get(k) ?? { attributes: { [ATTR_GATEWAY_SERVER]: row.server, 'mcp_gateway.direction': row.direction }, count: 0 };
        entry.count += 1;
        counts.set(k, entry);
      }
      for (const { attributes, count } of counts.values()) this.pipeline.messagesRecorded(count, attributes);
      this.cursor = rows[rows.length - 1]?.id ?? this.target;
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.guard(() => this.sessionRound());
  }

  private row(row: Parameters<SessionClock['message']>[0]): void {
    const { source } = this.options;
    const requestId = finishedRequest(row);
    if (requestId !== null) {
      const request = source.message(requestId);
      const span = request ? buildSpan(request, row, source, { captureContent: this.plan.captureContent, server: (name) => this.servers.get(name) }) : null;
      if (span) {
        this.pipeline.submit(span);
        const seconds = row.durationMs === null ? (span.endMs - span.startMs) / 1000 : row.durationMs / 1000;
        this.pipeline.operationDuration(seconds, span.metricAttributes);
      }
    }
    this.clock.message(row);
  }

  private sessionRound(): void {
    const { source } = this.options;
    const newest = source.newestExchangeId();
    const fresh = newest > this.exchangeCursor ? source.sessionEnders(this.exchangeCursor, newest, CHANNEL_METHODS) : [];
    this.exchangeCursor = Math.max(this.exchangeCursor, newest);
    const watched = source.marks(this.clock.watchedIds());
    this.clock.exchanges([...watched, ...fresh], Date.now());
  }

  private setServers(servers: NamedServer[]): void {
    this.servers = new Map(servers.map(({ name, ...info }) => [name, info]));
  }

  private newPipeline(): ExportPipeline {
    return new ExportPipeline({
      config: this.plan.export,
      version: this.options.version,
      stats: this.stats,
      writer: () => this.writer,
      onStats: () => this.options.onStats(this.stats),
    });
  }

  /** One bad row (or a store that went away under a clear) must not stop export: report it once per distinct message. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      const message = `OpenTelemetry export skipped a record: ${(error as Error).message}`;
      if (message !== this.lastLogged) this.options.log(message);
      this.lastLogged = message;
    }
  }
}
