// Each endpoint is declared once, as data: its zod schemas validate the
// request and also generate /api/openapi.json, so the document cannot drift
// from what the API accepts.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiFailure, badBody, badParameter } from './errors.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ResponseSpec {
  description: string;
  /** A schema registered in response-schemas.ts (named, so the document can $ref it). */
  schema?: z.ZodType;
  contentType?: string;
}

export interface BodySpec {
  description: string;
  contentType: 'application/json' | 'application/x-ndjson';
  /** For JSON bodies, validates the parsed body; for JSON Lines, documents one line. */
  schema: z.ZodType;
  /** An empty body is read as `{}` (every field of the schema optional). */
  optional?: boolean;
}

export interface Input<Q, P, B> {
  c: Context;
  query: Q;
  params: P;
  body: B;
}

export interface RouteSpec<Q extends z.ZodObject = z.ZodObject, P extends z.ZodObject = z.ZodObject, B extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Hono path under /api, e.g. `/messages/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  query?: Q;
  params?: P;
  body?: BodySpec & { schema: B };
  responses: Record<number, ResponseSpec>;
  handle(input: Input<z.output<Q>, z.output<P>, z.output<B>>): Response | Promise<Response>;
}

/** Keeps each route's handler typed by its own schemas while the list holds them all. */
export function route<Q extends z.ZodObject = z.ZodObject, P extends z.ZodObject = z.ZodObject, B extends z.ZodType = z.ZodType>(
  spec: RouteSpec<Q, P, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** A field's description, also when it was given before `.optional()`. */
export function descriptionOf(field: z.ZodType | undefined): string | undefined {
  let current: unknown = field;
  while (current instanceof z.ZodType) {
    if (current.description) return current.description;
    current = current instanceof z.ZodOptional || current instanceof z.ZodDefault ? current.unwrap() : undefined;
  }
  return undefined;
}

/** One line naming the parameter (or field) and what it must be. */
export function describeFailure(schema: z.ZodObject, error: z.ZodError, raw: Record<string, unknown>, what: 'parameter' | 'field'): string {
  const issue = error.issues[0];
  if (!issue) return `invalid ${what}`;
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(schema.shape);
    const names = issue.keys.map((k) => `"${k}"`).join(', ');
    return `unknown ${what}${issue.keys.length > 1 ? 's' : ''} ${names}; ${known.length ? `this endpoint takes: ${known.join(', ')}` : `this endpoint takes no ${what}s`}`;
  }
  const name = String(issue.path[0] ?? '');
  const expected = descriptionOf(schema.shape[name] as z.ZodType | undefined);
  const nested = issue.path.length > 1 ? issue.path.map(String).join('.') : name;
  if (!expected || issue.path.length > 1) return `${nested}: ${issue.message}`;
  // The description's first clause says what a value must be; the rest documents it.
  const must = expected.split(';')[0] as string;
  if (raw[name] === undefined) return `${name} is required: ${must}`;
  return `${name} must be ${must} (got ${show(raw[name])})`;
}

function parseQuery(c: Context, schema: z.ZodObject): unknown {
  const raw: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) throw badParameter(`${name} is given ${values.length} times; give it once`);
    raw[name] = values[0] ?? '';
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badParameter(describeFailure(schema, parsed.error, raw, 'parameter'));
  return parsed.data;
}

function parseParams(c: Context, schema: z.ZodObject): unknown {
  const raw = c.req.param() as Record<string, string>;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const message = describeFailure(schema, parsed.error, raw, 'parameter');
    // A path that names something in the wrong form names nothing: 404, with the reason.
    throw new ApiFailure(404, 'not_found', message);
  }
  return parsed.data;
}

async function parseJsonBody(c: Context, schema: z.ZodType, optional: boolean): Promise<unknown> {
  const raw = await c.req.text();
  const text = optional && raw.trim() === '' ? '{}' : raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badBody(`the body must be JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    const message = schema instanceof z.ZodObject ? describeFailure(schema, parsed.error, raw, 'field') : parsed.error.issues[0]?.message;
    throw badBody(message ?? 'invalid body');
  }
  return parsed.data;
}

/** Registers the routes, then 405 for a known path with another method, then 404 for anything else. */
export function mountRoutes(app: Hono, routes: RouteSpec[]): void {
  for (const spec of routes) {
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const query = spec.query ? parseQuery(c, spec.query) : {};
      const params = spec.params ? parseParams(c, spec.params) : {};
      const body = spec.body?.contentType === 'application/json' ? await parseJsonBody(c, spec.body.schema, spec.body.optional === true) : undefined;
      return spec.handle({ c, query, params, body } as Input<never, never, never>);
    });
  }
  const methods = new Map<string, string[]>();
  for (const spec of routes) methods.set(spec.path, [...(methods.get(spec.path) ?? []), spec.method.toUpperCase()]);
  for (const [path, allowed] of methods) {
    app.all(path, (c) => {
      c.header('Allow', allowed.join(', '));
      throw new ApiFailure(405, 'method_not_allowed', `${c.req.method} is not supported on /api${path}; use ${allowed.join(' or ')}`);
    });
  }
  app.all('*', (c) => {
    throw new ApiFailure(404, 'not_found', `No API endpoint ${c.req.method} ${c.req.path}; see GET /api/openapi.json`);
  });
}
