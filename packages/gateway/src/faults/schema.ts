// The fault rule as the contract of issue 16 gives it: one schema for
// "faults" in mcp.json, for POST /api/faults and for the CLI's flags. This
// module has no state and imports nothing of the gateway but types, so the
// registry can validate mcp.json with it.
import { z } from 'zod';
import type { Direction, FaultAction, FaultRule } from '../types.js';

export const FAULT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const direction = z.enum(['client_to_server', 'server_to_client']);
const pointer = z.string().regex(/^(\/.*)?$/, 'a JSON Pointer: "" or a path starting with "/", e.g. "/result/tools/0/description"');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'header values must not contain line breaks');
const ms = (max: number) => z.number().int().min(0).max(max);
const HOUR_MS = 60 * 60 * 1000;

/** One RFC 6902 operation. */
export const jsonPatchOperationSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), path: pointer, value: z.unknown() }),
  z.strictObject({ op: z.literal('replace'), path: pointer, value: z.unknown() }),
  z.strictObject({ op: z.literal('test'), path: pointer, value: z.unknown() }),
  z.strictObject({ op: z.literal('remove'), path: pointer }),
  z.strictObject({ op: z.literal('move'), from: pointer, path: pointer }),
  z.strictObject({ op: z.literal('copy'), from: pointer, path: pointer }),
]);

export const faultActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('delay'), ms: ms(HOUR_MS), jitterMs: ms(HOUR_MS).optional(), on: z.enum(['request', 'response']).optional() }),
  z.strictObject({ type: z.literal('error'), code: z.number().int().optional(), message: z.string().min(1).optional() }),
  z.strictObject({ type: z.literal('toolError'), text: z.string().optional() }),
  z.strictObject({ type: z.literal('hang') }),
  z.strictObject({
    type: z.literal('http'),
    status: z.number().int().min(200).max(599),
    headers: z.record(headerName, headerValue).optional(),
    body: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('cut'), afterEvents: z.number().int().min(0).optional() }),
  z.strictObject({ type: z.literal('reset') }),
  z.strictObject({ type: z.literal('drop') }),
  z.strictObject({ type: z.literal('rewrite'), patch: z.array(jsonPatchOperationSchema).min(1) }),
  z.strictObject({ type: z.literal('pause'), timeoutMs: z.number().int().min(1).max(HOUR_MS).optional(), onlyNext: z.boolean().optional() }),
]);

export const faultMatchSchema = z.strictObject({
  method: z.string().min(1).optional(),
  tool: z.string().min(1).optional(),
  direction: direction.optional(),
  session: z.string().min(1).optional(),
});

const fields = {
  id: z.string().regex(FAULT_ID_PATTERN, 'a rule id is 1-64 letters, digits, ".", "-" or "_"').optional(),
  /** A server name from mcpServers, or "*" for every server. */
  server: z.string().min(1),
  match: faultMatchSchema.optional(),
  action: faultActionSchema,
  times: z.number().int().min(1).optional(),
  probability: z.number().gt(0).max(1).optional(),
  ttlSeconds: z.number().positive().optional(),
  /** Written by the gateway in place of ttlSeconds: when the rule stops firing (ISO 8601). */
  expiresAt: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'expiresAt must be an ISO 8601 time, e.g. "2026-01-31T12:00:00Z"')
    .optional(),
};

/** The direction a rule acts on when `match.direction` is not given. */
export function defaultDirection(action: FaultAction): Direction {
  switch (action.type) {
    case 'delay':
      return action.on === 'response' ? 'server_to_client' : 'client_to_server';
    case 'rewrite':
    case 'cut':
    case 'drop':
    case 'reset':
      return 'server_to_client';
    default:
      return 'client_to_server';
  }
}

export function directionOf(rule: Pick<FaultRule, 'match' | 'action'>): Direction {
  return rule.match?.direction ?? defaultDirection(rule.action);
}

/** Combinations that could never fire, refused with the reason. */
function checkRule(rule: Pick<FaultRule, 'match' | 'action'>, ctx: z.RefinementCtx): void {
  const { action } = rule;
  const dir = directionOf(rule);
  const say = (message: string, path: string[]): void => ctx.addIssue({ code: 'custom', message, path });
  if (action.type === 'delay' && action.on && rule.match?.direction && rule.match.direction !== defaultDirection(action)) {
    say(`"on": "${action.on}" delays ${defaultDirection(action)} messages; drop match.direction or make it agree`, ['match', 'direction']);
  }
  if (action.type === 'http' && dir !== 'client_to_server') {
    say('an "http" answer replaces the upstream call, so it acts on requests (client_to_server)', ['match', 'direction']);
  }
  if (action.type === 'cut' && dir !== 'server_to_client') {
    say('"cut" closes an answer stream, so it acts on server_to_client', ['match', 'direction']);
  }
  const method = rule.match?.method;
  if (action.type === 'toolError' && method !== undefined && method !== 'tools/call' && method !== 'tools/*') {
    say('"toolError" answers a tools/call; match.method must be tools/call (or left out)', ['match', 'method']);
  }
  if (method !== undefined && method.includes('*') && !/^[^*]*\/\*$/.test(method)) {
    say('a method is exact ("tools/call") or a prefix ending in "/*" ("tools/*")', ['match', 'method']);
  }
}

/** A rule as POST /api/faults and mcp.json take it (id optional). */
export const faultRuleInputSchema = z.strictObject(fields).superRefine(checkRule);

/** "faults" in mcp.json: rules with distinct ids. */
export const faultListSchema = z.array(faultRuleInputSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (rule.id === undefined) return;
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `rule id "${rule.id}" is used twice`, path: [index, 'id'] });
    seen.add(rule.id);
  });
});

export type FaultRuleInput = z.infer<typeof faultRuleInputSchema>;

// ---- compile-time: the schema describes exactly the public type ----
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(check: Same<A, B>): Same<A, B> => check;
same<FaultRuleInput['action'], FaultAction>(true);
same<Omit<FaultRuleInput, 'id'> & { id: string }, FaultRule>(true);
