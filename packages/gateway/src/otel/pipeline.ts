// The OpenTelemetry SDK side, on the exporter thread: OTLP/HTTP exporters
// (protobuf or JSON), a batch span processor with a bounded queue, a periodic
// metric reader, and the instruments. Nothing here can reach the proxy: a
// collector that is slow, down or failing costs queued spans (dropped and
// counted when the queue is full), never a request.
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { METRIC_MCP_CLIENT_OPERATION_DURATION, METRIC_MCP_CLIENT_SESSION_DURATION } from '@opentelemetry/semantic-conventions/incubating';
import type { ExportConfig } from './config.js';
import { gatewayResource, instrumentationScope, toReadableSpan } from './readable.js';
import type { McpSpan } from './spans.js';

/** The conventions' bucket boundaries for both MCP duration histograms, in seconds. */
export const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** What `/api/health` shows under "otel"; counted across exporter rebuilds. */
export interface ExportStats {
  exported: number;
  dropped: number;
  failed: number;
  lastError: string | null;
}

export interface WriterGauge {
  pendingWrites: number;
  droppedWrites: number;
}

export interface PipelineOptions {
  config: ExportConfig;
  version: string;
  stats: ExportStats;
  /** Read by the observable gauges at each metric export. */
  writer: () => WriterGauge;
  /** Stats changed (an export settled, a span was dropped). */
  onStats: () => void;
}

const describe = (result: ExportResult): string => result.error?.message ?? 'export failed';

/** Counts what each export of spans did, and what left the processor's queue. */
class CountingSpanExporter implements SpanExporter {
  /** Spans handed over by the batch processor: they have left its queue. */
  handed = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly options: PipelineOptions,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.handed += spans.length;
    this.inner.export(spans, (result) => {
      const { stats } = this.options;
      if (result.code === ExportResultCode.SUCCESS) stats.exported += spans.length;
      else {
        stats.failed += spans.length;
        stats.lastError = `traces: ${describe(result)}`;
      }
      this.options.onStats();
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Metric exports fail for the same reasons span exports do: say so in lastError too. */
class ReportingMetricExporter implements PushMetricExporter {
  readonly selectAggregationTemporality: PushMetricExporter['selectAggregationTemporality'];
  readonly selectAggregation: PushMetricExporter['selectAggregation'];

  constructor(
    private readonly inner: PushMetricExporter,
    private readonly options: PipelineOptions,
  ) {
    // The exporter's temporality (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE) and aggregation stand.
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
    this.selectAggregation = inner.selectAggregation?.bind(inner);
  }

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.options.stats.lastError = `metrics: ${describe(result)}`;
        this.options.onStats();
      }
      done(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export class ExportPipeline {
  private readonly resource: Resource;
  private readonly scope: ReturnType<typeof instrumentationScope>;
  private readonly spanExporter: CountingSpanExporter;
  private readonly processor: BatchSpanProcessor;
  private readonly meters: MeterProvider;
  private submitted = 0;
  private readonly operation: Histogram;
  private readonly session: Histogram;
  private readonly recorded: Counter;

  constructor(private readonly options: PipelineOptions) {
    const { config } = options;
    this.resource = gatewayResource({ version: options.version, serviceName: config.serviceName, attributes: config.resourceAttributes, env: true });
    this.scope = instrumentationScope(options.version);
    const json = config.protocol === 'http/json';
    // Given here, a URL or header wins over the exporter's own OTEL_EXPORTER_OTLP_* reading.
    const common = { ...(Object.keys(config.headers).length > 0 ? { headers: config.headers } : {}) };
    const traceOptions = { ...common, ...(config.tracesUrl ? { url: config.tracesUrl } : {}) };
    const metricOptions = { ...common, ...(config.metricsUrl ? { url: config.metricsUrl } : {}) };
    this.spanExporter = new CountingSpanExporter(json ? new JsonTraceExporter(traceOptions) : new ProtoTraceExporter(traceOptions), options);
    this.processor = new BatchSpanProcessor(this.spanExporter, {
      maxQueueSize: config.maxQueueSize,
      ...(config.scheduleDelayMs === null ? {} : { scheduledDelayMillis: config.scheduleDelayMs }),
    });
    const metricExporter = new ReportingMetricExporter(json ? new JsonMetricExporter(metricOptions) : new ProtoMetricExporter(metricOptions), options);
    this.meters = new MeterProvider({
      resource: this.resource,
      readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: config.metricExportIntervalMs, exportTimeoutMillis: Math.min(30_000, config.metricExportIntervalMs) })],
    });
    const meter = this.meters.getMeter(this.scope.name, this.scope.version, { schemaUrl: this.scope.schemaUrl });
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS };
    this.operation = meter.createHistogram(METRIC_MCP_CLIENT_OPERATION_DURATION, { unit: 's', description: 'MCP request duration as observed by the gateway, from receiving the request to its answer', advice });
    this.session = meter.createHistogram(METRIC_MCP_CLIENT_SESSION_DURATION, { unit: 's', description: 'The duration of an MCP session through the gateway', advice });
    this.recorded = meter.createCounter('mcp_gateway.messages.recorded', { unit: '{message}', description: 'JSON-RPC messages the gateway recorded' });
    this.gauges(meter);
  }

  /** Queues a span for export; a full queue drops it and counts the drop. */
  submit(span: McpSpan): void {
    const queued = this.submitted - this.spanExporter.handed;
    if (queued >= this.options.config.maxQueueSize) {
      this.options.stats.dropped += 1;
      this.options.onStats();
      return;
    }
    this.submitted += 1;
    this.processor.onEnd(toReadableSpan(span, this.resource, this.scope));
  }

  operationDuration(seconds: number, attributes: Attributes): void {
    this.operation.record(seconds, attributes);
  }

  sessionDuration(seconds: number, attributes: Attributes): void {
    this.session.record(seconds, attributes);
  }

  messagesRecorded(count: number, attributes: Attributes): void {
    this.recorded.add(count, attributes);
  }

  /** Sends what is queued (spans and a metric export) and stops; gives up after `timeoutMs` so shutdown never waits on a hung collector. */
  async shutdown(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const work = Promise.allSettled([this.processor.shutdown(), this.meters.shutdown()]).then(() => undefined);
    await Promise.race([work, deadline]);
    clearTimeout(timer);
  }

  async flush(): Promise<void> {
    await Promise.allSettled([this.processor.forceFlush(), this.meters.forceFlush()]);
  }

  private gauges(meter: Meter): void {
    const { stats, writer } = this.options;
    const dropped = meter.createObservableCounter('mcp_gateway.otel.spans.dropped', { unit: '{span}', description: 'Spans dropped because the export queue was full' });
    const failed = meter.createObservableCounter('mcp_gateway.otel.spans.failed', { unit: '{span}', description: 'Spans in exports the collector did not accept' });
    const pending = meter.createObservableGauge('mcp_gateway.writer.pending_writes', { unit: '{operation}', description: 'Recorder writes waiting for the database' });
    const lost = meter.createObservableCounter('mcp_gateway.writer.dropped_writes', { unit: '{operation}', description: 'Recorder writes dropped while the database could not be written' });
    meter.addBatchObservableCallback(
      (result) => {
        const now = writer();
        result.observe(dropped, stats.dropped);
        result.observe(failed, stats.failed);
        result.observe(pending, now.pendingWrites);
        result.observe(lost, now.droppedWrites);
      },
      [dropped, failed, pending, lost],
    );
  }
}
