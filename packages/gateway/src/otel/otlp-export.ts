// Recorded traffic as OTLP JSON traces, after the fact (`mcp-gateway logs
// export --format otlp`): the same spans the live export sends, with the same
// ids, built from logs.db. One ExportTraceServiceRequest per line (what the
// OpenTelemetry Collector's file exporter writes and its otlpjsonfile receiver
// reads); each line can also be POSTed to a collector's /v1/traces as it is.
import type Database from 'better-sqlite3';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { expandRecord } from '../registry/env-references.js';
import type { OtelSetting } from '../registry/schema.js';
import type { MessageFilter } from '../store/message-filter.js';
import { MessageQueries } from '../store/message-queries.js';
import type { MessageRecord } from '../types.js';
import { gatewayResource, instrumentationScope, toReadableSpan } from './readable.js';
import { StoreSource } from './source.js';
import { ABORTED_METHOD } from '../capture/recorder.js';
import { buildSpan, finishedRequest, type ServerInfo } from './spans.js';

export interface OtlpExportOptions {
  version: string;
  /** Where each registered server is (from mcp.json), for server.address and network.*. */
  server(name: string): ServerInfo | undefined;
  /** Redacted tool arguments and results, as stored. */
  captureContent: boolean;
  /** Spans per line (default 512, the batch span processor's batch). */
  spansPerLine?: number;
}

/** The request a matching row belongs to: itself, the one it answers or abandons, or the one its progress is about. */
function requestOf(row: MessageRecord): number | null {
  if (row.kind === 'request') return row.id;
  return finishedRequest(row) ?? row.relatedId;
}

/** The answer of a request, else the gateway's record of the client abandoning it; null while neither exists. */
function endOf(request: MessageRecord, source: StoreSource): MessageRecord | null {
  if (request.pairedId !== null) return source.message(request.pairedId);
  return source.related(request.id).find((m) => m.method === ABORTED_METHOD) ?? null;
}

/** OTLP JSON lines for the requests that `filter` touches, oldest first; a request still unanswered has no span yet. */
export function* otlpTraceLines(sqlite: Database.Database, filter: MessageFilter, options: OtlpExportOptions): Generator<string> {
  const source = new StoreSource(sqlite);
  const queries = new MessageQueries(sqlite);
  const resource = gatewayResource({ version: options.version, serviceName: null, attributes: {}, env: true });
  const scope = instrumentationScope(options.version);
  const perLine = options.spansPerLine ?? 512;
  const done = new Set<number>();
  let batch: ReturnType<typeof toReadableSpan>[] = [];
  const line = (): string => `${new TextDecoder().decode(JsonTraceSerializer.serializeRequest(batch))}\n`;
  for (const row of queries.iterate(filter)) {
    const id = requestOf(row);
    if (id === null || done.has(id)) continue;
    const request = id === row.id ? row : source.message(id);
    const end = request ? endOf(request, source) : null;
    if (!request || !end) continue;
    done.add(id);
    const span = buildSpan(request, end, source, { captureContent: options.captureContent, server: options.server });
    if (!span) continue;
    batch.push(toReadableSpan(span, resource, scope));
    if (batch.length >= perLine) {
      yield line();
      batch = [];
    }
  }
  if (batch.length > 0) yield line();
}

/** Spans in one line of `otlpTraceLines`, for a summary. */
export function spansInLine(line: string): number {
  const request = JSON.parse(line) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
  return (request.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0), 0);
}

/**
 * Headers for a trace export request made outside the SDK's exporters (the
 * CLI's `--to`): OTEL_EXPORTER_OTLP_HEADERS, then the traces-specific ones, then
 * mcp.json's (`${env:NAME}` expanded; throws MissingVariableError), as the exporters merge them.
 */
export function collectorHeaders(setting: OtelSetting | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    ...(expandRecord(setting?.headers, env, '"otel" header') ?? {}),
  };
}
