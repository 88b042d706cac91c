// Fault rules and breakpoints in the API: bodies and response shapes, checked
// against the public types at compile time.
import { z } from 'zod';
import { FAULT_ID_PATTERN, faultActionSchema, faultMatchSchema, faultRuleInputSchema } from '../faults/schema.js';
import type * as T from '../types.js';

const direction = z.enum(['client_to_server', 'server_to_client']);

export const faultViewSchema = z.object({
  id: z.string(),
  server: z.string(),
  match: faultMatchSchema.optional(),
  action: faultActionSchema,
  times: z.number().optional(),
  probability: z.number().optional(),
  expiresAt: z.string().nullable().describe('When the rule stops firing (ISO 8601); null: never'),
  fired: z.number().describe('How often it fired since the gateway started (not persisted)'),
  active: z.boolean().describe('Not expired and not used up'),
});

export const faultListSchema = z.object({ faults: z.array(faultViewSchema) });
export const faultsClearedSchema = z.object({ removed: z.number() });

export const breakpointViewSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  server: z.string(),
  session: z.string().nullable(),
  direction,
  message: z.unknown().describe('The held JSON-RPC message, as sent (not redacted)'),
  heldAt: z.string(),
  timeoutAt: z.string().describe('When it continues unchanged by itself'),
});

export const breakpointListSchema = z.object({ breakpoints: z.array(breakpointViewSchema) });
export const breakpointResolvedSchema = z.object({ id: z.string(), outcome: z.enum(['continued', 'edited', 'aborted']) });

/** POST /api/faults takes a rule as mcp.json does (id optional, ttlSeconds accepted). */
export const faultRuleBody = faultRuleInputSchema;

export const faultParams = z.object({ id: z.string().regex(FAULT_ID_PATTERN).describe('a rule id, as GET /api/faults lists it') });
export const breakpointParams = z.object({ id: z.string().regex(/^bp-[0-9a-f]{12}$/).describe('a breakpoint id, as GET /api/breakpoints lists it') });

export const continueBody = z.strictObject({
  message: z.unknown().optional().describe('the edited JSON-RPC message to send on instead of the held one'),
});
export const abortBody = z.strictObject({
  code: z.number().int().optional().describe('the JSON-RPC error code of the answer (default -32000)'),
  message: z.string().min(1).optional().describe('the error message of the answer'),
});

export const faultSchemas: Record<string, z.ZodType> = {
  FaultView: faultViewSchema,
  FaultList: faultListSchema,
  FaultsCleared: faultsClearedSchema,
  BreakpointView: breakpointViewSchema,
  BreakpointList: breakpointListSchema,
  BreakpointResolved: breakpointResolvedSchema,
};

// ---- compile-time: the schemas describe exactly the public types ----
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(check: Same<A, B>): Same<A, B> => check;
same<z.infer<typeof faultViewSchema>, T.FaultView>(true);
same<z.infer<typeof breakpointViewSchema>, T.BreakpointView>(true);
