import { z } from 'zod';
import { apiErrorSchema, gatewayHealthSchema, namedSchemas } from './response-schemas.js';
import { descriptionOf, route, type RouteSpec } from './spec.js';

type Json = Record<string, unknown>;

/** JSON Schema of a query or path parameter, as the client sends it (strings before coercion). */
function parameterSchema(schema: z.ZodType): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return json;
}

/**
 * The OpenAPI 3.1 document, generated from the same route list and zod
 * schemas that validate requests. Response schemas are components, $ref'd.
 */
export function openApiDocument(routes: RouteSpec[], version: string): Json {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries(namedSchemas)) {
    registry.add(schema, { id: name });
    names.set(schema, name);
  }
  const components = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'output', unrepresentable: 'any' }) as {
    schemas: Record<string, Json>;
  };
  for (const schema of Object.values(components.schemas)) delete schema.$schema;
  const ref = (schema: z.ZodType): Json => {
    const name = names.get(schema);
    return name ? { $ref: `#/components/schemas/${name}` } : parameterSchema(schema);
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of routes) {
    const path = `/api${spec.path.replace(/:(\w+)/g, '{$1}')}`;
    const parameters: Json[] = [];
    for (const [location, schema] of [['path', spec.params], ['query', spec.query]] as const) {
      if (!schema) continue;
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        parameters.push({
          name,
          in: location,
          required: location === 'path' || !field.safeParse(undefined).success,
          description: descriptionOf(field),
          schema: parameterSchema(field),
        });
      }
    }
    if (spec.path === '/events') {
      parameters.push({ name: 'Last-Event-ID', in: 'header', required: false, description: 'resume after this message id', schema: { type: 'string' } });
    }
    const responses: Json = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema || response.contentType ? { content: { [contentType]: response.schema ? { schema: ref(response.schema) } : {} } } : {}),
      };
    }
    if (!responses['500']) responses['500'] = { description: 'Internal error (details only in the gateway log)', content: { 'application/json': { schema: ref(apiErrorSchema) } } };
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? { requestBody: { required: spec.body.optional !== true, description: spec.body.description, content: { [spec.body.contentType]: { schema: ref(spec.body.schema) } } } }
        : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'mcp-gateway API',
      version,
      description:
        'The REST API of a local MCP debugging gateway: recorded JSON-RPC messages, sessions, stats, a live event stream, export and import, and the server registry. ' +
        'Every error is {"error": {"code", "message"}}; the message names the bad parameter.',
    },
    servers: [{ url: '/' }],
    paths,
    components,
  };
}

/** GET /api/health and GET /api/openapi.json. */
export function metaRoutes(health: () => unknown, routes: () => RouteSpec[], version: string): RouteSpec[] {
  let document: Json | null = null;
  return [
    route({
      method: 'get',
      path: '/health',
      operationId: 'gatewayHealth',
      tag: 'gateway',
      summary: 'The gateway: version, and whether recording to storage works',
      responses: { 200: { description: 'Health', schema: gatewayHealthSchema } },
      handle: ({ c }) => c.json(health()),
    }),
    route({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApi',
      tag: 'gateway',
      summary: 'This document: OpenAPI 3.1, generated from the schemas that validate the requests',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
      handle: ({ c }) => {
        document ??= openApiDocument(routes(), version);
        return c.json(document);
      },
    }),
  ];
}
