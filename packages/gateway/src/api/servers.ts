import { isAbsolute } from 'node:path';
import { RegistryError } from '../registry/file.js';
import { deleteServer, putServer, RegistryInputError, validateEntry, type ResolvedServer } from '../registry/registry.js';
import { transportOf, type ServerEntry } from '../registry/schema.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { ApiFailure, badBody, notFound } from './errors.js';
import { apiErrorSchema, removedServerSchema, serverHealthSchema, serverListSchema, serverViewSchema } from './response-schemas.js';
import { newServerBody, serverEntryBody, serverParams } from './schemas.js';
import { route, type RouteSpec } from './spec.js';
import { MASK, serverView } from './views.js';

const error = { schema: apiErrorSchema };

export function serverRoutes(ctx: ApiContext): RouteSpec[] {
  const { registry, paths } = ctx.deps;
  // Error texts name mcp.json, never where it is on disk.
  const hidePath = (message: string): string => message.replaceAll(paths.registry, 'mcp.json');
  const view = (server: ResolvedServer) => serverView(server, ctx.deps.baseUrl());
  const find = (name: string): ResolvedServer => {
    const server = registry.get(name);
    if (!server) throw notFound(`no server named "${name}"${registry.names().length ? `; registered: ${registry.names().join(', ')}` : '; none is registered'}`);
    return server;
  };

  /** Writes mcp.json as the CLI does (locked, atomic, unknown keys kept), then makes the change visible at once. */
  const save = (name: string, entry: ServerEntry, replace: boolean): Promise<ResolvedServer> =>
    ctx.deps.audit.apiChange(name, async () => {
      try {
        await putServer(paths.registry, name, entry, { replace });
      } catch (failure) {
        throw registryFailure(failure, hidePath);
      }
      registry.reload();
      return { name, entry, transport: transportOf(entry) };
    });

  return [
    route({
      method: 'get',
      path: '/servers',
      operationId: 'listServers',
      tag: 'servers',
      summary: 'The registered servers and their proxy URLs (secrets masked)',
      responses: { 200: { description: 'Servers, and the registry error when mcp.json does not parse', schema: serverListSchema } },
      handle: ({ c }) => {
        const registryError = registry.lastError();
        return c.json({ servers: registry.list().map(view), registryError: registryError === null ? null : hidePath(registryError) });
      },
    }),
    route({
      method: 'post',
      path: '/servers',
      operationId: 'addServer',
      tag: 'servers',
      summary: 'Register a server in mcp.json (as `mcp-gateway server add` does)',
      body: { description: 'name plus the mcp.json entry', contentType: 'application/json', schema: newServerBody },
      responses: {
        201: { description: 'Added', schema: serverViewSchema },
        400: { ...ERROR_RESPONSES[400], ...error },
        409: { description: 'A server of that name exists, or mcp.json does not parse', ...error },
      },
      handle: async ({ c, body }) => {
        const { name, ...entry } = body;
        const saved = await save(name, checkEntry(name, entry), false);
        c.header('Location', `/api/servers/${encodeURIComponent(name)}`);
        return c.json(view(saved), 201);
      },
    }),
    route({
      method: 'get',
      path: '/servers/:name',
      operationId: 'getServer',
      tag: 'servers',
      summary: 'One server (secrets masked)',
      params: serverParams,
      responses: { 200: { description: 'The server', schema: serverViewSchema }, 404: { ...ERROR_RESPONSES[404], ...error } },
      handle: ({ c, params }) => c.json(view(find(params.name))),
    }),
    route({
      method: 'put',
      path: '/servers/:name',
      operationId: 'putServer',
      tag: 'servers',
      summary: 'Create or replace a server; header and env values of ******** keep what is stored',
      params: serverParams,
      body: { description: 'the mcp.json entry', contentType: 'application/json', schema: serverEntryBody },
      responses: {
        200: { description: 'Replaced', schema: serverViewSchema },
        201: { description: 'Created', schema: serverViewSchema },
        400: { ...ERROR_RESPONSES[400], ...error },
        409: { description: 'mcp.json does not parse', ...error },
      },
      handle: async ({ c, params, body }) => {
        const existing = registry.get(params.name);
        const entry = keepMasked(body, existing?.entry);
        const saved = await save(params.name, checkEntry(params.name, entry), true);
        return c.json(view(saved), existing ? 200 : 201);
      },
    }),
    route({
      method: 'delete',
      path: '/servers/:name',
      operationId: 'deleteServer',
      tag: 'servers',
      summary: 'Remove a server from mcp.json (its recorded messages are kept)',
      params: serverParams,
      responses: { 200: { description: 'Removed', schema: removedServerSchema }, 404: { ...ERROR_RESPONSES[404], ...error } },
      handle: async ({ c, params }) => {
        await ctx.deps.audit.apiChange(params.name, async () => {
          try {
            await deleteServer(paths.registry, params.name);
          } catch (failure) {
            throw registryFailure(failure, hidePath);
          }
          registry.reload();
        });
        return c.json({ removed: params.name });
      },
    }),
    route({
      method: 'get',
      path: '/servers/:name/health',
      operationId: 'serverHealth',
      tag: 'servers',
      summary: 'Whether the upstream answers: checked on demand with its configured headers, at most every 30 s',
      description:
        'HTTP servers get a JSON-RPC ping without a session: any HTTP answer (even 400/401/404) is `up`, a connection error or 5 s of silence is `down`. ' +
        'stdio servers report their process state. A status change is published as a `health` event.',
      params: serverParams,
      responses: { 200: { description: 'The health', schema: serverHealthSchema }, 404: { ...ERROR_RESPONSES[404], ...error } },
      handle: async ({ c, params }) => {
        find(params.name);
        const health = await ctx.health.check(params.name);
        if (!health) throw notFound(`no server named "${params.name}"`);
        return c.json(health);
      },
    }),
  ];
}

/** The registry's own validation, plus what only the API needs: a working folder that does not depend on where the gateway runs. */
function checkEntry(name: string, entry: Record<string, unknown>): ServerEntry {
  let valid: ServerEntry;
  try {
    valid = validateEntry(name, entry);
  } catch (failure) {
    throw badBody((failure as Error).message);
  }
  if (valid.cwd !== undefined && !isAbsolute(valid.cwd)) throw badBody(`cwd must be an absolute path (got ${JSON.stringify(valid.cwd)})`);
  return valid;
}

/** A GET, edited and PUT back, carries masked values: keep the stored ones for those. */
function keepMasked(entry: Record<string, unknown>, stored: ServerEntry | undefined): Record<string, unknown> {
  const out = { ...entry };
  for (const key of ['headers', 'env'] as const) {
    const given = entry[key] as Record<string, string> | undefined;
    if (!given) continue;
    const previous = stored?.[key] ?? {};
    out[key] = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === MASK && k in previous ? (previous[k] as string) : v]));
  }
  return out;
}

function registryFailure(failure: unknown, hidePath: (message: string) => string): unknown {
  if (failure instanceof RegistryInputError) {
    const message = failure.message;
    if (message.startsWith('no server named')) return new ApiFailure(404, 'not_found', message);
    if (message.includes('already exists')) return new ApiFailure(409, 'conflict', message);
    return badBody(message);
  }
  if (failure instanceof RegistryError) return new ApiFailure(409, 'registry_invalid', hidePath(failure.message));
  return failure;
}
