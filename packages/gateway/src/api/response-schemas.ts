// Response shapes as zod schemas, for /api/openapi.json and for tests that
// check real responses against the document. The compile-time checks at the
// bottom keep them equal to the public types in types.ts.
import { z } from 'zod';
import { alertSchemas } from './alert-schemas.js';
import { faultSchemas, faultViewSchema } from './fault-schemas.js';
import { AUDIT_EVENTS, type AuditPage } from '../store/audit.js';
import type * as T from '../types.js';

const direction = z.enum(['client_to_server', 'server_to_client']);
const kind = z.enum(['request', 'response', 'notification', 'error', 'invalid']);
const stream = z.enum(['http-body', 'post-sse', 'get-sse', 'gateway', 'stdio', 'legacy-sse']);
const jsonrpcId = z.union([z.string(), z.number()]);
const headers = z.record(z.string(), z.string());

export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const gatewayHealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  storage: z.object({ ok: z.boolean(), error: z.string().nullable(), pendingWrites: z.number(), droppedWrites: z.number() }),
  otel: z.object({ enabled: z.boolean(), exported: z.number(), dropped: z.number(), failed: z.number(), lastError: z.string().nullable() }),
  faults: z.array(faultViewSchema).describe('The fault rules acting on traffic now; empty when none'),
  process: z
    .object({
      rssBytes: z.number(),
      heapUsedBytes: z.number(),
      eventLoopDelayP99Ms: z.number().describe('99th percentile of the event-loop delay over the last few seconds'),
      openFds: z.number().nullable().describe('Open file descriptors (Linux); null where the system does not say'),
      children: z.number().describe('stdio server processes running now'),
    })
    .optional()
    .describe('The gateway process, to watch its steady state'),
});

export const serverViewSchema = z.object({
  name: z.string(),
  type: z.enum(['http', 'sse', 'stdio']),
  url: z.string().optional(),
  headers: headers.optional(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  env: headers.optional(),
  cwd: z.string().optional(),
  proxyUrl: z.string(),
});

export const serverListSchema = z.object({ servers: z.array(serverViewSchema), registryError: z.string().nullable() });

export const serverHealthSchema = z.object({
  server: z.string(),
  type: z.enum(['http', 'sse', 'stdio']),
  status: z.enum(['up', 'down', 'not-running', 'running']),
  latencyMs: z.number().nullable(),
  httpStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  checkedAt: z.string(),
});

export const messageRecordSchema = z.object({
  id: z.number(),
  timestamp: z.number().describe('Unix epoch milliseconds'),
  server: z.string(),
  sessionId: z.string().nullable(),
  direction,
  kind,
  method: z.string().nullable(),
  jsonrpcId: jsonrpcId.nullable(),
  pairedId: z.number().nullable(),
  relatedId: z.number().nullable(),
  durationMs: z.number().nullable(),
  httpStatus: z.number().nullable(),
  exchangeId: z.number().nullable(),
  stream: stream.nullable(),
  sseEventId: z.string().nullable(),
  size: z.number(),
  body: z.string(),
  truncated: z.boolean(),
  isError: z.boolean(),
  redactions: z.array(z.string()),
  origin: z.enum(['client', 'replay']),
  replayOf: z.number().nullable(),
  injected: z.string().nullable().describe('The fault rule whose effect this row records; null for traffic no rule touched'),
});

export const pairSummarySchema = z.object({
  id: z.number(),
  kind,
  method: z.string().nullable(),
  durationMs: z.number().nullable(),
  isError: z.boolean(),
});

export const messageListItemSchema = messageRecordSchema.extend({ bodyClipped: z.boolean(), pair: pairSummarySchema.nullable() });

export const messagePageSchema = z.object({
  messages: z.array(messageListItemSchema),
  hasMore: z.boolean(),
  next: z.union([z.object({ before: z.number() }), z.object({ after: z.number() })]).nullable(),
});

export const exchangeRecordSchema = z.object({
  id: z.number(),
  server: z.string(),
  sessionId: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number().nullable(),
  requestHeaders: headers,
  responseHeaders: headers,
  receivedAt: z.number(),
  upstreamFirstByteAt: z.number().nullable(),
  doneAt: z.number().nullable(),
  error: z.string().nullable(),
});

export const messageDetailSchema = z.object({
  message: messageRecordSchema,
  pair: messageRecordSchema.nullable(),
  exchange: exchangeRecordSchema.nullable(),
  related: z.array(messageRecordSchema),
});

export const sessionRecordSchema = z.object({
  server: z.string(),
  sessionId: z.string(),
  clientName: z.string().nullable(),
  clientVersion: z.string().nullable(),
  protocolVersion: z.string().nullable(),
  serverName: z.string().nullable(),
  serverVersion: z.string().nullable(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  firstId: z.number(),
  lastId: z.number(),
  messageCount: z.number(),
  errorCount: z.number(),
});

export const sessionPageSchema = z.object({
  sessions: z.array(sessionRecordSchema),
  hasMore: z.boolean(),
  next: z.object({ before: z.number() }).nullable(),
});

export const sessionDetailSchema = z.object({ session: sessionRecordSchema });

export const statsRowSchema = z.object({
  server: z.string(),
  method: z.string().nullable(),
  count: z.number(),
  errorCount: z.number(),
  bytes: z.number(),
  timedCount: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});

export const statsResponseSchema = z.object({ since: z.string().nullable(), until: z.string().nullable(), rows: z.array(statsRowSchema) });

export const clearResultSchema = z.object({ server: z.string().nullable(), before: z.number(), removed: z.number(), freedPages: z.number() });

export const importResultSchema = z.object({ imported: z.number(), firstId: z.number().nullable(), lastId: z.number().nullable() });

export const removedServerSchema = z.object({ removed: z.string() });

export const auditRecordSchema = z.object({
  id: z.number(),
  timestamp: z.number().describe('Unix epoch milliseconds'),
  event: z.enum(AUDIT_EVENTS),
  subject: z.string().nullable().describe('what the event is about: a server name, a refusal reason'),
  detail: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]))
    .describe('names, counts, ids and reasons; never header values, tokens, tool arguments or bodies'),
  source: z.enum(['api', 'cli', 'gateway']),
});

export const auditPageSchema = z.object({
  entries: z.array(auditRecordSchema),
  hasMore: z.boolean(),
  next: z.object({ before: z.number() }).nullable(),
});

export const harSchema = z.looseObject({
  log: z.looseObject({
    version: z.literal('1.2'),
    creator: z.object({ name: z.string(), version: z.string() }),
    entries: z.array(z.looseObject({ startedDateTime: z.string(), time: z.number() })),
  }),
});

export const diffEntrySchema = z.object({
  path: z.string(),
  change: z.enum(['changed', 'added', 'removed']),
  before: z.unknown(),
  after: z.unknown(),
});

export const replayResultSchema = z.object({
  request: messageRecordSchema,
  response: messageRecordSchema.nullable(),
  durationMs: z.number().nullable(),
  originalDurationMs: z.number().nullable(),
  diff: z.array(diffEntrySchema),
  session: z.string().nullable(),
  refusedServerRequests: z.array(messageRecordSchema),
});

export const verifyItemSchema = z.object({
  requestId: z.number(),
  method: z.string(),
  target: z.string().nullable(),
  status: z.enum(['same', 'changed', 'error', 'skipped']),
  diff: z.array(diffEntrySchema),
  durationMs: z.number().nullable(),
  originalDurationMs: z.number().nullable(),
  replayId: z.number().nullable(),
  reason: z.string().optional(),
});

export const verifyReportSchema = z.object({
  session: z.string(),
  replaySession: z.string().nullable(),
  results: z.array(verifyItemSchema),
  same: z.number(),
  changed: z.number(),
  errors: z.number(),
  skipped: z.number(),
});

const definitions = z.array(z.record(z.string(), z.unknown()));
export const catalogSchema = z.object({ tools: definitions, prompts: definitions, resources: definitions, resourceTemplates: definitions });

/** Every named schema: components of the OpenAPI document. */
export const namedSchemas: Record<string, z.ZodType> = {
  ApiError: apiErrorSchema,
  GatewayHealth: gatewayHealthSchema,
  ServerView: serverViewSchema,
  ServerList: serverListSchema,
  ServerHealth: serverHealthSchema,
  MessageRecord: messageRecordSchema,
  PairSummary: pairSummarySchema,
  MessageListItem: messageListItemSchema,
  MessagePage: messagePageSchema,
  ExchangeRecord: exchangeRecordSchema,
  MessageDetail: messageDetailSchema,
  SessionRecord: sessionRecordSchema,
  SessionPage: sessionPageSchema,
  SessionDetail: sessionDetailSchema,
  StatsRow: statsRowSchema,
  StatsResponse: statsResponseSchema,
  ClearResult: clearResultSchema,
  ImportResult: importResultSchema,
  RemovedServer: removedServerSchema,
  AuditRecord: auditRecordSchema,
  AuditPage: auditPageSchema,
  Har: harSchema,
  ...alertSchemas,
  ...faultSchemas,
  DiffEntry: diffEntrySchema,
  ReplayResult: replayResultSchema,
  VerifyReport: verifyReportSchema,
  Catalog: catalogSchema,
};

// ---- compile-time: the schemas describe exactly the public types ----
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(check: Same<A, B>): Same<A, B> => check;
same<z.infer<typeof messageRecordSchema>, T.MessageRecord>(true);
same<z.infer<typeof messageListItemSchema>, T.MessageListItem>(true);
same<z.infer<typeof messagePageSchema>, T.MessagePage>(true);
same<z.infer<typeof messageDetailSchema>, T.MessageDetail>(true);
same<z.infer<typeof sessionRecordSchema>, T.SessionRecord>(true);
same<z.infer<typeof sessionPageSchema>, T.SessionPage>(true);
same<z.infer<typeof statsResponseSchema>, T.StatsResponse>(true);
same<z.infer<typeof serverHealthSchema>, T.ServerHealth>(true);
same<z.infer<typeof serverViewSchema>, T.ServerView>(true);
same<z.infer<typeof gatewayHealthSchema>, T.GatewayHealth>(true);
same<z.infer<typeof clearResultSchema>, T.ClearResult>(true);
same<z.infer<typeof importResultSchema>, T.ImportResult>(true);
same<z.infer<typeof apiErrorSchema>, T.ApiError>(true);
same<z.infer<typeof auditPageSchema>, AuditPage>(true);
same<z.infer<typeof replayResultSchema>, T.ReplayResult>(true);
same<z.infer<typeof verifyReportSchema>, T.VerifyReport>(true);
