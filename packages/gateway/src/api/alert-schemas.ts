// Schemas of the alert and definition endpoints: queries, and the response
// shapes (registered in response-schemas.ts for /api/openapi.json). The
// compile-time checks at the bottom keep them equal to the types in types.ts.
import { z } from 'zod';
import type * as T from '../types.js';
import { parseTime } from './schemas.js';

const severity = z.enum(['info', 'warning', 'high']);
const kind = z.enum(['drift', 'poisoning']);
const definitionKind = z.enum(['initialize', 'tools', 'prompts', 'resources', 'resourceTemplates']);

export const alertSchema = z.object({
  id: z.number(),
  kind,
  rule: z.string().describe('the rule id; GET /api/alerts/rules explains each'),
  severity,
  server: z.string(),
  session: z.string().nullable().describe('the session of the latest sighting'),
  messageId: z.number().nullable().describe('the message of the latest sighting'),
  path: z.string().nullable().describe('JSON path of the field in that message'),
  match: z
    .object({ text: z.string(), start: z.number(), end: z.number() })
    .nullable()
    .describe('what matched, with offsets in UTF-16 code units into the field'),
  decoded: z.string().nullable().describe('hidden text made visible'),
  before: z.string().nullable().describe('drift: the baseline (or earlier) value'),
  after: z.string().nullable().describe('drift: the value now'),
  firstSeen: z.number().describe('Unix epoch milliseconds'),
  lastSeen: z.number().describe('Unix epoch milliseconds'),
  seen: z.number().describe('how many messages it was seen in'),
});

export const alertListSchema = z.object({ alerts: z.array(alertSchema) });

export const alertRuleSchema = z.object({ id: z.string(), kind, severity, rationale: z.string(), advice: z.string() });
export const alertRuleListSchema = z.object({ rules: z.array(alertRuleSchema) });

export const alertMarksSchema = z.object({ marks: z.array(z.object({ messageId: z.number(), severity, alerts: z.number() })) });

export const definitionBaselineSchema = z.object({
  kind: definitionKind,
  hash: z.string(),
  acceptedAt: z.number(),
  source: z.enum(['first-use', 'api', 'cli']),
  session: z.string().nullable(),
  messageId: z.number().nullable(),
  count: z.number(),
});

export const definitionHistorySchema = z.object({
  server: z.string(),
  baselines: z.array(definitionBaselineSchema),
  versions: z.array(
    z.object({
      kind: definitionKind,
      hash: z.string(),
      count: z.number(),
      firstSeen: z.number(),
      lastSeen: z.number(),
      sessions: z.number(),
      firstMessageId: z.number(),
      lastMessageId: z.number(),
      clients: z.array(z.string()),
    }),
  ),
});

export const definitionSetSchema = z.object({
  hash: z.string(),
  kind: definitionKind,
  entries: z.array(z.object({ key: z.string(), hash: z.string(), definition: z.record(z.string(), z.unknown()) })),
});

export const baselineResultSchema = z.object({ server: z.string(), baselines: z.array(definitionBaselineSchema) });

export const alertSchemas: Record<string, z.ZodType> = {
  Alert: alertSchema,
  AlertList: alertListSchema,
  AlertRule: alertRuleSchema,
  AlertRuleList: alertRuleListSchema,
  AlertMarks: alertMarksSchema,
  DefinitionBaseline: definitionBaselineSchema,
  DefinitionHistory: definitionHistorySchema,
  DefinitionSet: definitionSetSchema,
  BaselineResult: baselineResultSchema,
};

const MAX_ID = Number.MAX_SAFE_INTEGER;

export const alertsQuery = z.strictObject({
  server: z.string().min(1).max(200).optional().describe('a server name'),
  severity: severity.optional().describe('info, warning or high: alerts of this severity or higher'),
  kind: kind.optional().describe('drift or poisoning'),
  since: z
    .string()
    .refine((v) => parseTime(v) !== null)
    .transform((v) => parseTime(v) as number)
    .optional()
    .describe('an ISO 8601 time (2026-11-21T20:14:03Z) or Unix epoch milliseconds; alerts last seen at or after it'),
  before: z.coerce.number().int().min(1).max(MAX_ID).optional().describe('an alert id; only older alerts (the next page)'),
  message: z.coerce.number().int().min(1).max(MAX_ID).optional().describe('a message id; only alerts seen in that message'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('an integer from 1 to 1000'),
});

export const alertMarksQuery = z.strictObject({
  after: z.coerce.number().int().min(0).max(MAX_ID).optional().describe('a message id; only messages newer than it'),
  limit: z.coerce.number().int().min(1).max(10_000).default(5000).describe('an integer from 1 to 10000'),
});

export const definitionSetParams = z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/).describe('a SHA-256 from a definition history, 64 hex digits') });

// ---- compile-time: the schemas describe exactly the public types ----
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(check: Same<A, B>): Same<A, B> => check;
same<z.infer<typeof alertSchema>, T.Alert>(true);
same<z.infer<typeof alertListSchema>, T.AlertList>(true);
same<z.infer<typeof alertRuleSchema>, T.AlertRuleInfo>(true);
same<z.infer<typeof alertMarksSchema>, T.AlertMarks>(true);
same<z.infer<typeof definitionHistorySchema>, T.DefinitionHistory>(true);
same<z.infer<typeof baselineResultSchema>, T.BaselineResult>(true);
