import { z } from 'zod';
import type { ServerTransport } from '../types.js';
import { faultListSchema, type FaultRuleInput } from '../faults/schema.js';

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const serverNameSchema = z
  .string()
  .regex(
    SERVER_NAME_PATTERN,
    'a server name is 1-64 letters, digits, "-" or "_", starting with a letter or digit',
  );

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'url must be an absolute http:// or https:// URL' },
);

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
// CR, LF and NUL in a header value would let a config value inject headers upstream.
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'header values must not contain line breaks');

const redactionMode = z.enum(['default', 'off', 'metadata-only']);

/**
 * A browser origin allowed to use /s/* (never /api or /gateway/mcp), written
 * exactly as browsers send it: scheme, host and port, nothing else. Matched
 * as a whole string, so no wildcard can widen it.
 */
export const originSchema = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      // A "*" would be matched literally, never as a wildcard: refused so nobody thinks otherwise.
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value && !value.includes('*');
    } catch {
      return false;
    }
  },
  { message: 'an allowed origin is scheme://host[:port] exactly as the browser sends it, e.g. "http://localhost:5173" (lower case, no path, no trailing slash, no wildcard)' },
);

const extraPattern = z
  .object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'rule ids are lower-case letters, digits and "-"'), pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/).optional() })
  .refine(
    (p) => {
      try {
        new RegExp(p.pattern, `g${p.flags ?? ''}`);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'pattern is not a valid JavaScript regular expression' },
  );

/** `"redaction": "off"`, or `{"mode": ..., "keys": [...], "patterns": [...]}` for extra rules. */
export const redactionSchema = z.union([
  redactionMode,
  z.strictObject({ mode: redactionMode.optional(), keys: z.array(z.string().min(1)).optional(), patterns: z.array(extraPattern).optional() }),
]);

export const retentionSchema = z
  .strictObject({
    maxAgeDays: z.number().positive().optional(),
    /** The same limit in seconds (tests, soaks, short-lived recordings). */
    maxAgeSeconds: z.number().positive().optional(),
    maxMessages: z.number().int().positive().optional(),
    maxBytes: z.number().int().positive().optional(),
  })
  .refine((r) => r.maxAgeDays === undefined || r.maxAgeSeconds === undefined, {
    message: 'give either maxAgeDays or maxAgeSeconds, not both',
    path: ['maxAgeSeconds'],
  });

/** `"stdio"`: how many processes one stdio server may have, and when an idle one is stopped. */
export const stdioSchema = z.strictObject({
  /** At this many sessions, a new one closes the least recently used idle one (or is refused when every one has a call in flight). */
  maxSessionsPerServer: z.number().int().positive().optional(),
  /** A session with no request and no open stream for this long has its process stopped. */
  idleMinutes: z.number().positive().optional(),
});

/**
 * `"otel"`: OpenTelemetry export of the recorded traffic (packages/gateway/src/otel).
 * Off unless configured here or by OTEL_EXPORTER_OTLP_ENDPOINT; what is given here
 * wins over the standard OTEL_* variables.
 */
export const otelSchema = z.strictObject({
  /** false turns export off whatever the environment says; true turns it on with the environment's (or the default) endpoint. */
  enabled: z.boolean().optional(),
  /** The collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT: /v1/traces and /v1/metrics are appended. */
  endpoint: httpUrl.optional(),
  /** Added to every export request (`${env:NAME}` expanded), as OTEL_EXPORTER_OTLP_HEADERS. */
  headers: z.record(headerName, headerValue).optional(),
  protocol: z.enum(['http/protobuf', 'http/json']).optional(),
  serviceName: z.string().min(1).optional(),
  resourceAttributes: z.record(z.string().min(1), z.string()).optional(),
  /** Redacted tool arguments and results (as stored) on spans. */
  captureContent: z.boolean().optional(),
  /** A W3C traceparent header on upstream HTTP requests that carry none. */
  propagate: z.boolean().optional(),
  /** Span batches are sent at least this often (OTEL_BSP_SCHEDULE_DELAY). */
  scheduleDelayMs: z.number().int().positive().optional(),
  /** Metrics are sent this often (OTEL_METRIC_EXPORT_INTERVAL). */
  metricExportIntervalMs: z.number().int().positive().optional(),
});

// Entries keep keys we do not know (people paste configs with "disabled",
// "alwaysAllow", ...): loose objects, so a rewrite never drops them.
export const serverEntrySchema = z
  .looseObject({
    type: z.enum(['http', 'sse', 'stdio', 'streamable-http', 'streamableHttp']).optional(),
    url: httpUrl.optional(),
    headers: z.record(headerName, headerValue).optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string().min(1), z.string()).optional(),
    cwd: z.string().optional(),
    redaction: redactionSchema.optional(),
    requireToken: z.boolean().optional(),
    allowedOrigins: z.array(originSchema).optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.url && entry.command) {
      ctx.addIssue({ code: 'custom', message: 'give either "url" or "command", not both' });
    } else if (!entry.url && !entry.command) {
      ctx.addIssue({ code: 'custom', message: 'needs "url" (HTTP server) or "command" (stdio server)' });
    }
    if (entry.type === 'stdio' && !entry.command) {
      ctx.addIssue({ code: 'custom', message: '"type": "stdio" needs "command"' });
    }
    if (entry.type && entry.type !== 'stdio' && !entry.url) {
      ctx.addIssue({ code: 'custom', message: `"type": "${entry.type}" needs "url"` });
    }
  });

export type ServerEntry = z.infer<typeof serverEntrySchema>;

export const registryFileSchema = z.looseObject({
  mcpServers: z.record(z.string(), serverEntrySchema).default({}),
  redaction: redactionSchema.optional(),
  retention: retentionSchema.optional(),
  stdio: stdioSchema.optional(),
  /** Stored copies of message bodies are cut to this many bytes. */
  maxBodyBytes: z.number().int().min(1024).optional(),
  otel: otelSchema.optional(),
  /** Browser origins allowed on every server's /s/* routes (a server may add its own). */
  allowedOrigins: z.array(originSchema).optional(),
  /** Record the gateway's own MCP server (/gateway/mcp) under the server name "gateway". */
  recordGatewayMcp: z.boolean().optional(),
  /** Fault rules acting on traffic (packages/gateway/src/faults); none unless listed here. */
  faults: faultListSchema.optional(),
});

export type RedactionSetting = z.infer<typeof redactionSchema>;
export type RetentionSetting = z.infer<typeof retentionSchema>;
export type OtelSetting = z.infer<typeof otelSchema>;

/** Gateway-wide settings from mcp.json, with defaults applied. */
export interface GatewaySettings {
  redaction: RedactionSetting;
  retention: RetentionLimits;
  stdio: StdioLimits;
  maxBodyBytes: number;
  /** Browser origins allowed on /s/* of every server. */
  allowedOrigins: string[];
  /** Whether /gateway/mcp's own traffic is recorded (as server "gateway"). */
  recordGatewayMcp: boolean;
  /** Fault rules as written (ids may be missing in hand-written ones). */
  faults: FaultRuleInput[];
  /** Absent: no "otel" section (the environment may still turn export on). */
  otel?: OtelSetting;
}

/** Retention as the pruner applies it: the age in seconds, whichever unit mcp.json used. */
export interface RetentionLimits {
  maxAgeSeconds: number;
  maxMessages: number;
  maxBytes: number;
}

export interface StdioLimits {
  maxSessionsPerServer: number;
  idleMinutes: number;
}

export const DEFAULT_RETENTION: RetentionLimits = { maxAgeSeconds: 30 * 86_400, maxMessages: 1_000_000, maxBytes: 2 * 1024 ** 3 };
export const DEFAULT_STDIO: StdioLimits = { maxSessionsPerServer: 50, idleMinutes: 30 };

function retentionLimits(setting: RetentionSetting = {}): RetentionLimits {
  const { maxAgeDays, maxAgeSeconds, maxMessages, maxBytes } = setting;
  return {
    maxAgeSeconds: maxAgeSeconds ?? (maxAgeDays === undefined ? DEFAULT_RETENTION.maxAgeSeconds : maxAgeDays * 86_400),
    maxMessages: maxMessages ?? DEFAULT_RETENTION.maxMessages,
    maxBytes: maxBytes ?? DEFAULT_RETENTION.maxBytes,
  };
}

export function settingsOf(file: RegistryFile): GatewaySettings {
  return {
    redaction: file.redaction ?? 'default',
    retention: retentionLimits(file.retention),
    stdio: { ...DEFAULT_STDIO, ...file.stdio },
    maxBodyBytes: file.maxBodyBytes ?? 1024 * 1024,
    allowedOrigins: file.allowedOrigins ?? [],
    recordGatewayMcp: file.recordGatewayMcp ?? false,
    faults: file.faults ?? [],
    ...(file.otel ? { otel: file.otel } : {}),
  };
}

export type RegistryFile = z.infer<typeof registryFileSchema>;

export function transportOf(entry: ServerEntry): ServerTransport {
  if (entry.command) return 'stdio';
  return entry.type === 'sse' ? 'sse' : 'http';
}

/** Formats zod issues as one readable line: `mcpServers.x.url: url must be ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
