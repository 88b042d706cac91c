// What the "otel" section of mcp.json and the standard OTEL_* variables ask
// for, resolved once per registry change into one plain object the exporter
// thread can be given (it crosses a thread boundary, so: no functions).
import { expandRecord, MissingVariableError } from '../registry/env-references.js';
import type { OtelSetting } from '../registry/schema.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface ExportConfig {
  /** Full URLs from mcp.json's base `endpoint`; null: the exporter reads OTEL_EXPORTER_OTLP_(TRACES_|METRICS_)ENDPOINT, else localhost:4318. */
  tracesUrl: string | null;
  metricsUrl: string | null;
  /** mcp.json's headers, expanded; the exporters add OTEL_EXPORTER_OTLP_HEADERS themselves (these win). */
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  /** mcp.json's; else OTEL_SERVICE_NAME (read with OTEL_RESOURCE_ATTRIBUTES by the resource detector); else "mcp-gateway". */
  serviceName: string | null;
  resourceAttributes: Record<string, string>;
  /** null: the batch span processor reads OTEL_BSP_SCHEDULE_DELAY (default 5000 ms). */
  scheduleDelayMs: number | null;
  metricExportIntervalMs: number;
  /** Spans waiting for export; more are dropped and counted. OTEL_BSP_MAX_QUEUE_SIZE, default 2048. */
  maxQueueSize: number;
}

export type OtelPlan =
  | { enabled: false; reason: string | null }
  | { enabled: true; export: ExportConfig; captureContent: boolean; propagate: boolean };

const DEFAULT_METRIC_INTERVAL_MS = 60_000;
const DEFAULT_QUEUE = 2048;

function positiveNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The base URL with the signal's path, as the exporters do for OTEL_EXPORTER_OTLP_ENDPOINT. */
export function signalUrl(base: string, signal: 'traces' | 'metrics'): string {
  return `${base.endsWith('/') ? base : `${base}/`}v1/${signal}`;
}

/**
 * Off unless asked for: an `"otel"` section with `endpoint` or `"enabled": true`,
 * or OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT in the
 * environment. OTEL_SDK_DISABLED=true and `"enabled": false` turn it off. A
 * setting that cannot work (gRPC, a missing `${env:NAME}`) keeps it off with a
 * reason that says what to change.
 */
export function resolveOtel(setting: OtelSetting | undefined, env: NodeJS.ProcessEnv): OtelPlan {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { enabled: false, reason: null };
  if (setting?.enabled === false) return { enabled: false, reason: null };
  const fromEnv = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
  if (!(setting?.enabled === true || setting?.endpoint !== undefined || fromEnv)) return { enabled: false, reason: null };

  const protocol = setting?.protocol ?? (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    return {
      enabled: false,
      reason: `OTLP protocol "${protocol}" is not supported; use http/protobuf or http/json (the collector's port 4318) in OTEL_EXPORTER_OTLP_PROTOCOL or "otel": {"protocol"} in mcp.json`,
    };
  }
  let headers: Record<string, string>;
  try {
    headers = expandRecord(setting?.headers, env, '"otel" header') ?? {};
  } catch (error) {
    if (error instanceof MissingVariableError) return { enabled: false, reason: error.message };
    throw error;
  }
  const base = setting?.endpoint;
  return {
    enabled: true,
    captureContent: setting?.captureContent === true,
    propagate: setting?.propagate === true,
    export: {
      tracesUrl: base === undefined ? null : signalUrl(base, 'traces'),
      metricsUrl: base === undefined ? null : signalUrl(base, 'metrics'),
      headers,
      protocol,
      serviceName: setting?.serviceName ?? null,
      resourceAttributes: setting?.resourceAttributes ?? {},
      scheduleDelayMs: setting?.scheduleDelayMs ?? null,
      metricExportIntervalMs: setting?.metricExportIntervalMs ?? positiveNumber(env, 'OTEL_METRIC_EXPORT_INTERVAL') ?? DEFAULT_METRIC_INTERVAL_MS,
      maxQueueSize: Math.floor(positiveNumber(env, 'OTEL_BSP_MAX_QUEUE_SIZE') ?? DEFAULT_QUEUE),
    },
  };
}

/** Whether two plans need different exporters (content and propagation are read per use and need none). */
export function sameExport(a: OtelPlan, b: OtelPlan): boolean {
  if (!a.enabled || !b.enabled) return a.enabled === b.enabled;
  return JSON.stringify(a.export) === JSON.stringify(b.export);
}
