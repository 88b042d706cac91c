// /api/faults and /api/breakpoints: the fault rules in mcp.json, and the
// messages `pause` rules hold. Every rule change is audited (by FaultRules).
import { RegistryError } from '../registry/file.js';
import { FaultInputError, type FaultRules } from '../faults/rules.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { ApiFailure, notFound } from './errors.js';
import {
  abortBody,
  breakpointListSchema,
  breakpointParams,
  breakpointResolvedSchema,
  continueBody,
  faultListSchema,
  faultParams,
  faultRuleBody,
  faultsClearedSchema,
  faultViewSchema,
} from './fault-schemas.js';
import { apiErrorSchema } from './response-schemas.js';
import { route, type RouteSpec } from './spec.js';

const error = { schema: apiErrorSchema };
const UNAVAILABLE = { 503: { description: 'This gateway has no fault rules (started without them)', ...error } };

export function faultRoutes(ctx: ApiContext): RouteSpec[] {
  const rules = (): FaultRules => {
    const faults = ctx.deps.faults;
    if (!faults) throw new ApiFailure(503, 'unavailable', 'Fault rules are not available in this gateway');
    return faults;
  };
  const hidePath = (message: string): string => message.replaceAll(ctx.deps.paths.registry, 'mcp.json');
  const failure = (cause: unknown): never => {
    if (cause instanceof FaultInputError) throw new ApiFailure(cause.status, cause.status === 404 ? 'not_found' : 'conflict', cause.message);
    if (cause instanceof RegistryError) throw new ApiFailure(409, 'registry_invalid', hidePath(cause.message));
    throw cause;
  };
  return [
    route({
      method: 'get',
      path: '/faults',
      operationId: 'listFaults',
      tag: 'faults',
      summary: 'The fault rules in mcp.json, each with how often it fired (since start) and when it expires',
      responses: { 200: { description: 'Rules, in the order they are tried', schema: faultListSchema }, ...UNAVAILABLE },
      handle: ({ c }) => c.json({ faults: rules().list() }),
    }),
    route({
      method: 'post',
      path: '/faults',
      operationId: 'addFault',
      tag: 'faults',
      summary: 'Add a fault rule (written to "faults" in mcp.json; audited)',
      description:
        'A rule: {"server", "match": {"method", "tool", "direction", "session"}, "action": {...}, "times", "probability", "ttlSeconds"}; ' +
        'id assigned when absent; ttlSeconds is kept as expiresAt. Actions: delay {ms, jitterMs, on}, error {code, message}, toolError {text}, hang, ' +
        'http {status, headers, body}, cut {afterEvents}, reset, drop, rewrite {patch: RFC 6902 operations}, pause {timeoutMs, onlyNext}.',
      body: { description: 'The rule', contentType: 'application/json', schema: faultRuleBody },
      responses: {
        201: { description: 'Added; it acts on traffic from now on', schema: faultViewSchema },
        400: { ...ERROR_RESPONSES[400], ...error },
        409: { description: 'A rule with that id exists, or mcp.json does not parse', ...error },
        ...UNAVAILABLE,
      },
      handle: async ({ c, body }) => c.json(await rules().add(body).catch(failure), 201),
    }),
    route({
      method: 'delete',
      path: '/faults',
      operationId: 'clearFaults',
      tag: 'faults',
      summary: 'Remove every fault rule (audited)',
      responses: { 200: { description: 'How many rules were removed', schema: faultsClearedSchema }, 409: { description: 'mcp.json does not parse', ...error }, ...UNAVAILABLE },
      handle: async ({ c }) => c.json({ removed: await rules().clear().catch(failure) }),
    }),
    route({
      method: 'delete',
      path: '/faults/:id',
      operationId: 'removeFault',
      tag: 'faults',
      summary: 'Remove one fault rule (audited)',
      params: faultParams,
      responses: {
        200: { description: 'The removed rule, as it was', schema: faultViewSchema },
        404: { ...ERROR_RESPONSES[404], ...error },
        409: { description: 'mcp.json does not parse', ...error },
        ...UNAVAILABLE,
      },
      handle: async ({ c, params }) => c.json(await rules().remove(params.id).catch(failure)),
    }),
    route({
      method: 'get',
      path: '/breakpoints',
      operationId: 'listBreakpoints',
      tag: 'faults',
      summary: 'Messages held by pause rules, oldest first',
      responses: { 200: { description: 'Held messages, each with when it continues by itself', schema: breakpointListSchema }, ...UNAVAILABLE },
      handle: ({ c }) => c.json({ breakpoints: rules().breakpoints.list() }),
    }),
    route({
      method: 'post',
      path: '/breakpoints/:id/continue',
      operationId: 'continueBreakpoint',
      tag: 'faults',
      summary: 'Send the held message on, or the edited message given as {"message": ...}',
      params: breakpointParams,
      body: { description: 'Optional: the edited message', contentType: 'application/json', schema: continueBody, optional: true },
      responses: { 200: { description: 'Sent on', schema: breakpointResolvedSchema }, 404: { ...ERROR_RESPONSES[404], ...error }, ...UNAVAILABLE },
      handle: ({ c, params, body }) => {
        const edited = body.message !== undefined ? { message: body.message } : undefined;
        if (!rules().breakpoints.continue(params.id, edited)) throw notFound(`no message is held at breakpoint "${params.id}" (it was resolved or timed out)`);
        return c.json({ id: params.id, outcome: edited ? 'edited' : 'continued' });
      },
    }),
    route({
      method: 'post',
      path: '/breakpoints/:id/abort',
      operationId: 'abortBreakpoint',
      tag: 'faults',
      summary: 'Answer the held message with a JSON-RPC error instead ({"code", "message"} optional)',
      params: breakpointParams,
      body: { description: 'Optional: the error', contentType: 'application/json', schema: abortBody, optional: true },
      responses: { 200: { description: 'Aborted', schema: breakpointResolvedSchema }, 404: { ...ERROR_RESPONSES[404], ...error }, ...UNAVAILABLE },
      handle: ({ c, params, body }) => {
        if (!rules().breakpoints.abort(params.id, body)) throw notFound(`no message is held at breakpoint "${params.id}" (it was resolved or timed out)`);
        return c.json({ id: params.id, outcome: 'aborted' });
      },
    }),
  ];
}
