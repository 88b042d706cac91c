// Drift and poisoning alerts, and the definitions they come from: the
// server's definition history, one stored list, and accepting a baseline.
import { ALERT_RULES } from '../alerts/catalog.js';
import { readAlertMarks, readAlerts } from '../store/alerts.js';
import { acceptBaselines, readDefinitionHistory, readDefinitionSet, serversWithDefinitions } from '../store/definitions.js';
import type { BaselineResult } from '../types.js';
import {
  alertListSchema,
  alertMarksQuery,
  alertMarksSchema,
  alertRuleListSchema,
  alertsQuery,
  baselineResultSchema,
  definitionHistorySchema,
  definitionSetParams,
  definitionSetSchema,
} from './alert-schemas.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { ApiFailure, notFound } from './errors.js';
import { apiErrorSchema } from './response-schemas.js';
import { serverParams } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

const error = { schema: apiErrorSchema };

export function alertRoutes(ctx: ApiContext): RouteSpec[] {
  const { sqlite, registry, writer } = ctx.deps;
  /** Everything recorded before the request analyzed, and what was found on disk. */
  const settled = async (): Promise<void> => {
    if (ctx.deps.alerts) await ctx.deps.alerts.settled();
    else await writer.flush();
  };
  const knownServer = (name: string): void => {
    if (registry.get(name) || serversWithDefinitions(sqlite).includes(name)) return;
    const names = registry.names();
    throw notFound(`no server named "${name}"${names.length ? `; registered: ${names.join(', ')}` : '; none is registered'}`);
  };

  return [
    route({
      method: 'get',
      path: '/alerts',
      operationId: 'listAlerts',
      tag: 'alerts',
      summary: 'Drift and poisoning alerts, newest first (by when first raised)',
      description:
        'One alert per server, rule and content: a definition or text seen again updates `lastSeen`, `seen`, `session` and `messageId` (the latest sighting). ' +
        '`severity` keeps that severity and higher; `since` keeps alerts last seen at or after it; page with `before` = the last id. ' +
        'Answers once everything recorded before the request has been analyzed (or after 5 s).',
      query: alertsQuery,
      responses: { 200: { description: 'Alerts', schema: alertListSchema }, 400: { ...ERROR_RESPONSES[400], ...error } },
      handle: async ({ c, query }) => {
        await settled();
        return c.json({ alerts: readAlerts(sqlite, query) });
      },
    }),
    route({
      method: 'get',
      path: '/alerts/rules',
      operationId: 'listAlertRules',
      tag: 'alerts',
      summary: 'Every rule: id, kind, severity, why it matters and what to do',
      responses: { 200: { description: 'Rules', schema: alertRuleListSchema } },
      handle: ({ c }) => c.json({ rules: ALERT_RULES }),
    }),
    route({
      method: 'get',
      path: '/alerts/marks',
      operationId: 'listAlertMarks',
      tag: 'alerts',
      summary: 'Messages with alerts (every sighting), newest first, with their highest severity: for badges on message rows',
      query: alertMarksQuery,
      responses: { 200: { description: 'Marks', schema: alertMarksSchema }, 400: { ...ERROR_RESPONSES[400], ...error } },
      handle: async ({ c, query }) => {
        await settled();
        return c.json(readAlertMarks(sqlite, query));
      },
    }),
    route({
      method: 'get',
      path: '/servers/:name/definitions',
      operationId: 'serverDefinitions',
      tag: 'alerts',
      summary: "The history of a server's definitions: each distinct version of its initialize answer and lists, oldest first, and its baselines",
      params: serverParams,
      responses: { 200: { description: 'History', schema: definitionHistorySchema }, 404: { ...ERROR_RESPONSES[404], ...error } },
      handle: async ({ c, params }) => {
        knownServer(params.name);
        await settled();
        return c.json(readDefinitionHistory(sqlite, params.name));
      },
    }),
    route({
      method: 'get',
      path: '/definitions/:hash',
      operationId: 'getDefinitionSet',
      tag: 'alerts',
      summary: 'One stored list in canonical form (spec defaults applied, keys sorted), each entry with its SHA-256',
      params: definitionSetParams,
      responses: { 200: { description: 'The list', schema: definitionSetSchema }, 404: { ...ERROR_RESPONSES[404], ...error } },
      handle: ({ c, params }) => {
        const set = readDefinitionSet(sqlite, params.hash);
        if (!set) throw notFound(`no definitions with hash ${params.hash}`);
        return c.json(set);
      },
    }),
    route({
      method: 'post',
      path: '/servers/:name/baseline',
      operationId: 'acceptBaseline',
      tag: 'alerts',
      summary: "Accept the server's most recent complete lists as its baseline (as `mcp-gateway baseline accept` does); recorded in the audit log",
      description: 'Later lists are compared with these. Alerts already raised stay in the list, as history.',
      params: serverParams,
      responses: {
        200: { description: 'The new baselines', schema: baselineResultSchema },
        404: { ...ERROR_RESPONSES[404], ...error },
        409: { description: 'Nothing of the server was recorded yet', ...error },
      },
      handle: async ({ c, params }) => {
        knownServer(params.name);
        // The lists recorded so far must be analyzed first: the latest of them is what is accepted.
        await settled();
        const baselines = await writer.exclusive(() => acceptBaselines(sqlite, params.name, 'api'));
        if (baselines.length === 0) {
          throw new ApiFailure(
            409,
            'nothing_recorded',
            `no complete definitions of "${params.name}" were recorded yet; connect a client through /s/${params.name}/mcp and list its tools first`,
          );
        }
        ctx.deps.alerts?.baselinesChanged(params.name);
        ctx.deps.audit.record('baseline.accepted', {
          subject: params.name,
          detail: { kinds: baselines.map((b) => b.kind), hashes: baselines.map((b) => b.hash.slice(0, 12)) },
          source: 'api',
        });
        const result: BaselineResult = { server: params.name, baselines };
        return c.json(result);
      },
    }),
  ];
}
