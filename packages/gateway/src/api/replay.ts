import { z } from 'zod';
import { ReplayError } from '../replay/errors.js';
import type { Replayer } from '../replay/replayer.js';
import { parseExport } from '../store/import.js';
import type { ExportLine } from '../types.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { ApiFailure, badBody } from './errors.js';
import { apiErrorSchema, catalogSchema, replayResultSchema, verifyReportSchema } from './response-schemas.js';
import { messageIdParams, sessionParams, sessionQuery } from './schemas.js';
import { route, type RouteSpec } from './spec.js';

const error = { schema: apiErrorSchema };
const params = z.record(z.string(), z.unknown()).describe('a JSON object: the request\'s params, replacing the recorded ones');
const confirm = z.boolean().describe('true to run a tool that is not marked readOnlyHint: true');

const replayBody = z.strictObject({
  params: params.optional(),
  session: z.enum(['fresh', 'live']).optional().describe('fresh (the default: a new upstream session) or live (the original session, if it still exists)'),
  confirm: confirm.optional(),
});

const verifyBody = z.strictObject({
  confirm: confirm.optional(),
  ignorePaths: z.array(z.string().min(1).max(500)).max(100).optional().describe('JSON paths left out of the comparison, such as $.result.content[*].text'),
  server: z.string().min(1).max(200).optional().describe('run against this registered server instead of the recorded one'),
  export: z.string().max(256 * 1024 * 1024).optional().describe('a JSONL export (`mcp-gateway logs export`) to read the session from instead of the store'),
});

const composeBody = z.strictObject({
  method: z.string().min(1).max(200).describe('a replayable method: tools/call, prompts/get, resources/read, completion/complete, ping or a list'),
  params: params.optional(),
  confirm: confirm.optional(),
});

const serverParams = z.strictObject({ name: z.string().min(1).max(200).describe('a server name') });

const refusals = {
  400: { description: 'The method cannot be replayed (error code not_replayable), or the body is invalid', ...error },
  404: { ...ERROR_RESPONSES[404], ...error },
  409: { description: 'confirmation_required (with tool and annotations): the tool is not read-only; session_gone: a live replay\'s session ended', ...error },
  422: { description: 'redacted_params (with paths): the stored params hold masked secrets; truncated_params; invalid_params', ...error },
  502: { description: 'upstream_unauthorized or upstream_failed: the server could not be reached or refused the session', ...error },
  503: { description: 'Replay is not available in this process', ...error },
};

function asFailure(failure: unknown): never {
  if (failure instanceof ReplayError) throw new ApiFailure(failure.status, failure.code, failure.message, failure.details);
  throw failure;
}

export function replayRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer, audit } = ctx.deps;
  const replayer = (): Replayer => {
    if (!ctx.deps.replayer) throw new ApiFailure(503, 'unavailable', 'Replay needs the running gateway (mcp-gateway start)');
    return ctx.deps.replayer;
  };
  return [
    route({
      method: 'post',
      path: '/messages/:id/replay',
      operationId: 'replayMessage',
      tag: 'replay',
      summary: 'Send a recorded client request again (optionally with edited params) and compare the answers',
      description:
        'The request goes through the gateway\'s own proxy route, so it reaches the server as the original did and is recorded, every row with origin "replay", ' +
        'the request with replayOf. fresh opens a new session with the recorded client\'s initialize params; live uses the original session. ' +
        'Checks, in order: the method is replayable (400), the params hold no masked secrets (422), a tool that is not read-only is confirmed (409).',
      params: messageIdParams,
      body: { description: 'all optional', contentType: 'application/json', schema: replayBody },
      responses: { 200: { description: 'The replayed request and answer as recorded, with the diff against the original answer', schema: replayResultSchema }, ...refusals },
      handle: async ({ c, params: path, body }) => {
        await writer.flush();
        const result = await replayer()
          .replay(path.id, { params: body.params, session: body.session, confirm: body.confirm })
          .catch(asFailure);
        audit.record('message.replayed', {
          subject: result.request.server,
          detail: { messageId: path.id, method: result.request.method, edited: body.params !== undefined, confirmed: body.confirm === true, session: body.session ?? 'fresh' },
          source: 'api',
        });
        return c.json(result);
      },
    }),
    route({
      method: 'post',
      path: '/sessions/:id/verify',
      operationId: 'verifySession',
      tag: 'replay',
      summary: 'Re-run every replayable request of a recorded session, in order, in one fresh session, and compare each answer (a regression test)',
      description: 'Tool calls that are not read-only are skipped unless confirm is true. Add server=<name> to the query if two servers used the same session id.',
      params: sessionParams,
      query: sessionQuery,
      body: { description: 'all optional', contentType: 'application/json', schema: verifyBody },
      responses: { 200: { description: 'One result per request: same, changed (with its diff), error or skipped', schema: verifyReportSchema }, ...refusals },
      handle: async ({ c, params: path, query, body }) => {
        await writer.flush();
        const lines = body.export === undefined ? undefined : exportLines(body.export);
        const report = await replayer()
          .verify(
            { sessionId: path.id, server: query.server, lines, against: body.server },
            { confirm: body.confirm, ignorePaths: body.ignorePaths },
          )
          .catch(asFailure);
        audit.record('session.verified', {
          subject: body.server ?? query.server ?? null,
          detail: { session: path.id, same: report.same, changed: report.changed, errors: report.errors, skipped: report.skipped, confirmed: body.confirm === true, fromExport: lines !== undefined },
          source: 'api',
        });
        return c.json(report);
      },
    }),
    route({
      method: 'get',
      path: '/servers/:name/catalog',
      operationId: 'serverCatalog',
      tag: 'replay',
      summary: 'The tools, prompts and resources a server offered, from its newest recorded list answers (for composing a request)',
      params: serverParams,
      responses: { 200: { description: 'Definitions as recorded', schema: catalogSchema }, 404: refusals[404] },
      handle: async ({ c, params: path }) => {
        await writer.flush();
        try {
          return c.json(replayer().catalog(path.name));
        } catch (failure) {
          return asFailure(failure);
        }
      },
    }),
    route({
      method: 'post',
      path: '/servers/:name/requests',
      operationId: 'composeRequest',
      tag: 'replay',
      summary: 'Send a request written by hand to a server, in a fresh session, recorded with origin "replay"',
      params: serverParams,
      body: { description: 'the method and its params', contentType: 'application/json', schema: composeBody },
      responses: { 200: { description: 'The request and answer as recorded (diff is empty)', schema: replayResultSchema }, ...refusals },
      handle: async ({ c, params: path, body }) => {
        const result = await replayer().compose(path.name, body.method, body.params, body.confirm === true).catch(asFailure);
        audit.record('message.replayed', {
          subject: path.name,
          detail: { messageId: null, method: body.method, edited: true, confirmed: body.confirm === true, session: 'fresh' },
          source: 'api',
        });
        return c.json(result);
      },
    }),
  ];
}

function exportLines(text: string): ExportLine[] {
  const parsed = parseExport(text);
  const first = parsed.errors[0];
  if (first) throw badBody(`export line ${first.line}: ${first.message}`);
  return parsed.lines as ExportLine[];
}
