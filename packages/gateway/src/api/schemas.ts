// Request schemas: query parameters, path parameters and bodies. Each field's
// description says what a valid value is; a bad value is reported as
// "<name> must be <description> (got <value>)" (see spec.ts), and the same
// text documents the parameter in /api/openapi.json.
import { z } from 'zod';
import { AUDIT_EVENTS } from '../store/audit.js';

const MAX_ID = Number.MAX_SAFE_INTEGER;

const messageId = (what: string) => z.coerce.number().int().min(1).max(MAX_ID).describe(`a message id (a positive integer); ${what}`);

/** A cursor from below: a message id, or 0 for the very start. */
const afterId = (what: string) => z.coerce.number().int().min(0).max(MAX_ID).optional().describe(`a message id, or 0 for the start; ${what}`);

/** Epoch ms, or an ISO 8601 time. Date-only ISO values are midnight UTC. */
export function parseTime(value: string): number | null {
  if (/^\d{1,16}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

const time = (what: string) =>
  z
    .string()
    .refine((v) => parseTime(v) !== null)
    .transform((v) => parseTime(v) as number)
    .describe(`an ISO 8601 time (2026-11-21T20:14:03Z) or Unix epoch milliseconds; ${what}`);

const serverName = z.string().min(1).max(200).describe('a server name');

/** `jsonrpcId=1` is the number 1, `jsonrpcId="1"` the string "1"; text that is not a JSON number or string is taken as a string id. */
export function jsonrpcIdText(value: string): string {
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed === 'number' || typeof parsed === 'string') return JSON.stringify(parsed);
  } catch {
    // not JSON: a bare string id
  }
  return JSON.stringify(value);
}

export const messageFilterShape = {
  server: serverName.optional(),
  session: z.string().min(1).max(500).optional().describe('an Mcp-Session-Id value'),
  method: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^*]*\*?$/)
    .optional()
    .describe('a JSON-RPC method (tools/call), or a prefix ending in * (tools/*); answers carry their request\'s method'),
  direction: z.enum(['client_to_server', 'server_to_client']).optional().describe('client_to_server or server_to_client'),
  kind: z.enum(['request', 'response', 'notification', 'error', 'invalid']).optional().describe('one of request, response, notification, error, invalid'),
  errors: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true (JSON-RPC errors and results with isError: true) or false (everything else)'),
  status: z.coerce.number().int().min(100).max(599).optional().describe('an HTTP status code from 100 to 599'),
  minDurationMs: z.coerce.number().min(0).max(1e12).optional().describe('a number of milliseconds, 0 or more (answers that took at least this long)'),
  since: time('messages at or after it').optional(),
  until: time('messages at or before it').optional(),
  jsonrpcId: z
    .string()
    .min(1)
    .max(500)
    .transform(jsonrpcIdText)
    .optional()
    .describe('a JSON-RPC id as JSON: 1 is the number, "1" (with quotes, URL-encoded %221%22) the string; other text is a string id'),
  q: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe('1 to 1000 characters of words to find in message bodies; every word must occur, as a whole word, case-insensitive; quotes, *, -, OR and parentheses are plain text'),
  origin: z.enum(['client', 'replay']).optional().describe('client (through the proxy) or replay (sent by the gateway replaying a recorded request)'),
};

export const pageShape = {
  before: messageId('only messages older than it (the next page of a newest-first list)').optional(),
  after: afterId('only messages newer than it; without before, the list is oldest first'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('an integer from 1 to 1000'),
  order: z.enum(['asc', 'desc']).optional().describe('asc (oldest first) or desc (newest first; the default unless only after is given)'),
  maxBody: z.coerce
    .number()
    .int()
    .min(0)
    .max(16 * 1024 * 1024)
    .default(4096)
    .describe('an integer from 0 to 16777216; bodies longer than this many characters are cut (bodyClipped: true)'),
};

export const listMessagesQuery = z.strictObject({ ...messageFilterShape, ...pageShape });

export const messageIdParams = z.strictObject({ id: messageId('from a list or an event') });

export const clearQuery = z.strictObject({
  server: serverName.optional(),
  before: messageId('only messages older than it are removed').optional(),
  until: time(
    'only messages recorded at or before it are removed, up to the first one recorded after it (messages are removed oldest id first, so an imported older message above that one is kept)',
  ).optional(),
});

export const exportQuery = z.strictObject({
  ...messageFilterShape,
  format: z.enum(['jsonl', 'har']).optional().describe('jsonl (the default: one message per line, as `mcp-gateway logs export` writes) or har (HTTP Archive 1.2, one entry per HTTP exchange)'),
  includeSecrets: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true or false (the default); true keeps masked headers (Authorization, Cookie, ...) in a HAR as stored, their values still redacted'),
});

export const eventsQuery = z.strictObject({
  server: serverName.optional(),
  after: afterId('replay stored messages newer than it first (the Last-Event-ID header does the same and wins)'),
  maxBody: pageShape.maxBody,
});

export const sessionsQuery = z.strictObject({
  server: serverName.optional(),
  before: messageId('sessions whose newest message is older than it (next page)').optional(),
  limit: pageShape.limit,
});

export const sessionParams = z.strictObject({ id: z.string().min(1).max(500).describe('an Mcp-Session-Id value') });

export const sessionQuery = z.strictObject({ server: serverName.optional() });

export const statsQuery = z.strictObject({
  server: serverName.optional(),
  since: time('messages at or after it').optional(),
  until: time('messages at or before it').optional(),
});

export const auditQuery = z.strictObject({
  event: z.enum(AUDIT_EVENTS).optional().describe(`one of ${AUDIT_EVENTS.join(', ')}`),
  since: time('entries at or after it').optional(),
  until: time('entries at or before it').optional(),
  before: z.coerce.number().int().min(1).max(MAX_ID).optional().describe('an audit entry id; only older entries (the next page)'),
  limit: pageShape.limit,
});

export const serverParams = z.strictObject({ name: z.string().min(1).max(200).describe('a server name from mcp.json') });

const stringRecord = z.record(z.string(), z.string());

/** A server as mcp.json holds it. The registry's own rules (URL, header names, url or command) are checked after these types. */
export const serverEntryBody = z.looseObject({
  type: z.enum(['http', 'sse', 'stdio', 'streamable-http', 'streamableHttp']).optional().describe('transport; default http for url, stdio for command'),
  url: z.string().optional().describe('upstream MCP endpoint (http:// or https://)'),
  headers: stringRecord.optional().describe('headers sent upstream; a value of ******** keeps the stored one'),
  command: z.string().optional().describe('stdio server: the command to run'),
  args: z.array(z.string()).optional().describe('stdio server: its arguments'),
  env: stringRecord.optional().describe('stdio server: extra environment; a value of ******** keeps the stored one'),
  cwd: z.string().optional().describe('stdio server: absolute working folder'),
});

export const newServerBody = serverEntryBody.extend({
  name: z.string().describe('1-64 letters, digits, "-" or "_", starting with a letter or digit'),
});
